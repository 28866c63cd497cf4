#!/usr/bin/env python3
"""Buffer releases ride with the next frame (compositor/wm/release_batch.c).

A raw-wire client commits buffer after buffer and watches the order of
the bytes that come back:
- on a visible window, the release of the buffer a commit replaced comes
  in the same write as the frame done of that commit, at the output frame
  (the release first, so a client drawing on frame done finds the buffer
  free); wlroots alone sends the release at the commit, with a write and
  a client wake-up of its own;
- a surface on no output (no role, never shown) still gets its buffers
  back, without any frame to ride on;
- a client committing 200 buffers without waiting gets all of them but
  the one shown back, and cordon holds at most one per surface.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import Cordon, check, log
import wire

W, H = 160, 120


def releases(conn):
    return [oid for oid, kind, opcode, _ in conn.events if kind == 'wl_buffer' and opcode == 0]


def main():
    with Cordon() as c:
        conn = wire.Connection(c.host_socket)
        conn.setup()
        surface, _, _ = conn.toplevel(W, H, 0xff3060a0, 'release')
        c.wait_window(title='release')
        first = None

        # Frame by frame: the release of the buffer replaced comes with the
        # frame done of the commit that replaced it, never in a read before it.
        for n in range(5):
            buf = conn.buffer(W, H, 0xff000000 | (n * 40) << 8)
            cb = conn.create(surface, 'frame', 'wl_callback')
            conn.request(surface, 'attach', wire.u32(buf) + wire.i32(0) + wire.i32(0))
            conn.request(surface, 'damage', wire.i32(0) * 2 + wire.i32(W) + wire.i32(H))
            conn.request(surface, 'commit')
            conn.flush()
            seen = len(releases(conn))
            early = []

            def done_or_release():
                if len(releases(conn)) > seen and cb not in conn.done:
                    early.append(releases(conn)[-1])
                return cb in conn.done
            check(conn.wait(done_or_release, 5), f'frame {n}: no frame done')
            check(not early, f'frame {n}: buffer {early} released before the frame done '
                  'of the commit that replaced it')
            check(conn.wait(lambda: len(releases(conn)) > seen, 5),
                  f'frame {n}: the replaced buffer never came back')
            if first is None:
                first = buf
        log('5 frames: every release came with its frame done')

        # No output, no frame: the buffers still come back.
        hidden = conn.surface()
        a, b = conn.buffer(W, H, 0xff808080), conn.buffer(W, H, 0xff404040)
        conn.attach(hidden, a, W, H)
        conn.attach(hidden, b, W, H)
        conn.flush()
        check(conn.wait(lambda: a in releases(conn), 5),
              'a surface on no output never got its replaced buffer back')
        log('a surface on no output got its buffer back')

        # A flood of commits: every replaced buffer comes back; one is shown.
        bufs = [conn.buffer(W, H, 0xff102030) for _ in range(200)]
        for buf in bufs:
            conn.request(surface, 'attach', wire.u32(buf) + wire.i32(0) + wire.i32(0))
            conn.request(surface, 'commit')
        conn.roundtrip()
        check(conn.wait(lambda: set(bufs[:-1]) <= set(releases(conn)), 5),
              f'{len(set(bufs[:-1]) - set(releases(conn)))} of 199 replaced buffers '
              'never came back')
        check(bufs[-1] not in releases(conn), 'the buffer on screen was released')
        conn.roundtrip()
        log('200 commits without waiting: 199 buffers back, the shown one kept')


if __name__ == '__main__':
    main()
