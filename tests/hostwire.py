#!/usr/bin/env python3
"""hostwire: the host session protocols spoken from python, on top of wire.

Layer surfaces (zwlr_layer_shell_v1), a session locker
(ext_session_lock_v1) and idle inhibitors (zwp_idle_inhibit_manager_v1),
exactly as far as cordon's tests need them: a panel with an exclusive zone,
a locker that covers every output in one colour and unlocks on request, an
inhibitor on a window's surface.
"""

import struct

import wire
from wire import Connection, Disconnected, i32, string, u32

wire.OP.update({
    'zwlr_layer_shell_v1': {'get_layer_surface': 0, 'destroy': 1},
    'zwlr_layer_surface_v1': {'set_size': 0, 'set_anchor': 1, 'set_exclusive_zone': 2,
                              'set_margin': 3, 'set_keyboard_interactivity': 4,
                              'get_popup': 5, 'ack_configure': 6, 'destroy': 7,
                              'set_layer': 8},
    'ext_session_lock_manager_v1': {'destroy': 0, 'lock': 1},
    'ext_session_lock_v1': {'destroy': 0, 'get_lock_surface': 1, 'unlock_and_destroy': 2},
    'ext_session_lock_surface_v1': {'destroy': 0, 'ack_configure': 1},
    'zwp_idle_inhibit_manager_v1': {'destroy': 0, 'create_inhibitor': 1},
    'zwp_idle_inhibitor_v1': {'destroy': 0},
    'wl_output': {'release': 0},
})

LAYER_BACKGROUND, LAYER_BOTTOM, LAYER_TOP, LAYER_OVERLAY = range(4)
ANCHOR_TOP, ANCHOR_BOTTOM, ANCHOR_LEFT, ANCHOR_RIGHT = 1, 2, 4, 8
KEYBOARD_NONE, KEYBOARD_EXCLUSIVE, KEYBOARD_ON_DEMAND = range(3)


def events_of(conn, oid, opcode):
    """Bodies of the events conn received on object oid with opcode."""
    return [body for (o, _, op, body) in conn.events if o == oid and op == opcode]


def keyboard_focus(conn, keyboard):
    """The surface id of the last wl_keyboard enter or leave (0 after a leave)."""
    focus = None
    for oid, _, opcode, body in conn.events:
        if oid == keyboard and opcode == 1:
            focus = struct.unpack_from('<II', body, 0)[1]
        elif oid == keyboard and opcode == 2:
            focus = 0
    return focus


def layer_surface(conn, layer, anchor, width, height, argb, exclusive=0,
                  keyboard=KEYBOARD_NONE, namespace='hostwire'):
    """A mapped layer surface; returns (surface, layer_surface, (w, h))."""
    shell = conn.bind('zwlr_layer_shell_v1', 4)
    surface = conn.surface()
    ls = conn.create(shell, 'get_layer_surface', 'zwlr_layer_surface_v1', b'',
                     u32(surface) + u32(0) + u32(layer) + string(namespace))
    conn.request(ls, 'set_size', u32(width) + u32(height))
    conn.request(ls, 'set_anchor', u32(anchor))
    conn.request(ls, 'set_exclusive_zone', i32(exclusive))
    conn.request(ls, 'set_keyboard_interactivity', u32(keyboard))
    conn.request(surface, 'commit')
    conn.flush()
    if not conn.wait(lambda: events_of(conn, ls, 0)):
        raise Disconnected('no configure for the layer surface')
    serial, w, h = struct.unpack_from('<III', events_of(conn, ls, 0)[-1], 0)
    w, h = w or width, h or height
    conn.request(ls, 'ack_configure', u32(serial))
    conn.attach(surface, conn.buffer(w, h, argb), w, h)
    conn.roundtrip()
    return surface, ls, (w, h)


class Locker:
    """A session locker on conn: lock() covers every output in argb."""

    def __init__(self, conn, argb):
        self.conn = conn
        self.argb = argb
        self.lock_id = None

    def lock(self, timeout=5.0):
        """Returns 'locked' or 'finished' (refused), whichever came."""
        conn = self.conn
        manager = conn.bind('ext_session_lock_manager_v1', 1)
        outputs = [conn.bind_name(name, 'wl_output', min(version, 3))
                   for name, (iface, version) in sorted(conn.globals.items())
                   if iface == 'wl_output']
        self.lock_id = conn.create(manager, 'lock', 'ext_session_lock_v1')
        surfaces = []
        for output in outputs:
            surface = conn.surface()
            lock_surface = conn.create(self.lock_id, 'get_lock_surface',
                                       'ext_session_lock_surface_v1', b'',
                                       u32(surface) + u32(output))
            surfaces.append((surface, lock_surface))
        conn.flush()
        if not conn.wait(lambda: events_of(conn, self.lock_id, 0) or
                         events_of(conn, self.lock_id, 1), timeout):
            raise Disconnected('neither locked nor finished')
        if events_of(conn, self.lock_id, 1):
            return 'finished'
        for surface, lock_surface in surfaces:
            if not conn.wait(lambda: events_of(conn, lock_surface, 0), timeout):
                raise Disconnected('no configure for a lock surface')
            serial, w, h = struct.unpack_from('<III', events_of(conn, lock_surface, 0)[-1], 0)
            conn.request(lock_surface, 'ack_configure', u32(serial))
            conn.attach(surface, conn.buffer(w, h, self.argb), w, h)
        conn.roundtrip()
        return 'locked'

    def unlock(self):
        self.conn.request(self.lock_id, 'unlock_and_destroy')
        self.conn.roundtrip()


def host_locker(c, argb=0xff00cc00):
    """A Locker on a new connection to the host socket of c (a Cordon)."""
    conn = Connection(c.host_socket)
    conn.setup()
    return Locker(conn, argb)


def inhibit_idle(conn, surface):
    """An idle inhibitor on surface; returns its id."""
    manager = conn.bind('zwp_idle_inhibit_manager_v1', 1)
    inhibitor = conn.create(manager, 'create_inhibitor', 'zwp_idle_inhibitor_v1', b'',
                            u32(surface))
    conn.roundtrip()
    return inhibitor
