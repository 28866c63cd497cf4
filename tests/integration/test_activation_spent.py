#!/usr/bin/env python3
"""Issue 9 item 8: an xdg-activation is used once, within a few seconds,
and only while the focus it was checked against still holds.

- The guest mints a token from a real click on its window and presents it
  for a second toplevel it has not mapped; the user moves to alpha's
  window; the second toplevel maps: it must not take focus.
- Alpha's own token for a guest window that maps 3.5 s later: expired.
  The same token flow mapping at once: honoured (the control).
- That window, unmapped and mapped again once the user is back in alpha,
  must not take focus a second time.
- With nothing focused at start-up, a serial-less token for an unmapped
  window must not arm it to take focus from whatever is focused when it
  maps."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq

CONFIG = harness.domain_config(alpha='#00a040', guest='#c00000')


def click(c, win):
    c.click(win['x'] + win['width'] // 2, win['y'] + win['height'] // 2)
    c.wait_focused(win['id'])


def unmapped(c, title, token, name):
    """A guest window that presents token before its first map and waits."""
    p = c.spawn_client(['--no-map', '--activation-token', token, '--size', '160x100',
                        '--color', 'ff0000', '--title', title], domain='guest', name=name)
    p.send('sync')
    p.expect(r'^synced$')
    return p


def keeps_focus(c, focused, proc, title, what):
    """proc maps title; focused must keep the keyboard, title be urgent."""
    proc.skip_pending()
    proc.send('map')
    proc.expect(r'^ready$')
    win = c.wait_window(title=title)
    time.sleep(0.3)
    check_eq((c.focused() or {}).get('id'), focused['id'], f'{what}: focused window')
    check_eq(c.find_windows(id=win['id'])[0].get('urgent'), True, f'{what}: urgent')
    proc.expect_not(r'^keyboard-enter$', within=0.3)
    return win


def main():
    harness.require('wtype', 'wlrctl')
    with Cordon(config=CONFIG) as c:
        a, wa = c.test_window('alpha', domain='alpha', color='00ff00', size='200x120')
        c.wait_focused(wa['id'])
        g1, wg1 = c.test_window('g1', domain='guest', color='ff0000', size='200x120')

        # The guest's own click backs a token it spends on an unmapped window.
        click(c, wg1)
        g1.expect(r'^button 272 released$')
        g2 = unmapped(c, 'g2', g1.token(), 'g2')
        click(c, wa)
        keeps_focus(c, wa, g2, 'g2', 'mapped after the user moved to alpha')

        # Alpha's token, presented by a guest window that maps 3.5 s later.
        click(c, wa)
        a.expect(r'^button 272 released$')
        g3 = unmapped(c, 'g3', a.token(), 'g3')
        time.sleep(3.5)
        keeps_focus(c, wa, g3, 'g3', 'mapped 3.5 s after the activation')

        # Control: alpha's fresh token, the window maps at once: focused.
        a.skip_pending()
        click(c, wa)
        a.expect(r'^button 272 released$')
        g4 = unmapped(c, 'g4', a.token(), 'g4')
        g4.send('map')
        g4.expect(r'^ready$')
        wg4 = c.wait_window(title='g4')
        c.wait_focused(wg4['id'])
        g4.expect(r'^keyboard-enter$')

        # Spent: unmapped and mapped again while alpha has focus.
        click(c, wa)
        g4.send('unmap')
        g4.expect(r'^unmapped$')
        keeps_focus(c, wa, g4, 'g4', 'mapped again after its activation was spent')

    with Cordon(config=CONFIG) as c:
        # Nothing focused: a token with no serial, for a window not mapped.
        g1 = c.spawn_client(['--no-map', '--title', 'g1'], domain='guest', name='g1')
        g1.send('sync')
        g1.expect(r'^synced$')
        g2 = unmapped(c, 'g2', g1.token(), 'g2')
        check(c.focused() is None, f'nothing focused at start-up: {c.windows()!r}')
        a, wa = c.test_window('alpha', domain='alpha', color='00ff00', size='200x120')
        c.wait_focused(wa['id'])
        keeps_focus(c, wa, g2, 'g2', 'armed with nothing focused, mapped later')


harness.main(main)
