#!/usr/bin/env python3
"""Issue 5: restart policies with a VM that exits by itself (the fake's
FAKE_CROSVM_CRASH_AFTER). A clean exit is no failure: on-failure leaves the
domain stopped, always starts it again. A failing VM is restarted with
exponential backoff (1, 2, 4, 8 s) until the fifth failure, then given up
(failed, no further restart); `cordonctl start` then begins afresh. A stop
during the backoff cancels the restart; restart = no stays failed."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, log
from vmtest import VmCordon, vm_section


def clean_exits():
    config = (vm_section('onf', restart='on-failure', stop_timeout=5)
              + vm_section('alw', restart='always', stop_timeout=5))
    with VmCordon(config, env={'FAKE_CROSVM_CRASH_AFTER': '0.3:0'}) as c:
        ev = c.events()
        c.ctl('start', 'onf')
        c.ctl('start', 'alw')
        ev.wait_domain('onf', 'stopped', 5)
        idx, t_stop, _ = ev.wait_domain('alw', 'stopped', 5)
        _, t_again, _ = ev.wait_domain('alw', 'running', 5, start=idx + 1)
        log(f'always: running again {(t_again - t_stop) * 1000:.0f} ms after a clean exit')
        time.sleep(1.5)
        onf = c.domain('onf')
        check_eq((onf.get('state'), onf.get('restarts'), onf.get('last_exit')),
                 ('stopped', 0, {'code': 0}), 'on-failure after a clean exit (state, '
                                              'restarts, last exit)')
        check_eq(ev.domain_changes('onf'), ['starting', 'running', 'stopped'],
                 'state events of onf')
        check(c.domain('alw').get('restarts', 0) >= 1,
              f'always was not restarted after a clean exit: {c.domain("alw")!r}')


def failures():
    config = (vm_section('vm', restart='on-failure', stop_timeout=5)
              + vm_section('nr', restart='no', stop_timeout=5)
              + vm_section('bk', restart='on-failure', stop_timeout=5))
    with VmCordon(config, env={'FAKE_CROSVM_CRASH_AFTER': '0.2:3'}) as c:
        ev = c.events()
        for name in ('vm', 'nr', 'bk'):
            c.ctl('start', name)

        # restart = no: failed, with the exit code, and stays so.
        ev.wait_domain('nr', 'failed', 5)
        # A stop during the backoff cancels the restart.
        ev.wait_domain('bk', 'failed', 5)
        c.ctl('stop', 'bk')
        ev.wait_domain('bk', 'stopped', 2)

        failed_at, started_at = [], []
        pos = 0
        for i in range(5):
            idx, t, _ = ev.wait_domain('vm', 'failed', 20, start=pos)
            failed_at.append(t)
            pos = idx + 1
            if i < 4:
                idx, t, _ = ev.wait_domain('vm', 'starting', 20, start=pos)
                started_at.append(t)
                pos = idx + 1
        delays = [round((s - f) * 1000) for f, s in zip(failed_at, started_at)]
        log(f'backoff delays: {delays} ms')
        print(f'backoff delays: {delays} ms', flush=True)
        for got, want in zip(delays, (1000, 2000, 4000, 8000)):
            check(want - 50 <= got <= want + 800, f'backoff delays {delays} ms, expected '
                                                  f'1000, 2000, 4000, 8000')
        d = c.wait_state('vm', 'failed', 1)
        check_eq((d.get('restarts'), d.get('last_exit')), (4, {'code': 3}),
                 'restarts and last exit after five failures')
        check('restarting in' not in (d.get('reason') or ''),
              f'a sixth start is still scheduled: {d!r}')
        c.wait_records('run', 5 + 1 + 1)  # vm five times, nr and bk once
        time.sleep(1)
        check_eq(ev.domain_changes('vm')[-1], 'failed', 'last vm event after giving up')

        nr = c.domain('nr')
        check_eq((nr.get('state'), nr.get('restarts'), nr.get('last_exit')),
                 ('failed', 0, {'code': 3}), 'restart = no after exit code 3')
        check_eq(ev.domain_changes('nr'), ['starting', 'running', 'failed'],
                 'state events of nr')
        bk = c.domain('bk')
        check_eq((bk.get('state'), bk.get('restarts')), ('stopped', 0),
                 'bk stopped during its backoff')
        check_eq(ev.domain_changes('bk'), ['starting', 'running', 'failed', 'stopped'],
                 'state events of bk')

        # A start after giving up begins afresh.
        mark = len(ev.items)
        c.ctl('start', 'vm')
        ev.wait_domain('vm', 'running', 5, start=mark)
        check_eq(c.domain('vm').get('restarts'), 0, 'restarts after a fresh start')


def main():
    clean_exits()
    failures()


harness.main(main)
