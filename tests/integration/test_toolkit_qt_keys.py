#!/usr/bin/env python3
"""Issue 8: keys and a Qt 6 program.

- Qt gets an xkb keymap on its wl_keyboard, never "no keymap" (Qt logs
  "unknown keymap format: 0"), even when it starts while a virtual
  keyboard without a keymap yet is plugged in (a keyboard without a keymap
  must not become the seat's).
- A key held down in Qt when a prompt appears, and released while the
  prompt is up, produces no repeat in Qt afterwards: cordon releases the
  keys a client holds when a prompt takes the keyboard (before, qterminal
  saw a press without its release and repeated it without end).
- When a prompt vanishes without a key (its source went away), the Y the
  user was typing for it does not reach Qt; a moment later Y is an
  ordinary key again."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, fail, wait_for
import cliptest
from cliptest import A, B
from toolkit import require_qt, start_qt

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = cliptest.config()


def key_lines(qt, start):
    return [l for l in qt.lines[start:] if l.startswith('key ')]


def main():
    require_qt()
    with cliptest.desk(CONFIG) as (c, desk):
        ev = desk.events

        # --- a virtual keyboard without a keymap does not become the seat's ---
        bare = c.spawn([sys.executable, os.path.join(TOP, 'vkeyboard.py')], name='vkeyboard')
        bare.expect(r'^ready$', timeout=10)
        qt, win = start_qt(c, B, 'qt-keys')
        desk.keys('k')
        qt.expect(r'^key press \d+ first$', timeout=5)
        qt.expect(r'^key release \d+ first$', timeout=5)
        bare.send('quit')
        bare.wait_exit(5)
        err = qt.stderr()
        check('unknown keymap format' not in err and 'keymap' not in err.lower(),
              f'Qt complained about its keymap: {err[-1500:]!r}')

        desk.window(A)
        desk.copy(A, 'held key text')
        c.ipc_ok({'cmd': 'focus', 'id': win['id']})
        c.wait_focused(win['id'])
        qt.expect(r'^focus in$', timeout=10)

        # --- a key held when the prompt appears repeats no more ---
        start = len(qt.lines)
        # a held 3.5 s: Qt starts repeating it after [keyboard] repeat-delay.
        holder = c.spawn(['wtype', '-P', 'a', '-s', '3500', '-p', 'a'], name='hold-a',
                         stdin=False)
        wait_for(lambda: any(l.endswith(' repeat') for l in key_lines(qt, start)), 5,
                 what='Qt to repeat the held key before the prompt')
        mark = ev.mark()
        qt.send('paste')
        new = ev.wait(lambda e: e.get('event') == 'prompt' and e.get('change') == 'new', 10,
                      'the prompt', since=mark)
        # Qt is stuck in its read for up to two seconds; then it handles
        # the release cordon sent when the prompt appeared.
        qt.expect(r'^pasted', timeout=10)
        time.sleep(0.3)
        settled = len(qt.lines)
        holder.wait_exit(10)  # the real release comes while the prompt is up
        time.sleep(1.0)
        during = key_lines(qt, settled)
        check_eq(during, [], 'key events Qt got while the prompt was up')
        check(desk.prompts(), 'the prompt went away with the key')
        c.ipc_ok({'cmd': 'answer', 'id': new['id'], 'decision': 'deny'})
        desk.wait_no_prompt()
        after = len(qt.lines)
        time.sleep(1.5)
        check_eq(key_lines(qt, after), [], 'key events (repeats) in Qt after the prompt closed')
        # The held key ended in a release Qt saw: the last event of 'a' is a release.
        keys = key_lines(qt, start)
        check(keys and keys[-1].startswith('key release'),
              f'the last key event Qt got for the held key: {keys[-3:]!r}')

        # The keyboard is Qt's again.
        desk.keys('k')
        qt.expect(r'^key press \d+ first$', timeout=5)

        # --- a prompt withdrawn just before the user answers ---
        wa = desk.window(A)
        wa.proc.send('copy from a client about to go')
        wa.proc.expect(r'^copy-done$')
        c.ipc_ok({'cmd': 'focus', 'id': win['id']})
        c.wait_focused(win['id'])
        qt.expect(r'^focus in$', timeout=10)
        mark = ev.mark()
        qt.send('paste')
        new = ev.wait(lambda e: e.get('event') == 'prompt' and e.get('change') == 'new', 10,
                      'the prompt about a source about to go', since=mark)
        wa.proc.expect(r'^source-send ')
        time.sleep(0.6)
        wa.proc.kill()
        ev.wait(lambda e: e.get('event') == 'prompt' and e.get('id') == new['id'] and
                e.get('change') == 'withdrawn', 5, 'the prompt to be withdrawn', since=mark)
        gone = time.monotonic()
        start = len(qt.lines)
        desk.keys('y')
        took = time.monotonic() - gone
        check(took < 1.2, f'typing Y took {took:.2f} s after the withdrawal: too slow to '
              'test the key meant for the prompt')
        qt.expect(r'^pasted', timeout=10)
        time.sleep(0.5)
        check_eq(key_lines(qt, start), [], 'keys Qt got right after the prompt vanished')
        time.sleep(1.5)
        desk.keys('y')
        qt.expect(r'^key press \d+ first$', timeout=5)


harness.main(main)
