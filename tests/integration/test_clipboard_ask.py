#!/usr/bin/env python3
"""Issue 4: under the default policy (ask) a paste from alpha into beta
waits for the user: `cordonctl prompts` lists it (from, to, MIME, size once
the source has written everything), a screenshot shows cordon's prompt
box framed in beta's colour, centred on the output and naming alpha in its
colour; beta receives no byte while it waits; `cordonctl allow ID` lets
the text through, `cordonctl deny ID` sends nothing. `transfers` records
ask-allow and ask-deny."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for
import cliptest
from cliptest import A, B, Desk, RGB, TEXT_MIME

CONFIG = cliptest.config()  # no rules at all: [clipboard] default is ask
TEXT = 'alpha text: only with the user\'s consent'


def pending_prompt(desk, events, paste):
    """Waits for the prompt of paste and checks what it says; returns it."""
    ev = events.wait(lambda e: e.get('event') == 'prompt' and e.get('change') == 'new',
                     5, 'prompt new')
    pr = desk.wait_prompt()
    check_eq(pr.get('id'), ev.get('id'), 'id of the prompt in the event and in prompts')
    expect = {'from': A, 'to': B, 'mime': TEXT_MIME, 'visible': True}
    check_eq({k: pr.get(k) for k in expect}, expect, 'the pending prompt')
    # The size appears once cordon holds the whole payload.
    pr = wait_for(lambda: (lambda p: p if p and p[0].get('size') is not None else None)(
        desk.prompts()), 5, what='the prompt\'s size')[0]
    check_eq(pr['size'], len(TEXT.encode()), 'size in the prompt')
    # cordon has all of it now, yet beta has received nothing.
    time.sleep(0.3)
    check(paste.running(), 'wl-paste in beta finished while the prompt is pending')
    check_eq(paste.size(), 0, 'bytes beta received before the answer')
    return pr


def main():
    with cliptest.desk(CONFIG, 'grim') as (c, desk):
        events = desk.events
        desk.copied(A, TEXT, B)
        shot = c.screenshot()
        check(cliptest.find_prompt_box(shot, RGB[B]) is None,
              'a prompt-like box is on screen before any paste')

        # --- allow ---
        paste = desk.paste_async(B)
        pr = pending_prompt(desk, events, paste)
        out = c.ctl('prompts').stdout
        row = [l for l in out.splitlines() if l.split()[:1] == [str(pr['id'])]]
        check(len(row) == 1 and re.search(rf'\b{A}\b.*\b{B}\b.*{re.escape(TEXT_MIME)}.*\b'
                                          rf'{len(TEXT.encode())}\b', row[0]),
              f'cordonctl prompts does not list the prompt: {out!r}')

        shot = c.screenshot()
        box = cliptest.find_prompt_box(shot, RGB[B])
        check(box is not None, 'no prompt box framed in beta\'s colour centred on the output')
        x0, y0, x1, y1 = box
        check(y1 < shot.height * 2 // 3, f'the prompt box {box} is not in the upper part')
        inside = shot.region(x0 + 4, y0 + 4, x1 - x0 - 8, y1 - y0 - 8)
        check(inside.count(RGB[A]) >= 10,
              f'the prompt box does not name alpha in alpha\'s colour {RGB[A]}')
        check(inside.count((255, 255, 255)) >= 50, 'the prompt box has no white text')

        c.ctl('allow', str(pr['id']))
        rc, data = paste.wait(10)
        check_eq(data.decode(), TEXT, 'what beta pasted after allow')
        desk.wait_no_prompt()
        ev = events.wait(lambda e: e.get('event') == 'prompt' and e.get('id') == pr['id'] and
                         e.get('change') == 'answered', 5, 'prompt answered')
        check_eq(ev.get('decision'), 'allow', 'decision in the prompt event')
        ts = desk.wait_transfers(1)
        expect = {'from': A, 'to': B, 'mime': TEXT_MIME, 'bytes': len(TEXT.encode()),
                  'decision': 'ask-allow', 'result': 'delivered'}
        check_eq({k: ts[-1].get(k) for k in expect}, expect, 'the transfer record after allow')
        # The prompt is gone from the screen.
        wait_for(lambda: cliptest.find_prompt_box(c.screenshot(), RGB[B]) is None, 3,
                 what='the prompt box to disappear')

        # --- deny: an allow was for that one paste only ---
        paste = desk.paste_async(B)
        pr2 = pending_prompt(desk, events, paste)
        check(pr2['id'] != pr['id'], f'the second prompt reuses id {pr["id"]}')
        c.ctl('deny', str(pr2['id']))
        rc, data = paste.wait(10)
        check_eq(data, b'', 'what beta pasted after deny')
        desk.wait_no_prompt()
        ts = desk.wait_transfers(2)
        check_eq((ts[-1].get('decision'), ts[-1].get('bytes')), ('ask-deny', 0),
                 f'the transfer record after deny: {ts[-1]!r}')
        check(ts[-1].get('result') != 'delivered', f'denied yet delivered: {ts[-1]!r}')

        # Answering a prompt that is gone is an error, not a crash.
        res = c.ctl('allow', str(pr2['id']), check_rc=False)
        check(res.returncode != 0, f'cordonctl allow of an answered prompt succeeded: {res!r}')


harness.main(main)
