#!/usr/bin/env python3
"""Issue 11: what a panel needs beyond drawing. A layer surface's popup
(a panel's menu) is shown below it with no frame and takes the pointer;
an on-demand layer surface takes the keyboard when clicked and gives it up
when a window is clicked."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
import hostwire
import wire
from harness import Cordon, check, check_eq, wait_for
from wire import i32, u32

wire.OP['xdg_positioner'].update({'set_anchor': 3, 'set_gravity': 4})
ANCHOR_BOTTOM_LEFT = 6
GRAVITY_BOTTOM_RIGHT = 8
PANEL = (0, 0xcc, 0)
MENU = (0xff, 0, 0xff)
PANEL_H = 40


def main():
    harness.require('wlrctl', 'grim')
    with Cordon() as c:
        conn = wire.Connection(c.host_socket)
        conn.setup()
        seat = conn.bind('wl_seat', 5)
        conn.create(seat, 'get_pointer', 'wl_pointer')
        keyboard = conn.create(seat, 'get_keyboard', 'wl_keyboard')
        panel, panel_ls, _ = hostwire.layer_surface(
            conn, hostwire.LAYER_TOP, hostwire.ANCHOR_TOP | hostwire.ANCHOR_LEFT |
            hostwire.ANCHOR_RIGHT, 0, PANEL_H, 0xff00cc00, exclusive=PANEL_H,
            keyboard=hostwire.KEYBOARD_ON_DEMAND, namespace='panel')

        # The panel's menu: below its left end, 200x100.
        pos = conn.create(conn.wm_base, 'create_positioner', 'xdg_positioner')
        conn.request(pos, 'set_size', i32(200) + i32(100))
        conn.request(pos, 'set_anchor_rect', i32(100) + i32(PANEL_H - 1) + i32(1) + i32(1))
        conn.request(pos, 'set_anchor', u32(ANCHOR_BOTTOM_LEFT))
        conn.request(pos, 'set_gravity', u32(GRAVITY_BOTTOM_RIGHT))
        menu = conn.surface()
        xdg = conn.create(conn.wm_base, 'get_xdg_surface', 'xdg_surface', b'', u32(menu))
        popup = conn.create(xdg, 'get_popup', 'xdg_popup', b'', u32(0) + u32(pos))
        conn.request(panel_ls, 'get_popup', u32(popup))
        conn.request(menu, 'commit')
        conn.flush()
        check(conn.wait(lambda: xdg in conn.configures), 'no configure for the panel menu')
        conn.request(xdg, 'ack_configure', u32(conn.configures[xdg]))
        conn.attach(menu, conn.buffer(200, 100, 0xffff00ff), 200, 100)
        conn.roundtrip()

        wait_for(lambda: c.screenshot().pixel(150, PANEL_H + 50) == MENU, 5,
                 what='the panel\'s menu drawn below it')
        shot = c.last_screenshot
        for px, py in [(100, PANEL_H), (299, PANEL_H), (100, PANEL_H + 99),
                       (299, PANEL_H + 99)]:
            check_eq(shot.pixel(px, py), MENU, f'menu corner ({px},{py}): no frame')
        check(shot.pixel(301, PANEL_H + 50) != MENU, 'the menu is wider than 200 px')

        c.pointer_to(150, PANEL_H + 50)
        conn.roundtrip()
        check(conn.wait(lambda: conn.pointer_enter is not None and
                        conn.pointer_enter[1] == menu, 5),
              f'the pointer did not enter the menu: {conn.pointer_enter!r}')

        # On-demand keyboard: a click on the panel takes it, one on a window
        # gives it to the window.
        cl, win = c.test_window('w', size='300x200')
        cl.expect(r'^keyboard-enter$')
        c.click(700, PANEL_H // 2)
        check(conn.wait(lambda: hostwire.keyboard_focus(conn, keyboard) == panel, 5),
              'a click on the on-demand panel did not give it the keyboard')
        cl.expect(r'^keyboard-leave$')
        c.click(win['x'] + 150, win['y'] + 100)
        cl.expect(r'^keyboard-enter$')
        conn.roundtrip()
        check_eq(hostwire.keyboard_focus(conn, keyboard), 0, 'the panel\'s keyboard after a '
                                                    'click on the window')


harness.main(main)
