#!/usr/bin/env python3
"""Two overlapping windows: clicking the one below focuses it (IPC and
keyboard-enter), raises it over the other (pixels) and keys then go to it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, BORDER, BTN_LEFT

RED = (255, 0, 0)
BLUE = (0, 0, 255)
TITLEBAR_MAX = 48


def inside(px, py, rect, margin=0):
    x0, y0, x1, y1 = rect
    return x0 - margin <= px < x1 + margin and y0 - margin <= py < y1 + margin


def main():
    harness.require('grim', 'wlrctl', 'wtype')
    with Cordon() as c:
        # A is too big for B to fit beside it on 1280x720, and B too small to
        # cover all of A, wherever they are placed.
        a = c.spawn_client(['--color', 'ff0000', '--size', '900x500', '--title', 'A'],
                           name='A')
        a.expect(r'^ready$')
        a.expect(r'^keyboard-enter$')
        b = c.spawn_client(['--color', '0000ff', '--size', '400x250', '--title', 'B'],
                           name='B')
        b.expect(r'^ready$')
        b.expect(r'^keyboard-enter$')
        a.expect(r'^keyboard-leave$')
        wa = c.wait_window(title='A')
        wb = c.wait_window(title='B')
        c.wait_focused(wb['id'])

        # Where both contents overlap, B (newer, focused) is on top.
        ix0, iy0 = max(wa['x'], wb['x']), max(wa['y'], wb['y'])
        ix1 = min(wa['x'] + wa['width'], wb['x'] + wb['width'])
        iy1 = min(wa['y'] + wa['height'], wb['y'] + wb['height'])
        check(ix1 - ix0 > 4 and iy1 - iy0 > 4,
              f'expected a 400x250 window to overlap a 900x500 one: A {wa!r}, B {wb!r}')
        ox, oy = (ix0 + ix1) // 2, (iy0 + iy1) // 2

        c.wait_pixel(ox, oy, BLUE, f'B (blue) on top at the overlap ({ox},{oy})')

        # A point of A's content that B's frame does not cover.
        b_frame = (wb['x'] - BORDER, wb['y'] - BORDER - TITLEBAR_MAX,
                   wb['x'] + wb['width'] + BORDER, wb['y'] + wb['height'] + BORDER)
        spot = None
        for py in range(wa['y'] + 5, wa['y'] + wa['height'] - 5, 10):
            for px in range(wa['x'] + 5, wa['x'] + wa['width'] - 5, 10):
                if not inside(px, py, b_frame, margin=4):
                    spot = (px, py)
                    break
            if spot:
                break
        check(spot is not None, f'A is completely covered by B: A {wa!r}, B {wb!r}')
        shot = c.screenshot()
        check(shot.pixel(*spot) == RED,
              f'expected A (red) visible at {spot}, saw {shot.pixel(*spot)}')

        a.skip_pending()
        b.skip_pending()
        c.click(*spot)
        m = a.expect(r'^pointer-enter (-?\d+) (-?\d+)')
        sx, sy = int(m.group(1)), int(m.group(2))
        check(abs(sx - (spot[0] - wa['x'])) <= 1 and abs(sy - (spot[1] - wa['y'])) <= 1,
              f'pointer-enter at surface ({sx},{sy}), expected about '
              f'({spot[0] - wa["x"]},{spot[1] - wa["y"]}): the pointer is not where '
              f'the window is said to be')
        a.expect(rf'^button {BTN_LEFT} pressed$')
        a.expect(rf'^button {BTN_LEFT} released$')
        a.expect(r'^keyboard-enter$')
        b.expect(r'^keyboard-leave$')
        c.wait_focused(wa['id'])
        check(not b.seen(r'^button '), f'B got a button event: {b.lines!r}')

        # Raised: A now covers the overlap.
        c.wait_pixel(ox, oy, RED, f'A (red) raised over B at the overlap ({ox},{oy})')

        # Keys go to A only.
        a.skip_pending()
        b.skip_pending()
        c.wtype('x')
        a.expect(r'^key \d+ pressed$')
        a.expect(r'^key \d+ released$')
        b.expect_not(r'^key ', within=0.3)


harness.main(main)
