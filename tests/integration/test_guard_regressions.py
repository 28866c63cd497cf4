#!/usr/bin/env python3
"""Regressions found in review: (1) a guest window mapping while a host
window is fullscreen crashed cordon; (2) a focused guest pasting in a loop
under `ask` queued prompts without bound and held the keyboard. Now the
newcomer is only marked urgent, and pastes of one selection by one target
domain share one question (a toolkit asking type after type, or a loop,
gets one prompt, not one per paste); one N denies them all. (Distinct
selections still queue at most 3 questions per target.)"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

CONFIG = harness.domain_config(a='blue', b={'color': 'green', 'paste-from.a': 'ask'})


def main():
    harness.require('wl-copy', 'wl-paste', 'wtype')
    with Cordon(config=CONFIG) as c:
        # (1) host fullscreen, then a guest window maps.
        h, wh = c.test_window('h', color='ffffff', size='300x200', name='host')
        c.wait_focused(wh['id'])
        h.send('fullscreen')
        h.expect(r'^configure \d+ \d+ .*\bfullscreen\b')
        wait_for(lambda: c.find_windows(id=wh['id'], fullscreen=True), 5,
                 what='the host window fullscreen')
        g, wg = c.test_window('g', domain='a', color='ffffff', size='200x100', name='guest-a')
        c.check_alive('after a guest mapped over a fullscreen host window')
        check(c.find_windows(id=wh['id'], fullscreen=True, focused=True),
              f'the fullscreen host window must keep focus: {c.windows()!r}')
        check_eq(c.find_windows(id=wg['id'])[0].get('urgent'), True,
                 'the guest window is marked urgent')

        # (2) a flood of pastes from b of a's data.
        c.ipc_ok({'cmd': 'focus', 'id': wg['id']})
        c.wait_focused(wg['id'])
        # wl-copy forks a server that keeps its output open: wait for the parent only.
        copy = c.spawn(['wl-copy', 'from a'], domain='a', name='wl-copy', stdin=False)
        check_eq(copy.wait_exit(10), 0, 'wl-copy in a')
        bw, wb = c.test_window('bw', domain='b', color='ffffff', size='200x100', name='guest-b')
        c.ipc_ok({'cmd': 'focus', 'id': wb['id']})
        c.wait_focused(wb['id'])
        def prompts():
            return c.ipc_ok({'cmd': 'prompts'})['prompts']

        # The first paste asks; the rest join its question. One at a time:
        # each wl-paste's window closes as it pastes, and focus moving on
        # meanwhile would leave the next one a dead offer.
        queued = []
        for i in range(5):
            queued.append(c.spawn(['wl-paste', '-n'], domain='b', name=f'paste{i}',
                                  stdin=False))
            wait_for(lambda: [p.get('pastes') for p in prompts()] == [i + 1], 10,
                     what=f'one prompt that {i + 1} paste(s) wait on')
        for p in queued:
            check(p.running(), f'{p.name} must wait for the answer')
        time.sleep(0.6)  # the keyboard quiet for the prompt's input guard
        c.wtype('-k', 'n')
        wait_for(lambda: not prompts(), 5, what='one N to deny every paste of the flow')
        for p in queued:
            p.wait_exit(10)
            check_eq(''.join(p.lines), '', f'{p.name} must get nothing')
        # The keyboard is the focused window's again.
        bw.skip_pending()
        c.wtype('-k', 'x')
        bw.expect(r'^key \d+ pressed$')


harness.main(main)
