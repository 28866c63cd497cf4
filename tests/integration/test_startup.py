#!/usr/bin/env python3
"""Command line and startup: -v, -h, a bad option, the ready line, the
environment children get (-s CMD), and the default output."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for, OUTPUT_SIZE


def run(*args):
    try:
        return subprocess.run([harness.cordon_bin()] + list(args), capture_output=True,
                              text=True, timeout=10,
                              env={'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
                                   'LANG': 'C.UTF-8'})
    except subprocess.TimeoutExpired:
        harness.fail(f'cordon {" ".join(args)} still running after 10 s')


def main():
    res = run('--version')
    check_eq(res.returncode, 0, f'cordon --version exit status ({res.stderr!r})')
    check(any(ch.isdigit() for ch in res.stdout), f'no version in {res.stdout!r}')
    res = run('-h')
    check_eq(res.returncode, 0, 'cordon -h exit status')
    check('--validate' in res.stdout + res.stderr, f'-h does not mention --validate: '
                                                   f'{res.stdout!r}')
    res = run('--no-such-option')
    check(res.returncode != 0, 'cordon accepted --no-such-option')

    env_file = 'startup-env'
    cmd = ('printf "%s\\n%s\\n" "$WAYLAND_DISPLAY" "$CORDON_SOCK" '
           f'> "$XDG_RUNTIME_DIR/{env_file}.tmp" && '
           f'mv "$XDG_RUNTIME_DIR/{env_file}.tmp" "$XDG_RUNTIME_DIR/{env_file}"')
    with Cordon(args=['-s', cmd]) as c:
        check_eq(c.wayland_display.startswith('wayland-'), True,
                 f'host socket name {c.wayland_display!r}')
        path = os.path.join(c.runtime_dir, env_file)
        wait_for(lambda: os.path.exists(path), 5, what=f'-s command writing {path}')
        with open(path) as f:
            got = f.read().splitlines()
        check_eq(got, [c.wayland_display, c.ipc_path],
                 'WAYLAND_DISPLAY and CORDON_SOCK seen by the -s command')
        outs = c.outputs()
        out = [o for o in outs if o.get('name') == harness.OUTPUT_NAME]
        check(out, f'no {harness.OUTPUT_NAME} in IPC outputs: {outs!r}')
        shot = c.screenshot()
        check_eq((shot.width, shot.height), OUTPUT_SIZE, 'default headless output size')

    with Cordon(config='[output HEADLESS-1]\nmode = 800x600\n') as c:
        shot = c.screenshot()
        check_eq((shot.width, shot.height), (800, 600),
                 'output size with mode = 800x600 in the config')


harness.main(main)
