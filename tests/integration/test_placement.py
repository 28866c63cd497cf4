#!/usr/bin/env python3
"""Issue 8 item 2: placement inside the output.

- New toplevels are told the largest size that fits (configure_bounds).
- Windows that fit go to the first free spot without overlap: four
  560x300 windows on an empty 1280x720 output overlap nothing and lie
  inside it (two rows of two); with no free spot left, the fifth
  cascades and still lies inside the output.
- A window larger than the output gets a configure that fits and, once it
  committed it, lies inside the output with its frame.
- A window whose minimum size is larger than the output keeps its
  minimum, and its titlebar and left edge stay on screen.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geomcheck as g
import harness
from harness import Cordon, check, check_eq, hex_color, BORDER, OUTPUT_SIZE

CONFIG = "[domain work]\ncolor = #4e9a06\n"
OW, OH = OUTPUT_SIZE


def outer(win, tb):
    return (win['x'] - BORDER, win['y'] - BORDER - tb,
            win['x'] + win['width'] + BORDER, win['y'] + win['height'] + BORDER)


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(box):
    return box[0] >= 0 and box[1] >= 0 and box[2] <= OW and box[3] <= OH


def main():
    harness.require('grim')
    with Cordon(config=CONFIG) as c:
        tb = None
        boxes = []
        for i in range(5):
            cl = c.spawn_client(['--title', f'w{i}', '--size', '560x300', '--color', 'ffffff'],
                                domain='work', name=f'w{i}')
            m = cl.expect(r'^bounds (\d+) (\d+)$')
            bw, bh = int(m.group(1)), int(m.group(2))
            cl.expect(r'^ready$')
            win = c.wait_window(title=f'w{i}')
            if tb is None:
                tb = g.titlebar_height(c.screenshot(), win, hex_color('4e9a06'), 1)
                check(8 <= tb <= 48, f'titlebar height {tb}')
                check_eq((bw, bh), (OW - 2 * BORDER, OH - 2 * BORDER - tb),
                         'configure_bounds: the output less the frame')
            box = outer(win, tb)
            harness.log(f'w{i}: frame {box}')
            check(inside(box), f'w{i}: frame {box} not inside the output')
            if i < 4:
                for j, other in enumerate(boxes):
                    check(not overlap(box, other),
                          f'w{i} at {box} overlaps w{j} at {other} though space was free')
            else:
                # 1280x720 holds two rows of two 568x(300+frame) frames and no
                # fifth beside or below them: a cascade, still on the output.
                check(any(overlap(box, other) for other in boxes),
                      f'w{i} at {box}: expected a cascade over the others {boxes}')
            boxes.append(box)

        big = c.spawn_client(['--title', 'big', '--size', '2000x1200', '--color', 'ffffff'],
                             domain='work', name='big')
        big.expect(r'^ready$')
        m = big.expect(r'^configure (\d+) (\d+)', 5)
        while (int(m.group(1)), int(m.group(2))) == (0, 0):
            m = big.expect(r'^configure (\d+) (\d+)', 5)
        fit = (int(m.group(1)), int(m.group(2)))
        harness.log(f'a 2000x1200 window was configured to {fit}')
        check_eq(fit, (OW - 2 * BORDER, OH - 2 * BORDER - tb),
                 'configure of a window larger than the output')
        big.send('sync')
        big.expect(r'^synced$')
        win = c.wait_window(title='big')
        check_eq((win['width'], win['height']), fit, 'its size once committed')
        check(inside(outer(win, tb)), f'the fitted window {outer(win, tb)} is not on the output')

        huge = c.spawn_client(['--title', 'huge', '--size', '1500x900', '--min-size',
                               '1500x900', '--color', 'ffffff'], domain='work', name='huge')
        huge.expect(r'^ready$')
        huge.send('sync')
        huge.expect(r'^synced$')
        win = c.wait_window(title='huge')
        sizes = [tuple(int(v) for v in m.groups()) for m in
                 (re.match(r'^configure (\d+) (\d+)', line) for line in huge.lines) if m]
        check(all(s == (0, 0) or (s[0] >= 1500 and s[1] >= 900) for s in sizes),
              f'a window with a 1500x900 minimum was asked for less: {sizes}')
        check_eq((win['width'], win['height']), (1500, 900), 'its size')
        check_eq(outer(win, tb)[:2], (0, 0),
                 'a window larger than the output even at its minimum: frame corner')


harness.main(main)
