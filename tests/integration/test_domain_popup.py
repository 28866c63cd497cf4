#!/usr/bin/env python3
"""Issue 3: a guest's popup is drawn inside a 2 px frame in the domain colour."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, hex_color, wait_for

CONFIG = "[domain work]\ncolor = #4e9a06\n"
WORK = hex_color('4e9a06')
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)  # the popup colour: ~ffffff
POPUP_BORDER = 2


def main():
    harness.require('grim')
    with Cordon(config=CONFIG) as c:
        cl, win = c.test_window('g', domain='work', color='ffffff', size='400x300')
        cl.send('popup 100 80 120 90')
        m = cl.expect(r'^popup-configure (-?\d+) (-?\d+) (-?\d+) (-?\d+)$')
        check_eq(tuple(int(v) for v in m.groups()), (100, 80, 120, 90),
                 'popup-configure of a guest popup that fits')
        cl.expect(r'^popup-ready$')
        px, py, pw, ph = win['x'] + 100, win['y'] + 80, 120, 90

        def drawn():
            s = c.screenshot()
            return s if s.pixel(px + pw // 2, py + ph // 2) == BLACK else None
        shot = wait_for(drawn, 5, what='the popup drawn at its configured place')
        for qx, qy in [(px, py), (px + pw - 1, py + ph - 1)]:
            check_eq(shot.pixel(qx, qy), BLACK, f'popup corner ({qx},{qy})')
        for d in range(1, POPUP_BORDER + 1):
            for side, qx, qy in [('left', px - d, py + ph // 2),
                                 ('right', px + pw - 1 + d, py + ph // 2),
                                 ('top', px + pw // 2, py - d),
                                 ('bottom', px + pw // 2, py + ph - 1 + d)]:
                got = shot.pixel(qx, qy)
                check(got == WORK, f'popup {side} frame pixel ({qx},{qy}) is {got}, '
                                   f'expected the domain colour {WORK}')
        got = shot.pixel(px - POPUP_BORDER - 2, py + ph // 2)
        check_eq(got, WHITE, 'parent content just outside the popup frame')


harness.main(main)
