#!/usr/bin/env python3
"""The host socket, which cordon now accepts on itself: it takes the first
wayland-N whose lock file nobody holds (a held wayland-0.lock means
wayland-1), replaces a dead compositor's socket file, serves host clients
(tagged host), and removes its socket and lock file when it quits. Its
behaviour out of descriptors is in test_fault_ipc_slowloris.py."""
import fcntl
import os
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq


def main():
    with harness.HandStarted() as h:
        rt = h.rt
        # wayland-0 is taken: its lock is held (by this test).
        held = open(os.path.join(rt, 'wayland-0.lock'), 'w')
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # wayland-1 is a dead compositor's: a socket file, its lock free.
        dead = socket.socket(socket.AF_UNIX)
        dead.bind(os.path.join(rt, 'wayland-1'))
        dead.close()
        open(os.path.join(rt, 'wayland-1.lock'), 'w').close()

        with open(os.path.join(rt, 'cordon.log'), 'w') as log:
            name = h.start(output=log)
        check_eq(name, 'wayland-1', 'the host socket cordon took')
        env = dict(h.env, WAYLAND_DISPLAY=name)
        client = subprocess.Popen([harness.test_client_bin(), '--title', 'h'], env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        lines = []
        while 'ready' not in lines:
            line = client.stdout.readline()
            check(line, f'the host client ended before it was ready: {lines!r}')
            lines.append(line.strip())
        res = h.ctl('--json', 'windows')
        check('"domain":"host"' in res.stdout and '"title":"h"' in res.stdout,
              f'the host client\'s window: {res.stdout!r}')
        client.stdin.write('quit\n')
        client.stdin.close()
        client.wait(5)
        check_eq(h.ctl('quit').returncode, 0, 'cordonctl quit')
        check_eq(h.proc.wait(10), 0, 'cordon\'s exit status')
        left = sorted(f for f in os.listdir(rt) if f.startswith('wayland-1'))
        check_eq(left, [], 'wayland-1 files left after cordon quit')
        check(os.path.exists(os.path.join(rt, 'wayland-0.lock')),
              'cordon removed a lock file it did not hold')
        held.close()


harness.main(main)
