#!/usr/bin/env python3
"""Issue 9 item 7: a hostile guest agent cannot write escape sequences to
the host's terminal through `cordonctl run`. A fake agent answers each run
with error text full of ESC, OSC and CSI sequences, C1 controls (raw and
UTF-8 encoded), a bidi override and ill-formed UTF-8; cordonctl's output
must keep the words and lose every control."""
import json
import os
import socket
import struct
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, log
import vmtest
from vmtest import VmCordon, vm_section

CONFIG = vm_section('vm', agent='unix:@TMP@/evil-agent.sock', stop_timeout=5)

# What the agent answers, one per run, as raw JSON bytes.
REPLIES = [
    # OSC title, clear screen, a fake prompt, OSC 52 (host clipboard), BEL.
    json.dumps({'ok': False, 'error': 'pwned\x1b]0;owned\x07\x1b[2J\x1b[H'
                'password: \x1b]52;c;aGVsbG8=\x07\x1b[8m'}).encode(),
    # C1 CSI as UTF-8 (U+009B), DEL, a right-to-left override, raw C1 and
    # ill-formed bytes json-c passes through untouched.
    b'{"ok": false, "error": "pwned\xc2\x9b31m\x7f\xe2\x80\xaeevil \x9b2J\xff\xfe"}',
    # The error as an object: printed as JSON text, escapes included.
    json.dumps({'ok': False, 'error': {'x': 'pwned\u009b2J\u202e'}},
               ensure_ascii=False).encode(),
]

BIDI = set(range(0x202a, 0x202f)) | set(range(0x2066, 0x206a)) | {0x200e, 0x200f, 0x61c}


def serve(path, replies, stop):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    srv.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        with conn:
            conn.settimeout(5)
            try:
                hdr = conn.recv(4, socket.MSG_WAITALL)
                n = struct.unpack('>I', hdr)[0]
                conn.recv(n, socket.MSG_WAITALL)
                body = replies.pop(0) if replies else b'{"ok": false, "error": "no more"}'
                conn.sendall(struct.pack('>I', len(body)) + body)
            except (OSError, struct.error):
                pass
    srv.close()


def bad_chars(data):
    """Controls a terminal would act on, in cordonctl's output bytes."""
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:
        return [f'ill-formed UTF-8 at {e.start}']
    bad = []
    for ch in text:
        cp = ord(ch)
        if (cp < 0x20 and ch != '\n') or cp == 0x7f or 0x80 <= cp <= 0x9f or cp in BIDI:
            bad.append(f'U+{cp:04X}')
    return bad


def main():
    with VmCordon(CONFIG) as c:
        path = os.path.join(c.tmp, 'evil-agent.sock')
        replies = list(REPLIES)
        stop = threading.Event()
        t = threading.Thread(target=serve, args=(path, replies, stop), daemon=True)
        t.start()
        try:
            for i in range(len(REPLIES)):
                res = subprocess.run([harness.cordonctl_bin(), 'run', '--timeout', '20', 'vm',
                                      '--', 'true'], env=c.env, capture_output=True,
                                     timeout=40)
                log(f'reply {i}: exit {res.returncode}, stderr {res.stderr!r}')
                check(res.returncode != 0, f'reply {i}: cordonctl run succeeded')
                out = res.stdout + res.stderr
                check(b'\x1b' not in out, f'reply {i}: ESC reached the terminal: {out!r}')
                bad = bad_chars(out)
                check(not bad, f'reply {i}: controls reached the terminal: {bad} in {out!r}')
                check(b'pwned' in res.stderr and b'refused' in res.stderr,
                      f'reply {i}: the agent\'s words are not shown: {res.stderr!r}')
        finally:
            stop.set()
            t.join(2)


harness.main(main)
