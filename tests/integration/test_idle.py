#!/usr/bin/env python3
"""Issue 11: ext_idle_notifier_v1 and zwp_idle_inhibit_manager_v1. swayidle's
1-second timeout runs its command, input resumes it and keeps resetting it;
a guest's inhibitor holds idle off only while its window is shown, and not
at all for a domain with idle-inhibit = no."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
import hostwire
import wire
from harness import Cordon, check

CONFIG = harness.domain_config(work='#0000ff', quiet={'color': '#00ff00', 'idle-inhibit': 'no'})


def nudge(c):
    c.wlrctl('pointer', 'move', '3', '0')
    c.wlrctl('pointer', 'move', '-3', '0')


def main():
    harness.require('swayidle', 'wlrctl')
    with Cordon(config=CONFIG) as c:
        idle = c.spawn(['swayidle', '-w', 'timeout', '1', 'echo idle',
                        'resume', 'echo resume'], name='swayidle', stdin=False)
        idle.expect(r'^idle$', timeout=5)
        nudge(c)
        idle.expect(r'^resume$', timeout=3)

        # Input every 0.3 s keeps the 1 s timeout from running out.
        end = time.monotonic() + 2.5
        while time.monotonic() < end:
            nudge(c)
            time.sleep(0.3)
        idle.expect_not(r'^idle$', within=0)
        idle.expect(r'^idle$', timeout=4)
        nudge(c)
        idle.expect(r'^resume$', timeout=3)

        # A button and a scroll are the user's too.
        for action in (['click', 'right'], ['scroll', '1', '0']):
            idle.expect(r'^idle$', timeout=4)
            c.wlrctl('pointer', *action)
            idle.expect(r'^resume$', timeout=3)

        # A guest window on screen with an inhibitor: no idle.
        work = wire.Connection(c.domain_socket('work'))
        work.setup()
        surface, _, _ = work.toplevel(200, 100, 0xffff0000, title='video')
        hostwire.inhibit_idle(work, surface)
        win = c.wait_window(title='video')
        nudge(c)
        idle.expect_not(r'^idle$', within=3)
        # Moved off the shown workspace, it no longer counts.
        c.ipc_ok({'cmd': 'to-workspace', 'id': win['id'], 'workspace': 2})
        idle.expect(r'^idle$', timeout=5)
        nudge(c)
        idle.expect(r'^resume$', timeout=3)
        work.sock.close()

        # A domain with idle-inhibit = no never inhibits.
        quiet = wire.Connection(c.domain_socket('quiet'))
        quiet.setup()
        surface, _, _ = quiet.toplevel(200, 100, 0xff00ff00, title='quiet')
        hostwire.inhibit_idle(quiet, surface)
        c.wait_window(title='quiet')
        nudge(c)
        idle.expect(r'^idle$', timeout=5)
        check(c.alive(), 'cordon alive at the end')


harness.main(main)
