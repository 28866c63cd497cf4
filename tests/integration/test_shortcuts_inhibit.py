#!/usr/bin/env python3
"""Issue 12 item 8: a guest's keyboard shortcuts inhibitor is active only
while its window has the keyboard focus. While it is, an ordinary binding
(Super+M, maximize) reaches the window as keys and does nothing in cordon,
but Super+Escape never reaches it and still does its job; secure copy
stays cordon's. Focus moving away restores cordon's shortcuts."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq

CONFIG = """\
[domain viewer]
color = #75507b
"""
PRESS = re.compile(r'^key \d+ pressed$')


def presses(client):
    """Key presses the client saw (wtype's keymap numbers keys its own way)."""
    return sum(1 for line in client.lines if PRESS.match(line))


def main():
    harness.require('wtype')
    with Cordon(config=CONFIG) as c:
        check('zwp_keyboard_shortcuts_inhibit_manager_v1' in c.globals('viewer'),
              'a guest lacks zwp_keyboard_shortcuts_inhibit_manager_v1')
        v, win = c.test_window('viewer', domain='viewer', size='300x200')
        c.wait_focused(win['id'])
        v.expect(r'^keyboard-enter$', 5)
        v.send('inhibit-shortcuts')
        v.expect(r'^inhibit-requested$')
        v.expect(r'^shortcuts-inhibited$', 5)

        # An ordinary binding goes to the window instead.
        c.wtype('-M', 'logo', '-k', 'm', '-m', 'logo')
        v.expect(r'^key \d+ pressed$', 5)
        v.send('sync')
        v.expect(r'^synced$')
        check_eq(c.wait_window(title='viewer').get('maximized'), False,
                 'Super+M maximized an inhibiting window')

        # Super+Escape and secure copy never reach it.
        v.send('fullscreen')
        harness.wait_for(lambda: c.wait_window(title='viewer').get('fullscreen'), 5,
                         what='the viewer fullscreen')
        before = presses(v)
        c.wtype('-M', 'logo', '-k', 'Escape', '-m', 'logo')
        harness.wait_for(lambda: not c.wait_window(title='viewer').get('fullscreen'), 5,
                         what='Super+Escape taking the inhibiting window out of fullscreen')
        c.wtype('-M', 'logo', '-M', 'shift', '-k', 'c', '-m', 'shift', '-m', 'logo')
        v.send('sync')
        v.expect(r'^synced$')
        check_eq(presses(v), before,
                 'key presses the inhibiting window saw from Super+Escape and '
                 'Super+Shift+C (modifiers aside)')

        # Focus elsewhere: the inhibitor is inactive and Super+M is cordon's.
        h, wo = c.test_window('other', size='200x100')
        c.ipc_ok({'cmd': 'focus', 'id': wo['id']})
        c.wait_focused(wo['id'])
        v.expect(r'^shortcuts-restored$', 5)
        c.wtype('-M', 'logo', '-k', 'm', '-m', 'logo')
        harness.wait_for(lambda: c.wait_window(title='other').get('maximized'), 5,
                         what='Super+M maximizing the host window after focus left')


harness.main(main)
