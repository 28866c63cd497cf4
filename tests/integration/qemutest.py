"""Shared pieces of the end-to-end tests with a real guest (issue 13).

A domain of kind = qemu boots the guest image that cordon-mkguest made
(`./dev guest`, cached in $CORDON_GUEST or /var/cache/cordon-guest) under
QEMU with TCG -- never KVM: the KVM of our build machines cannot run stock
guest kernels. Before a test boots it, image() puts this build's
cordon-agent and guest init into the image (cordon-mkguest --no-build);
without an image (no network to make one, or its package list changed)
the test is skipped with a line saying why.

    img = qemutest.image()
    with VmCordon(qemutest.qemu_section('vm', img)) as c:
        c.ctl('run', 'vm', '--', *qemutest.foot_titled('one'), timeout=RUN_TIMEOUT)
        win = qemutest.wait_guest_window(c, 'one', img)

Timeouts are generous (TCG on two shared cores boots in 8-30 s); the tests
measure and log times, never assert them.
"""

import os
import shutil
import subprocess

import harness
from harness import TestSkip, check, log, wait_for
import vmtest
from vmtest import section

GUEST_DIR = os.environ.get('CORDON_GUEST', '/var/cache/cordon-guest')
MKGUEST = os.path.join(harness.TOP, 'vmm', 'guest', 'cordon-mkguest')
PACKAGES = os.path.join(harness.TOP, 'vmm', 'guest', 'packages')
# Boot, agent and first window under TCG on a loaded two-core machine.
RUN_TIMEOUT = 120
WINDOW_TIMEOUT = 60


def guest_init_bin():
    """cordon-guest-init: CORDON_GUEST_INIT_BIN (meson sets it), else the build's."""
    path = os.environ.get('CORDON_GUEST_INIT_BIN')
    if path:
        return path
    return os.path.join(os.path.dirname(os.path.dirname(harness.cordon_bin())),
                        'vmm', 'guest', 'cordon-guest-init')


def image():
    """The guest image, refreshed with this build's agent and init: a dict
    with KERNEL, INITRD, ROOT and VERSION (the guest kernel's release).
    Skips the test when QEMU, virtiofsd or the image is missing."""
    harness.require('qemu-system-x86_64', 'waypipe')
    if not (shutil.which('virtiofsd') or
            any(os.access(p, os.X_OK) for p in ('/usr/libexec/virtiofsd',
                                                '/usr/lib/qemu/virtiofsd'))):
        raise TestSkip('virtiofsd is not installed')
    res = subprocess.run([MKGUEST, '--no-build', '--quiet', '--dir', GUEST_DIR,
                          '--agent', vmtest.agent_bin(), '--init', guest_init_bin(),
                          '--packages', PACKAGES],
                         capture_output=True, text=True, timeout=60)
    if res.returncode == 3:
        raise TestSkip(f'{res.stderr.strip()}; make it on the host with ./dev guest '
                       f'(mmdebstrap, network)')
    check(res.returncode == 0, f'cordon-mkguest --no-build exited {res.returncode}: '
                               f'{res.stderr.strip()!r}')
    img = dict(line.split('=', 1) for line in res.stdout.split() if '=' in line)
    check(set(img) >= {'KERNEL', 'INITRD', 'ROOT'}, f'cordon-mkguest printed {res.stdout!r}')
    with open(os.path.join(os.path.dirname(img['KERNEL']), 'kernel-version')) as f:
        img['VERSION'] = f.read().strip()
    return img


def qemu_section(name, img, **keys):
    """A [domain NAME] of kind qemu booting img under TCG. keys override or
    add (underscores for dashes; None drops a key)."""
    base = {
        'kind': 'qemu',
        'color': '#8000c0',
        'kernel': img['KERNEL'],
        'initrd': img['INITRD'],
        'root': img['ROOT'],
        'accel': 'tcg',
        'mem': '1024',
        'cpus': '1',
        'agent': 'serial',
        'stop-timeout': '30',
    }
    base.update({k.replace('_', '-'): v for k, v in keys.items()})
    return section(name, base)


def foot_titled(tag):
    """argv of a foot whose terminal sets its title (OSC 2) to
    "TAG <uname -r>": the kernel it really runs on, seen through IPC."""
    return ['foot', 'sh', '-c',
            f'printf "\\033]2;{tag} %s\\007" "$(uname -r)"; uname -a; exec sleep 100000']


def run_app(c, *argv, domain='vm'):
    """cordonctl run DOMAIN -- ARGV (booting the VM if needed); returns the
    guest pid it printed. A failure shows the domain's log (QEMU's
    complaints and the guest console)."""
    res = c.ctl('run', domain, '--', *argv, check_rc=False, timeout=RUN_TIMEOUT)
    out = res.stdout.strip()
    check(res.returncode == 0 and out.isdigit(),
          lambda: f'cordonctl run {domain} -- {" ".join(argv)} exited {res.returncode}, '
                  f'printed {res.stdout!r}, said {res.stderr.strip()!r}; '
                  f'{domain}\'s log ends: {c.domain_log(domain)[-3000:]}')
    return int(out)


def wait_guest_window(c, tag, img, timeout=WINDOW_TIMEOUT):
    """Waits for foot_titled(tag)'s window in the VM, titled with the guest
    kernel's release; returns its IPC object."""
    want = f'{tag} {img["VERSION"]}'
    return wait_for(lambda: (c.find_windows(title=want) or [None])[0], timeout,
                    what=f'a window titled {want!r}; windows: {c.windows()!r}')


def vm_processes(c):
    """{pid: argv} of the host processes of the VM below cordon: QEMU,
    virtiofsd and the host halves of the relay (waypipe)."""
    return {pid: argv for pid, argv in vmtest.descendants(c.proc.pid).items()
            if argv and os.path.basename(argv[0]) in ('qemu-system-x86_64', 'virtiofsd',
                                                      'waypipe')}


def qemu_pid(procs):
    found = [p for p, a in procs.items() if os.path.basename(a[0]) == 'qemu-system-x86_64']
    check(len(found) == 1, f'not one QEMU below cordon: {procs!r}')
    return found[0]


def check_framed(c, win, rgb, what):
    """Waits until the window's left border has the domain's colour."""
    shot = c.wait_pixel(win['x'] - 1, win['y'] + 10, rgb, f'{what} framed in {rgb}', 10)
    tb = harness.titlebar_height(shot, win, rgb)
    check(tb > 0, f'{what}: no titlebar in the domain colour above {win!r}')
    log(f'{what}: framed in the domain colour, titlebar {tb} px')
    return shot
