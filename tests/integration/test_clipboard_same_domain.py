#!/usr/bin/env python3
"""Issue 4: a paste within one domain passes straight through: no prompt,
no transfer record, no size limit, every MIME type the source offers,
even with a policy that denies everything across domains. Across domains
only allow-listed types are offered."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq
import cliptest
from cliptest import A, B, Desk

CONFIG = cliptest.config(clipboard={'default': 'deny', 'max-bytes': '1K'},
                         domains={B: {'paste-from.alpha': 'allow'}})
ODD_MIME = 'application/x-cordon-test'


def main():
    with cliptest.desk(CONFIG) as (c, desk):
        # Within alpha: more than max-bytes, straight from the source.
        big = ''.join(chr(ord('a') + i % 26) for i in range(8192))
        desk.window(A)
        desk.copy(A, big)
        for _ in range(2):
            rc, out = desk.paste(A)
            check_eq(out.decode(), big, 'what alpha pasted from itself (8 KiB, max-bytes 1K)')
        # Within the host, likewise.
        desk.window('host')
        desk.copy('host', 'host to host')
        check_eq(desk.paste('host')[1], b'host to host', 'what the host pasted from itself')
        check_eq(desk.prompts(), [], 'prompts after same-domain pastes')
        check_eq(desk.transfers(), [], 'transfer records after same-domain pastes')

        # A type outside the allow-list: offered within alpha, not to beta.
        desk.focus(desk.window(A))
        mark = desk.events.mark()
        c.spawn(['wl-copy', '--foreground', '--type', ODD_MIME, 'odd data'], domain=A,
                name='wl-copy-odd', stdin=False)
        desk.wait_wl_clipboard_window(A, 'close', mark)
        harness.wait_for(lambda: desk.paste(A, check_rc=False, mime=ODD_MIME)[1] ==
                         b'odd data', 10, what=f'alpha to paste its own {ODD_MIME}')
        listed = c.run(['wl-paste', '--list-types'], domain=A).stdout.decode().split()
        check(ODD_MIME in listed, f'alpha is not offered its own {ODD_MIME}: {listed}')
        desk.window(B)
        res = c.run(['wl-paste', '--list-types'], domain=B, check_rc=False)
        listed = res.stdout.decode().split()
        check(ODD_MIME not in listed,
              f'beta is offered {ODD_MIME}, which is not on the allow-list: {listed}')
        rc, out = desk.paste(B, check_rc=False, mime=ODD_MIME)
        check(out == b'', f'beta pasted {out!r} as {ODD_MIME}')
        check_eq(desk.prompts(), [], 'prompts at the end')


harness.main(main)
