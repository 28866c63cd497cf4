#!/usr/bin/env python3
"""Issue 11: a guest's fullscreen window among the host's layer surfaces.
It fills the usable area (below a panel's exclusive zone), and its coloured
edge stays visible above a host overlay surface that covers the whole
output; the edge goes when the window leaves fullscreen."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
import hostwire
import wire
from harness import Cordon, check, check_eq, wait_for, OUTPUT_SIZE

CONFIG = harness.domain_config(work='#0000ff')

BLUE = (0, 0, 255)
GREY = (0x80, 0x80, 0x80)
PANEL_H = 40
OW, OH = OUTPUT_SIZE
ALL = (hostwire.ANCHOR_TOP | hostwire.ANCHOR_BOTTOM | hostwire.ANCHOR_LEFT |
       hostwire.ANCHOR_RIGHT)


def main():
    harness.require('grim')
    with Cordon(config=CONFIG) as c:
        conn = wire.Connection(c.host_socket)
        conn.setup()
        hostwire.layer_surface(conn, hostwire.LAYER_TOP, hostwire.ANCHOR_TOP |
                               hostwire.ANCHOR_LEFT | hostwire.ANCHOR_RIGHT, 0, PANEL_H,
                               0xff00cc00, exclusive=PANEL_H, namespace='panel')

        cl = c.spawn_client(['--color', 'ff0000', '--size', '300x200', '--title', 'fs'],
                            domain='work')
        cl.expect(r'^ready$')
        c.wait_window(title='fs')
        cl.send('fullscreen')
        cl.expect(r'^configure \d+ \d+ .*\bfullscreen\b')
        win = wait_for(lambda: c.find_windows(title='fs', fullscreen=True, width=OW - 6),
                       5, what=f'the fullscreen window {OW - 6} wide')[0]
        check(win['y'] >= PANEL_H, f'fullscreen window {win!r} under the panel\'s zone')
        check_eq(win['x'] + win['width'] + 3, OW, 'fullscreen window\'s right edge')
        check_eq(win['y'] + win['height'] + 3, OH, 'fullscreen window\'s bottom edge')

        hostwire.layer_surface(conn, hostwire.LAYER_OVERLAY, ALL, 0, 0, 0xff808080,
                               exclusive=-1, namespace='overlay')
        x, y, w, h = win['x'], win['y'], win['width'], win['height']
        wait_for(lambda: c.screenshot().pixel(x + w // 2, y + h // 2) == GREY, 5,
                 what='the overlay over the fullscreen window')
        shot = c.last_screenshot
        for px, py in [(x - 2, y + h // 2), (x + w + 1, y + h // 2), (x + w // 2, y - 2),
                       (x + w // 2, y + h + 1)]:
            check_eq(shot.pixel(px, py), BLUE, f'fullscreen edge pixel ({px},{py}) '
                                               f'above the overlay')

        c.ipc_ok({'cmd': 'unfullscreen', 'id': win['id']})
        wait_for(lambda: c.screenshot().pixel(x - 2, y + h // 2) == GREY, 5,
                 what='the edge gone after leaving fullscreen')


harness.main(main)
