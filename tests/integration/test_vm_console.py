#!/usr/bin/env python3
"""Issue 5: crosvm's own display window (a toplevel titled "crosvm" from
the VM process) is listed as "console" in the VM's domain with
console-window = yes, and neither listed nor drawn with console-window =
no -- while the client stays connected. Other windows of the VM, and a
"crosvm" window of a socket domain, are not affected."""
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, wait_for
from vmtest import VmCordon, vm_section, section

MAGENTA = bytes((0xff, 0x00, 0xff))
CYAN = bytes((0x00, 0xff, 0xff))


def console_env():
    cmd = ' '.join(shlex.quote(a) for a in [
        harness.test_client_bin(), '--title', 'crosvm', '--color', 'ff00ff',
        '--size', '300x200'])
    return {'FAKE_CROSVM_CONSOLE_CMD': 'exec ' + cmd}


def painted(shot, rgb):
    """True when the screenshot holds a run of 16 pixels of rgb (at a pixel
    boundary: cyan 00ffff repeated reads as magenta ff00ff from byte 2)."""
    run = rgb * 16
    i = shot.pixels.find(run)
    while i >= 0:
        if i % 3 == 0:
            return True
        i = shot.pixels.find(run, i + 1)
    return False


def console_shown():
    with VmCordon(vm_section('vm', autostart='yes', console_window='yes',
                             stop_timeout=5), env=console_env()) as c:
        c.wait_state('vm', 'running', 5)
        win = c.wait_window(timeout=10, domain='vm')
        check_eq(win.get('title'), 'console', f'title of crosvm\'s window: {win!r}')
        check(not c.find_windows(title='crosvm'), f'windows: {c.windows()!r}')
        wait_for(lambda: painted(c.screenshot(), MAGENTA), 5,
                 what='the console window drawn')


def console_hidden():
    config = (vm_section('vm', autostart='yes', console_window='no', stop_timeout=5)
              + section('work', {'color': 'blue'}))
    with VmCordon(config, env=console_env()) as c:
        c.wait_state('vm', 'running', 5)
        # The console client is up: it printed "ready" (its first frame is
        # committed) into the VM's output, and cordon counts it.
        wait_for(lambda: 'stdout: ready' in c.domain_log('vm'), 10,
                 what=f'the console client ready (vm log: {c.domain_log("vm")[-1500:]!r})')
        check(c.domain('vm').get('clients', 0) >= 1, f'vm clients: {c.domain("vm")!r}')
        # A window of the same VM that is not crosvm's is shown.
        c.ctl('run', 'vm', '--', harness.test_client_bin(), '--title', 'guest-app',
              '--color', '00ffff', '--size', '200x150', timeout=20)
        app = c.wait_window(timeout=10, domain='vm')
        check_eq(app.get('title'), 'guest-app', 'the only listed vm window')
        # A "crosvm" window of a socket domain is just a window.
        other = c.spawn_client(['--title', 'crosvm', '--size', '200x150'], domain='work')
        other.expect(r'^ready$')
        check_eq(c.wait_window(domain='work').get('title'), 'crosvm',
                 'title of a socket domain\'s window titled crosvm')
        shot = wait_for(lambda: (lambda s: s if painted(s, CYAN) else None)(c.screenshot()),
                        5, what='the guest-app window drawn')
        check(not painted(shot, MAGENTA), 'the hidden console window is drawn')
        check_eq([w.get('title') for w in c.find_windows(domain='vm')], ['guest-app'],
                 'vm windows listed')
        check(c.domain('vm').get('clients', 0) >= 2,
              f'vm clients (console still connected, and guest-app): {c.domain("vm")!r}')
        check('stdout: disconnected' not in c.domain_log('vm'),
              'the console client was disconnected')


def main():
    harness.require('grim')
    console_shown()
    console_hidden()


harness.main(main)
