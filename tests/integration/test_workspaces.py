#!/usr/bin/env python3
"""Workspaces: Super+2 hides the window of workspace 1, Super+1 shows it
again, Super+Shift+3 moves the focused window to workspace 3."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, wait_for

RED = (255, 0, 0)


def main():
    harness.require('grim', 'wtype')
    with Cordon() as c:
        cl, win = c.test_window('ws', color='ff0000', size='300x200', workspace=1)
        c.wait_focused(win['id'])
        cx, cy = win['x'] + 150, win['y'] + 100

        def color_is(want_red):
            def probe():
                s = c.screenshot()
                return s if (s.pixel(cx, cy) == RED) == want_red else None
            return probe

        wait_for(color_is(True), 5, what='the window visible on workspace 1')
        c.wtype('-M', 'logo', '-k', '2', '-m', 'logo')
        wait_for(color_is(False), 5, what='the window hidden after Super+2')
        check(c.find_windows(id=win['id'], workspace=1),
              f'the window left workspace 1: {c.windows()!r}')
        c.wtype('-M', 'logo', '-k', '1', '-m', 'logo')
        wait_for(color_is(True), 5, what='the window shown again after Super+1')

        c.wait_focused(win['id'])
        c.wtype('-M', 'logo', '-M', 'shift', '-k', '3', '-m', 'shift', '-m', 'logo')
        wait_for(lambda: c.find_windows(id=win['id'], workspace=3), 5,
                 what='IPC workspace 3 after Super+Shift+3')
        wait_for(color_is(False), 5, what='the moved window gone from workspace 1')
        c.wtype('-M', 'logo', '-k', '3', '-m', 'logo')
        wait_for(color_is(True), 5, what='the moved window visible on workspace 3')
        check(not cl.seen(r'^key '), f'workspace bindings reached the client: {cl.lines!r}')


harness.main(main)
