#!/usr/bin/env python3
"""Issue 8: GTK copies and pastes across domains under ask. A GTK 4
program copies in alpha, a GTK 3 program pastes in beta: the paste waits
for the prompt, a deliberate Y delivers exactly the text, the transfer is
recorded as ask-allow; N delivers nothing. Same-domain GTK pastes go
straight through (no prompt)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq
import cliptest
from cliptest import A, B
from toolkit import pasted, paste, require_gtk, start_gtk

CONFIG = cliptest.config()  # default ask
TEXT = 'GTK 4 → GTK 3 ✓'
TEXT2 = 'not for beta'


def main():
    require_gtk(3)
    require_gtk(4)
    with cliptest.desk(CONFIG) as (c, desk):
        ev = desk.events
        g4, w4 = start_gtk(c, 4, A, 'gtk4-alpha')
        # As after a real Ctrl+C: GTK claims the clipboard with the serial
        # of the user's last key (cordon takes no other).
        desk.keys('x')
        time.sleep(0.3)
        g4.send('copy ' + TEXT)
        g4.expect(r'^copied$', timeout=10)
        # Its own domain reads it back without a question.
        mark = ev.mark()
        check_eq(paste(g4), TEXT, 'what GTK 4 pasted from its own domain')
        check(ev.find(lambda e: e.get('event') == 'prompt', since=mark) is None,
              'a same-domain paste was asked about')

        g3, w3 = start_gtk(c, 3, B, 'gtk3-beta')
        mark = ev.mark()
        g3.send('paste')
        new = ev.wait(lambda e: e.get('event') == 'prompt' and e.get('change') == 'new', 10,
                      'the prompt for the GTK 3 paste', since=mark)
        check_eq((new['from'], new['to']), (A, B), f'the prompt {new!r}')
        g3.expect_not(r'^pasted', within=1.0)
        time.sleep(0.2)
        desk.keys('y')
        check_eq(pasted(g3), TEXT, 'what GTK 3 pasted after Y')
        desk.wait_no_prompt()
        rec = desk.transfers()[-1]
        check_eq((rec['from'], rec['to'], rec['decision'], rec['result'], rec['bytes']),
                 (A, B, 'ask-allow', 'delivered', len(TEXT.encode())),
                 f'the record of the GTK paste {rec!r}')

        # N: nothing arrives. GTK 3 keeps what it read from an offer, so
        # this needs a new copy in alpha (and with it a new offer).
        c.ipc_ok({'cmd': 'focus', 'id': w4['id']})
        c.wait_focused(w4['id'])
        g4.expect(r'^focus in$', timeout=10)
        desk.keys('x')
        time.sleep(0.3)
        g4.send('copy ' + TEXT2)
        g4.expect(r'^copied$', timeout=10)
        c.ipc_ok({'cmd': 'focus', 'id': w3['id']})
        c.wait_focused(w3['id'])
        g3.expect(r'^focus in$', timeout=10)
        mark = ev.mark()
        g3.send('paste')
        ev.wait(lambda e: e.get('event') == 'prompt' and e.get('change') == 'new', 10,
                'the second prompt', since=mark)
        time.sleep(0.7)
        desk.keys('n')
        check_eq(pasted(g3), '', 'what GTK 3 pasted after N')
        desk.wait_no_prompt()
        check_eq(desk.transfers()[-1]['decision'], 'ask-deny', 'the record after N')
        harness.log('cordonctl transfers:\n' + c.ctl('transfers').stdout)


harness.main(main)
