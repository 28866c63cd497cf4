#!/usr/bin/env python3
"""Issue 4: with an allow rule for alpha -> beta, wl-paste in beta gets
exactly what wl-copy set in alpha, through cordon, and `transfers` records
the delivery with its byte count; the same-domain check paste in alpha
leaves no record."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq
import cliptest
from cliptest import A, B, Desk, TEXT_MIME

# default ask: without the pair rule the paste would wait for an answer.
CONFIG = cliptest.config(domains={B: {'paste-from.alpha': 'allow'}})
TEXT = 'h\u00e9llo from alpha \u2192 beta\nsecond line\twith a tab \u2713'


def main():
    with cliptest.desk(CONFIG) as (c, desk):
        events = desk.events
        desk.window(A)
        desk.copy(A, TEXT)
        check_eq(desk.transfers(), [], 'transfers after same-domain pastes in alpha')

        desk.window(B)
        rc, out = desk.paste(B)
        check_eq(out.decode('utf-8', 'replace'), TEXT, 'what beta pasted')
        check_eq(desk.prompts(), [], 'prompts after an allowed paste')

        ts = desk.wait_transfers(1)
        check_eq(len(ts), 1, f'transfer records {ts!r}')
        t = ts[0]
        expect = {'from': A, 'to': B, 'kind': 'clipboard', 'mime': TEXT_MIME,
                  'bytes': len(TEXT.encode()), 'decision': 'allow',
                  'result': 'delivered'}
        check_eq({k: t.get(k) for k in expect}, expect, 'the transfer record')
        check(isinstance(t.get('time'), int) and t['time'] > 0, f'transfer time: {t!r}')
        ev = events.wait(lambda e: e.get('event') == 'transfer', 5, 'transfer')
        check_eq({k: ev.get(k) for k in expect}, expect, 'the transfer event')

        # A second paste works the same and is recorded again.
        rc, out = desk.paste(B)
        check_eq(out.decode('utf-8', 'replace'), TEXT, 'what beta pasted the second time')
        check_eq(len(desk.wait_transfers(2)), 2, 'transfer records after two pastes')


harness.main(main)
