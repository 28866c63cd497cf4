#!/usr/bin/env python3
"""Alt+Tab moves focus to the other window and back; Tab never reaches
the clients."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check


def main():
    harness.require('wtype')
    with Cordon() as c:
        a = c.spawn_client(['--size', '300x200', '--title', 'A'], name='A')
        a.expect(r'^ready$')
        a.expect(r'^keyboard-enter$')
        wa = c.wait_window(title='A')
        b = c.spawn_client(['--size', '300x200', '--title', 'B'], name='B')
        b.expect(r'^ready$')
        b.expect(r'^keyboard-enter$')
        a.expect(r'^keyboard-leave$')
        wb = c.wait_window(title='B')
        c.wait_focused(wb['id'])

        # Alt+Tab goes back to A, and again back to B.
        for win, gains, loses in ((wa, a, b), (wb, b, a)):
            a.skip_pending()
            b.skip_pending()
            c.wtype('-M', 'alt', '-k', 'Tab', '-m', 'alt')
            c.wait_focused(win['id'])
            gains.expect(r'^keyboard-enter$')
            loses.expect(r'^keyboard-leave$')

        for cl in (a, b):
            check(not cl.seen(r'^key '),
                  f'{cl.name}: Alt+Tab reached the client: {cl.lines!r}')


harness.main(main)
