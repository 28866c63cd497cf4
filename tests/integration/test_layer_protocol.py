#!/usr/bin/env python3
"""Issue 14, found by wlcs: a layer surface that asks for a size of 0 on an
axis without anchors to both of its edges gets invalid_size (wlroots 0.18
does not raise it) and no configure, while a stretched panel's 0 is fine;
a layer surface that held the keyboard and drops its interactivity gives
it back to a window of the same client (the panel is not that window)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
import hostwire
import wire
from harness import Cordon, check, check_eq, fail
from hostwire import (ANCHOR_LEFT, ANCHOR_RIGHT, ANCHOR_TOP, KEYBOARD_EXCLUSIVE,
                      KEYBOARD_NONE, LAYER_TOP)
from wire import string, u32

INVALID_SIZE = 1


def bad_size(c, width, height, anchor):
    conn = wire.Connection(c.host_socket)
    conn.setup()
    shell = conn.bind('zwlr_layer_shell_v1', 4)
    surface = conn.surface()
    ls = conn.create(shell, 'get_layer_surface', 'zwlr_layer_surface_v1', b'',
                     u32(surface) + u32(0) + u32(LAYER_TOP) + string('bad'))
    conn.request(ls, 'set_size', u32(width) + u32(height))
    conn.request(ls, 'set_anchor', u32(anchor))
    conn.request(surface, 'commit')
    try:
        conn.roundtrip()
    except wire.ProtocolError as e:
        check_eq((e.obj, e.code), (ls, INVALID_SIZE),
                 f'error for a {width}x{height} layer surface anchored {anchor:#x}')
        check_eq(hostwire.events_of(conn, ls, 0), [],
                 f'configures of a {width}x{height} layer surface anchored {anchor:#x}')
        return
    fail(f'a {width}x{height} layer surface anchored {anchor:#x} got no protocol error')


def main():
    with Cordon() as c:
        bad_size(c, 0, 40, ANCHOR_TOP | ANCHOR_LEFT)
        bad_size(c, 200, 0, ANCHOR_TOP)
        bad_size(c, 0, 0, 0)

        conn = wire.Connection(c.host_socket)
        conn.setup()
        seat = conn.bind('wl_seat', 5)
        keyboard = conn.create(seat, 'get_keyboard', 'wl_keyboard')
        # Stretched between left and right: width 0 is cordon's to choose.
        hostwire.layer_surface(conn, LAYER_TOP, ANCHOR_TOP | ANCHOR_LEFT | ANCHOR_RIGHT,
                               0, 30, 0xff00cc00, namespace='panel')

        win, _, _ = conn.toplevel(300, 200, 0xffff0000, title='own')
        check(conn.wait(lambda: hostwire.keyboard_focus(conn, keyboard) == win, 5),
              'the window did not get the keyboard')
        launcher, launcher_ls, _ = hostwire.layer_surface(
            conn, LAYER_TOP, ANCHOR_TOP | ANCHOR_LEFT, 200, 100, 0xff0000ff,
            keyboard=KEYBOARD_EXCLUSIVE, namespace='launcher')
        check(conn.wait(lambda: hostwire.keyboard_focus(conn, keyboard) == launcher, 5),
              'the exclusive launcher did not get the keyboard')
        conn.request(launcher_ls, 'set_keyboard_interactivity', u32(KEYBOARD_NONE))
        conn.request(launcher, 'commit')
        conn.flush()
        check(conn.wait(lambda: hostwire.keyboard_focus(conn, keyboard) == win, 5),
              'the launcher kept the keyboard after dropping its interactivity '
              f'(focus {hostwire.keyboard_focus(conn, keyboard)}, window {win})')


harness.main(main)
