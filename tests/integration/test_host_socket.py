#!/usr/bin/env python3
"""The host socket, which cordon now accepts on itself: it takes the first
wayland-N whose lock file nobody holds (a held wayland-0.lock means
wayland-1), replaces a dead compositor's socket file, serves host clients
(tagged host), and removes its socket and lock file when it quits. Its
behaviour out of descriptors is in test_fault_ipc_slowloris.py."""
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq


def run_cordon(rt):
    """Starts cordon in rt; returns (process, WAYLAND_DISPLAY)."""
    rfd, wfd = os.pipe()
    log = open(os.path.join(rt, 'cordon.log'), 'w')
    proc = subprocess.Popen([harness.cordon_bin(), '--ready-fd', str(wfd)],
                            env=harness.base_env(rt), pass_fds=(wfd,),
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            start_new_session=True)
    os.close(wfd)
    with os.fdopen(rfd) as ready:
        line = ready.readline().strip()
    log.close()
    check(line.startswith('WAYLAND_DISPLAY='), f'cordon did not get ready: {line!r}')
    return proc, line.split('=', 1)[1]


def ctl(rt, *args):
    env = dict(harness.base_env(rt), CORDON_SOCK=os.path.join(rt, 'cordon', 'ipc.sock'))
    return subprocess.run([harness.cordonctl_bin()] + list(args), env=env,
                          capture_output=True, text=True, timeout=10)


def main():
    rt = tempfile.mkdtemp(prefix='c.', dir='/tmp')
    proc = None
    try:
        os.chmod(rt, 0o700)
        os.mkdir(os.path.join(rt, 'config-home'), 0o700)
        # wayland-0 is taken: its lock is held (by this test).
        held = open(os.path.join(rt, 'wayland-0.lock'), 'w')
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # wayland-1 is a dead compositor's: a socket file, its lock free.
        dead = socket.socket(socket.AF_UNIX)
        dead.bind(os.path.join(rt, 'wayland-1'))
        dead.close()
        open(os.path.join(rt, 'wayland-1.lock'), 'w').close()

        proc, name = run_cordon(rt)
        check_eq(name, 'wayland-1', 'the host socket cordon took')
        env = dict(harness.base_env(rt), WAYLAND_DISPLAY=name)
        client = subprocess.Popen([harness.test_client_bin(), '--title', 'h'], env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        lines = []
        while 'ready' not in lines:
            line = client.stdout.readline()
            check(line, f'the host client ended before it was ready: {lines!r}')
            lines.append(line.strip())
        res = ctl(rt, '--json', 'windows')
        check('"domain":"host"' in res.stdout and '"title":"h"' in res.stdout,
              f'the host client\'s window: {res.stdout!r}')
        client.stdin.write('quit\n')
        client.stdin.close()
        client.wait(5)
        check_eq(ctl(rt, 'quit').returncode, 0, 'cordonctl quit')
        check_eq(proc.wait(10), 0, 'cordon\'s exit status')
        left = sorted(f for f in os.listdir(rt) if f.startswith('wayland-1'))
        check_eq(left, [], 'wayland-1 files left after cordon quit')
        check(os.path.exists(os.path.join(rt, 'wayland-0.lock')),
              'cordon removed a lock file it did not hold')
        held.close()
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(rt, ignore_errors=True)


harness.main(main)
