#!/usr/bin/env python3
"""Issue 13: QEMU SIGKILLed under a real guest's window. The VM's windows
go at once, the VM's other host processes (virtiofsd, the relay halves)
end with it, and `restart = on-failure` boots it again: a new QEMU, whose
guest runs the next app. virtiofsd SIGKILLed under the guest does the
same. Then cordon itself is SIGKILLed: nothing of the
VM (QEMU, virtiofsd, waypipe) survives it."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, log, wait_for
import qemutest
import vmtest
from vmtest import VmCordon


def main():
    harness.require('foot')
    img = qemutest.image()
    with VmCordon(qemutest.qemu_section('vm', img, restart='on-failure')) as c:
        qemutest.run_app(c, *qemutest.foot_titled('one'))
        qemutest.wait_guest_window(c, 'one', img)
        procs = qemutest.vm_processes(c)
        qpid = qemutest.qemu_pid(procs)
        log(f'VM processes: {procs!r}')

        t0 = time.monotonic()
        os.kill(qpid, signal.SIGKILL)
        wait_for(lambda: not c.find_windows(domain='vm'), 10,
                 what='the VM\'s windows gone after SIGKILL of QEMU')
        log(f'windows gone {(time.monotonic() - t0) * 1000:.0f} ms after SIGKILL of QEMU')
        c.check_alive('after QEMU was killed')
        vmtest.wait_gone(list(procs), 15, 'the killed VM\'s host processes')

        # on-failure: a new QEMU, and its guest serves the next app.
        def restarted():
            d = c.domain('vm')
            now = qemutest.vm_processes(c)
            new = [p for p, a in now.items()
                   if os.path.basename(a[0]) == 'qemu-system-x86_64' and p != qpid]
            return new if d.get('state') == 'running' and new else None
        wait_for(restarted, 30, what=f'the vm running again with a new QEMU; '
                                     f'domain: {c.domain("vm")!r}')
        qemutest.run_app(c, *qemutest.foot_titled('two'))
        qemutest.wait_guest_window(c, 'two', img)
        log(f'restarted VM\'s window {time.monotonic() - t0:.1f} s after the kill')

        # virtiofsd SIGKILLed under the running guest: its root is gone, so
        # the VM goes and comes back with a new QEMU and a new virtiofsd on
        # a new socket (cordon made the old one: no QEMU may wait on it).
        procs = qemutest.vm_processes(c)
        qpid = qemutest.qemu_pid(procs)
        vpid = [p for p, a in procs.items() if os.path.basename(a[0]) == 'virtiofsd']
        check(len(vpid) == 1, f'one virtiofsd: {procs!r}')
        os.kill(vpid[0], signal.SIGKILL)
        wait_for(restarted, 60, what=f'the vm running again after virtiofsd was killed; '
                                     f'domain: {c.domain("vm")!r}')
        qemutest.run_app(c, *qemutest.foot_titled('three'))
        qemutest.wait_guest_window(c, 'three', img)
        log('virtiofsd killed under the guest: the VM came back and runs the next app')

        procs = qemutest.vm_processes(c)
        check(len(procs) >= 3, f'QEMU, virtiofsd and a relay half below cordon: {procs!r}')
        c.kill_cordon()
        vmtest.wait_gone(list(procs), 10, 'the VM\'s processes after SIGKILL of cordon')


harness.main(main)
