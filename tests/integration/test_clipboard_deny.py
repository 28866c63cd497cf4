#!/usr/bin/env python3
"""Issue 4: with a deny rule for alpha -> beta, wl-paste in beta gets
nothing (its fd is closed with no data), no prompt is asked, cordon shows
a notice in the top-right corner framed in beta's colour, and `transfers`
records the denial with 0 bytes. Other directions are not affected."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for
import cliptest
from cliptest import A, B, C, Desk, RGB, TEXT_MIME

# alpha allows everything out; beta's pair rule is the more specific one.
CONFIG = cliptest.config(clipboard={'default': 'allow'},
                         domains={A: {'copy-to': 'allow'},
                                  B: {'paste-from.alpha': 'deny'}})
TEXT = 'alpha secret that beta must not see'


def main():
    with cliptest.desk(CONFIG, 'grim') as (c, desk):
        desk.copied(A, TEXT, B)
        before = c.screenshot()
        check(cliptest.find_notice(before, RGB[B]) is None,
              'a notice in beta\'s colour is on screen before any paste')

        rc, out = desk.paste(B, check_rc=False)
        check_eq(out, b'', 'what beta pasted under deny')
        check_eq(desk.prompts(), [], 'prompts under deny')

        shot = wait_for(lambda: (lambda s: s if cliptest.find_notice(s, RGB[B]) else None)(
            c.screenshot()), 3, what='cordon\'s notice framed in beta\'s colour, top right')
        x0, y0, x1, _ = cliptest.find_notice(shot, RGB[B])
        check(x0 > shot.width // 2, f'the notice is not in the right half: x {x0}..{x1}')

        ts = desk.wait_transfers(1)
        check_eq(len(ts), 1, f'transfer records {ts!r}')
        expect = {'from': A, 'to': B, 'kind': 'clipboard', 'mime': TEXT_MIME, 'bytes': 0,
                  'decision': 'deny'}
        check_eq({k: ts[0].get(k) for k in expect}, expect, 'the transfer record')
        check(ts[0].get('result') != 'delivered', f'a denied transfer delivered: {ts[0]!r}')

        # The rule is for this pair only: gamma (default allow) gets the text.
        desk.window(C)
        rc, out = desk.paste(C)
        check_eq(out.decode(), TEXT, 'what gamma pasted')
        ts = desk.wait_transfers(2)
        check_eq((ts[1].get('to'), ts[1].get('decision'), ts[1].get('result')),
                 (C, 'allow', 'delivered'), f'the record of gamma\'s paste {ts[1]!r}')


harness.main(main)
