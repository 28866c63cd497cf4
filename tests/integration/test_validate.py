#!/usr/bin/env python3
"""cordon --validate reports every error as FILE:LINE:, exits 1, and
creates no backend (runs without XDG_RUNTIME_DIR or WLR_BACKENDS)."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, SANITIZER_MARKERS

BROKEN = """\
# a config with errors on known lines
[general]
border-width = banana
no-such-key = 1

[no-such-section]
foo = bar

[keys]
Super+Return = exec foot
Frob+Return = exec foot
"""
# line -> what is wrong there; a tuple: either line may carry the error
BROKEN_LINES = {3: 'bad value', 4: 'unknown key', (6, 7): 'unknown section',
                11: 'unknown modifier'}

GOOD = """\
[general]
border-width = 4

[output HEADLESS-1]
mode = 1280x720

[keys]
Super+Return = exec foot
"""


def validate(cwd, path, env):
    try:
        res = subprocess.run([harness.cordon_bin(), '--validate', '-c', path],
                             cwd=cwd, env=env, capture_output=True, text=True,
                             timeout=20)
    except subprocess.TimeoutExpired:
        harness.fail(f'cordon --validate -c {path} still running after 20 s '
                     f'(did it start a compositor?)')
    out = res.stdout + res.stderr
    markers = [m for m in SANITIZER_MARKERS if m in out]
    check(not markers, f'sanitizer output from --validate: {markers}\n{out}')
    return res.returncode, out


def main():
    tmp = tempfile.mkdtemp(prefix='c.', dir='/tmp')
    try:
        with open(os.path.join(tmp, 'broken.conf'), 'w') as f:
            f.write(BROKEN)
        with open(os.path.join(tmp, 'good.conf'), 'w') as f:
            f.write(GOOD)
        # No runtime dir, no backend choice, no display: as bare as it gets.
        bare = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'LANG': 'C.UTF-8'}
        for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'):
            if k in os.environ:
                bare[k] = os.environ[k]

        rc, out = validate(tmp, 'broken.conf', bare)
        check_eq(rc, 1, f'exit status of --validate on a broken file (output:\n{out})')
        for lines, what in BROKEN_LINES.items():
            lines = lines if isinstance(lines, tuple) else (lines,)
            check(any(f'broken.conf:{n}:' in out for n in lines),
                  f'--validate did not report the {what} as broken.conf:'
                  f'{"|".join(map(str, lines))}:; it printed:\n{out}')
        for n in (1, 2, 5, 9, 10):
            check(f'broken.conf:{n}:' not in out,
                  f'--validate reported an error on the valid line {n}:\n{out}')

        rc, out = validate(tmp, 'good.conf', bare)
        check_eq(rc, 0, f'exit status of --validate on a valid file (output:\n{out})')

        # A backend would need a seat for DRM; a runtime dir would get sockets.
        rt = os.path.join(tmp, 'rt')
        os.mkdir(rt, 0o700)
        env = dict(bare, XDG_RUNTIME_DIR=rt, WLR_BACKENDS='drm,libinput')
        rc, out = validate(tmp, 'good.conf', env)
        check_eq(rc, 0, f'--validate with WLR_BACKENDS=drm set (output:\n{out})')
        check_eq(os.listdir(rt), [], '--validate created files in XDG_RUNTIME_DIR')

        rc, out = validate(tmp, 'no-such-file.conf', bare)
        check_eq(rc, 1, f'--validate of a missing file (output:\n{out})')
        check('no-such-file.conf' in out, f'the missing file is not named:\n{out}')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


harness.main(main)
