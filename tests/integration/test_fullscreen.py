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


def check_fullscreen(c, cl, win_id):
    w, h = cl.expect_configure('fullscreen', True)[:2]
    check_eq((w, h), (OW, OH), 'fullscreen configure size')
    wait_for(lambda: c.find_windows(id=win_id, fullscreen=True, x=0, y=0,
                                    width=OW, height=OH), 5,
             what=f'IPC fullscreen true at 0,0 {OW}x{OH} '
                  f'(windows: {c.windows()!r})')

    shot = c.wait_pixel(OW - 1, OH - 1, RED, 'red in the output\'s bottom-right corner')
    for px, py in [(0, 0), (OW - 1, 0), (0, OH - 1), (OW // 2, OH // 2)]:
        got = shot.pixel(px, py)
        check(got == RED, f'fullscreen pixel ({px},{py}) is {got}, expected red')


def main():
    harness.require('grim', 'wtype')
    with Cordon() as c:
        cl, before = c.test_window('fs', color='ff0000', size='300x200')
        c.wait_focused(before['id'])

        c.state_round_trip(cl, before, 'fullscreen', lambda: cl.send('fullscreen'),
                           lambda: cl.send('unfullscreen'), check_fullscreen)
        c.state_round_trip(cl, before, 'fullscreen',
                           lambda: c.wtype('-M', 'logo', '-k', 'f', '-m', 'logo'),
                           lambda: c.wtype('-M', 'logo', '-k', 'Escape', '-m', 'logo'),
                           check_fullscreen)
        check(not cl.seen(r'^key '),
              f'a fullscreen key binding reached the client: {cl.lines!r}')


harness.main(main)
