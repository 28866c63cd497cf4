"""wireproto: the Wayland wire format for cordon's raw-wire test clients.

Shared by wire.py (the hostile client) and vpointer.py (and the small
clients built on it): argument encoding and decoding, the socket path, and
a connection base that splits what the compositor sends into messages.
Standard library only.

Wire format: the object id (u32), then (size << 16 | opcode) (u32) with
size counting the 8-byte header, then the arguments, little-endian and
each padded to 4 bytes. A string is its length including the NUL (u32),
the bytes, the NUL and padding; fds travel as SCM_RIGHTS beside the
message.
"""

import os
import socket
import struct

DISPLAY_ID = 1


class ProtocolError(Exception):
    """The compositor said wl_display.error, or sent what is no message."""


class Disconnected(Exception):
    pass


def pad4(n):
    return (n + 3) & ~3


def u32(v):
    return struct.pack('<I', v & 0xffffffff)


def i32(v):
    return struct.pack('<i', v)


def string(s):
    data = (s.encode() if isinstance(s, str) else s) + b'\0'
    return u32(len(data)) + data + b'\0' * (pad4(len(data)) - len(data))


def dec_uint(body, pos):
    return struct.unpack_from('<I', body, pos)[0], pos + 4


def dec_string(body, pos):
    n, pos = dec_uint(body, pos)
    if n == 0:
        return None, pos
    raw = body[pos:pos + n]
    if len(raw) != n or raw[-1:] != b'\0':
        raise ProtocolError(f'malformed string argument ({n} bytes)')
    return raw[:-1].decode('utf-8', 'replace'), pos + pad4(n)


def socket_path(display=None):
    name = display or os.environ.get('WAYLAND_DISPLAY', 'wayland-0')
    if name.startswith('/'):
        return name
    runtime = os.environ.get('XDG_RUNTIME_DIR')
    if not runtime:
        raise SystemExit('XDG_RUNTIME_DIR is not set')
    return os.path.join(runtime, name)


class BaseConnection:
    """A connected client: object ids, globals seen, callbacks done, and
    the bytes received not yet a whole message. Subclasses dispatch."""

    def __init__(self, path=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path or socket_path())
        self.buf = b''
        self.next_id = 2          # 1 is wl_display
        self.objects = {DISPLAY_ID: 'wl_display'}
        self.globals = {}         # name -> (interface, version)
        self.done = set()         # callbacks whose done arrived
        self.registry = None

    def new_id(self, interface):
        oid = self.next_id
        self.next_id += 1
        self.objects[oid] = interface
        return oid

    def feed(self, chunk):
        """Dispatches every whole message of what arrived so far."""
        if not chunk:
            raise Disconnected('the compositor closed the connection')
        self.buf += chunk
        while len(self.buf) >= 8:
            oid, word = struct.unpack_from('<II', self.buf, 0)
            size, opcode = word >> 16, word & 0xffff
            if size < 8:
                raise ProtocolError(f'message of size {size} from the compositor')
            if len(self.buf) < size:
                break
            body = self.buf[8:size]
            self.buf = self.buf[size:]
            self.dispatch(oid, opcode, body)

    def dispatch(self, oid, opcode, body):
        raise NotImplementedError
