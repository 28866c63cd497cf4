#!/usr/bin/env python3
"""Issue 4: the primary selection (wl-copy --primary / wl-paste --primary)
is kept apart from the clipboard and follows the same rules: allow lets it
through, deny sends nothing, ask prompts first; within a domain it passes
straight through. Records say kind primary."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq
import cliptest
from cliptest import A, B, C, Desk, TEXT_MIME

# beta allows alpha, gamma denies it, the host is asked (default).
CONFIG = cliptest.config(domains={B: {'paste-from.alpha': 'allow'},
                                  C: {'paste-from.alpha': 'deny'}})
PRIMARY = 'alpha primary selection'
CLIPBOARD = 'alpha clipboard, not the primary'


def main():
    with cliptest.desk(CONFIG) as (c, desk):
        desk.window(A)
        desk.copy(A, PRIMARY, primary=True)
        desk.copy(A, CLIPBOARD)
        # Within alpha: each selection is its own, straight through.
        check_eq(desk.paste(A, primary=True)[1].decode(), PRIMARY, 'alpha\'s own primary')
        check_eq(desk.paste(A)[1].decode(), CLIPBOARD, 'alpha\'s own clipboard')
        check_eq(desk.transfers(), [], 'records after same-domain pastes')

        # allow
        desk.window(B)
        check_eq(desk.paste(B, primary=True)[1].decode(), PRIMARY, 'beta\'s primary paste')
        check_eq(desk.paste(B)[1].decode(), CLIPBOARD, 'beta\'s clipboard paste')
        ts = desk.wait_transfers(2)
        expect = {'from': A, 'to': B, 'kind': 'primary', 'mime': TEXT_MIME,
                  'bytes': len(PRIMARY), 'decision': 'allow', 'result': 'delivered'}
        check_eq({k: ts[0].get(k) for k in expect}, expect, 'the record of the primary paste')
        check_eq(ts[1].get('kind'), 'clipboard', f'the record of the clipboard paste {ts[1]!r}')

        # deny
        desk.window(C)
        rc, out = desk.paste(C, primary=True, check_rc=False)
        check_eq(out, b'', 'gamma\'s primary paste under deny')
        ts = desk.wait_transfers(3)
        check_eq((ts[2].get('kind'), ts[2].get('to'), ts[2].get('decision')),
                 ('primary', C, 'deny'), f'the record of gamma\'s primary paste {ts[2]!r}')

        # ask: the host gets a prompt that names the primary selection
        desk.window('host')
        paste = desk.paste_async('host', primary=True)
        pr = desk.wait_prompt()
        check_eq((pr.get('from'), pr.get('to')), (A, 'host'), f'the prompt {pr!r}')
        check('primary' in pr.get('what', '').lower(),
              f'the prompt does not say it is the primary selection: {pr!r}')
        check_eq(paste.size(), 0, 'bytes the host got before the answer')
        c.ctl('allow', str(pr['id']))
        check_eq(paste.wait(10)[1].decode(), PRIMARY, 'the host\'s primary paste after allow')
        paste = desk.paste_async('host', primary=True)
        pr = desk.wait_prompt()
        c.ctl('deny', str(pr['id']))
        check_eq(paste.wait(10)[1], b'', 'the host\'s primary paste after deny')
        ts = desk.wait_transfers(5)
        check_eq([(t.get('kind'), t.get('decision')) for t in ts[3:]],
                 [('primary', 'ask-allow'), ('primary', 'ask-deny')],
                 'records of the host\'s primary pastes')


harness.main(main)
