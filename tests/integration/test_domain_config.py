#!/usr/bin/env python3
"""Issue 3: domain config errors are reported with file:line by
--validate; a domain socket that cannot be bound stops startup with an
error naming the path."""
import os
import socket
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq

BROKEN = """\
[domain Work]
color = blue

[domain host]
color = red

[domain ok]
color = #12345
kind = socket

[domain ok]
color = green

[domain dup-key]
colour = red

[domain fs]
color = black
fullscreen = sometimes
max-clients = many
"""
# lines -> what is wrong there (a section's error may name its header or
# its first key: inih reports sections through their keys)
ERRORS = {(1, 2): 'an upper-case domain name', (4, 5): 'the reserved name host',
          (8,): 'a bad colour', (11, 12): 'a duplicate domain', (15,): 'an unknown key',
          (19,): 'a bad fullscreen value', (20,): 'a bad max-clients'}


def validate(text):
    tmp = tempfile.mkdtemp(prefix='c.', dir='/tmp')
    try:
        with open(os.path.join(tmp, 'domains.conf'), 'w') as f:
            f.write(text)
        env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'LANG': 'C.UTF-8'}
        res = subprocess.run([harness.cordon_bin(), '--validate', '-c', 'domains.conf'],
                             cwd=tmp, env=env, capture_output=True, text=True, timeout=20)
        return res.returncode, res.stdout + res.stderr
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    rc, out = validate(BROKEN)
    check_eq(rc, 1, f'--validate exit status on broken domains (output:\n{out})')
    for lines, what in ERRORS.items():
        check(any(f'domains.conf:{n}:' in out for n in lines),
              f'--validate did not report {what} at domains.conf:'
              f'{"|".join(map(str, lines))}:\n{out}')
    rc, out = validate('[domain a_b-9]\ncolor = #abcdef\nmax-clients = 3\n'
                       'max-windows = 4\nfullscreen = deny\nprotocols = wp_viewporter\n')
    check_eq(rc, 0, f'--validate on a valid domain (output:\n{out})')

    # A socket path longer than sun_path allows.
    long_path = '/tmp/' + 'x' * 120 + '/wayland-0'
    rc, out, ready = harness.start_and_wait_exit(
        config=f'[domain long]\ncolor = red\nsocket = {long_path}\n')
    check(rc != 0 and ready is None,
          f'cordon started (status {rc}, ready {ready!r}) with an unbindable socket path')
    # Named either by the path itself or as the config line that sets it.
    check(long_path in out or ('cordon.conf:3:' in out and 'socket' in out),
          f'the startup error names neither the socket path nor its config line:\n'
          f'{out[-3000:]}')

    # A live socket already at the domain's path.
    holder = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    live = {}

    def prepare(rt):
        d = os.path.join(rt, 'cordon', 'busy')
        os.makedirs(d, mode=0o700)
        live['path'] = os.path.join(d, 'wayland-0')
        holder.bind(live['path'])
        holder.listen()
    try:
        rc, out, ready = harness.start_and_wait_exit(
            config='[domain busy]\ncolor = red\n', prepare=prepare)
    finally:
        holder.close()
    check(rc != 0 and ready is None,
          f'cordon started (status {rc}) over a live socket at {live.get("path")}')
    check(live['path'] in out, f'the startup error does not name {live["path"]}:\n'
                               f'{out[-3000:]}')


harness.main(main)
