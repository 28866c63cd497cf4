#!/usr/bin/env python3
"""Super+Shift+Q asks the focused window to close; the binding never
reaches the client and the window leaves IPC once the client is gone."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for


def main():
    harness.require('wtype')
    with Cordon() as c:
        keep, wkeep = c.test_window('keep', size='200x150', args=['--stay'])
        cl, win = c.test_window('victim', size='300x200')
        cl.expect(r'^keyboard-enter$')
        c.wait_focused(win['id'])

        c.wtype('-M', 'logo', '-M', 'shift', '-k', 'q', '-m', 'shift', '-m', 'logo')
        cl.expect(r'^close$')
        rc = cl.wait_exit(5)
        check_eq(rc, 0, 'exit status of the test client after close')
        check(not any(line.startswith('key ') for line in cl.lines),
              f'the Super+Shift+Q binding reached the client: {cl.lines!r}')
        wait_for(lambda: not c.find_windows(id=win['id']), 5,
                 what=f'window {win["id"]} gone from IPC after its client exited')
        check(not keep.seen(r'^close$'), 'close reached the unfocused window too')
        check(c.find_windows(id=wkeep['id']), 'the other window vanished from IPC')
        # The remaining window gets the keyboard back.
        c.wait_focused(wkeep['id'])
        keep.expect(r'^keyboard-enter$')


harness.main(main)
