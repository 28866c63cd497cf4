#!/usr/bin/env python3
"""Issue 10 item 3: focus moves in one step, without a detour.

Workspace 2 holds beta's window (its most recently used) and gamma's.
Alpha's window is focused on workspace 1 and alpha has a selection, so any
window that gets keyboard focus is sent a selection offer. Focusing gamma's
window over IPC shows workspace 2 and focuses gamma's window; beta's window
must get no keyboard enter, no selection offer and no IPC focus event on
the way (before, showing the workspace focused beta's window first).
The user's own switch (Super+2) then picks beta's window, the MRU."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq
import cliptest

CONFIG = cliptest.config(clipboard={'default': 'allow'})
MOVE_TO_2 = ('-M', 'logo', '-M', 'shift', '-k', '2', '-m', 'shift', '-m', 'logo')


def window(c, domain, title):
    p = c.spawn_client(['--size', '200x150', '--color', 'ffffff', '--title', title],
                       domain=domain, name=title)
    p.expect(r'^ready$')
    return p, c.wait_window(title=title)


def main():
    harness.require('wtype')
    with Cordon(config=CONFIG) as c:
        # gamma's window, then beta's, each moved to workspace 2 while focused.
        pg, wg = window(c, cliptest.C, 'gamma')
        c.wait_focused(wg['id'])
        c.wtype(*MOVE_TO_2)
        cliptest.wait_for(lambda: c.find_windows(id=wg['id'], workspace=2), 5,
                          what='gamma on workspace 2')
        pb, wb = window(c, cliptest.B, 'beta')
        c.wait_focused(wb['id'])
        c.wtype(*MOVE_TO_2)
        cliptest.wait_for(lambda: c.find_windows(id=wb['id'], workspace=2), 5,
                          what='beta on workspace 2')

        pa, wa = window(c, cliptest.A, 'alpha')
        c.wait_focused(wa['id'])
        pa.expect(r'^keyboard-enter$')
        pa.send('copy alpha-text')
        pa.expect(r'^copy-done$')
        pa.expect_not(r'^source-cancelled$', within=0.3)
        for p in (pb, pg):
            p.send('watch-selection')
            p.expect(r'^watching-selection$')
            p.skip_pending()

        events = cliptest.Events(c)
        mark = events.mark()
        c.ipc_ok({'cmd': 'focus', 'id': wg['id']})
        c.wait_focused(wg['id'])
        pg.expect(r'^keyboard-enter$')
        pg.expect(r'^selection offer$')
        events.wait(lambda e: e.get('change') == 'focus' and e.get('id') == wg['id'], 5,
                    'the focus event for gamma', since=mark)
        # Beta's window: no enter, no offer, nothing that says it was focused.
        pb.expect_not(r'^(keyboard-enter|selection offer|configure .*activated)$',
                      within=0.5)
        stray = events.find(lambda e: e.get('change') == 'focus' and e.get('id') != wg['id'],
                            since=mark)
        check(stray is None, f'a focus event for another window on the way: {stray!r}')
        check_eq(c.windows()[0]['id'], wg['id'], 'most recently used window')

        # The user's switch picks a window: back to 1 gives alpha, then 2
        # gives gamma (the most recently used there now).
        c.wtype('-M', 'logo', '-k', '1', '-m', 'logo')
        c.wait_focused(wa['id'])
        c.wtype('-M', 'logo', '-k', '2', '-m', 'logo')
        c.wait_focused(wg['id'])
        pb.expect_not(r'^keyboard-enter$', within=0.3)
        events.close()


harness.main(main)
