#!/usr/bin/env python3
"""Issue 11: zwlr_layer_shell_v1 on the host. swaybg's colour fills the
background and windows stay above it; a panel with an exclusive zone gets
no domain frame and shrinks what maximize gives a window, and its going
gives the space back; a new window is placed below the panel."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
import hostwire
import wire
from harness import Cordon, check, check_eq, wait_for, BORDER, OUTPUT_SIZE

CONFIG = harness.domain_config(work='#0000ff')

RED = (255, 0, 0)
BLUE = (0, 0, 255)
BG = (0x33, 0x66, 0x99)
PANEL = (0, 0xcc, 0)
PANEL_H = 40
OW, OH = OUTPUT_SIZE


def maximized_configure(cl, maximized=True):
    return cl.expect_configure('maximized', maximized)[:2]


def main():
    harness.require('swaybg', 'grim')
    with Cordon(config=CONFIG) as c:
        c.spawn(['swaybg', '-c', '#336699'], name='swaybg', stdin=False)
        wait_for(lambda: c.screenshot().pixel(20, 300) == BG, 10,
                 what=f'swaybg colour #336699 on the background '
                      f'(pixel 20,300 is {c.last_screenshot and c.last_screenshot.pixel(20, 300)})')
        shot = c.last_screenshot
        for px, py in [(0, 0), (OW - 1, 0), (0, OH - 1), (OW // 2, OH // 2)]:
            check_eq(shot.pixel(px, py), BG, f'background pixel ({px},{py}) with swaybg')

        cl, win = c.test_window('w', domain='work', color='ff0000', size='300x200')
        x, y = win['x'], win['y']
        wait_for(lambda: c.screenshot().pixel(x + 150, y + 100) == RED, 5,
                 what='the window drawn above swaybg')
        shot = c.last_screenshot
        check_eq(shot.pixel(x - 2, y + 100), BLUE, 'the window\'s frame above swaybg')
        check_eq(shot.pixel(x + 300 + BORDER + 3, y + 100), BG, 'swaybg beside the window')

        # Maximized without a panel: the whole output.
        cl.send('maximize')
        full_w, full_h = maximized_configure(cl)
        cl.send('unmaximize')
        maximized_configure(cl, False)

        # A host panel: top layer, anchored to the top edge, exclusive zone.
        conn = wire.Connection(c.host_socket)
        conn.setup()
        hostwire.layer_surface(conn, hostwire.LAYER_TOP,
                               hostwire.ANCHOR_TOP | hostwire.ANCHOR_LEFT |
                               hostwire.ANCHOR_RIGHT, 0, PANEL_H, 0xff00cc00,
                               exclusive=PANEL_H, namespace='panel')
        wait_for(lambda: c.screenshot().pixel(OW // 2, PANEL_H // 2) == PANEL, 5,
                 what='the panel drawn at the top')
        shot = c.last_screenshot
        # No frame of any colour: the panel's own pixels reach every edge.
        for px, py in [(0, 0), (OW - 1, 0), (0, PANEL_H - 1), (OW - 1, PANEL_H - 1)]:
            check_eq(shot.pixel(px, py), PANEL, f'panel pixel ({px},{py})')
        check_eq(shot.pixel(OW - 3, PANEL_H + 1), BG, 'swaybg just below the panel')

        cl.skip_pending()
        cl.send('maximize')
        w, h = maximized_configure(cl)
        check_eq(w, full_w, 'maximized width beside a top panel')
        check_eq(h, full_h - PANEL_H, 'maximized height below a 40 px exclusive zone')
        win = wait_for(lambda: c.find_windows(title='w', maximized=True, height=h), 5,
                       what='IPC: the maximized window below the panel')[0]
        check(win['y'] >= PANEL_H, f'maximized window {win!r} reaches under the panel')
        check(win['y'] + win['height'] <= OH, f'maximized window {win!r} leaves the output')
        shot = wait_for(lambda: (lambda s: s if s.pixel(OW // 2, PANEL_H + 40) == RED
                                 else None)(c.screenshot()), 5,
                        what='the maximized window drawn below the panel')
        check_eq(shot.pixel(OW // 2, PANEL_H // 2), PANEL, 'the panel above the window')

        # A new window is placed below the panel too.
        cl2, second = c.test_window('second', size='200x150')
        check(second['y'] >= PANEL_H, f'new window {second!r} placed under the panel')

        # The panel goes: maximize gets the whole output again.
        cl.skip_pending()
        conn.sock.close()
        w, h = maximized_configure(cl)
        check_eq((w, h), (full_w, full_h), 'maximized size once the panel is gone')


harness.main(main)
