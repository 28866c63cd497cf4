#!/usr/bin/env python3
"""Issue 11: cordon's prompts against the host's layer surfaces and the lock.
A prompt stays above a full-screen overlay layer surface; while the session
is locked it is not drawn and does not time out (its 2 s timeout passes
twice over), and after the unlock it is shown again and still answers."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
import hostwire
import wire
from harness import Cordon, check, check_eq, wait_for
import cliptest
from cliptest import A, B, Desk, RGB

CONFIG = cliptest.config(clipboard={'timeout': '2s'})
TEXT = 'waits for the unlock'
OVERLAY = (0x80, 0x80, 0x80)
LOCKER = (0, 0xcc, 0)


def host_conn(c):
    conn = wire.Connection(c.host_socket)
    conn.setup()
    return conn


def main():
    with cliptest.desk(CONFIG, 'grim') as (c, desk):
        desk.copied(A, TEXT, B)

        overlay = host_conn(c)
        hostwire.layer_surface(overlay, hostwire.LAYER_OVERLAY,
                               hostwire.ANCHOR_TOP | hostwire.ANCHOR_BOTTOM |
                               hostwire.ANCHOR_LEFT | hostwire.ANCHOR_RIGHT, 0, 0,
                               0xff808080, exclusive=-1, namespace='overlay')
        wait_for(lambda: c.screenshot().pixel(20, 20) == OVERLAY, 5,
                 what='the overlay surface over the whole output')

        paste = desk.paste_async(B)
        pr = desk.wait_prompt()
        shot = c.screenshot()
        check(cliptest.find_prompt_box(shot, RGB[B]) is not None,
              'the prompt is not drawn above the overlay layer')

        locker = hostwire.host_locker(c)
        check_eq(locker.lock(), 'locked', 'the test locker')
        wait_for(lambda: c.screenshot().pixel(20, 20) == LOCKER, 5,
                 what='the locker\'s colour')
        check(cliptest.find_prompt_box(c.last_screenshot, RGB[B]) is None,
              'the prompt is drawn while locked')
        time.sleep(4.5)
        ps = desk.prompts()
        check(len(ps) == 1 and ps[0]['id'] == pr['id'],
              f'the prompt did not wait through the lock: {ps!r}')
        check(paste.running(), 'the paste ended while locked')

        locker.unlock()
        desk.wait_prompt()
        wait_for(lambda: cliptest.find_prompt_box(c.screenshot(), RGB[B]) is not None, 5,
                 what='the prompt drawn again after the unlock')
        c.ctl('allow', str(pr['id']))
        rc, data = paste.wait(10)
        check_eq(data.decode(), TEXT, 'what beta pasted after the unlock and allow')


harness.main(main)
