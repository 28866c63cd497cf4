#!/usr/bin/env python3
"""Issue 5: a crosvm domain with autostart = yes is started as cordon comes
up, with crosvm's current command-line syntax built from its config (the
fake crosvm records its argv and refuses anything crosvm would); a domain
without autostart stays stopped; a command domain autostarts too."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq
import vmtest
from vmtest import VmCordon, vm_section, section

CONFIG = (
    vm_section('vm', mem=1024, cpus=3, autostart='yes',
               root='@TMP@/root.img', disk=['@TMP@/data.img,ro', '@TMP@/scratch.img'],
               initrd='@TMP@/initrd', params='console=hvc0 quiet',
               share='@TMP@/share:hostshare', cid=7, net='tap0', sandbox='no',
               stop_timeout=5)
    + vm_section('idle')
    + section('box', {'kind': 'command', 'color': 'orange', 'autostart': 'yes',
                      'command': 'sleep 3600'})
)
DEPRECATED = {'-r', '--root', '--rwdisk', '--cid', '--tap-name'}


def main():
    c = VmCordon(CONFIG)
    for name in ('root.img', 'data.img', 'scratch.img', 'initrd'):
        open(os.path.join(c.tmp, name), 'w').close()
    os.mkdir(os.path.join(c.tmp, 'share'))
    with c:
        # Autostart happens before cordon's event loop answers anything:
        # the first reply already shows the domain on its way up.
        first = c.domain('vm')
        check(first.get('state') in ('starting', 'running'),
              f'vm right after readiness: {first!r}')
        check_eq(c.domain('idle').get('state'), 'stopped', 'state of idle (no autostart)')
        vm = c.wait_state('vm', 'running', 5)
        c.wait_state('box', 'running', 5)
        check(vm.get('pid') and vmtest.proc_alive(vm['pid']),
              f'vm is running but its pid is not alive: {vm!r}')
        check('fake-crosvm' in ' '.join(vmtest.proc_cmdline(vm['pid'])),
              lambda: f'the pid of vm is not the fake crosvm: '
                      f'{vmtest.proc_cmdline(vm["pid"])!r}')
        check_eq((vm.get('restarts'), vm.get('last_exit')), (0, None),
                 'restarts and last exit of a fresh vm')

        runs = c.wait_records('run', 1)
        rt, tmp = c.runtime_dir, c.tmp
        vm_dir = os.path.join(rt, 'cordon', 'vm')
        check_eq(vm.get('socket'), c.domain_socket('vm'), 'IPC socket of vm')
        expected = [
            'run', '--mem', '1024', '--cpus', '3',
            '--block', f'path={tmp}/root.img,root=true',
            '--block', f'path={tmp}/data.img,ro=true',
            '--block', f'path={tmp}/scratch.img',
            '--initrd', f'{tmp}/initrd',
            '-p', 'console=hvc0 quiet',
            '--gpu', 'context-types=cross-domain',
            '--wayland-sock', c.domain_socket('vm'),
            '--socket', f'{vm_dir}/crosvm.sock',
            '--vsock', 'cid=7',
            '--net', 'tap-name=tap0',
            '--shared-dir', f'{tmp}/share:hostshare:type=fs',
            '--serial', f'type=file,path={vm_dir}/console.fifo,hardware=virtio-console,console',
            '--disable-sandbox',
            f'{tmp}/vmlinuz',
        ]
        argv = runs[0]
        bad = sorted(DEPRECATED & set(argv))
        check(not bad, f'deprecated crosvm flags {bad} in {argv!r}')
        check_eq(argv[-1], f'{tmp}/vmlinuz', 'last crosvm argument (the kernel)')
        check_eq(argv, expected, 'crosvm command line')

        # The fake accepted it (it exits 1 on anything crosvm would refuse):
        # it is still the same process a while later, and it "booted".
        time.sleep(0.5)
        again = c.domain('vm')
        check_eq((again.get('state'), again.get('pid')), ('running', vm['pid']),
                 'vm state and pid 0.5 s after start')
        check(again.get('uptime_ms', 0) >= 400, f'uptime of vm after 0.5 s: {again!r}')
        with open(os.path.join(vm_dir, 'serial.log')) as f:
            serial = f.read()
        check('fake-crosvm: booting' in serial, f'serial.log of vm: {serial!r}')
        check('fake-crosvm: running pid' in c.domain_log('vm'),
              f'the vm log lacks the fake crosvm\'s output: {c.domain_log("vm")!r}')
        check(not any(c.domain_socket('idle') in ' '.join(r) for r in c.records()),
              f'idle was started: {c.records()!r}')
        check_eq(c.domain('idle').get('state'), 'stopped', 'state of idle later')


harness.main(main)
