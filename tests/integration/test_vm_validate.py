#!/usr/bin/env python3
"""Issue 5: bad VM configs get clear errors. `cordon --validate` reports a
missing kernel key, a duplicate cid and an unknown or misplaced key as
FILE:LINE: [domain NAME] ..., exit 1 (and 0 for a good config). What the
host has yet to provide (a kernel file, the crosvm binary, the program a
command domain runs) is a warning,
FILE:LINE: warning: [domain NAME] ..., exit 0, as cordon itself starts
without it (issue 8); --strict makes warnings fail. `cordonctl start` then
fails naming the missing binary."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, domain_section, SANITIZER_MARKERS
from vmtest import FAKE_CROSVM, VmCordon, vm_section


def crosvm(name, **keys):
    """A [domain NAME] of kind crosvm run by @FAKE@ with @TMP@/vmlinuz:
    its lines are the header, kind, crosvm, kernel, then more keys."""
    return domain_section(name, {'kind': 'crosvm', 'crosvm': '@FAKE@',
                                 'kernel': '@TMP@/vmlinuz', **keys})

# name -> (config, {line: [words the error on that line must contain]}[, 'warn'])
# 'warn': the problems are warnings, not errors.
# @TMP@ is the scratch directory, holding an empty file vmlinuz.
CASES = {
    'good': (crosvm('vm', cid=5) + crosvm('vm2', cid=6), {}),
    'no-kernel-key': ("""\
# no kernel at all
[domain vm]
kind = crosvm
crosvm = @FAKE@
mem = 512
""", {2: ['[domain vm]', 'kernel']}),
    'no-kernel-file': (domain_section('other', {'color': 'blue'})
                       + crosvm('vm', kernel='@TMP@/no-such-vmlinuz'),
                       {4: ['[domain vm]', 'no-such-vmlinuz']}, 'warn'),
    # b's cid is its 5th line, after a's 5 and a blank.
    'duplicate-cid': (crosvm('a', cid=9) + crosvm('b', cid=9),
                      {11: ['[domain b]', 'cid', "'a'"]}),
    'unknown-key': ("""\
[domain vm]
kind = crosvm
crosvm = @FAKE@
kernel = @TMP@/vmlinuz
memory = 1024
[domain box]
kind = command
command = sleep 1
kernel = @TMP@/vmlinuz
""", {5: ['[domain vm]', 'memory'], 9: ['[domain box]', 'kernel', 'crosvm']}),
    'no-crosvm-binary': ("""\
[general]

[domain vm]
kind = crosvm
crosvm = no-such-crosvm-binary
kernel = @TMP@/vmlinuz
""", {3: ['[domain vm]', 'no-such-crosvm-binary']}, 'warn'),
    'command-programs': ("""\
[domain box]
kind = command
command = no-such-launcher --boot --bind={dir}

[domain runner]
kind = command
command = sleep 100
exec = exec no-such-runner --machine=x {cmd}

[domain shell]
kind = command
command = FOO=1 no-such-thing; cd /tmp && no-such-either
exec = "$HOME/bin/run" {cmd}
""", {1: ['[domain box]', "command runs 'no-such-launcher'", 'not found'],
      5: ['[domain runner]', "exec runs 'no-such-runner'"]}, 'warn'),
    'no-crosvm-path': (crosvm('vm', crosvm='@TMP@/bin/crosvm'),
                       {1: ['[domain vm]', '@TMP@/bin/crosvm']}, 'warn'),
}


def validate(tmp, name, text, strict=False):
    path = os.path.join(tmp, name + '.conf')
    with open(path, 'w') as f:
        f.write(text.replace('@TMP@', tmp).replace('@FAKE@', FAKE_CROSVM))
    env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'LANG': 'C.UTF-8'}
    for k in ('ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS'):
        if k in os.environ:
            env[k] = os.environ[k]
    argv = [harness.cordon_bin(), '--validate'] + (['--strict'] if strict else [])
    res = harness.run_checked(argv + ['-c', path], env, 20, check_rc=False, text=True)
    out = res.stdout + res.stderr
    markers = [m for m in SANITIZER_MARKERS if m in out]
    check(not markers, f'sanitizer output from --validate: {markers}\n{out}')
    return res.returncode, out, path


def main():
    tmp = tempfile.mkdtemp(prefix='cvm.', dir='/tmp')
    try:
        open(os.path.join(tmp, 'vmlinuz'), 'w').close()
        for name, (text, errors, *flags) in CASES.items():
            warn = 'warn' in flags
            rc, out, path = validate(tmp, name, text)
            check_eq(rc, 1 if errors and not warn else 0,
                     f'{name}: exit status of --validate (output:\n{out})')
            n_warn = len(errors) if warn else 0
            ok_line = (f'{path}: ok, {n_warn} warning{"" if n_warn == 1 else "s"}'
                       if n_warn else f'{path}: ok')
            check(rc != 0 or ok_line in out.splitlines(),
                  f'{name}: no line {ok_line!r} in the output:\n{out}')
            lines = [l for l in out.splitlines() if l.strip() and l != ok_line]
            prefix = 'warning: ' if warn else ''
            for n, words in errors.items():
                hits = [l for l in lines if l.startswith(f'{path}:{n}: {prefix}')]
                check(len(hits) == 1, f'{name}: no single {"warning" if warn else "error"} '
                                      f'for line {n} as {path}:{n}: {prefix}…; output:\n{out}')
                check(warn or 'warning' not in hits[0],
                      f'{name}: an error reported as a warning: {hits[0]!r}')
                for w in words:
                    w = w.replace('@TMP@', tmp)
                    check(w in hits[0], f'{name}: the error {hits[0]!r} does not say {w!r}')
            check_eq(len(lines), len(errors), f'{name}: number of lines --validate printed '
                                              f'(output:\n{out})')
            # --strict: warnings fail too; a clean config still passes.
            rc, out, _ = validate(tmp, name, text, strict=True)
            check_eq(rc, 1 if errors else 0,
                     f'{name}: exit status of --validate --strict (output:\n{out})')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # cordon starts anyway; starting the domain fails naming the binary.
    config = (vm_section('vm', crosvm='no-such-crosvm-binary')
              + vm_section('auto', crosvm='no-such-crosvm-binary', autostart='yes'))
    with VmCordon(config) as c:
        res = c.ctl('start', 'vm', check_rc=False)
        check(res.returncode != 0, f'cordonctl start vm succeeded: {res!r}')
        check('no-such-crosvm-binary' in res.stderr,
              f'the start error does not name the binary: {res.stderr!r}')
        d = c.wait_state('vm', 'failed', 2)
        check('no-such-crosvm-binary' in (d.get('reason') or ''),
              f'the reason of vm does not name the binary: {d!r}')
        d = c.wait_state('auto', 'failed', 2)
        check('no-such-crosvm-binary' in (d.get('reason') or ''),
              f'the reason of auto (autostart) does not name the binary: {d!r}')
        check('no-such-crosvm-binary' in c.cordon_stderr(),
              'cordon\'s log does not name the missing binary')
        check_eq(c.records(), [], 'crosvm invocations')


harness.main(main)
