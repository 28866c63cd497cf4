#!/usr/bin/env python3
"""Issue 4: a prompt about data whose source goes away is withdrawn: it
disappears from `prompts` (and from the screen), an event says so, the
waiting paste gets nothing, and the record says ask-withdrawn. Both for a
client killed outright and for wl-copy terminated while the prompt is up;
the next prompt then shows and works as usual."""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for
import cliptest
from cliptest import A, B, Desk, RGB

CONFIG = cliptest.config()  # default ask


def withdrawn(desk, pid, paste, what):
    desk.wait_no_prompt()
    ev = desk.events.wait(lambda e: e.get('event') == 'prompt' and e.get('id') == pid and
                          e.get('change') != 'new', 5, f'the end of prompt {pid}')
    check_eq(ev.get('change'), 'withdrawn', f'how prompt {pid} ended ({what})')
    rc, data = paste.wait(10)
    check_eq(data, b'', f'what beta received once {what}')
    t = desk.wait_transfers(1)[-1]
    check_eq((t['from'], t['to'], t['decision'], t['bytes']), (A, B, 'ask-withdrawn', 0),
             f'the record once {what}: {t!r}')


def main():
    with cliptest.desk(CONFIG, 'grim') as (c, desk):
        # 1. The test client's own source; the client is killed.
        wa = desk.window(A)
        wa.proc.send('copy from a client about to die')
        wa.proc.expect(r'^copy-done$')
        desk.window(B)
        paste = desk.paste_async(B)
        pid = desk.wait_prompt()['id']
        wa.proc.expect(r'^source-send ')
        check(cliptest.find_prompt_box(c.screenshot(), RGB[B]) is not None,
              'no prompt on screen')
        os.kill(wa.proc.pid, signal.SIGKILL)
        withdrawn(desk, pid, paste, 'the source client was killed')
        wait_for(lambda: cliptest.find_prompt_box(c.screenshot(), RGB[B]) is None, 3,
                 what='the withdrawn prompt to leave the screen')

        # 2. wl-copy, terminated while its prompt is up.
        desk.focus(desk.window(A))
        cp = desk.copy(A, 'from a wl-copy about to be terminated')
        desk.focus(desk.window(B))
        n = len(desk.transfers())
        paste = desk.paste_async(B)
        pid2 = desk.wait_prompt()['id']
        cp.kill()
        withdrawn(desk, pid2, paste, 'wl-copy was terminated')
        check_eq(len(desk.transfers()), n + 1, 'records after the second withdrawal')

        # 3. The next prompt works as usual.
        desk.focus(desk.window(A))
        desk.copy(A, 'a source that stays')
        desk.focus(desk.window(B))
        paste = desk.paste_async(B)
        pr = desk.wait_prompt()
        check(pr['id'] not in (pid, pid2), f'a withdrawn prompt came back: {pr!r}')
        c.ctl('allow', str(pr['id']))
        check_eq(paste.wait(10)[1].decode(), 'a source that stays', 'the paste after allow')


harness.main(main)
