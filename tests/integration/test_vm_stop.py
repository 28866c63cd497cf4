#!/usr/bin/env python3
"""Issue 5: `cordonctl stop vm` stops a VM through `crosvm stop CONTROL`
(the fake records it and exits when asked), long before SIGTERM would be
sent; start and restart work afterwards. A VM that ignores both the stop
request and SIGTERM is SIGKILLed at its stop-timeout and still ends
stopped."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, log
import vmtest
from vmtest import VmCordon, vm_section


def agent_pids(c, name):
    return vmtest.pids_mentioning(os.path.join(c.runtime_dir, 'cordon', name,
                                               'agent.sock'))


def polite_stop():
    # stop-timeout 10: SIGTERM would come 5 s after the stop request.
    with VmCordon(vm_section('vm', autostart='yes', stop_timeout=10)) as c:
        ev = c.events()
        vm = c.wait_state('vm', 'running', 5)
        c.ctl('run', 'vm', '--', harness.test_client_bin(), '--title', 'in-vm',
              timeout=20)
        c.wait_window(timeout=10, title='in-vm')
        agents = agent_pids(c, 'vm')
        check(agents, 'no cordon-agent process found for vm')
        control = os.path.join(c.runtime_dir, 'cordon', 'vm', 'crosvm.sock')
        check(os.path.exists(control), f'no control socket at {control}')

        mark = len(ev.items)
        t0 = time.monotonic()
        c.ctl('stop', 'vm')
        ev.wait_domain('vm', 'stopping', 5, start=mark)
        _, t_stopped, _ = ev.wait_domain('vm', 'stopped', 5, start=mark)
        took = t_stopped - t0
        log(f'vm stopped {took * 1000:.0f} ms after cordonctl stop')
        check(took < 3, f'stop took {took:.1f} s: not through crosvm stop, which the '
                        f'fake answers at once')
        check_eq(c.wait_records('stop', 1)[0], ['stop', control], 'crosvm stop command line')
        d = c.wait_state('vm', 'stopped', 1)
        check_eq((d.get('pid'), d.get('last_exit')), (None, {'code': 0}),
                 'pid and last exit of the stopped vm')
        logtext = c.domain_log('vm')
        check('fake-crosvm: stop requested' in logtext,
              f'the fake crosvm never got the stop request; log: {logtext[-2000:]!r}')
        check('SIGTERM, shutting down' not in logtext,
              f'the vm got SIGTERM where crosvm stop sufficed; log: {logtext[-2000:]!r}')
        check(not c.find_windows(domain='vm'), f'vm windows after stop: {c.windows()!r}')
        vmtest.wait_gone([vm['pid']] + agents, 3, 'the stopped vm\'s processes')

        # A stop is no failure: no restart follows.
        time.sleep(1.5)
        check_eq(c.domain('vm').get('state'), 'stopped', 'vm 1.5 s after its stop')
        c.wait_records('run', 1)
        check_eq(ev.domain_changes('vm')[-2:], ['stopping', 'stopped'], 'vm state events')

        # start and restart.
        c.ctl('start', 'vm')
        started = c.wait_state('vm', 'running', 5)
        c.wait_records('run', 2)
        c.ctl('restart', 'vm')
        c.wait_records('stop', 2)
        again = wait_new_pid(c, started['pid'])
        c.wait_records('run', 3)
        check_eq(again.get('restarts'), 0, 'restarts after an asked-for restart')
        check(not vmtest.proc_alive(started['pid']), 'the vm before restart is alive')


def wait_new_pid(c, old):
    return harness.wait_for(
        lambda: (lambda d: d if d.get('state') == 'running' and d.get('pid') not in
                 (None, old) else None)(c.domain('vm')),
        10, what='vm running with a new pid after restart')


def stubborn_stop():
    env = {'FAKE_CROSVM_IGNORE_STOP': '1', 'FAKE_CROSVM_IGNORE_TERM': '1'}
    timeout_s = 2
    with VmCordon(vm_section('vm', autostart='yes', stop_timeout=timeout_s),
                  env=env) as c:
        ev = c.events()
        vm = c.wait_state('vm', 'running', 5)
        # Wait until the fake is up (it records itself first thing).
        c.wait_records('run', 1)
        harness.wait_for(lambda: agent_pids(c, 'vm'), 5, what='the agent of vm')
        agents = agent_pids(c, 'vm')
        mark = len(ev.items)
        t0 = time.monotonic()
        c.ctl('stop', 'vm')
        _, t_stopped, _ = ev.wait_domain('vm', 'stopped', timeout_s + 3, start=mark)
        took = t_stopped - t0
        log(f'stubborn vm stopped {took * 1000:.0f} ms after cordonctl stop '
            f'(stop-timeout {timeout_s} s)')
        check(timeout_s - 0.2 <= took <= timeout_s + 1.5,
              f'stubborn vm stopped after {took:.2f} s; expected SIGKILL at its '
              f'stop-timeout of {timeout_s} s')
        c.wait_records('stop', 1)
        logtext = c.domain_log('vm')
        for said in ('ignoring stop request', 'ignoring SIGTERM'):
            check(said in logtext, f'the fake never said {said!r}; log: {logtext[-2000:]!r}')
        d = c.wait_state('vm', 'stopped', 1)
        check_eq(d.get('last_exit'), {'signal': 9}, 'last exit of the stubborn vm')
        vmtest.wait_gone([vm['pid']] + agents, 3, 'the stubborn vm\'s processes')
        check_eq(ev.domain_changes('vm')[-2:], ['stopping', 'stopped'], 'vm state events')


def main():
    polite_stop()
    stubborn_stop()


harness.main(main)
