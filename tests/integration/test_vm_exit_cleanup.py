#!/usr/bin/env python3
"""Issue 5: when cordon exits -- cleanly on `quit` (the VM through crosvm
stop), or SIGKILLed -- no process it started for a domain survives: not
the fake crosvm, not the agent or what the agent runs, not a command
domain's process, and not a process that daemonized itself out of the
domain's process group."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, log, wait_for
import vmtest
from vmtest import VmCordon, vm_section, section

CONFIG = (
    vm_section('vm', autostart='yes', stop_timeout=5)
    + section('box', {
        'kind': 'command', 'color': 'orange', 'autostart': 'yes', 'stop-timeout': '5',
        # An orphan in a session of its own, then the main process.
        'command': '(setsid sleep 3600 &); exec sleep 3600',
    })
)


def setup(c):
    """Brings everything up; returns {pid: cmdline} of every process below
    cordon, checked to hold each kind of process."""
    vm = c.wait_state('vm', 'running', 5)
    c.wait_state('box', 'running', 5)
    out = c.ctl('run', 'vm', '--', 'sleep', '3600', timeout=20).stdout.strip()
    check(out.isdigit(), f'cordonctl run printed {out!r}')
    guest_sleep = int(out)

    def complete():
        tree = vmtest.descendants(c.proc.pid)
        words = [' '.join(a) for a in tree.values()]
        have = (vm['pid'] in tree and guest_sleep in tree and
                any('cordon-agent' in w for w in words) and
                sum(w == 'sleep 3600' for w in words) >= 3)
        return tree if have else None
    tree = wait_for(complete, 5, what=f'the fake crosvm (pid {vm["pid"]}), its agent, '
                                      f'the agent\'s sleep (pid {guest_sleep}) and box\'s '
                                      f'two sleeps below cordon; processes: '
                                      f'{vmtest.descendants(c.proc.pid)!r}')
    log(f'{len(tree)} processes below cordon: {sorted(tree)}')
    # The orphan really left: a session of its own, its parent gone.
    check(any(session(p) == p for p, a in tree.items() if a == ['sleep', '3600']),
          f'no sleep of box leads its own session: {tree!r}')
    return tree


def session(pid):
    try:
        with open(f'/proc/{pid}/stat') as f:
            return int(f.read().rsplit(')', 1)[1].split()[3])
    except (OSError, ValueError, IndexError):
        return None


def main():
    with VmCordon(CONFIG) as c:
        tree = setup(c)
        c.stop()  # quit over IPC; fails unless cordon exits 0
        vmtest.wait_gone(list(tree), 3, 'processes of domains after cordon quit')
        # A clean exit stops the VM politely, through crosvm stop.
        c.wait_records('stop', 1)
        check('fake-crosvm: stop requested' in c.domain_log('vm'),
              f'vm log after quit: {c.domain_log("vm")[-1500:]!r}')

    with VmCordon(CONFIG) as c:
        tree = setup(c)
        c.kill_cordon()
        vmtest.wait_gone(list(tree), 3, 'processes of domains after SIGKILL of cordon')


harness.main(main)
