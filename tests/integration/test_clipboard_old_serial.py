#!/usr/bin/env python3
"""Issue 9 item 3: an old serial is worth nothing to a selection request.

The guest maps first, gets keyboard focus and keeps its enter serial
(--keep-serial). The user moves to alpha's window and clicks in it 140
times; between clicks the guest toggles maximize, so every click's serials
form a range of their own and alpha's 128-entry serial ring fills up
(wlroots then takes any serial older than its oldest entry as alpha's).
The guest then sets the clipboard with its old serial from the
background (no selection is set yet, so wlroots' "superseded" check does
not stop it): it must be refused (source cancelled), and alpha must get no
selection. Control: the focused alpha's own copy is taken."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check_eq

VPOINTER = os.path.join(harness.TOP, 'tests', 'vpointer.py')
CONFIG = harness.domain_config('[clipboard]\ndefault = deny\n', alpha='#00a040', guest='#c00000')
CLICKS = 140


def main():
    harness.require('wtype')
    with Cordon(config=CONFIG) as c:
        g, wg = c.test_window('guest', domain='guest', color='ff0000', size='200x150',
                              args=['--keep-serial'])
        c.wait_focused(wg['id'])
        g.expect(r'^keyboard-enter$')

        a, wa = c.test_window('alpha', domain='alpha', color='00ff00', size='300x200')
        a.send('watch-selection')
        a.expect(r'^watching-selection$')

        w, h = harness.OUTPUT_SIZE
        p = c.spawn([sys.executable, VPOINTER, '--size', f'{w}x{h}'], name='vpointer')
        p.expect(r'^ready$', 10)

        def pointer(cmd):
            p.send(cmd)
            p.expect(r'^ok$', 5)

        pointer(f'move {wa["x"] + 150} {wa["y"] + 100}')
        pointer('press')
        pointer('release')
        c.wait_focused(wa['id'])
        a.expect(r'^keyboard-enter$')

        for i in range(CLICKS):
            g.send('maximize' if i % 2 == 0 else 'unmaximize')
            g.send('sync')
            g.expect(r'^synced$')
            g.expect(r'^configure ')
            pointer('press')
            pointer('release')
        a.expect(r'^button 272 released$')
        check_eq(c.focused()['id'], wa['id'], 'focused window after the clicks')

        g.skip_pending()
        g.send('copy EVIL-FROM-THE-GUEST')
        g.expect(r'^copy-done$')
        a.skip_pending()
        a.send('paste')
        check_eq(a.expect(r'^(pasted.*|paste-none)$', 8).group(1), 'paste-none',
                 'alpha\'s paste after the guest\'s request with an old serial')
        check_eq(g.seen(r'^source-send '), False, 'the guest\'s source was read')
        g.expect(r'^source-cancelled$')

        # Control: alpha, focused, sets its own clipboard with a fresh serial.
        a.send('copy alpha-own-text')
        a.expect(r'^copy-done$')
        a.expect_not(r'^source-cancelled$', within=0.3)
        a.send('paste')
        check_eq(a.expect(r'^(pasted.*|paste-none)$', 8).group(1), 'pasted alpha-own-text',
                 'alpha\'s paste of its own copy')


harness.main(main)
