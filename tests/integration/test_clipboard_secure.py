#!/usr/bin/env python3
"""Issue 4: the Qubes-style two-step. In alpha, Super+Shift+C copies
alpha's clipboard into cordon's own; in beta, Super+Shift+V makes it
beta's clipboard (wl-paste in beta gets the text, with no prompt) and
wipes cordon's copy, so a second Super+Shift+V elsewhere pastes nothing.
A deny policy for the pair still wins. The keys never reach the focused
client."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, hex_color, wait_for
import cliptest
from cliptest import A, B, C, Desk, RGB

# Default ask; gamma refuses beta's data; alpha's data may never reach the host.
CONFIG = cliptest.config(domains={A: {'copy-to.host': 'deny'},
                                  C: {'paste-from.beta': 'deny'}})
TEXT = 'carried by the user, not by alpha'
TEXT2 = 'never for the host'


def notice(c, color, what):
    return wait_for(lambda: cliptest.find_notice(c.screenshot(), color), 3,
                    what=f'a notice framed in {color} ({what})')


def no_keys(win, what):
    check(not win.proc.seen(r'^key '),
          lambda: f'{what}: the focused client got key events: {win.proc.lines[-12:]!r}')


def main():
    with cliptest.desk(CONFIG, 'grim') as (c, desk):
        host_rgb = hex_color({d['name']: d for d in c.domains()}['host']['color'])
        wa = desk.window(A)
        desk.copy(A, TEXT)

        # Super+Shift+C in alpha: cordon reads alpha's clipboard.
        desk.secure_copy()
        notice(c, RGB[A], 'secure copy in alpha')
        no_keys(wa, 'secure copy')

        # Super+Shift+V in beta: now beta's own clipboard.
        wb = desk.window(B)
        desk.secure_paste()
        ts = desk.wait_transfers(1)
        expect = {'from': A, 'to': B, 'kind': 'clipboard', 'bytes': len(TEXT),
                  'decision': 'secure'}
        check_eq({k: ts[0].get(k) for k in expect}, expect, 'the record of the secure paste')
        notice(c, RGB[B], 'secure paste in beta')
        check_eq(desk.paste(B)[1].decode(), TEXT, 'what beta pasted after secure paste')
        check_eq(desk.paste(B)[1].decode(), TEXT, 'what beta pasted the second time')
        check_eq(desk.prompts(), [], 'prompts after secure paste')
        check_eq(len(desk.transfers()), 1, 'records after beta pasted its own clipboard')
        no_keys(wb, 'secure paste')

        # Wiped: Super+Shift+V in gamma finds cordon's clipboard empty
        # (alpha -> gamma would be asked, so only the wipe stops it).
        wg = desk.window(C)
        desk.secure_paste()
        notice(c, (0xcc, 0, 0), 'secure paste with an empty cordon clipboard')
        ts = desk.transfers()
        check_eq(len(ts), 1, f'records after the second secure paste: {ts!r}')
        # gamma's clipboard is still beta's (denied to gamma): nothing arrives.
        check_eq(desk.paste(C, check_rc=False)[1], b'', 'what gamma pasted')
        no_keys(wg, 'secure paste in gamma')

        # A deny rule wins: alpha -> host.
        desk.focus(wa)
        desk.copy(A, TEXT2)
        desk.secure_copy()
        notice(c, RGB[A], 'second secure copy in alpha')
        wh = desk.window('host')
        n = len(desk.transfers())
        desk.secure_paste()
        ts = desk.wait_transfers(n + 1)
        check_eq((ts[-1].get('from'), ts[-1].get('to'), ts[-1].get('decision')),
                 (A, 'host', 'deny'), f'the record of the refused secure paste {ts[-1]!r}')
        notice(c, host_rgb, 'secure paste refused in the host')
        # The host's clipboard is not alpha's text (alpha -> host is denied).
        check(desk.paste('host', check_rc=False)[1] != TEXT2.encode(),
              'the host pasted alpha\'s text after a refused secure paste')
        check(not any(t.get('decision') == 'secure' and t.get('to') == 'host'
                      for t in desk.transfers()), 'a secure paste into the host was recorded')
        no_keys(wh, 'refused secure paste')
        no_keys(wa, 'second secure copy')


harness.main(main)
