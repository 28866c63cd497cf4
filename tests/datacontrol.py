#!/usr/bin/env python3
"""datacontrol: a raw-wire zwlr_data_control_manager_v1 client for tests.

Like tests/vpointer.py (whose connection it reuses) it speaks the wire
protocol itself, so a test can do what wl-clipboard never does: keep an
old offer and read from it after the selection changed. It binds wl_seat
and the manager, gets a data device and reads commands on stdin:

    sync                 round trip; prints `selection ID MIME...` or
                         `selection none` for each selection event since
    receive ID MIME      reads offer ID as MIME through a pipe (3 s at
                         most); prints `data HEX` (empty: `data -`)
    quit

`ready` once the device exists; protocol errors and lost connections end
it with status 2 and 3 (as vpointer).
"""

import array
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpointer  # noqa: E402
from vpointer import Connection, enc_uint, enc_string, dec_uint, dec_string, say  # noqa: E402

MANAGER = 'zwlr_data_control_manager_v1'
MANAGER_GET_DATA_DEVICE = 1
DEVICE_EV_DATA_OFFER, DEVICE_EV_SELECTION = 0, 1
OFFER_RECEIVE = 0
OFFER_EV_OFFER = 0


class DataControlConnection(Connection):
    def __init__(self, path):
        super().__init__(path)
        self.offer_mimes = {}
        self.events = []

    def dispatch(self, oid, opcode, body):
        kind = self.objects.get(oid)
        if kind == 'zwlr_data_control_device_v1':
            if opcode == DEVICE_EV_DATA_OFFER:
                new, _ = dec_uint(body, 0)
                self.objects[new] = 'zwlr_data_control_offer_v1'
                self.offer_mimes[new] = []
            elif opcode == DEVICE_EV_SELECTION:
                offer, _ = dec_uint(body, 0)
                if offer == 0:
                    self.events.append('selection none')
                else:
                    self.events.append(' '.join(['selection', str(offer)] +
                                                self.offer_mimes.get(offer, [])))
            return
        if kind == 'zwlr_data_control_offer_v1':
            if opcode == OFFER_EV_OFFER:
                mime, _ = dec_string(body, 0)
                self.offer_mimes.setdefault(oid, []).append(mime)
            return
        super().dispatch(oid, opcode, body)

    def send_with_fd(self, oid, opcode, args, fd):
        size = 8 + len(args)
        msg = struct.pack('<II', oid, (size << 16) | opcode) + args
        self.sock.sendmsg([msg], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                   array.array('i', [fd]))])


def read_all(fd, timeout):
    data = b''
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return data
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return data
        chunk = os.read(fd, 65536)
        if not chunk:
            return data
        data += chunk


def run():
    conn, _ = vpointer.connect_created(
        'wl_seat', MANAGER, MANAGER_GET_DATA_DEVICE, 'zwlr_data_control_device_v1',
        lambda device, seat: enc_uint(device) + enc_uint(seat), DataControlConnection)
    if conn is None:
        return 1

    def sync():
        conn.roundtrip()
        for e in conn.events:
            say(e)
        conn.events.clear()
        say('synced')

    def receive(offer, mime):
        r, w = os.pipe()
        conn.send_with_fd(int(offer), OFFER_RECEIVE, enc_string(mime), w)
        os.close(w)
        conn.roundtrip()
        data = read_all(r, 3.0)
        os.close(r)
        say('data ' + (data.hex() if data else '-'))

    vpointer.serve({'sync': (0, sync), 'receive': (2, receive)})
    conn.sock.close()
    return 0


def main():
    vpointer.exit_reporting(run)


if __name__ == '__main__':
    main()
