#!/usr/bin/env python3
"""Issue 13: a real Debian guest under QEMU (TCG), booted by
`cordonctl run vm -- foot`. Its window is tagged with the VM and framed in
the VM's colour, and its terminal runs on the guest's kernel (foot's title,
set by an escape sequence from `uname -r` inside, names the image's kernel,
not the host's), beside a host foot framed in the host's colour. A second
app gives a second window, a client of its own.
`cordonctl stop` powers the guest off through QMP (the guest's init logs
the power button), the windows go, and no process of the VM is left."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, hex_color, log, wait_for
import qemutest
import vmtest
from vmtest import VmCordon

VM_COLOR = '#8000c0'


def main():
    harness.require('foot', 'grim')
    img = qemutest.image()
    with VmCordon(qemutest.qemu_section('vm', img, color=VM_COLOR)) as c:
        check_eq(c.domain('vm').get('state'), 'stopped', 'vm before run')

        t0 = time.monotonic()
        qemutest.run_app(c, *qemutest.foot_titled('one'))
        t_run = time.monotonic() - t0
        win = qemutest.wait_guest_window(c, 'one', img)
        t_win = time.monotonic() - t0
        log(f'cordonctl run returned after {t_run:.1f} s, the window came '
            f'{t_win:.1f} s after it started (boot included)')
        check_eq((win.get('domain'), win.get('app_id')), ('vm', 'foot'), 'the guest window')
        host = os.uname().release
        check(host != img['VERSION'],
              f'the host runs the guest\'s kernel {host}: the title proves nothing')
        log(f'guest kernel {img["VERSION"]}, host kernel {host}')
        check(not c.find_windows(domain='host'), f'host windows: {c.windows()!r}')
        qemutest.check_framed(c, win, hex_color(VM_COLOR), 'the guest\'s foot')

        # A second app: a second port, relay and client, the VM already up.
        t1 = time.monotonic()
        qemutest.run_app(c, *qemutest.foot_titled('two'))
        win2 = qemutest.wait_guest_window(c, 'two', img)
        log(f'second window {time.monotonic() - t1:.1f} s after its cordonctl run')
        check(win2['id'] != win['id'], f'one window for two apps: {c.windows()!r}')
        check_eq(win2.get('domain'), 'vm', 'domain of the second window')
        dom = c.domain('vm')
        check_eq((dom.get('clients'), dom.get('windows')), (2, 2), 'IPC clients/windows of vm')
        qemutest.check_framed(c, win2, hex_color(VM_COLOR), 'the second foot')

        # A host foot beside it, framed in the host's colour: the same
        # program, told apart only by cordon's frame and tag.
        c.spawn(['foot', 'sh', '-c', 'printf "\\033]2;host %s\\007" "$(uname -r)"; exec sleep 1000'],
                name='host-foot', stdin=False)
        hwin = wait_for(lambda: (c.find_windows(title=f'host {host}') or [None])[0], 20,
                        what='the host foot\'s window')
        check_eq(hwin.get('domain'), 'host', 'domain of the host foot')
        # It opens below the focused guest window: raise it, so both frames show.
        c.ipc_ok({'cmd': 'focus', 'id': hwin['id']})
        c.wait_focused(hwin['id'])
        shot = qemutest.check_framed(c, hwin, harness.HOST_COLOR, 'the host\'s foot')
        check(shot.pixel(win['x'] - 1, win['y'] + 10) == hex_color(VM_COLOR),
              'the guest window lost its frame beside the host one')
        if os.environ.get('CORDON_TEST_ARTIFACTS'):
            os.makedirs(os.environ['CORDON_TEST_ARTIFACTS'], exist_ok=True)
            shot.save(os.path.join(os.environ['CORDON_TEST_ARTIFACTS'], 'qemu_run.png'))

        # Stop: QMP system_powerdown, the guest's init powers it off.
        procs = qemutest.vm_processes(c)
        qemutest.qemu_pid(procs)
        t2 = time.monotonic()
        c.ctl('stop', 'vm', timeout=60)
        c.wait_state('vm', 'stopped', 60)
        log(f'stopped {time.monotonic() - t2:.1f} s after cordonctl stop')
        wait_for(lambda: 'powering off (power button)' in c.domain_log('vm'), 5,
                 what='the guest init\'s "powering off (power button)" in the vm log; '
                      f'log: {c.domain_log("vm")[-2000:]!r}')
        wait_for(lambda: not c.find_windows(domain='vm'), 10,
                 what='no window of the stopped vm')
        vmtest.wait_gone(list(procs), 10, 'processes of the stopped VM')


harness.main(main)
