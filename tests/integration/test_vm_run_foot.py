#!/usr/bin/env python3
"""Issue 5: `cordonctl run vm -- foot` on a stopped crosvm domain boots the
(fake) VM, waits for its agent, has the agent start foot "in the guest",
and foot's window appears tagged with the VM's domain, framed in its
colour."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, hex_color
import vmtest
from vmtest import VmCordon, vm_section

VM_COLOR = '#8000c0'
CONFIG = vm_section('vm', color=VM_COLOR, stop_timeout=5)


def ancestors(pid):
    out = []
    while pid and pid > 1 and len(out) < 64:
        pid = vmtest.proc_ppid(pid)
        out.append(pid)
    return out


def main():
    harness.require('foot', 'grim')
    with VmCordon(CONFIG) as c:
        check_eq(c.domain('vm').get('state'), 'stopped', 'vm before run')
        check_eq(c.records(), [], 'crosvm invocations before run')

        res = c.ctl('run', 'vm', '--', 'foot', '--title', 'in-vm', 'sleep', '120',
                    timeout=40)
        out = res.stdout.strip()
        check(out.isdigit() and int(out) > 0,
              f'cordonctl run printed {res.stdout!r}, expected a pid')
        foot_pid = int(out)
        vm = c.wait_state('vm', 'running', 5)
        c.wait_records('run', 1)

        win = c.wait_window(timeout=20, app_id='foot')
        check_eq(win.get('domain'), 'vm', f'domain of foot started in the vm: {win!r}')
        check_eq(win.get('title'), 'in-vm', 'title of foot')
        check(not c.find_windows(domain='host'), f'host windows: {c.windows()!r}')
        # The pid cordonctl printed is foot, started under the fake VM.
        check(os.path.basename((vmtest.proc_cmdline(foot_pid) or [''])[0]) == 'foot',
              lambda: f'pid {foot_pid} is {vmtest.proc_cmdline(foot_pid)!r}, not foot')
        check(vm['pid'] in ancestors(foot_pid),
              lambda: f'foot (pid {foot_pid}) is not a descendant of the fake crosvm '
                      f'(pid {vm["pid"]}); its ancestors: {ancestors(foot_pid)!r}')
        doms = c.domain('vm')
        check_eq((doms.get('clients'), doms.get('windows')), (1, 1),
                 'IPC clients/windows of vm')

        c.wait_framed(win, hex_color(VM_COLOR), 'foot in vm', timeout=10)

        # A second run reuses the running VM: no second crosvm.
        res = c.ctl('run', '--wait', 'vm', '--', 'true', timeout=20)
        c.wait_records('run', 1)
        check_eq(c.domain('vm').get('pid'), vm['pid'], 'vm pid after a second run')


harness.main(main)
