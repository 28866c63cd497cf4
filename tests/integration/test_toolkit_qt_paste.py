#!/usr/bin/env python3
"""Issue 8: a Qt 6 program pastes across domains under ask. Qt reads an
offer for about one second and then gives up ("QWaylandDataOffer: timeout
reading from pipe"): the prompt must stay up and answerable (withdrawn
only when the source's data goes away); allowing it then grants the Qt
program's domain the same selection for [clipboard] grant seconds, so the
next paste goes through without a prompt; a deny is remembered the same
way; a new copy in the source ends the grant. Qt's two reads (one per
type) share one prompt."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, fail, wait_for
import cliptest
from cliptest import A, B
from toolkit import paste as qt_paste, pasted, require_qt, start_qt

CONFIG = cliptest.config({'grant': '20'})
TEXT = 'from alpha to qt'
TEXT2 = 'a new copy in alpha'


def main():
    require_qt()
    with cliptest.desk(CONFIG) as (c, desk):
        ev = desk.events
        desk.window(A)
        desk.copy(A, TEXT)

        qt, win = start_qt(c, B, 'qt-beta')

        # --- Qt gives up; the prompt stays up and says so ---
        mark = ev.mark()
        qt.send('paste')
        new = ev.wait(lambda e: e.get('event') == 'prompt' and e.get('change') == 'new', 10,
                      'the prompt for the Qt paste', since=mark)
        check_eq(pasted(qt), '', 'what Qt pasted before the answer (it gives up)')
        gone = ev.wait(lambda e: e.get('event') == 'prompt' and e.get('id') == new['id'] and
                       e.get('change') == 'target-gone', 5, 'the prompt to learn Qt gave up',
                       since=mark)
        time.sleep(1.0)
        ps = desk.prompts()
        check(len(ps) == 1 and ps[0]['id'] == new['id'] and ps[0].get('target_gone'),
              f'the prompt must stay up after Qt gave up: {ps!r}')
        check(ev.find(lambda e: e.get('event') == 'prompt' and e.get('id') == new['id'] and
                      e.get('change') == 'withdrawn', since=mark) is None,
              'the prompt was withdrawn when Qt gave up')

        # --- the user allows: a grant for beta, and Qt's retry goes through ---
        time.sleep(0.6)
        desk.keys('y')
        desk.wait_no_prompt()
        g = ev.wait(lambda e: e.get('event') == 'grant' and e.get('change') == 'new', 5,
                    'the grant', since=mark)
        check_eq((g['from'], g['to'], g['decision']), (A, B, 'allow'), f'the grant {g!r}')
        check(15000 < g['expires_in_ms'] <= 20000, f'the grant lasts [clipboard] grant: {g!r}')
        t = desk.wait_transfers(1)
        first = [x for x in t if x['to'] == B][-1]
        check_eq(first['decision'], 'ask-allow', f'the record of the answered paste {first!r}')
        check('granted for 20 s' in first['result'], f'its result {first!r}')

        mark2 = ev.mark()
        got = qt_paste(qt)
        check_eq(got, TEXT, 'what Qt pasted on its retry within the grant')
        check(ev.find(lambda e: e.get('event') == 'prompt', since=mark2) is None,
              'the retry within the grant was asked again')
        rec = desk.transfers()[-1]
        check_eq((rec['decision'], rec['result'], rec['to']), ('grant', 'delivered', B),
                 f'the record of the granted paste {rec!r}')
        listing = c.ctl('transfers').stdout
        harness.log('cordonctl transfers after the grant:\n' + listing)
        check('GRANT' in listing and 'allow' in listing, f'cordonctl transfers shows the grant')

        # --- a new copy in alpha ends the grant: Qt is asked again ---
        mark3 = ev.mark()
        desk.focus(desk.window(A))
        desk.copy(A, TEXT2)
        ev.wait(lambda e: e.get('event') == 'grant' and e.get('change') == 'ended', 5,
                'the grant to end with the new copy', since=mark3)
        check_eq(c.ipc_ok({'cmd': 'transfers'}).get('grants'), [], 'grants after a new copy')
        c.ipc_ok({'cmd': 'focus', 'id': win['id']})
        c.wait_focused(win['id'])
        # Qt has taken the new offer that came with the focus.
        qt.expect(r'^focus in$', timeout=10)
        time.sleep(0.3)

        # --- Qt gives up again; the user denies: remembered, no prompt storm ---
        mark4 = ev.mark()
        qt.send('paste')
        new = ev.wait(lambda e: e.get('event') == 'prompt' and e.get('change') == 'new', 10,
                      'the prompt for the paste of the new copy', since=mark4)
        check_eq(pasted(qt), '', 'what Qt pasted before the answer')
        ev.wait(lambda e: e.get('event') == 'prompt' and e.get('id') == new['id'] and
                e.get('change') == 'target-gone', 5, 'Qt to give up again', since=mark4)
        time.sleep(0.6)
        desk.keys('n')
        desk.wait_no_prompt()
        g = ev.wait(lambda e: e.get('event') == 'grant' and e.get('change') == 'new', 5,
                    'the remembered deny', since=mark4)
        check_eq(g['decision'], 'deny', f'the remembered answer {g!r}')
        mark5 = ev.mark()
        for i in range(3):
            check_eq(qt_paste(qt), '', f'what Qt pasted on retry {i + 1} after the deny')
        check(ev.find(lambda e: e.get('event') == 'prompt', since=mark5) is None,
              'a retry after the deny was asked again')
        rec = desk.transfers()[-1]
        check_eq(rec['decision'], 'grant-deny', f'the record of a retry after the deny {rec!r}')
        harness.log('cordonctl transfers after the deny:\n' + c.ctl('transfers').stdout)


harness.main(main)
