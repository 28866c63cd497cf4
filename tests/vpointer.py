#!/usr/bin/env python3
"""vpointer: a virtual pointer for cordon's tests that can hold a button.

wlrctl can only click (press and release at once); starting a drag needs a
button held down while the pointer moves. This is a tiny Wayland client
that speaks the wire protocol itself (python3 standard library only, no
protocol XML, no generated code): it binds wl_seat and
zwlr_virtual_pointer_manager_v1 from the registry, creates a virtual
pointer and reads commands, one per line, on stdin:

    move X Y     absolute motion to (X, Y) in layout pixels
    press        left button down (BTN_LEFT)
    release      left button up
    quit         destroy the pointer and exit

Each pointer command ends with a frame and a wl_display.sync round trip:
`ok` is printed once the compositor has processed it. `ready` is printed
once the virtual pointer exists; `error ...` answers a bad command. A
protocol error (wl_display.error) is printed as `protocol-error OBJECT
CODE MESSAGE` and ends the program with status 2; a lost connection
(`disconnected ...`) with status 3.

    vpointer.py [--size WxH]     (the layout size, default 1280x720)

Wire format: every message is the object id (u32), then (size << 16 |
opcode) (u32) with size counting the 8-byte header, then the arguments,
little-endian and each padded to 4 bytes. A string is its length
including the NUL (u32), the bytes, the NUL and padding; a new_id is the
id the client picked for the new object.
"""

import argparse
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wireproto import (DISPLAY_ID, BaseConnection, Disconnected, ProtocolError,  # noqa: E402
                       dec_string, dec_uint, socket_path, string, u32)

BTN_LEFT = 0x110
BUTTON_RELEASED, BUTTON_PRESSED = 0, 1

# wl_display requests and events
DISPLAY_SYNC, DISPLAY_GET_REGISTRY = 0, 1
DISPLAY_EV_ERROR, DISPLAY_EV_DELETE_ID = 0, 1
# wl_registry
REGISTRY_BIND = 0
REGISTRY_EV_GLOBAL, REGISTRY_EV_GLOBAL_REMOVE = 0, 1
# wl_callback
CALLBACK_EV_DONE = 0
# zwlr_virtual_pointer_manager_v1
VPM_CREATE_VIRTUAL_POINTER = 0
# zwlr_virtual_pointer_v1
VP_MOTION_ABSOLUTE = 1
VP_BUTTON = 2
VP_FRAME = 4
VP_DESTROY = 8

VPM_INTERFACE = 'zwlr_virtual_pointer_manager_v1'


enc_uint = u32
enc_string = string


class Connection(BaseConnection):
    def send(self, oid, opcode, args=b''):
        size = 8 + len(args)
        self.sock.sendall(struct.pack('<II', oid, (size << 16) | opcode) + args)

    # ---- events ----

    def read_some(self):
        self.feed(self.sock.recv(65536))

    def dispatch(self, oid, opcode, body):
        kind = self.objects.get(oid)
        if oid == DISPLAY_ID:
            if opcode == DISPLAY_EV_ERROR:
                obj, pos = dec_uint(body, 0)
                code, pos = dec_uint(body, pos)
                msg, pos = dec_string(body, pos)
                raise ProtocolError(f'{obj} {code} {msg}')
            if opcode == DISPLAY_EV_DELETE_ID:
                gone, _ = dec_uint(body, 0)
                self.objects.pop(gone, None)
            return
        if kind == 'wl_registry':
            if opcode == REGISTRY_EV_GLOBAL:
                name, pos = dec_uint(body, 0)
                interface, pos = dec_string(body, pos)
                version, pos = dec_uint(body, pos)
                self.globals[name] = (interface, version)
            elif opcode == REGISTRY_EV_GLOBAL_REMOVE:
                name, _ = dec_uint(body, 0)
                self.globals.pop(name, None)
            return
        if kind == 'wl_callback' and opcode == CALLBACK_EV_DONE:
            self.done.add(oid)
            return
        # wl_seat capabilities and name, or an event for an object already
        # gone: nothing to do.

    # ---- requests ----

    def roundtrip(self, timeout=10.0):
        cb = self.new_id('wl_callback')
        self.send(DISPLAY_ID, DISPLAY_SYNC, enc_uint(cb))
        deadline = time.monotonic() + timeout
        while cb not in self.done:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Disconnected(f'no reply to wl_display.sync within {timeout:g} s')
            self.sock.settimeout(left)
            try:
                self.read_some()
            except socket.timeout:
                continue
        self.done.discard(cb)

    def get_registry(self):
        self.registry = self.new_id('wl_registry')
        self.send(DISPLAY_ID, DISPLAY_GET_REGISTRY, enc_uint(self.registry))
        self.roundtrip()

    def bind(self, interface, max_version):
        for name, (iface, version) in sorted(self.globals.items()):
            if iface == interface:
                oid = self.new_id(interface)
                v = min(version, max_version)
                self.send(self.registry, REGISTRY_BIND,
                          enc_uint(name) + enc_string(interface) + enc_uint(v) + enc_uint(oid))
                return oid
        return None


def now_ms():
    return int(time.monotonic() * 1000) & 0xffffffff


def parse_size(text):
    try:
        w, h = text.lower().split('x')
        w, h = int(w), int(h)
    except ValueError:
        raise argparse.ArgumentTypeError(f'bad size {text!r} (want WxH)')
    if w <= 0 or h <= 0:
        raise argparse.ArgumentTypeError(f'bad size {text!r} (want WxH)')
    return w, h


def say(text):
    print(text, flush=True)


def connect_bound(interface, manager, cls=None):
    """A connection (of cls) with interface and manager bound at version
    1: (conn, object, manager); (None, None, None) when either is missing,
    said as `error no MANAGER or INTERFACE on this socket`."""
    conn = (cls or Connection)(socket_path())
    conn.get_registry()
    obj = conn.bind(interface, 1)
    mgr = conn.bind(manager, 1)
    if mgr is None or obj is None:
        say(f'error no {manager} or {interface} on this socket')
        return None, None, None
    return conn, obj, mgr


def connect_created(interface, manager, request, new_interface, args, cls=None):
    """connect_bound, then the manager's request makes a new_interface
    object; args(new_id, bound_object) encodes the request's arguments.
    Returns (conn, the new object), or (None, None) as connect_bound."""
    conn, obj, mgr = connect_bound(interface, manager, cls)
    if conn is None:
        return None, None
    new = conn.new_id(new_interface)
    conn.send(mgr, request, args(new, obj))
    conn.roundtrip()
    return conn, new


def serve(commands):
    """Says `ready`, then runs the command lines on stdin until EOF or
    `quit`: commands maps a command's first word to (its number of
    arguments, a function of them). Empty lines are skipped; any other
    line is answered `error unknown command LINE`."""
    say('ready')
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == 'quit':
            break
        nargs, fn = commands.get(words[0], (None, None))
        if nargs != len(words) - 1:
            say(f'error unknown command {line.strip()!r}')
            continue
        fn(*words[1:])


def run(args):
    conn = Connection(socket_path())
    conn.get_registry()
    seat = conn.bind('wl_seat', 1)
    manager = conn.bind(VPM_INTERFACE, 1)
    if manager is None:
        say(f'error no {VPM_INTERFACE} on this socket')
        return 1
    pointer = conn.new_id('zwlr_virtual_pointer_v1')
    conn.send(manager, VPM_CREATE_VIRTUAL_POINTER,
              enc_uint(seat if seat is not None else 0) + enc_uint(pointer))
    conn.roundtrip()
    width, height = args.size

    def frame():
        conn.send(pointer, VP_FRAME)
        conn.roundtrip()
        say('ok')

    def move(x, y):
        try:
            x, y = int(float(x)), int(float(y))
        except ValueError:
            say(f'error bad position {x!r} {y!r}')
            return
        x = max(0, min(x, width))
        y = max(0, min(y, height))
        conn.send(pointer, VP_MOTION_ABSOLUTE, enc_uint(now_ms()) + enc_uint(x) +
                  enc_uint(y) + enc_uint(width) + enc_uint(height))
        frame()

    def button(state):
        conn.send(pointer, VP_BUTTON, enc_uint(now_ms()) + enc_uint(BTN_LEFT) +
                  enc_uint(state))
        frame()

    serve({'move': (2, move), 'press': (0, lambda: button(BUTTON_PRESSED)),
           'release': (0, lambda: button(BUTTON_RELEASED))})
    conn.send(pointer, VP_DESTROY)
    conn.roundtrip()
    conn.sock.close()
    return 0


def exit_reporting(run_fn, *args):
    """Exits with run_fn's status; a protocol error (2) or a lost
    connection (3) is said on stdout first, for the test that drives it."""
    try:
        sys.exit(run_fn(*args))
    except ProtocolError as e:
        say(f'protocol-error {e}')
        sys.exit(2)
    except (Disconnected, OSError) as e:
        say(f'disconnected {e}')
        sys.exit(3)


def main():
    parser = argparse.ArgumentParser(description='a virtual pointer that can hold a button')
    parser.add_argument('--size', type=parse_size, default=(1280, 720),
                        help='the layout size that absolute positions refer to (WxH)')
    exit_reporting(run, parser.parse_args())


if __name__ == '__main__':
    main()
