#!/usr/bin/env python3
"""Fullscreen of a host window: by request, by Super+F; it covers the whole
output; Super+Escape leaves it and the old geometry comes back."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for, OUTPUT_SIZE

RED = (255, 0, 0)
OW, OH = OUTPUT_SIZE


def expect_configure(cl, fullscreen):
    return cl.expect_configure('fullscreen', fullscreen)[:2]


def check_fullscreen(c, cl, win_id):
    w, h = expect_configure(cl, True)
    check_eq((w, h), (OW, OH), 'fullscreen configure size')
    wait_for(lambda: c.find_windows(id=win_id, fullscreen=True, x=0, y=0,
                                    width=OW, height=OH), 5,
             what=f'IPC fullscreen true at 0,0 {OW}x{OH} '
                  f'(windows: {c.windows()!r})')

    def probe():
        s = c.screenshot()
        return s if s.pixel(OW - 1, OH - 1) == RED else None
    shot = wait_for(probe, 5, what='red in the output\'s bottom-right corner')
    for px, py in [(0, 0), (OW - 1, 0), (0, OH - 1), (OW // 2, OH // 2)]:
        got = shot.pixel(px, py)
        check(got == RED, f'fullscreen pixel ({px},{py}) is {got}, expected red')


def check_restored(c, cl, before):
    w, h = expect_configure(cl, False)
    want = (w or 300, h or 200)
    check_eq(want, (before['width'], before['height']), 'size after leaving fullscreen')
    win = wait_for(lambda: c.find_windows(id=before['id'], fullscreen=False,
                                          width=want[0], height=want[1]), 5,
                   what='IPC fullscreen false with the old size')[0]
    check_eq((win['x'], win['y']), (before['x'], before['y']),
             'position after leaving fullscreen')


def main():
    harness.require('grim', 'wtype')
    with Cordon() as c:
        cl, before = c.client_window(['--color', 'ff0000', '--size', '300x200', '--title', 'fs'],
                                     title='fs')
        c.wait_focused(before['id'])

        cl.skip_pending()
        cl.send('fullscreen')
        check_fullscreen(c, cl, before['id'])
        cl.skip_pending()
        cl.send('unfullscreen')
        check_restored(c, cl, before)

        cl.skip_pending()
        c.wtype('-M', 'logo', '-k', 'f', '-m', 'logo')
        check_fullscreen(c, cl, before['id'])
        cl.skip_pending()
        c.wtype('-M', 'logo', '-k', 'Escape', '-m', 'logo')
        check_restored(c, cl, before)
        check(not cl.seen(r'^key '),
              f'a fullscreen key binding reached the client: {cl.lines!r}')


harness.main(main)
