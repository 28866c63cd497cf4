#!/usr/bin/env python3
"""Issue 4: only the client with keyboard focus may set a selection.

- A client of alpha in the background, with a valid serial of its own
  (a pointer enter: the pointer is over its window while beta has focus),
  is refused: its source is cancelled and beta still pastes the previous
  clipboard. So is an unfocused second client of the focused domain.
- Control: the focused client's copy is taken. And it still is when an
  unrelated selection went away between its focus and its copy (cordon's
  proxy swap must not make wlroots drop the request as superseded).
- A wl-copy started in alpha while beta has focus never gets focus and
  sets nothing (test_clipboard_focus_steal.py: not even once beta's
  focused window closes)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check_eq
import cliptest
from cliptest import A, B, Desk

# Everything allowed: a stolen selection would show in any paste.
CONFIG = cliptest.config(clipboard={'default': 'allow'})
BEFORE = 'the host\'s clipboard, set while focused'


def main():
    with cliptest.desk(CONFIG, 'wlrctl') as (c, desk):
        desk.window('host')
        desk.copy('host', BEFORE)

        wa = desk.window(A)
        wa2 = desk.window(A)       # a second alpha client, focused in turn
        desk.focus(wa)
        wb = desk.window(B)        # now beta has focus

        # alpha's client in the background gets a fresh serial of its own.
        wa.proc.skip_pending()
        c.pointer_to(wa.info['x'] + 100, wa.info['y'] + 75)
        wa.proc.expect(r'^pointer-enter ')
        check_eq(c.focused()['id'], wb.id, 'focused window with the pointer over alpha')
        wa.proc.send('copy alpha from the background')
        wa.proc.expect(r'^copy-done$')
        wa.proc.expect(r'^source-cancelled$')
        check_eq(desk.paste(B)[1].decode(), BEFORE, 'beta\'s paste after alpha\'s attempt')
        c.pointer_to(*harness.POINTER_PARK)

        # Within the focused domain, only the focused client.
        desk.focus(wa)
        wa2.proc.send('copy from the unfocused alpha client')
        wa2.proc.expect(r'^copy-done$')
        wa2.proc.expect(r'^source-cancelled$')
        check_eq(desk.paste(A)[1].decode(), BEFORE, 'alpha\'s paste after its unfocused client')

        # Control: the focused client's copy is taken, and beta gets it.
        wa.proc.skip_pending()
        wa.proc.send('copy alpha focused copy')
        wa.proc.expect(r'^copy-done$')
        wa.proc.expect_not(r'^source-cancelled$', within=0.3)
        desk.focus(wb)
        check_eq(desk.paste(B)[1].decode(), 'alpha focused copy', 'beta\'s paste of the control')
        wa.proc.expect(r'^source-send text/plain')

        # beta is focused (its serial is from that focus). alpha's selection
        # goes away, so cordon swaps the seat's proxy back to the host's;
        # then beta copies with its focus serial: that must still count.
        wa.proc.send('quit')
        wa.proc.wait_exit()
        check_eq(desk.paste(B)[1].decode(), BEFORE, 'beta\'s paste once alpha\'s source is gone')
        wb.proc.skip_pending()
        wb.proc.send('copy beta after a proxy swap')
        wb.proc.expect(r'^copy-done$')
        wb.proc.expect_not(r'^source-cancelled$', within=0.3)
        check_eq(desk.paste(B)[1].decode(), 'beta after a proxy swap',
                 'beta\'s paste of its own copy made after a proxy swap')



harness.main(main)
