#!/usr/bin/env python3
"""Issue 12 item 7: a guest's pointer lock holds only while its window has
the keyboard focus. It gets relative motion while locked; Super+Escape
releases the lock (and it stays released until focus moves), and so does a
focus change to another window; a lock asked for by a window without focus
is not granted. A notice names the domain."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq

CONFIG = """\
[domain game]
color = #cc0000
"""


def main():
    harness.require('wlrctl', 'wtype')
    with Cordon(config=CONFIG) as c:
        check('zwp_pointer_constraints_v1' in c.globals('game') and
              'zwp_relative_pointer_manager_v1' in c.globals('game'),
              'a guest lacks the pointer constraints or relative pointer globals')
        g, win = c.test_window('game', domain='game', size='300x200')
        c.wait_focused(win['id'])
        c.pointer_to(win['x'] + 100, win['y'] + 100)
        g.send('lock-pointer')
        g.expect(r'^pointer-lock-requested$')
        g.expect(r'^pointer-locked$', 5)
        check('game' in c.cordon_stderr() and 'pointer locked' in c.cordon_stderr(),
              'no log line naming the domain that locked the pointer')

        c.wlrctl('pointer', 'move', '7', '5')
        g.expect(r'^relative 7 5$', 5)

        # The escape key ends it, and it is not granted again by itself.
        c.wtype('-M', 'logo', '-k', 'Escape', '-m', 'logo')
        g.expect(r'^pointer-unlocked$', 5)
        c.wlrctl('pointer', 'move', '3', '3')
        g.send('sync')
        g.expect(r'^synced$')
        g.expect_not(r'^pointer-locked$', 0.5)

        # A new focus grants it again; focus moving away ends it.
        h, wo = c.test_window('other', size='200x100')
        c.ipc_ok({'cmd': 'focus', 'id': wo['id']})
        c.wait_focused(wo['id'])
        win = c.wait_window(title='game')
        c.click(win['x'] + 50, win['y'] + 50)
        c.wait_focused(win['id'])
        g.expect(r'^pointer-locked$', 5)
        c.ipc_ok({'cmd': 'focus', 'id': wo['id']})
        c.wait_focused(wo['id'])
        g.expect(r'^pointer-unlocked$', 5)

        # A window without focus asks: nothing is granted.
        g2, w2 = c.test_window('game2', domain='game', size='200x100')
        check(not w2.get('focused'), 'a guest window took focus from the host\'s')
        g2.send('lock-pointer')
        g2.expect(r'^pointer-lock-requested$')
        g2.send('sync')
        g2.expect(r'^synced$')
        g2.expect_not(r'^pointer-locked$', 0.5)
        check_eq(c.focused().get('title'), 'other', 'focus after an unfocused lock request')


harness.main(main)
