#!/usr/bin/env python3
"""Issue 8 item 1, resize anchoring: a resize from the left edge keeps the
right edge where it was, also when the client answers with another size
than asked (here: its minimum), and once it answered, the anchor is done
with: a window moved afterwards stays where the user put it when the
client commits again.

Before the fix the anchor stayed armed until the client committed exactly
the size asked for, which a client at its minimum never does: its next
commit after a move pulled the window back by the distance moved.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geomcheck as g
import harness
from harness import Cordon, check, check_eq, hex_color, BORDER

CONFIG = "[domain work]\ncolor = #4e9a06\n"


def main():
    with Cordon(config=CONFIG) as c:
        ptr = g.Pointer(c, harness.OUTPUT_SIZE)
        cl, win = c.test_window('a', domain='work', color='ffffff', size='300x200',
                                args=['--min-size', '300x200'])
        tb = g.titlebar_height(c.screenshot(), win, hex_color('4e9a06'), 1)
        g.drag(c, ptr, (win['x'] + 150, win['y'] - tb // 2), (300, 200))
        win = g.window(c, win['id'])
        right = win['x'] + win['width']

        # Shrink from the left: cordon asks for 260 wide, the client keeps 300.
        cl.skip_pending()
        g.drag(c, ptr, (win['x'] - 2, win['y'] + 100), (40, 0))
        cl.expect(r'^configure 260 200', 5)
        cl.send('sync')
        cl.expect(r'^synced$')
        after = g.window(c, win['id'])
        check_eq((after['width'], after['x'] + after['width']), (300, right),
                 'a client at its minimum, resized from the left: width and right edge')

        # Moved by its titlebar, then the client commits again.
        g.drag(c, ptr, (after['x'] + 150, after['y'] - tb // 2), (-200, -100))
        moved = g.window(c, win['id'])
        check_eq((moved['x'], moved['y']), (after['x'] - 200, after['y'] - 100),
                 'position after the move')
        cl.send('geometry 0 0 300 200')
        cl.expect(r'^geometry-set$')
        again = g.window(c, win['id'])
        check_eq((again['x'], again['y']), (moved['x'], moved['y']),
                 'position after the client committed again')


harness.main(main)
