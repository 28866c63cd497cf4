#!/usr/bin/env python3
"""Issue 3: a new window of another domain does not take keyboard focus
(it is marked urgent); a new window of the focused domain does; input
reaches only the focused client."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq

CONFIG = "[domain work]\ncolor = blue\n[domain play]\ncolor = red\n"


def main():
    harness.require('wtype')
    with Cordon(config=CONFIG) as c:
        h = c.spawn_client(['--size', '200x150', '--title', 'h'], name='host')
        h.expect(r'^ready$')
        h.expect(r'^keyboard-enter$')
        wh = c.wait_window(title='h')
        c.wait_focused(wh['id'])

        g = c.spawn_client(['--size', '200x150', '--title', 'g'], domain='play',
                           name='guest')
        g.expect(r'^ready$')
        g.send('sync')
        g.expect(r'^synced$')
        wg = c.wait_window(title='g')
        check_eq(c.focused() and c.focused()['id'], wh['id'],
                 'focused window after a guest window mapped')
        check(wg.get('urgent') is True, f'the guest window is not marked urgent: {wg!r}')
        check(not g.seen(r'^keyboard-enter$'), f'the guest got keyboard focus: {g.lines!r}')
        check(not h.seen(r'^keyboard-leave$'), f'the host window lost focus: {h.lines!r}')

        # Keys go to the focused host window only.
        h.skip_pending()
        c.wtype('k')
        h.expect(r'^key \d+ pressed$')
        g.expect_not(r'^key ', within=0.3)

        # A window of the focused window's own domain does take focus.
        h2 = c.spawn_client(['--size', '200x150', '--title', 'h2'], name='host2')
        h2.expect(r'^ready$')
        h2.expect(r'^keyboard-enter$')
        wh2 = c.wait_window(title='h2')
        c.wait_focused(wh2['id'])

        # Once the user focuses the guest, it is no longer urgent.
        c.ipc_ok({'cmd': 'focus', 'id': wg['id']})
        g.expect(r'^keyboard-enter$')
        c.wait_focused(wg['id'])
        check(c.find_windows(id=wg['id'], urgent=False),
              f'the guest is still urgent after being focused: {c.windows()!r}')
        # And a second guest window of play, while play is focused, takes focus.
        g2 = c.spawn_client(['--size', '200x150', '--title', 'g2'], domain='play',
                            name='guest2')
        g2.expect(r'^keyboard-enter$')
        c.wait_focused(c.wait_window(title='g2')['id'])


harness.main(main)
