#!/usr/bin/env python3
"""Issue 11 item 1: Ctrl+Alt+F1…F12 belong to the seat, never to a client.

Headless cordon has no seat session, so a switch cannot happen here: the
test checks what can be seen without one. A host keyboard with the
standard keymap types Ctrl+Alt+F2 at a focused window: the window gets no
F2 (press or release) while the key typed next reaches it, and cordon logs
that there is no session to switch to VT 2. The same keys with a
clipboard prompt up still reach VT switching (cordon logs it for VT 3)
rather than the prompt, which stays pending. A guest's virtual keyboard (a domain allowed
the protocol) typing the same never reaches VT switching."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, wait_for
import cliptest
from cliptest import A, B, C, Desk

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VTKEYS = os.path.join(TESTS, 'vtkeys.py')
KEY_F2, KEY_F3, KEY_A = 60, 61, 30


def vtkeys(c, *args):
    res = c.run([sys.executable, VTKEYS] + [str(a) for a in args], timeout=15)
    check(b'done' in res.stdout, lambda: f'vtkeys did not finish: {res!r}')


def main():
    cliptest.require_peers()
    # gamma may drive a virtual keyboard: a guest's keys never switch VTs.
    config = cliptest.config(domains={C: {'protocols': 'zwp_virtual_keyboard_manager_v1'}})
    with Cordon(config=config) as c:
        check('session: none' in c.cordon_stderr(),
              'cordon did not log that the headless backend has no session')
        desk = Desk(c)
        wa = desk.window(A)
        wa.proc.skip_pending()
        vtkeys(c, 'vt', 2, 'key', KEY_A)
        wa.proc.expect(rf'^key {KEY_A} pressed$')
        wa.proc.expect(rf'^key {KEY_A} released$')
        check(not wa.proc.seen(rf'^key {KEY_F2} '),
              lambda: f'Ctrl+Alt+F2 reached the client: {wa.proc.lines[-20:]!r}')
        wait_for(lambda: 'no session to switch to VT 2' in c.cordon_stderr(), 5,
                 what='cordon to log that there is no session to switch to VT 2')

        # With a prompt up the keyboard is the prompt's, but not this key.
        desk.copy(A, 'vt keys')
        wb = desk.window(B)
        paste = desk.paste_async(B)
        prompt = desk.wait_prompt()
        wb.proc.skip_pending()
        vtkeys(c, 'vt', 3)
        wait_for(lambda: 'no session to switch to VT 3' in c.cordon_stderr(), 5,
                 what='VT switching to be reached while a prompt is up')
        check([p['id'] for p in desk.prompts()] == [prompt['id']],
              'Ctrl+Alt+F3 answered the prompt')
        check(not wb.proc.seen(rf'^key {KEY_F3} '),
              lambda: f'Ctrl+Alt+F3 reached the client: {wb.proc.lines[-20:]!r}')
        time.sleep(0.8)  # a prompt heeds only keys after a quiet half second
        desk.keys('-k', 'Escape')
        desk.wait_no_prompt()
        paste.wait()

        res = c.run([sys.executable, VTKEYS, 'vt', '4'], domain=C, timeout=15)
        check(b'done' in res.stdout, lambda: f'vtkeys in {C} did not finish: {res!r}')
        c.check_alive('after a guest typed Ctrl+Alt+F4')
        check('VT 4' not in c.cordon_stderr(),
              "a guest's virtual keyboard reached VT switching")


harness.main(main)
