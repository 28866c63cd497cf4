#!/usr/bin/env python3
"""cordon --validate reports every error as FILE:LINE:, exits 1, and
creates no backend (runs without XDG_RUNTIME_DIR or WLR_BACKENDS). The
shipped example config validates (what the host lacks, such as crosvm or a
VM image, is only a FILE:LINE: warning; --strict fails on warnings), and a
4 KiB launcher line is read whole."""
import os
import re
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


EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'config', 'example.config')


def long_command(n):
    """A shell command of exactly n bytes, as a container launcher may need."""
    cmd = 'systemd-nspawn -D /var/lib/machines/dev'
    i = 0
    while len(cmd) < n - 40:
        cmd += f' --bind-ro=/srv/share{i}:/mnt/share{i}'
        i += 1
    return cmd + ' --setenv=A=' + 'x' * (n - len(cmd) - len(' --setenv=A='))


def validate(cwd, path, env, strict=False):
    argv = [harness.cordon_bin(), '--validate'] + (['--strict'] if strict else [])
    try:
        res = subprocess.run(argv + ['-c', path],
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

        # The example, as a newcomer checks it: whatever this machine lacks
        # (crosvm, the VM's images, the shared directory) is a warning.
        rc, out = validate(tmp, EXAMPLE, bare)
        check_eq(rc, 0, f'exit status of --validate on config/example.config '
                        f'(output:\n{out})')
        lines = [l for l in out.splitlines() if l.strip()]
        ok = [l for l in lines
              if re.fullmatch(re.escape(EXAMPLE) + r': ok(, \d+ warnings?)?', l)]
        check(len(ok) == 1, f'--validate of the example does not say "ok":\n{out}')
        lines.remove(ok[0])
        for l in lines:
            check(re.match(re.escape(EXAMPLE) + r':\d+: warning: \[domain \w+\] ', l),
                  f'--validate of the example printed more than warnings: {l!r}')
        if lines:
            rc, out = validate(tmp, EXAMPLE, bare, strict=True)
            check_eq(rc, 1, f'--validate --strict with warnings (output:\n{out})')
            check('warning' in out, f'--strict did not show the warnings:\n{out}')
        if shutil.which('crosvm', path=bare['PATH']) is None:
            check(any("warning: [domain untrusted] crosvm binary 'crosvm' not found"
                      in l for l in lines),
                  f'no warning that crosvm is missing:\n{out}')
        rc, out = validate(tmp, 'good.conf', bare, strict=True)
        check_eq(rc, 0, f'--validate --strict on a clean file (output:\n{out})')

        # A 4 KiB launcher line, and a value continued after it.
        cmd = long_command(4096)
        check_eq(len(cmd), 4096, 'length of the long command')
        with open(os.path.join(tmp, 'long.conf'), 'w') as f:
            f.write(f'[domain dev]\nkind = command\ncommand = {cmd}\n'
                    f'exec = {cmd} \\\n  {{cmd}}\n[general]\nborder-width = 5\n')
        rc, out = validate(tmp, 'long.conf', bare)
        check_eq(rc, 0, f'--validate of a 4 KiB launcher line (output:\n{out[:2000]})')
        # At most the warning that systemd-nspawn is not installed here.
        lines = [l for l in out.splitlines() if l.strip() and ': ok' not in l]
        check(all(': warning: [domain dev] ' in l for l in lines),
              f'--validate of a 4 KiB launcher line printed {out[:2000]!r}')

        rc, out = validate(tmp, 'no-such-file.conf', bare)
        check_eq(rc, 1, f'--validate of a missing file (output:\n{out})')
        check('no-such-file.conf' in out, f'the missing file is not named:\n{out}')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


harness.main(main)
