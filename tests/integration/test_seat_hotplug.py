#!/usr/bin/env python3
"""Issue 11 item 1: a screen unplugged while cordon runs.

Headless outputs cannot be unplugged from outside, so cordon runs nested
on wlroots' Wayland backend with two outputs (two windows of a headless
sway) and one of them is closed from sway: for cordon that output is gone
as if its cable were pulled. A window that was on it comes back onto the
remaining screen, where the user can reach it, and IPC lists one output."""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, fail, wait_for


def start_sway(rt):
    with open(os.path.join(rt, 'sway.conf'), 'w') as f:
        # Floating, so that closing one window resizes no other: a tiling
        # parent's new configure of WL-1 would mask what an unplug does.
        f.write('output * mode 1920x1080\nfor_window [title="WL-"] floating enable\n')
    env = harness.base_env(rt)
    log = open(os.path.join(rt, 'sway.log'), 'wb')
    proc = subprocess.Popen(['sway', '-c', os.path.join(rt, 'sway.conf')], env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            start_new_session=True)

    def socket():
        socks = [p for p in glob.glob(os.path.join(rt, 'wayland-*'))
                 if not p.endswith('.lock')]
        ipc = glob.glob(os.path.join(rt, 'sway-ipc.*.sock'))
        if proc.poll() is not None:
            fail(f'sway exited {proc.returncode}: '
                 f'{open(os.path.join(rt, "sway.log")).read()[-2000:]}')
        return (socks[0], ipc[0]) if socks and ipc else None
    sock, ipc = wait_for(socket, 10, what='the parent sway to listen')
    return proc, sock, ipc


def main():
    harness.require('sway', 'swaymsg')
    rt = tempfile.mkdtemp(prefix='c.sway.', dir='/tmp')
    os.chmod(rt, 0o700)
    sway = None
    try:
        sway, sock, sway_ipc = start_sway(rt)
        env = {'WLR_BACKENDS': 'wayland', 'WAYLAND_DISPLAY': sock, 'WLR_WL_OUTPUTS': '2'}
        with Cordon(env=env) as c:
            outs = wait_for(lambda: (lambda o: o if len(o) == 2 else None)(c.outputs()),
                            5, what='two nested outputs')
            names = sorted(o['name'] for o in outs)
            check_eq(names, ['WL-1', 'WL-2'], 'nested outputs')
            second = [o for o in outs if o['name'] == 'WL-2'][0]
            client, win = c.test_window('stranded', size='200x150')
            c.ipc_ok({'cmd': 'move', 'id': win['id'], 'x': second['x'] + 100,
                      'y': second['y'] + 100})
            moved = c.wait_window(title='stranded')
            check(moved['x'] >= second['x'],
                  f'the window did not move onto WL-2: {moved!r} (outputs {outs!r})')

            # Pull WL-2: sway closes cordon's window for it.
            res = subprocess.run(['swaymsg', '-s', sway_ipc, '[title="WL-2"] kill'],
                                 capture_output=True, text=True, timeout=10)
            check(res.returncode == 0, f'swaymsg kill failed: {res.stdout} {res.stderr}')
            wait_for(lambda: [o['name'] for o in c.outputs()] == ['WL-1'], 5,
                     what='cordon to drop WL-2')
            first = c.outputs()[0]

            def back():
                w = c.wait_window(title='stranded')
                return w if (first['x'] <= w['x'] < first['x'] + first['width'] and
                             first['y'] <= w['y'] < first['y'] + first['height']) else None
            wait_for(back, 5, what=f'the window to come back onto WL-1 {first!r}')
            c.check_alive('after the output was unplugged')
    finally:
        if sway is not None:
            sway.terminate()
            try:
                sway.wait(timeout=5)
            except subprocess.TimeoutExpired:
                sway.kill()
                sway.wait()
        shutil.rmtree(rt, ignore_errors=True)


harness.main(main)
