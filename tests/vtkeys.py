#!/usr/bin/env python3
"""vtkeys: a host virtual keyboard with a real keymap, for VT switching.

Uploads the default xkb keymap (compiled by libxkbcommon, as cordon's own
keyboards get it: Ctrl+Alt+F1…F12 give XF86Switch_VT_1…12 there), then
types what argv says and exits. Each argument is one of

    vt N      Ctrl+Alt+F<N>, pressed and released as a hand would
    key CODE  an evdev keycode pressed and released, no modifiers
    hold CODE an evdev keycode pressed and never released: the keyboard
              goes away with it down, as one unplugged mid-keystroke

`done` is printed once every key was sent and cordon answered a roundtrip.
"""

import ctypes
import ctypes.util
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wire  # noqa: E402
from wire import u32  # noqa: E402

wire.OP['zwp_virtual_keyboard_manager_v1'] = {'create_virtual_keyboard': 0}
wire.OP['zwp_virtual_keyboard_v1'] = {'keymap': 0, 'key': 1, 'modifiers': 2, 'destroy': 3}

KEYMAP_FORMAT_XKB_V1 = 1
KEY_LEFTCTRL, KEY_LEFTALT, KEY_F1, KEY_F11 = 29, 56, 59, 87
PRESSED, RELEASED = 1, 0


def default_keymap():
    """(keymap text, Control mask, Mod1 mask) of the default RMLVO."""
    name = ctypes.util.find_library('xkbcommon') or 'libxkbcommon.so.0'
    xkb = ctypes.CDLL(name)
    xkb.xkb_context_new.restype = ctypes.c_void_p
    xkb.xkb_keymap_new_from_names.restype = ctypes.c_void_p
    xkb.xkb_keymap_new_from_names.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    xkb.xkb_keymap_get_as_string.restype = ctypes.c_void_p
    xkb.xkb_keymap_get_as_string.argtypes = [ctypes.c_void_p, ctypes.c_int]
    xkb.xkb_keymap_mod_get_index.restype = ctypes.c_uint32
    xkb.xkb_keymap_mod_get_index.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    xkb.xkb_keymap_unref.argtypes = [ctypes.c_void_p]
    xkb.xkb_context_unref.argtypes = [ctypes.c_void_p]
    libc = ctypes.CDLL(None)
    libc.free.argtypes = [ctypes.c_void_p]
    ctx = xkb.xkb_context_new(0)
    keymap = xkb.xkb_keymap_new_from_names(ctx, None, 0)
    if not keymap:
        raise RuntimeError('libxkbcommon cannot compile the default keymap')
    raw = xkb.xkb_keymap_get_as_string(keymap, KEYMAP_FORMAT_XKB_V1)
    text = ctypes.string_at(raw)
    libc.free(raw)
    ctrl = 1 << xkb.xkb_keymap_mod_get_index(keymap, b'Control')
    alt = 1 << xkb.xkb_keymap_mod_get_index(keymap, b'Mod1')
    xkb.xkb_keymap_unref(keymap)
    xkb.xkb_context_unref(ctx)
    return text, ctrl, alt


def main():
    text, ctrl, alt = default_keymap()
    conn = wire.Connection()
    conn.get_registry()
    seat = conn.bind('wl_seat', 1)
    manager = conn.bind('zwp_virtual_keyboard_manager_v1', 1)
    kbd = conn.create(manager, 'create_virtual_keyboard', 'zwp_virtual_keyboard_v1',
                      args_before=u32(seat))
    data = text + b'\0'
    fd = os.memfd_create('keymap')
    os.write(fd, data)
    conn.request(kbd, 'keymap', u32(KEYMAP_FORMAT_XKB_V1) + u32(len(data)), fds=(fd,))
    os.close(fd)
    t = [0]

    def key(code, state):
        t[0] += 10
        conn.request(kbd, 'key', u32(t[0]) + u32(code) + u32(state))

    def mods(mask):
        conn.request(kbd, 'modifiers', u32(mask) + u32(0) + u32(0) + u32(0))

    args = sys.argv[1:]
    while args:
        what, arg = args[0], int(args[1])
        args = args[2:]
        if what == 'vt':
            fkey = KEY_F1 + arg - 1 if arg <= 10 else KEY_F11 + arg - 11
            key(KEY_LEFTCTRL, PRESSED)
            mods(ctrl)
            key(KEY_LEFTALT, PRESSED)
            mods(ctrl | alt)
            key(fkey, PRESSED)
            key(fkey, RELEASED)
            key(KEY_LEFTALT, RELEASED)
            mods(ctrl)
            key(KEY_LEFTCTRL, RELEASED)
            mods(0)
        elif what == 'hold':
            key(arg, PRESSED)
        else:
            key(arg, PRESSED)
            key(arg, RELEASED)
        conn.roundtrip()
    conn.request(kbd, 'destroy')
    conn.roundtrip()
    print('done', flush=True)


if __name__ == '__main__':
    main()
