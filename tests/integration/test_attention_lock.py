#!/usr/bin/env python3
"""Issue 16 item 2: the secure-attention overlay is inert while the session
is locked. An overlay that is up when the lock begins ends with it (it
does not come back over the desktop at the unlock), and Super+I pressed at
the lock screen draws nothing, then or after the unlock."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
import hostwire
from harness import Cordon, check, check_eq, wait_for

CONFIG = """\
[domain work]
color = #d55e00
"""
LOCKER = (0, 0xcc, 0)
WHITE = (255, 255, 255)


def main():
    harness.require('grim', 'wtype')
    with Cordon(config=CONFIG) as c:
        w = c.spawn_client(['--color', 'ffffff', '--size', '300x200', '--title', 'w'],
                           domain='work', name='work')
        w.expect(r'^ready$')
        win = c.wait_window(title='w')
        c.wait_focused(win['id'])
        centre = (win['x'] + 150, win['y'] + 100)
        wait_for(lambda: c.screenshot().pixel(*centre) == WHITE, 5, what='window drawn')
        c.wtype('-M', 'logo', '-k', 'i', '-m', 'logo')
        wait_for(lambda: c.screenshot().pixel(*centre) != WHITE, 5, what='the overlay')

        locker = hostwire.host_locker(c)
        check_eq(locker.lock(), 'locked', 'the test locker')
        wait_for(lambda: c.screenshot().pixel(10, 10) == LOCKER, 5, what='the locker shown')
        c.wtype('-M', 'logo', '-k', 'i', '-m', 'logo')
        # The key has been handled once a later client's round trip is.
        c.run(['wayland-info'])
        locker.unlock()
        shot = wait_for(lambda: (lambda s: s if s.pixel(10, 10) != LOCKER else None)(
            c.screenshot()), 5, what='the desktop back after the unlock')
        c.run(['wayland-info'])
        shot = c.screenshot()
        check_eq(shot.pixel(*centre), WHITE,
                 'the window centre after the unlock (the overlay must be gone)')
        check(c.alive(), 'cordon died')


harness.main(main)
