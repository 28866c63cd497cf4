#!/usr/bin/env python3
"""wire: a hostile Wayland client for cordon's tests, in plain python.

It speaks the wire protocol itself (standard library only, like
vpointer.py) so a test can send exactly the requests a misbehaving guest
would: thousands of surfaces, a cursor with a hotspot outside its image, a
bind by name of a global it was never shown. Objects are plain ids; events
land in `Connection.events` as (object id, interface, opcode, body) and a
few are understood (registry globals, callbacks, xdg pings and configures,
pointer enters, the display error).

Wire format: the object id (u32), then (size << 16 | opcode) (u32) with
size counting the 8-byte header, then the arguments, little-endian and
padded to 4 bytes; fds travel as SCM_RIGHTS beside the message.
"""

import array
import mmap
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wireproto  # noqa: E402
from wireproto import (DISPLAY_ID, BaseConnection, Disconnected,  # noqa: E402,F401
                       dec_string, i32, pad4, socket_path, string, u32)

# Request opcodes, by interface.
OP = {
    'wl_display': {'sync': 0, 'get_registry': 1},
    'wl_registry': {'bind': 0},
    'wl_compositor': {'create_surface': 0, 'create_region': 1},
    'wl_shm': {'create_pool': 0},
    'wl_shm_pool': {'create_buffer': 0, 'destroy': 1, 'resize': 2},
    'wl_buffer': {'destroy': 0},
    'wl_surface': {'destroy': 0, 'attach': 1, 'damage': 2, 'frame': 3, 'commit': 6,
                   'damage_buffer': 9, 'offset': 10},
    'wl_region': {'destroy': 0, 'add': 1},
    'wl_subcompositor': {'destroy': 0, 'get_subsurface': 1},
    'wl_subsurface': {'destroy': 0, 'set_position': 1, 'set_sync': 4, 'set_desync': 5},
    'xdg_wm_base': {'destroy': 0, 'create_positioner': 1, 'get_xdg_surface': 2, 'pong': 3},
    'xdg_positioner': {'destroy': 0, 'set_size': 1, 'set_anchor_rect': 2},
    'xdg_surface': {'destroy': 0, 'get_toplevel': 1, 'get_popup': 2, 'ack_configure': 4},
    'xdg_toplevel': {'destroy': 0, 'set_title': 2, 'set_app_id': 3},
    'xdg_popup': {'destroy': 0},
    'wl_seat': {'get_pointer': 0, 'get_keyboard': 1},
    'wl_data_device_manager': {'get_data_device': 1},
    'wl_data_offer': {'receive': 1, 'destroy': 2},
    'wl_pointer': {'set_cursor': 0},
}

SHM_FORMAT_ARGB8888 = 0


class ProtocolError(wireproto.ProtocolError):
    """wl_display.error: the object, the code and the message."""

    def __init__(self, obj, code, message):
        super().__init__(f'{obj} {code} {message}')
        self.obj, self.code, self.message = obj, code, message


class Connection(BaseConnection):
    def __init__(self, path=None):
        super().__init__(path)
        self.out = []
        self.events = []           # (oid, interface, opcode, body) not handled here
        self.configures = {}       # xdg_surface id -> latest serial
        self.pointer_enter = None  # (serial, surface id)
        self.error = None
        self.wm_base = None

    # ---- requests ----

    def request(self, oid, name, args=b'', fds=()):
        opcode = OP[self.objects[oid]][name]
        msg = struct.pack('<II', oid, ((8 + len(args)) << 16) | opcode) + args
        if fds:
            self.flush()
            self.sock.sendmsg([msg], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                       array.array('i', fds))])
        else:
            self.out.append(msg)
            if sum(len(m) for m in self.out) > 32768:
                self.flush()

    def flush(self):
        if self.out:
            data = b''.join(self.out)
            self.out = []
            self.sock.sendall(data)

    def create(self, parent, name, interface, args_before=b'', args_after=b''):
        """A request whose first new_id argument makes an object of interface."""
        oid = self.new_id(interface)
        self.request(parent, name, args_before + u32(oid) + args_after)
        return oid

    # ---- events ----

    def read_some(self, timeout=None):
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(1 << 20)
        except ConnectionResetError:
            chunk = b''
        self.feed(chunk)

    def dispatch(self, oid, opcode, body):
        kind = self.objects.get(oid)
        if oid == DISPLAY_ID:
            if opcode == 0:
                obj, code = struct.unpack_from('<II', body, 0)
                msg, _ = dec_string(body, 8)
                self.error = ProtocolError(obj, code, msg)
                raise self.error
            if opcode == 1:
                self.objects.pop(struct.unpack_from('<I', body, 0)[0], None)
            return
        if kind == 'wl_registry' and opcode == 0:
            name = struct.unpack_from('<I', body, 0)[0]
            iface, pos = dec_string(body, 4)
            self.globals[name] = (iface, struct.unpack_from('<I', body, pos)[0])
        elif kind == 'wl_callback' and opcode == 0:
            self.done.add(oid)
        elif kind == 'xdg_wm_base' and opcode == 0:
            self.request(oid, 'pong', body[:4])
        elif kind == 'xdg_surface' and opcode == 0:
            self.configures[oid] = struct.unpack_from('<I', body, 0)[0]
        elif kind == 'wl_pointer' and opcode == 0:
            self.pointer_enter = struct.unpack_from('<II', body, 0)
        else:
            self.events.append((oid, kind, opcode, body))

    def roundtrip(self, timeout=10.0):
        cb = self.create(DISPLAY_ID, 'sync', 'wl_callback')
        self.flush()
        deadline = time.monotonic() + timeout
        while cb not in self.done:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Disconnected(f'no reply to wl_display.sync within {timeout:g} s')
            try:
                self.read_some(left)
            except socket.timeout:
                continue
        self.done.discard(cb)
        self.objects.pop(cb, None)

    def wait(self, predicate, timeout=5.0):
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self.read_some(left)
            except socket.timeout:
                pass
        return True

    # ---- globals ----

    def get_registry(self):
        self.registry = self.create(DISPLAY_ID, 'get_registry', 'wl_registry')
        self.roundtrip()

    def bind(self, interface, version):
        for name, (iface, have) in sorted(self.globals.items()):
            if iface == interface:
                return self.bind_name(name, interface, min(have, version))
        raise LookupError(f'no {interface} global')

    def bind_name(self, name, interface, version):
        oid = self.new_id(interface)
        self.request(self.registry, 'bind',
                     u32(name) + string(interface) + u32(version) + u32(oid))
        return oid

    def setup(self):
        """Registry plus compositor, shm, xdg_wm_base: what drawing needs."""
        self.get_registry()
        self.compositor = self.bind('wl_compositor', 4)
        self.shm = self.bind('wl_shm', 1)
        self.wm_base = self.bind('xdg_wm_base', 2)
        self.roundtrip()

    # ---- helpers ----

    def buffer(self, width, height, argb):
        stride = width * 4
        size = stride * height
        fd = os.memfd_create('wire-shm', os.MFD_CLOEXEC)
        os.ftruncate(fd, size)
        with mmap.mmap(fd, size) as m:
            m.write(struct.pack('<I', argb) * (width * height))
        pool = self.new_id('wl_shm_pool')
        self.request(self.shm, 'create_pool', u32(pool) + u32(size), fds=[fd])
        os.close(fd)
        buf = self.create(pool, 'create_buffer', 'wl_buffer', b'',
                          i32(0) + i32(width) + i32(height) + i32(stride) +
                          u32(SHM_FORMAT_ARGB8888))
        self.request(pool, 'destroy')
        return buf

    def surface(self):
        return self.create(self.compositor, 'create_surface', 'wl_surface')

    def attach(self, surface, buffer, width, height):
        self.request(surface, 'attach', u32(buffer) + i32(0) + i32(0))
        self.request(surface, 'damage', i32(0) + i32(0) + i32(width) + i32(height))
        self.request(surface, 'commit')

    def toplevel(self, width, height, argb, title='wire'):
        """A mapped xdg_toplevel; returns (surface, xdg_surface, toplevel)."""
        surface = self.surface()
        xdg = self.create(self.wm_base, 'get_xdg_surface', 'xdg_surface', b'', u32(surface))
        top = self.create(xdg, 'get_toplevel', 'xdg_toplevel')
        self.request(top, 'set_title', string(title))
        self.request(surface, 'commit')
        self.flush()
        if not self.wait(lambda: xdg in self.configures):
            raise Disconnected('no configure for the toplevel')
        self.request(xdg, 'ack_configure', u32(self.configures[xdg]))
        self.attach(surface, self.buffer(width, height, argb), width, height)
        self.roundtrip()
        return surface, xdg, top
