#!/usr/bin/env python3
"""Issue 3 item 7, the exception: a window of another domain may take
keyboard focus when it presents an xdg-activation token that the focused
client made from one of its recent input serials. A token from a client
without focus, or one without a serial, does not move focus: the window is
marked urgent instead."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

CONFIG = harness.domain_config(a='blue', b='green')


def main():
    harness.require('wtype')
    with Cordon(config=CONFIG) as c:
        a, wa = c.test_window('a', domain='a', color='ffffff', size='200x100')
        c.wait_focused(wa['id'])
        a.expect(r'^keyboard-enter$')

        # A token without an input serial behind it: refused.
        bare = a.token()
        b1, wb1 = c.test_window('b1', domain='b', color='ffffff', size='200x100',
                                args=['--activation-token', bare])
        check(c.find_windows(id=wa['id'], focused=True),
              f'a token with no input serial must not move focus: {c.windows()!r}')
        check_eq(c.find_windows(id=wb1['id'])[0].get('urgent'), True,
                 'the window with a refused token is urgent')

        # The focused client's token from a real key press: honoured.
        a.skip_pending()
        c.wtype('-k', 'x')
        a.expect(r'^key \d+ pressed$')
        good = a.token()
        b2, wb2 = c.test_window('b2', domain='b', color='ffffff', size='200x100',
                                args=['--activation-token', good])
        c.wait_focused(wb2['id'])
        b2.expect(r'^keyboard-enter$')

        # A token from a client that no longer has focus: refused.
        a.skip_pending()
        stale = a.token()
        b3, wb3 = c.test_window('b3', domain='a', color='ffffff', size='200x100',
                                args=['--activation-token', stale], name='a-late')
        wait_for(lambda: c.find_windows(id=wb2['id'], focused=True), 5,
                 what='b2 keeps focus against a token from an unfocused client')
        check_eq(c.find_windows(id=wb3['id'])[0].get('urgent'), True,
                 'the window with the unfocused client\'s token is urgent')


harness.main(main)
