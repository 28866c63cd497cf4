#!/usr/bin/env python3
"""cordon's own wl_shm (compositor/render/shm.c) against a hostile client.

- Each malformed request is the protocol error wl_shm names for it, and
  only that client goes: a pool of 0 bytes or of a file that cannot be
  mapped, a buffer outside its pool, a stride too short or not whole
  pixels, sizes whose product overflows 32 bits, a negative offset, a
  format never advertised, a pool shrunk by resize.
- A client that truncates the file under a pool cordon is drawing from
  (the SIGBUS attack) does not take cordon down: it gets wl_shm's
  invalid_fd on that wl_buffer and goes, another client's window keeps its
  colour, and that client goes on; the same for a pool larger than its
  file from the start.
- A pool on a read-only file is drawn; a pool grown by resize takes
  buffers in its new part.
"""
import mmap
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import Cordon, check, log, wait_for
import wire
from wire import i32, u32

XRGB = 1
INVALID_FORMAT, INVALID_STRIDE, INVALID_FD = 0, 1, 2
W, H = 200, 150


def memfd(size, argb=None):
    fd = os.memfd_create('shm-hostile', os.MFD_CLOEXEC)
    os.ftruncate(fd, size)
    if argb is not None:
        with mmap.mmap(fd, size) as m:
            m.write(struct.pack('<I', argb) * (size // 4))
    return fd


def pool(conn, fd, size):
    oid = conn.new_id('wl_shm_pool')
    conn.request(conn.shm, 'create_pool', u32(oid) + i32(size), fds=[fd])
    return oid


def create_buffer(conn, pool_id, offset, width, height, stride, fmt=XRGB):
    return conn.create(pool_id, 'create_buffer', 'wl_buffer', b'',
                       i32(offset) + i32(width) + i32(height) + i32(stride) + u32(fmt))


def expect_error(c, what, code, make):
    """make(conn) sends the bad request; cordon must answer with code."""
    conn = wire.Connection(c.host_socket)
    conn.setup()
    try:
        make(conn)
        try:
            conn.roundtrip()
        except OSError:
            pass  # cordon hung up after the error; it is still to be read
        for _ in range(50):
            conn.read_some(5)
    except wire.ProtocolError as e:
        check(e.code == code, f'{what}: error code {e.code} ({e.message}), expected {code}')
        log(f'{what}: error {e.code}: {e.message}')
        return
    except (wire.Disconnected, OSError) as e:
        check(False, f'{what}: disconnected without an error: {e}')
    check(False, f'{what}: accepted')


def truncation_error(conn, make, what):
    """make() draws from a pool whose file is short: invalid_fd must follow."""
    try:
        make()
        conn.flush()
        for _ in range(50):
            conn.read_some(5)
    except wire.ProtocolError as e:
        check(e.code == INVALID_FD and 'truncated' in e.message,
              f'{what}: error {e.code} ({e.message}), expected {INVALID_FD} naming the truncation')
        log(f'{what}: error {e.code} on object {e.obj}: {e.message}')
        return e
    except (wire.Disconnected, OSError) as e:
        check(False, f'{what}: disconnected without an error: {e}')
    check(False, f'{what}: no error')


def resize(conn, pool_id, size):
    conn.request(pool_id, 'resize', i32(size))


def window(conn, fd, size, title, stride=W * 4):
    """A toplevel showing a buffer of a pool on fd."""
    surface = conn.surface()
    xdg = conn.create(conn.wm_base, 'get_xdg_surface', 'xdg_surface', b'', u32(surface))
    top = conn.create(xdg, 'get_toplevel', 'xdg_toplevel')
    conn.request(top, 'set_title', wire.string(title))
    conn.request(surface, 'commit')
    conn.flush()
    check(conn.wait(lambda: xdg in conn.configures), f'{title}: no configure')
    conn.request(xdg, 'ack_configure', u32(conn.configures[xdg]))
    p = pool(conn, fd, size)
    buf = create_buffer(conn, p, 0, W, H, stride)
    conn.attach(surface, buf, W, H)
    conn.roundtrip()
    return surface, buf, p


def centre(c, title):
    win = c.wait_window(title=title)
    return win['x'] + win['width'] // 2, win['y'] + win['height'] // 2


def shows(c, title, rgb):
    x, y = centre(c, title)
    wait_for(lambda: c.screenshot().pixel(x, y) == rgb, 5,
             what=f'{title} showing {rgb} at ({x},{y})')


def main():
    with Cordon() as c:
        size = W * H * 4
        expect_error(c, 'a pool of 0 bytes', INVALID_STRIDE,
                     lambda conn: pool(conn, memfd(4096), 0))
        r, w = os.pipe()
        expect_error(c, 'a pool on a pipe', INVALID_FD, lambda conn: pool(conn, r, 4096))
        os.close(w)
        cases = [
            ('a stride shorter than the row', INVALID_STRIDE, (0, W, H, W * 4 - 4, XRGB)),
            ('a stride that is not whole pixels', INVALID_STRIDE, (0, W, H - 1, W * 4 + 2, XRGB)),
            ('a buffer past the end of its pool', INVALID_STRIDE, (4, W, H, W * 4, XRGB)),
            ('a negative offset', INVALID_STRIDE, (-4, W, H // 2, W * 4, XRGB)),
            ('stride times height past 32 bits', INVALID_STRIDE,
             (0, 1, 0x7fffffff, 0x7ffffffc, XRGB)),
            ('a format never advertised', INVALID_FORMAT, (0, W, H, W * 4, 0x20203852)),
        ]
        for what, code, args in cases:
            expect_error(c, what, code,
                         lambda conn, a=args: create_buffer(conn, pool(conn, memfd(size), size), *a))
        expect_error(c, 'a pool shrunk by resize', INVALID_STRIDE,
                     lambda conn: resize(conn, pool(conn, memfd(size), size), size // 2))

        # The SIGBUS attack, with a bystander.
        good = wire.Connection(c.host_socket)
        good.setup()
        window(good, memfd(size, 0xff00c000), size, 'bystander')
        bad = wire.Connection(c.host_socket)
        bad.setup()
        fd = memfd(size, 0xffc00000)
        surface, buf, _ = window(bad, fd, size, 'truncating')
        shows(c, 'truncating', (0xc0, 0, 0))
        shows(c, 'bystander', (0, 0xc0, 0))
        os.ftruncate(fd, 0)
        e = truncation_error(bad, lambda: bad.attach(surface, buf, W, H), 'a truncated file')
        check(e.obj == buf, f'the truncation error names object {e.obj}, not the buffer {buf}')
        # As libwayland does for every error: the connection ends at the
        # client's next message or hang-up, which a real client does on error.
        bad.sock.close()
        wait_for(lambda: not c.find_windows(title='truncating'), 5,
                 what='the truncating client\'s window gone')
        shows(c, 'bystander', (0, 0xc0, 0))
        good.roundtrip()
        log('the file truncated under a pool being drawn: that client gets invalid_fd on '
            'its buffer and goes, the bystander and cordon run on')

        # A pool declared larger than its file, from the start: the same.
        short = wire.Connection(c.host_socket)
        short.setup()
        truncation_error(short, lambda: window(short, memfd(size // 2, 0xff0000c0), size,
                                               'short file'), 'a file shorter than its pool')
        good.roundtrip()
        bad = wire.Connection(c.host_socket)
        bad.setup()

        # Read-only file, and a pool grown by resize.
        src = memfd(size, 0xff40a0e0)
        ro = os.open(f'/proc/self/fd/{src}', os.O_RDONLY)
        window(bad, ro, size, 'read-only')
        shows(c, 'read-only', (0x40, 0xa0, 0xe0))
        grown = memfd(size * 2, 0xffe0e040)
        surface, _, p = window(bad, grown, size, 'grown')
        resize(bad, p, size * 2)
        buf = create_buffer(bad, p, size, W, H, W * 4)
        bad.attach(surface, buf, W, H)
        bad.roundtrip()
        shows(c, 'grown', (0xe0, 0xe0, 0x40))
        log('a read-only pool and a grown pool are drawn')


if __name__ == '__main__':
    main()
