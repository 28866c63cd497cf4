#!/usr/bin/env python3
"""Issue 11 item 1: the DRM smoke test.

Where the machine has /dev/dri, cordon starts the way a TTY login starts
it (no WLR_BACKENDS, no parent display: libseat, DRM and libinput), must
report ready with an output, log its seat session, and quit cleanly.
Where there is no /dev/dri (our build machines and CI containers) the
test is skipped, saying so: nothing here pretends to have run the DRM
path. Where /dev/dri exists but no seat can be had (no logind session of
this user on a seat, no seatd socket), it is skipped too, with libseat's
reason from cordon's log."""
import glob
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import TestSkip, check, fail

# What wlroots and libseat say when no seat can be had for us.
NO_SEAT = re.compile(r'libseat|seatd|logind|Could not get session|'
                     r'Failed to start a (DRM )?session|Unable to create seat|'
                     r'no session', re.I)


def main():
    cards = glob.glob('/dev/dri/card*')
    if not cards:
        raise TestSkip('no /dev/dri/card* on this machine: the DRM and libinput '
                       'path cannot run here (build machines and containers have '
                       'no GPU device); run this test on a machine with a seat')
    rt = tempfile.mkdtemp(prefix='c.drm.', dir='/tmp')
    os.chmod(rt, 0o700)
    env = harness.base_env(rt)
    for k in ('WLR_BACKENDS', 'WLR_RENDERER', 'WLR_LIBINPUT_NO_DEVICES'):
        env.pop(k, None)
    rfd, wfd = os.pipe()
    log_path = os.path.join(rt, 'cordon.log')
    log = open(log_path, 'wb')
    proc = subprocess.Popen([harness.cordon_bin(), '--ready-fd', str(wfd)], env=env,
                            pass_fds=(wfd,), stdin=subprocess.DEVNULL, stdout=log,
                            stderr=log, start_new_session=True)
    os.close(wfd)
    try:
        ready = b''
        deadline = time.monotonic() + 20
        while b'\n' not in ready and time.monotonic() < deadline:
            r, _, _ = select.select([rfd], [], [], 0.2)
            if r:
                chunk = os.read(rfd, 256)
                if not chunk:
                    break
                ready += chunk
        output = open(log_path, 'rb').read().decode('utf-8', 'replace')
        if b'\n' not in ready:
            proc.poll()
            if proc.returncode is not None and NO_SEAT.search(output):
                lines = [l for l in output.splitlines() if NO_SEAT.search(l)]
                raise TestSkip(f'{", ".join(cards)} exist but no seat could be had '
                               f'for this user: {" | ".join(lines[-3:])}')
            fail(f'cordon did not get ready on the DRM backend (status '
                 f'{proc.returncode}):\n{output[-3000:]}')
        display = ready.decode().strip().split('=', 1)[1]
        harness.log(f'ready on the DRM path: {display}')
        check('session: seat' in output, f'no seat session in the log:\n{output[-2000:]}')
        if shutil.which('wayland-info'):
            env['WAYLAND_DISPLAY'] = display
            res = subprocess.run(['wayland-info', '-i', 'wl_output'], env=env,
                                 capture_output=True, text=True, timeout=10)
            check('wl_output' in res.stdout,
                  f'no wl_output on the DRM path: {res.stdout[-1000:]!r}')
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=15)
        check(rc == 0, f'cordon exited {rc} after SIGTERM on the DRM path')
    finally:
        os.close(rfd)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(rt, ignore_errors=True)


harness.main(main)
