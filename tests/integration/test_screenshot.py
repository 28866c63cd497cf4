#!/usr/bin/env python3
"""A red test client shows red pixels exactly where IPC says its content is."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, wait_for, OUTPUT_SIZE

RED = (255, 0, 0)


def main():
    harness.require('grim')
    with Cordon() as c:
        cl = c.spawn_client(['--color', 'ff0000', '--size', '320x200',
                             '--title', 'red'])
        m = cl.expect(r'^configure (\d+) (\d+)')
        want = (int(m.group(1)) or 320, int(m.group(2)) or 200)
        cl.expect(r'^ready$')
        win = c.wait_window(title='red')
        x, y, w, h = win['x'], win['y'], win['width'], win['height']
        check((w, h) == want,
              f'IPC size {w}x{h}, expected {want[0]}x{want[1]} (configure, else --size)')
        check(x >= 0 and y >= 0 and x + w <= OUTPUT_SIZE[0] and y + h <= OUTPUT_SIZE[1],
              f'window {win!r} does not lie inside the {OUTPUT_SIZE} output')

        cx, cy = x + w // 2, y + h // 2
        shot = wait_for(lambda: (lambda s: s if s.pixel(cx, cy) == RED else None)(
            c.screenshot()), 5, what=f'red at the window centre ({cx},{cy})')
        check((shot.width, shot.height) == OUTPUT_SIZE,
              f'screenshot is {shot.width}x{shot.height}, expected {OUTPUT_SIZE}')

        inside = [(x, y), (x + w - 1, y), (x, y + h - 1), (x + w - 1, y + h - 1),
                  (cx, cy), (x + w // 4, y + h // 4), (x + 3 * w // 4, y + 3 * h // 4)]
        for px, py in inside:
            got = shot.pixel(px, py)
            check(got == RED, f'pixel ({px},{py}) inside the content {win!r} is {got}, '
                              f'expected {RED}')

        # Just outside the content on three sides (the top is the titlebar).
        edges = [(x - 1, cy), (x + w, cy), (cx, y + h), (cx, y - 1)]
        for px, py in edges:
            if 0 <= px < shot.width and 0 <= py < shot.height:
                got = shot.pixel(px, py)
                check(got != RED, f'pixel ({px},{py}) just outside the content '
                                  f'{win!r} is red: IPC geometry is not the content area')

        # Well outside: the output corner farthest from the window.
        fx = 5 if cx > OUTPUT_SIZE[0] // 2 else OUTPUT_SIZE[0] - 6
        fy = 5 if cy > OUTPUT_SIZE[1] // 2 else OUTPUT_SIZE[1] - 6
        got = shot.pixel(fx, fy)
        check(got != RED, f'pixel ({fx},{fy}) far from the window is red')


harness.main(main)
