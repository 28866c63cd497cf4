#!/usr/bin/env python3
"""Issue 11 item 1: a keyboard that goes away with a key down.

Unplugging a keyboard, or switching to another VT (libinput removes every
device then), mid-keystroke: the key's release never comes from the
device, and a client repeats a held key until it gets one. The focused
client gets the release of every key it was told is down (wlroots
releases them as the keyboard goes, through cordon's key path), and keys
from the keyboards that remain still arrive."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VTKEYS = os.path.join(TESTS, 'vtkeys.py')
KEY_J = 36


def main():
    harness.require('wtype')
    with Cordon() as c:
        cl = c.spawn_client(['--size', '300x200', '--title', 'typing'])
        cl.expect(r'^ready$')
        cl.expect(r'^keyboard-enter$')
        c.wait_focused(c.wait_window(title='typing')['id'])
        res = c.run([sys.executable, VTKEYS, 'hold', str(KEY_J)], timeout=15)
        check(b'done' in res.stdout, lambda: f'vtkeys did not finish: {res!r}')
        cl.expect(rf'^key {KEY_J} pressed$')
        cl.expect(rf'^key {KEY_J} released$')
        cl.skip_pending()
        c.wtype('x')
        cl.expect(r'^key \d+ pressed$')
        cl.expect(r'^key \d+ released$')


harness.main(main)
