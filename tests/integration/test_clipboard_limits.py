#!/usr/bin/env python3
"""Issue 4: the limits on data crossing cordon. With max-bytes = 1K a
paste of exactly 1024 bytes arrives whole, one of 1025 or 4 KiB delivers
nothing at all (all or nothing) and is recorded as exceeding max-bytes.
With timeout = 1s a source that writes a little and never closes its end
leaves the target with EOF and no byte, after about a second, and the
record says it timed out; cordon carries on serving the next paste. An
unanswered prompt times out to deny (the data was all in: it is the
user's silence that ends it, not the transfer's own timeout)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq
import cliptest
from cliptest import A, B, C, Desk

CONFIG = cliptest.config(clipboard={'default': 'allow', 'max-bytes': '1K', 'timeout': '1s'},
                         domains={C: {'paste-from.alpha': 'ask'}})


def text(n):
    return ''.join(chr(ord('a') + i % 26) for i in range(n))


def main():
    with cliptest.desk(CONFIG) as (c, desk):
        wa = desk.window(A)
        wb = desk.window(B, focus=False)

        def cross(n):
            desk.focus(wa)
            desk.copy(A, text(n))
            desk.focus(wb)
            before = len(desk.transfers())
            rc, out = desk.paste(B, check_rc=False)
            return out, desk.wait_transfers(before + 1)[-1]

        out, t = cross(1024)
        check_eq(out.decode(), text(1024), 'what beta pasted of exactly max-bytes')
        check_eq((t['bytes'], t['result']), (1024, 'delivered'), f'the record {t!r}')

        for n in (1025, 4096):
            out, t = cross(n)
            check_eq(len(out), 0, f'bytes beta received of a {n}-byte copy (max-bytes 1K)')
            check_eq((t['decision'], t['bytes']), ('allow', 0), f'the record {t!r}')
            check('max-bytes' in t['result'], f'the record does not name max-bytes: {t!r}')

        # A source that never finishes writing.
        desk.focus(wa)
        wa.proc.skip_pending()
        wa.proc.send('copy-hang partial data, and then nothing')
        wa.proc.expect(r'^copy-done$')
        desk.focus(wb)
        before = len(desk.transfers())
        t0 = time.monotonic()
        rc, out = desk.paste(B, check_rc=False, timeout=10)
        took = time.monotonic() - t0
        wa.proc.expect(r'^source-holding$')
        check_eq(out, b'', 'what beta received from a source that never finished')
        check(0.8 <= took <= 5.0, f'beta\'s paste ended after {took:.2f} s; '
                                  f'with timeout = 1s it should end after about 1 s')
        t = desk.wait_transfers(before + 1)[-1]
        check_eq((t['from'], t['to'], t['bytes']), (A, B, 0), f'the record {t!r}')
        check('timed out' in t['result'], f'the record does not say it timed out: {t!r}')

        # cordon carries on: a normal paste still works.
        out, t = cross(100)
        check_eq(out.decode(), text(100), 'what beta pasted after the timeout')

        # An unanswered prompt denies after the timeout.
        desk.window(C)
        before = len(desk.transfers())
        paste = desk.paste_async(C)
        pr = desk.wait_prompt()
        t0 = time.monotonic()
        ev = desk.events.wait(lambda e: e.get('event') == 'prompt' and e.get('id') == pr['id']
                              and e.get('change') != 'new', 5, 'the end of the prompt')
        took = time.monotonic() - t0
        check(took <= 3.0, f'the prompt stayed {took:.2f} s with timeout = 1s')
        check_eq((ev.get('change'), ev.get('decision')), ('answered', 'deny'),
                 f'how the unanswered prompt ended: {ev!r}')
        rc, data = paste.wait(5)
        check_eq(data, b'', 'what gamma received from an unanswered prompt')
        t = desk.wait_transfers(before + 1)[-1]
        check_eq((t['to'], t['decision'], t['bytes']), (C, 'ask-deny', 0),
                 f'the record of the unanswered prompt {t!r}')


harness.main(main)
