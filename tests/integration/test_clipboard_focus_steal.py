#!/usr/bin/env python3
"""Issue 4 (with issue 3's focus rule): a wl-copy started in alpha while
beta has focus opens its tiny window, which is refused focus, so it can
never set a selection: beta's pastes (and the host's) keep getting the
previous clipboard. That must hold after beta's own short-lived windows
(wl-paste's) close too: focus then goes back to beta's window, never to
the background alpha window that was refused it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq
import cliptest
from cliptest import A, B, Desk

# Everything allowed: a stolen selection would show in any paste.
CONFIG = cliptest.config(clipboard={'default': 'allow'})
BEFORE = 'the host\'s clipboard, set while focused'


def main():
    with cliptest.desk(CONFIG) as (c, desk):
        wh = desk.window('host')
        desk.copy('host', BEFORE)
        wb = desk.window(B)

        mark = desk.events.mark()
        cp = c.spawn(['wl-copy', '--foreground', 'alpha wl-copy in the background'],
                     domain=A, name='wl-copy-bg', stdin=False)
        ev = desk.wait_wl_clipboard_window(A, 'new', mark)
        check(not ev.get('focused'), f'a new alpha window took focus from beta: {ev!r}')
        check_eq(c.focused()['id'], wb.id, 'the focused window after alpha\'s wl-copy')

        def no_alpha_focus(when):
            stolen = [e for e in desk.events.lines[mark:]
                      if e and e.get('event') == 'window' and e.get('change') == 'focus' and
                      e.get('domain') == A]
            check(not stolen, f'{when}, focus went to the background alpha window: {stolen!r}')

        for i in range(3):
            check_eq(desk.paste(B)[1].decode(), BEFORE,
                     f'beta\'s paste #{i + 1} with a background wl-copy in alpha')
            no_alpha_focus(f'after beta\'s wl-paste window #{i + 1} closed')
            check_eq(c.focused()['id'], wb.id, f'the focused window after paste #{i + 1}')
        desk.focus(wh)
        check_eq(desk.paste('host')[1].decode(), BEFORE, 'the host\'s paste')
        no_alpha_focus('after the host\'s wl-paste window closed')
        check(cp.running(), 'the background wl-copy gave up: it should still wait for focus')


harness.main(main)
