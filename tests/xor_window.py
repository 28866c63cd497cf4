#!/usr/bin/env python3
"""xor_window: an X11 override-redirect window (what menus and tooltips
are) for cordon's tests, through libX11 with ctypes (no Xlib bindings in
the build root). Maps a window of one colour at a given root position,
prints `mapped`, and keeps it until stdin closes or `quit` is read.

    xor_window.py X Y W H RRGGBB
"""
import ctypes
import ctypes.util
import sys

CW_BACK_PIXEL = 1 << 1
CW_OVERRIDE_REDIRECT = 1 << 9


class XSetWindowAttributes(ctypes.Structure):
    _fields_ = [
        ('background_pixmap', ctypes.c_ulong),
        ('background_pixel', ctypes.c_ulong),
        ('border_pixmap', ctypes.c_ulong),
        ('border_pixel', ctypes.c_ulong),
        ('bit_gravity', ctypes.c_int),
        ('win_gravity', ctypes.c_int),
        ('backing_store', ctypes.c_int),
        ('backing_planes', ctypes.c_ulong),
        ('backing_pixel', ctypes.c_ulong),
        ('save_under', ctypes.c_int),
        ('event_mask', ctypes.c_long),
        ('do_not_propagate_mask', ctypes.c_long),
        ('override_redirect', ctypes.c_int),
        ('colormap', ctypes.c_ulong),
        ('cursor', ctypes.c_ulong),
    ]


def main():
    x, y, w, h = (int(v) for v in sys.argv[1:5])
    rgb = int(sys.argv[5], 16)
    lib = ctypes.CDLL(ctypes.util.find_library('X11') or 'libX11.so.6')
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XDefaultRootWindow.restype = ctypes.c_ulong
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XCreateWindow.restype = ctypes.c_ulong
    lib.XCreateWindow.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.c_uint, ctypes.c_int, ctypes.c_uint, ctypes.c_void_p,
        ctypes.c_ulong, ctypes.POINTER(XSetWindowAttributes)]
    lib.XMapRaised.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = lib.XOpenDisplay(None)
    if not dpy:
        print('error cannot open display', flush=True)
        sys.exit(1)
    root = lib.XDefaultRootWindow(dpy)
    attrs = XSetWindowAttributes()
    attrs.background_pixel = rgb  # a 24-bit TrueColor visual: 0xRRGGBB
    attrs.override_redirect = 1
    # depth and visual CopyFromParent (0), class InputOutput (1)
    win = lib.XCreateWindow(dpy, root, x, y, w, h, 0, 0, 1, None,
                            CW_BACK_PIXEL | CW_OVERRIDE_REDIRECT, ctypes.byref(attrs))
    lib.XMapRaised(dpy, win)
    lib.XSync(dpy, 0)
    print(f'mapped 0x{win:x}', flush=True)
    for line in sys.stdin:
        if line.strip() == 'quit':
            break
    lib.XCloseDisplay(dpy)


if __name__ == '__main__':
    main()
