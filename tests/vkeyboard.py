#!/usr/bin/env python3
"""vkeyboard: a virtual keyboard that never sends its keymap.

A tiny Wayland client in the wire style of vpointer.py: it binds wl_seat
and zwp_virtual_keyboard_manager_v1, creates a virtual keyboard and then
does nothing more (no keymap, no key) until stdin closes or says "quit".
`ready` is printed once the keyboard exists. While it lives, every other
client must still get a real keymap (xkb_v1) on its wl_keyboard: a
keyboard without a keymap must never become the seat's.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpointer  # noqa: E402
from vpointer import enc_uint  # noqa: E402

VKM_INTERFACE = 'zwp_virtual_keyboard_manager_v1'
VKM_CREATE_VIRTUAL_KEYBOARD = 0
VK_DESTROY = 3


def run():
    conn, keyboard = vpointer.connect_created(
        'wl_seat', VKM_INTERFACE, VKM_CREATE_VIRTUAL_KEYBOARD, 'zwp_virtual_keyboard_v1',
        lambda keyboard, seat: enc_uint(seat) + enc_uint(keyboard))
    if conn is None:
        return 1
    vpointer.serve({})
    conn.send(keyboard, VK_DESTROY)
    conn.roundtrip()
    conn.sock.close()
    return 0


def main():
    vpointer.exit_reporting(run)


if __name__ == '__main__':
    main()
