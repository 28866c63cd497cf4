#!/usr/bin/env python3
"""Issue 5: `cordonctl run`: from a stopped VM it boots it and runs the
command through the agent; --wait exits with the command's status (128 +
signal when killed); without --wait it returns once the command started.
It fails clearly for a socket domain, the host, an unknown domain, a
command domain without exec, a missing command, and -- within --timeout --
a VM whose agent never answers."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, log
import vmtest
from vmtest import VmCordon, vm_section, section

CONFIG = (
    vm_section('vm', stop_timeout=5)
    + vm_section('deaf', agent='unix:@TMP@/nobody-listens.sock', stop_timeout=5)
    + section('work', {'color': 'blue'})
    + section('nox', {'kind': 'command', 'color': 'orange', 'command': 'sleep 3600',
                      'stop-timeout': '5'})
)


def refused(c, args, words, what, timeout=10.0):
    res = c.ctl(*args, check_rc=False, timeout=timeout)
    check(res.returncode != 0, f'{what}: cordonctl {" ".join(args)} succeeded: {res!r}')
    check_eq(res.stdout, '', f'{what}: stdout of the refused run')
    for w in words:
        check(w in res.stderr, f'{what}: the error does not say {w!r}: {res.stderr!r}')
    return res


def main():
    with VmCordon(CONFIG) as c:
        check_eq(c.domain('vm').get('state'), 'stopped', 'vm at start')
        res = c.ctl('run', '--wait', 'vm', '--', 'sh', '-c', 'exit 7', check_rc=False,
                    timeout=30)
        check_eq(res.returncode, 7, f'status of run --wait vm -- sh -c "exit 7" '
                                    f'(stderr {res.stderr!r})')
        check(res.stdout.strip().isdigit(), f'run --wait printed {res.stdout!r}, not a pid')
        check_eq(c.domain('vm').get('state'), 'running', 'vm after run booted it')
        c.wait_records('run', 1)

        res = c.ctl('run', '--wait', 'vm', '--', 'sh', '-c', 'kill -TERM $$',
                    check_rc=False, timeout=20)
        check_eq(res.returncode, 128 + 15, 'status of a command killed by SIGTERM')
        res = c.ctl('run', '--wait', 'vm', '--', 'sh', '-c',
                    '[ -S "$WAYLAND_DISPLAY" ] && [ "$WAYLAND_DISPLAY" = "$1" ]', 'sh',
                    c.domain_socket('vm'), check_rc=False, timeout=20)
        check_eq(res.returncode, 0, 'WAYLAND_DISPLAY of a command run in vm is its socket')

        # Without --wait: back as soon as the command runs.
        t0 = time.monotonic()
        res = c.ctl('run', 'vm', '--', 'sleep', '30', timeout=20)
        took = time.monotonic() - t0
        pid = res.stdout.strip()
        check(pid.isdigit(), f'run printed {res.stdout!r}, not a pid')
        check(took < 5, f'run without --wait took {took:.1f} s')
        check(vmtest.proc_cmdline(int(pid))[:1] == ['sleep'],
              f'pid {pid} is {vmtest.proc_cmdline(int(pid))!r}, not the sleep')
        c.wait_records('run', 1)

        refused(c, ['run', 'work', '--', 'true'], ['work', 'socket'], 'run on a socket domain')
        refused(c, ['run', 'host', '--', 'true'], ['host'], 'run on the host')
        refused(c, ['run', 'nope', '--', 'true'], ['nope'], 'run on an unknown domain')
        refused(c, ['run', 'nox', '--', 'true'], ['nox', 'exec'],
                'run on a command domain without exec')
        refused(c, ['run', 'vm'], ['usage', 'CMD'], 'run without a command')
        refused(c, ['run', '--timeout', 'zero', 'vm', '--', 'true'], ['timeout'],
                'run with a bad --timeout')

        t0 = time.monotonic()
        res = refused(c, ['run', '--timeout', '1', 'deaf', '--', 'true'],
                      ['agent', 'nobody-listens.sock'],
                      'run on a VM whose agent never answers', timeout=15)
        took = time.monotonic() - t0
        log(f'run on deaf gave up after {took:.2f} s: {res.stderr.strip()!r}')
        check(took < 4, f'run --timeout 1 gave up only after {took:.1f} s')
        check(c.domain('deaf').get('state') in ('starting', 'running'),
              f'deaf was not started by run: {c.domain("deaf")!r}')


harness.main(main)
