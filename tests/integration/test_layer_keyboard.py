#!/usr/bin/env python3
"""Issue 11: a launcher on the layer shell takes the keyboard. fuzzel
(exclusive keyboard interactivity, overlay layer) gets every key while it
is up: the focused window sees a leave and none of the typed keys, a click
on the window does not take the keyboard back, fuzzel picks the entry
typed, and the window gets the keyboard back when fuzzel is gone."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq

CONFIG = """\
[domain work]
color = #0000ff
"""


def main():
    harness.require('fuzzel', 'wtype', 'wlrctl')
    with Cordon(config=CONFIG) as c:
        cl, win = c.test_window('w', domain='work', size='300x200')
        cl.expect(r'^keyboard-enter$')
        c.wtype('a')
        cl.expect(r'^key \d+ pressed$')
        cl.expect(r'^key \d+ released$')

        cl.skip_pending()
        fz = c.spawn(['sh', '-c', 'printf "alpha\\nbeta\\ngamma\\n" | '
                      'fuzzel --dmenu --no-icons'], name='fuzzel')
        cl.expect(r'^keyboard-leave$', timeout=10)
        c.wtype('b')
        # A click on the window: the launcher keeps the keyboard.
        c.click(win['x'] + 150, win['y'] + 100)
        c.wtype('e')
        cl.expect_not(r'^(key \d+ .*|keyboard-enter)$', within=0.5)
        c.wtype('-k', 'Return')
        fz.expect(r'^beta$', timeout=5)
        check_eq(fz.wait_exit(5), 0, 'fuzzel exit status after Return')
        cl.expect(r'^keyboard-enter$')
        cl.skip_pending()
        c.wtype('a')
        cl.expect(r'^key \d+ pressed$')


harness.main(main)
