#!/usr/bin/env python3
"""Issue 11 item 2: [autostart] runs host programs once cordon is ready.

Each `exec =` line runs with sh -c, in order, as a host client: the first
one's wayland-info reaches cordon's socket (ready: it lists the globals),
the second sees WAYLAND_DISPLAY, XDG_CURRENT_DESKTOP and XDG_SESSION_TYPE
of the session. A broken [autostart] is refused with FILE:LINE."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

CONFIG = """[general]
border-width = 4

[autostart]
exec = wayland-info > "$XDG_RUNTIME_DIR/info.txt" 2>&1; echo $? > "$XDG_RUNTIME_DIR/info.rc"
exec = echo "$WAYLAND_DISPLAY $XDG_CURRENT_DESKTOP $XDG_SESSION_TYPE" > "$XDG_RUNTIME_DIR/env.txt"
"""

BROKEN = """[autostart]
exec = swaybg -c '#336699
exec =
command = waybar
"""


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


def main():
    harness.require('wayland-info')
    with Cordon(config=CONFIG, env={'XDG_CURRENT_DESKTOP': ''}) as c:
        rt = c.runtime_dir
        rc = wait_for(lambda: read(os.path.join(rt, 'info.rc')), 10,
                      what='the first autostart line to finish')
        check_eq(rc.strip(), '0', 'wayland-info exit status in autostart')
        info = read(os.path.join(rt, 'info.txt'))
        check('wl_compositor' in info and 'xdg_wm_base' in info,
              lambda: f'wayland-info from autostart saw no globals: {info[:500]!r}')
        env = wait_for(lambda: read(os.path.join(rt, 'env.txt')), 10,
                       what='the second autostart line to run')
        check_eq(env.strip(), f'{c.wayland_display} cordon wayland',
                 'session variables of an autostarted program')

    path = os.path.join('/tmp', f'autostart-broken.{os.getpid()}.conf')
    with open(path, 'w') as f:
        f.write(BROKEN)
    try:
        res = c_validate(path)
    finally:
        os.unlink(path)
    check(res.returncode != 0, f'--validate accepted a broken [autostart]: {res!r}')
    for want in (f'{path}:2: [autostart] exec: unterminated single quote',
                 f'{path}:3: [autostart] exec: needs a command',
                 f"{path}:4: [autostart] unknown key 'command' (expected exec = COMMAND)"):
        check(want in res.stderr, lambda: f'missing {want!r} in {res.stderr!r}')


def c_validate(path):
    return subprocess.run([harness.cordon_bin(), '--validate', '-c', path],
                          capture_output=True, text=True, timeout=10)


harness.main(main)
