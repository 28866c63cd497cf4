#!/usr/bin/env python3
"""Issue 13 (host side): a kind = qemu domain run by tests/fake-qemu, which
speaks real QMP and stands in for the guest with the real cordon-agent on a
pty-backed "virtio-serial port". `cordonctl run vm -- CLIENT` goes through
the whole relay with the real waypipe: cordon hot-adds a cordon.wl.N port
over QMP, starts `waypipe client` on the domain socket, the agent (asked
over the serial link) runs `waypipe server -- CLIENT` and bridges it to the
port. The window is tagged with the VM; SIGKILL of QEMU removes it and
restarts per policy; `cordonctl stop` powers down over QMP; nothing of the
VM survives cordon."""
import os
import signal
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, fail, log
import vmtest
from vmtest import VmCordon, section

FAKE_QEMU = os.path.join(harness.TOP, 'tests', 'fake-qemu')
CONFIG = section('vm', {
    'kind': 'qemu',
    'color': '#8000c0',
    'qemu': FAKE_QEMU,
    'kernel': '@TMP@/vmlinuz',
    'accel': 'tcg',
    'restart': 'on-failure',
    'stop-timeout': '6',
})


def qmp_records(path):
    try:
        with open(path) as f:
            return [l.strip() for l in f if l.startswith('qmp ')]
    except FileNotFoundError:
        return []


def main():
    if shutil.which('waypipe') is None:
        log('waypipe is not installed: skipping')
        sys.exit(77)
    with VmCordon(CONFIG) as c:
        client = harness.test_client_bin()
        c.ctl('start', 'vm')
        vm = c.wait_state('vm', 'running', 10)
        c.ctl('run', 'vm', '--', client, '--title', 'in-qemu', '--size', '200x150',
              timeout=30)
        w = c.wait_window(timeout=30, title='in-qemu')
        check_eq(w.get('domain'), 'vm', 'domain of the window relayed from the "VM"')
        log(f'window {w["id"]} of vm through the QMP-added port and waypipe')
        domdir = os.path.join(c.runtime_dir, 'cordon', 'vm')

        # A second app: its own port and its own window.
        c.ctl('run', 'vm', '--', client, '--title', 'in-qemu-2', '--size', '200x150',
              timeout=30)
        w2 = c.wait_window(timeout=30, title='in-qemu-2')
        check_eq(w2.get('domain'), 'vm', 'domain of the second app')

        # SIGKILL of QEMU: its windows go, and it restarts (on-failure).
        ev = c.events()
        mark = len(ev.items)
        os.kill(vm['pid'], signal.SIGKILL)
        t0 = time.monotonic()
        while any(x.get('domain') == 'vm' for x in c.windows()):
            if time.monotonic() - t0 > 5:
                fail(f'vm windows still listed after SIGKILL: {c.windows()!r}')
            time.sleep(0.02)
        ev.wait_domain('vm', 'failed', 10, start=mark)
        ev.wait_domain('vm', 'running', 10, start=mark)
        again = c.wait_state('vm', 'running', 10)
        check(again['pid'] != vm['pid'], 'a new QEMU after the restart')
        check_eq(again.get('restarts'), 1, 'restarts after one kill')
        # The restarted VM runs apps again.
        c.ctl('run', 'vm', '--', client, '--title', 'after-restart', '--size', '200x150',
              timeout=30)
        check_eq(c.wait_window(timeout=30, title='after-restart').get('domain'), 'vm',
                 'domain of the app after the restart')

        # Stop: system_powerdown over QMP, not a signal.
        c.ctl('stop', 'vm')
        c.wait_state('vm', 'stopped', 10)
        logtext = c.domain_log('vm')
        check('asked the program to stop' in logtext,
              f'the stop went through QMP: {logtext[-2000:]!r}')
        check('sending SIGTERM' not in logtext.split('stop requested')[-1],
              'QEMU needed SIGTERM although it powers down on system_powerdown')

        # Once more up, with an app, then cordon exits: nothing survives.
        c.ctl('start', 'vm')
        c.wait_state('vm', 'running', 10)
        c.ctl('run', 'vm', '--', client, '--title', 'last', '--size', '200x150',
              timeout=30)
        c.wait_window(timeout=30, title='last')
    left = vmtest.pids_mentioning(domdir)
    check(not left, f'processes of the VM survived cordon: '
                    f'{[vmtest.proc_cmdline(p) for p in left]!r}')
    log('ok')


harness.main(main)
