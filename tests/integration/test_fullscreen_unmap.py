#!/usr/bin/env python3
"""Issue 9 item 9: an unfocused fullscreen guest never covers the focused
window, and Super+Escape takes any fullscreen window off the screen.

- The guest goes fullscreen while focused, unmaps (alpha gets focus) and
  maps again: it comes back urgent, not fullscreen, and below alpha's
  window (alpha's colour at alpha's centre).
- A fullscreen guest window moved to workspace 2 and marked urgent (a
  refused activation) is, once the user shows workspace 2, on screen with
  nothing focused; Super+Escape must end its fullscreen all the same."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

CONFIG = harness.domain_config(alpha='#00a040', guest='#c00000')
GREEN = (0x00, 0xff, 0x00)


def fullscreen_of(c, win_id):
    return c.find_windows(id=win_id)[0].get('fullscreen')


def main():
    harness.require('grim', 'wtype', 'wlrctl')
    with Cordon(config=CONFIG) as c:
        a, wa = c.test_window('alpha', domain='alpha', color='00ff00', size='300x200')
        g, wg = c.test_window('guest', domain='guest', color='ff0000', size='300x200')

        c.ipc_ok({'cmd': 'focus', 'id': wg['id']})
        c.wait_focused(wg['id'])
        g.send('fullscreen')
        wait_for(lambda: fullscreen_of(c, wg['id']), 5, what='the guest fullscreen')

        # Unmapped while fullscreen: alpha gets focus; then it maps again.
        g.send('unmap')
        g.expect(r'^unmapped$')
        c.wait_focused(wa['id'])
        g.skip_pending()
        g.send('map')
        g.expect(r'^ready$')
        wait_for(lambda: c.find_windows(id=wg['id']), 5, what='the guest mapped again')
        check_eq(fullscreen_of(c, wg['id']), False, 'guest fullscreen after its remap')
        check_eq(c.find_windows(id=wg['id'])[0].get('urgent'), True, 'guest urgent')
        check_eq((c.focused() or {}).get('id'), wa['id'], 'focused window after the remap')
        time.sleep(0.2)
        shot = c.screenshot()
        px = shot.pixel(wa['x'] + wa['width'] // 2, wa['y'] + wa['height'] // 2)
        check_eq(px, GREEN, 'pixel at the centre of alpha\'s focused window')

        # A fullscreen guest on screen with nothing focused.
        c.click(wg['x'] + 100, wg['y'] + 80)
        c.wait_focused(wg['id'])
        g.send('fullscreen')
        wait_for(lambda: fullscreen_of(c, wg['id']), 5, what='the guest fullscreen again')
        c.wtype('-M', 'logo', '-M', 'shift', '-k', '2', '-m', 'shift', '-m', 'logo')
        wait_for(lambda: c.find_windows(id=wg['id'], workspace=2), 5,
                 what='the guest on workspace 2')
        c.wait_focused(wa['id'])
        # A serial-less token from a window never shown: cordon refuses it.
        h = c.spawn_client(['--no-map', '--title', 'helper'], domain='guest', name='helper')
        h.send('token')
        token = h.expect(r'^token (\S+)$').group(1)
        g.send(f'activate {token}')
        g.expect(r'^activate-sent$')
        wait_for(lambda: c.find_windows(id=wg['id'], urgent=True), 5,
                 what='the guest urgent after its refused activation')
        c.wtype('-M', 'logo', '-k', '2', '-m', 'logo')
        wait_for(lambda: c.focused() is None, 5, what='nothing focused on workspace 2')
        check_eq(fullscreen_of(c, wg['id']), True, 'the guest still fullscreen there')
        c.wtype('-M', 'logo', '-k', 'Escape', '-m', 'logo')
        wait_for(lambda: fullscreen_of(c, wg['id']) is False, 5,
                 what='the unfocused guest out of fullscreen after Super+Escape')
        check(not g.seen(r'^key '), f'Super+Escape reached the guest: {g.lines[-20:]!r}')


harness.main(main)
