#!/usr/bin/env python3
"""Issue 8 item 3, without a toolkit: a paste whose target stops waiting
(here wl-paste killed while the prompt is up) leaves the prompt up and
marked target_gone; allowing it then grants the target domain the same
selection for [clipboard] grant (1 s here): a paste within it goes through
without a prompt, recorded as "grant"; the grant expires (a "grant"
event "ended"), and the next paste is asked about again. A prompt that
times out unanswered leaves no grant."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq
import cliptest
from cliptest import A, B, Desk

CONFIG = cliptest.config({'grant': '1500ms', 'timeout': '3s'})
TEXT = 'granted once asked'


def main():
    with cliptest.desk(CONFIG) as (c, desk):
        ev = desk.events
        desk.copied(A, TEXT, B)

        # --- the target gives up; the prompt stays ---
        mark = ev.mark()
        paste = desk.paste_async(B)
        pr = desk.wait_prompt()
        os.killpg(paste.proc.pid, signal.SIGKILL)  # wl-paste and its cat
        ev.wait(lambda e: e.get('event') == 'prompt' and e.get('id') == pr['id'] and
                e.get('change') == 'target-gone', 5, 'the prompt to learn the target left',
                since=mark)
        time.sleep(0.3)
        ps = desk.prompts()
        check(len(ps) == 1 and ps[0]['id'] == pr['id'] and ps[0]['target_gone'],
              f'the prompt must stay up, marked target_gone: {ps!r}')

        # --- allowed: a grant, used by the next paste without a prompt ---
        c.ctl('allow', str(pr['id']))
        g = ev.wait(lambda e: e.get('event') == 'grant' and e.get('change') == 'new', 5,
                    'the grant', since=mark)
        check_eq((g['from'], g['to'], g['decision'], g['kind']), (A, B, 'allow', 'clipboard'),
                 f'the grant {g!r}')
        grants = c.ipc_ok({'cmd': 'transfers'})['grants']
        check(len(grants) == 1 and 0 < grants[0]['expires_in_ms'] <= 1500,
              f'IPC transfers grants: {grants!r}')
        mark2 = ev.mark()
        rc, data = desk.paste(B)
        check_eq(data.decode(), TEXT, 'what beta pasted within the grant')
        check(ev.find(lambda e: e.get('event') == 'prompt', since=mark2) is None,
              'a paste within the grant was asked about')
        check_eq(desk.transfers()[-1]['decision'], 'grant', 'the record of the granted paste')

        # --- it expires ---
        ended = ev.wait(lambda e: e.get('event') == 'grant' and e.get('change') == 'ended',
                        5, 'the grant to expire', since=mark)
        check_eq(ended['uses'], 1, f'the ended grant {ended!r}')
        check_eq(c.ipc_ok({'cmd': 'transfers'})['grants'], [], 'grants after expiry')
        mark3 = ev.mark()
        paste = desk.paste_async(B)
        pr2 = desk.wait_prompt()
        check(pr2['id'] != pr['id'], 'a new question after the grant expired')

        # --- a prompt left to time out grants nothing ---
        os.killpg(paste.proc.pid, signal.SIGKILL)  # wl-paste and its cat
        ev.wait(lambda e: e.get('event') == 'prompt' and e.get('id') == pr2['id'] and
                e.get('change') == 'answered', 6, 'the unanswered prompt to time out',
                since=mark3)
        time.sleep(0.2)
        check(ev.find(lambda e: e.get('event') == 'grant', since=mark3) is None,
              'a timed-out prompt left a grant')


harness.main(main)
