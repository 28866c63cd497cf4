#!/usr/bin/env python3
"""Issue 11: clipboard managers (zwlr_data_control_manager_v1, through
wl-clipboard). A host `wl-paste --watch` sees the host's copies, whoever
has the keyboard, and never a guest's copy under deny (not even while that
guest is focused, when the seat's selection is the guest's); a guest's copy
under allow reaches it through cordon (a transfer record), under ask only
after the prompt; what the host sets with data-control (wl-copy, no window)
is the host's selection and reaches guests under their policy; an offer kept
past the next selection pulls nothing (tests/datacontrol.py); the primary
selection works the same; guests have no data-control global."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for
import cliptest
from cliptest import A, B, C, Desk

# alpha's copies are denied to everyone, beta's allowed, gamma's asked.
CONFIG = cliptest.config(clipboard={'default': 'allow'},
                         domains={A: {'copy-to': 'deny'}, C: {'copy-to': 'ask'}})
SEP = '\n--8<--\n'
TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def dc_sync(dc):
    """Round trip in tests/datacontrol.py: the selection events since."""
    dc.send('sync')
    sels = []
    while True:
        m = dc.expect(r'^(selection .*|synced)$')
        if m.group(1) == 'synced':
            return sels
        sels.append(m.group(1).split())


def dc_receive(dc, offer, mime):
    dc.send(f'receive {offer} {mime}')
    data = dc.expect(r'^data (\S+)$').group(1)
    return b'' if data == '-' else bytes.fromhex(data)


def stale_offer(c):
    """An offer kept past the next selection pulls nothing."""
    dc = c.spawn([sys.executable, os.path.join(TESTS, 'datacontrol.py')], name='dc')
    dc.expect(r'^ready$')
    last = {}
    # What is offered already (gamma's copy) is not what we wait for.
    for sel in dc_sync(dc):
        last['sel'] = sel
    last['seen'] = last.get('sel', [None, None])[1]

    def selection_with(text):
        c.spawn(['wl-copy', '--foreground', text], name='wl-copy-' + text, stdin=False)

        def new_offer():
            for sel in dc_sync(dc):
                last['sel'] = sel
            sel = last.get('sel')
            if sel and sel[1] != 'none' and sel[1] != last.get('seen') and \
                    cliptest.TEXT_MIME in sel[2:]:
                return sel[1]
            return None
        offer = wait_for(new_offer, 5, what=f'a data-control offer of {text!r}')
        last['seen'] = offer
        return offer

    first = selection_with('first')
    check_eq(dc_receive(dc, first, cliptest.TEXT_MIME), b'first', 'a read of the live offer')
    second = selection_with('second')
    check_eq(dc_receive(dc, first, cliptest.TEXT_MIME), b'',
             'a read of the replaced offer (must pull nothing)')
    check_eq(dc_receive(dc, second, cliptest.TEXT_MIME), b'second',
             'a read of the new offer')


def main():
    with cliptest.desk(CONFIG) as (c, desk):
        check('zwlr_data_control_manager_v1' in c.globals(), 'no data-control on the host')
        for d in (A, B, C):
            check('zwlr_data_control_manager_v1' not in c.globals(d),
                  f'the guest {d} is offered data-control')

        watch_out = os.path.join(c.runtime_dir, 'watch.out')
        c.spawn(['sh', '-c', f'exec wl-paste -n --watch sh -c \'cat; printf "{SEP}"\' '
                             f'> {watch_out}'], name='watch', stdin=False)

        def watched():
            try:
                with open(watch_out, encoding='utf-8', errors='replace') as f:
                    return [x for x in f.read().split(SEP)]
            except OSError:
                return []

        # The host copies with data-control (no window, no focus needed).
        wa = desk.window(A)
        c.spawn(['wl-copy', '--foreground', 'host one'], name='wl-copy-host', stdin=False)
        wait_for(lambda: 'host one' in watched(), 5, what='the host copy in wl-paste --watch')
        check_eq(desk.paste('host')[1], b'host one', 'the host\'s paste of its own copy')
        wb = desk.window(B)
        check_eq(desk.paste(B)[1], b'host one',
                 'beta\'s paste of the host\'s data-control copy (allow)')

        # alpha (deny) copies while focused: the seat's selection is alpha's
        # now, but the host's manager must not see it.
        desk.focus(wa)
        secret = 'alpha secret, denied to all'
        desk.copy(A, secret)
        rc, out = desk.paste('host', check_rc=False)
        check(secret.encode() not in out, f'the host\'s paste got alpha\'s copy: {out!r}')
        # Give the watcher time to misbehave, then look.
        desk.focus(wb)
        rc, out = desk.paste(B, check_rc=False)
        check(secret.encode() not in out, 'beta got alpha\'s copy')
        check(all(secret not in x for x in watched()),
              f'wl-paste --watch saw alpha\'s copy: {watched()!r}')
        check(not any(t.get('from') == A and t.get('to') == 'host' and
                      t.get('result') == 'delivered' for t in desk.transfers()),
              'a transfer from alpha to the host was delivered')

        # beta (allow): the watcher gets it, through cordon.
        desk.copy(B, 'beta, allowed')
        wait_for(lambda: 'beta, allowed' in watched(), 5,
                 what='beta\'s copy in wl-paste --watch')
        check(any(t.get('from') == B and t.get('to') == 'host' and
                  t.get('decision') == 'allow' for t in desk.transfers()),
              f'no allow record from beta to the host: {desk.transfers()!r}')

        # gamma (ask): a manager's read is a paste like any other.
        desk.window(C)
        desk.copy(C, 'gamma, asked')
        pr = desk.wait_prompt()
        check_eq((pr.get('from'), pr.get('to')), (C, 'host'), f'the prompt {pr!r}')
        check(all('gamma, asked' not in x for x in watched()),
              'the watcher got gamma\'s copy before the answer')
        c.ctl('allow', str(pr['id']))
        wait_for(lambda: 'gamma, asked' in watched(), 5,
                 what='gamma\'s copy in wl-paste --watch after allow')
        desk.wait_no_prompt()

        stale_offer(c)

        # Primary selection: the host sets and reads its own.
        c.spawn(['wl-copy', '--foreground', '--primary', 'host primary'],
                name='wl-copy-primary', stdin=False)
        wait_for(lambda: desk.paste('host', primary=True, check_rc=False)[1] ==
                 b'host primary', 5, what='the host\'s primary selection')


harness.main(main)
