#!/usr/bin/env python3
"""Issue 14, found by wlcs: the pointer events cordon makes itself. A
window moved under a still pointer gets the new position as a motion that
a frame ends (clients apply pointer events on frame); a confined pointer
pushed past its window's edge stops at the edge instead of not moving."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
import wire
from harness import Cordon, check
from wire import u32

wire.OP['zwp_pointer_constraints_v1'] = {'destroy': 0, 'lock_pointer': 1, 'confine_pointer': 2}
LIFETIME_PERSISTENT = 2
MOTION, FRAME = 2, 5
W, H = 300, 200


def pointer_events(conn, pointer):
    """(opcode, body) of every wl_pointer event but enter, in order."""
    return [(op, body) for (oid, _, op, body) in conn.events if oid == pointer]


def last_motion(conn, pointer):
    """The last motion's surface position, in whole pixels, or None."""
    motions = [body for op, body in pointer_events(conn, pointer) if op == MOTION]
    if not motions:
        return None
    _, sx, sy = struct.unpack_from('<Iii', motions[-1], 0)
    return sx // 256, sy // 256


def main():
    harness.require('wlrctl')
    with Cordon() as c:
        conn = wire.Connection(c.host_socket)
        conn.setup()
        seat = conn.bind('wl_seat', 5)
        pointer = conn.create(seat, 'get_pointer', 'wl_pointer')
        surface, _, _ = conn.toplevel(W, H, 0xffff0000, title='motion')
        win = c.wait_window(title='motion')
        c.pointer_to(win['x'] + 100, win['y'] + 100)
        check(conn.wait(lambda: conn.pointer_enter is not None and
                        conn.pointer_enter[1] == surface, 5),
              'the window did not get the pointer')
        conn.roundtrip()

        # Moved 10 px right and down under the still pointer.
        conn.events.clear()
        c.ctl('move', str(win['id']), str(win['x'] + 10), str(win['y'] + 10))
        check(conn.wait(lambda: last_motion(conn, pointer) == (90, 90), 5),
              f'no motion to (90, 90) after the window moved: {pointer_events(conn, pointer)!r}')
        conn.roundtrip()
        ops = [op for op, _ in pointer_events(conn, pointer)]
        check(ops[-1] == FRAME and ops.index(MOTION) < len(ops) - 1,
              f'the motion after the window moved is not ended by a frame: {ops!r}')

        # Confined to the window: a push far right and down ends at the corner.
        constraints = conn.bind('zwp_pointer_constraints_v1', 1)
        conn.create(constraints, 'confine_pointer', 'zwp_confined_pointer_v1', b'',
                    u32(surface) + u32(pointer) + u32(0) + u32(LIFETIME_PERSISTENT))
        conn.roundtrip()
        c.wlrctl('pointer', 'move', '1000', '1000')
        conn.roundtrip()
        check(conn.wait(lambda: last_motion(conn, pointer) == (W - 1, H - 1), 5),
              f'confined pointer pushed past the corner is at {last_motion(conn, pointer)}, '
              f'not ({W - 1}, {H - 1})')
        c.wlrctl('pointer', 'move', '-1000', '0')
        check(conn.wait(lambda: last_motion(conn, pointer) == (0, H - 1), 5),
              f'confined pointer pushed past the left edge is at {last_motion(conn, pointer)}')


harness.main(main)
