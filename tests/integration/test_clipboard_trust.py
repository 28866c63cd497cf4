#!/usr/bin/env python3
"""Issue 16 item 3: trust levels. alpha (trust 0), beta and gamma (trust 2)
and the host (9) have no per-pair rules but gamma's paste-from.alpha. A
paste follows [clipboard] up (lower to higher trust: allow here), down
(higher to lower: deny) and level (same trust: ask), and the pair rule
still wins over up. The prompt names the direction with both trusts,
cordonctl domains shows trust, and cordon --explain-policy names the
deciding rule of every pair."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq
import cliptest
from cliptest import A, B, C, Desk

CONFIG = cliptest.config(clipboard={'up': 'allow', 'down': 'deny', 'level': 'ask'},
                         domains={A: {'trust': 0}, B: {'trust': 2},
                                  C: {'trust': 2, 'paste-from.alpha': 'deny'}})


def explain_table():
    """cordon --explain-policy on CONFIG: {(from, to): (policy, rule)}."""
    with tempfile.NamedTemporaryFile('w', suffix='.conf', delete=False) as f:
        f.write(CONFIG)
    try:
        res = subprocess.run([harness.cordon_bin(), '-c', f.name, '--explain-policy'],
                             capture_output=True, timeout=10)
        check_eq(res.returncode, 0, f'cordon --explain-policy exit ({res.stderr!r})')
        lines = res.stdout.decode().splitlines()
        harness.log('--explain-policy:\n' + '\n'.join(lines))
        check(lines[0].split()[:2] == ['FROM', 'TRUST'], f'table header: {lines[0]!r}')
        table = {}
        for line in lines[1:]:
            f_, ft, t, tt, direction, policy, *rule = line.split()
            table[(f_, t)] = (int(ft), int(tt), direction, policy, ' '.join(rule))
        one = subprocess.run([harness.cordon_bin(), '-c', f.name, '--explain-policy',
                              'host', 'nosuch'], capture_output=True, timeout=10)
        check(one.returncode != 0 and b'nosuch' in one.stderr,
              f'--explain-policy with an unknown domain: {one!r}')
        # With --validate: the verdict, then the row of the one pair asked for.
        both = subprocess.run([harness.cordon_bin(), '-c', f.name, '--validate',
                               '--explain-policy', 'alpha', 'gamma'],
                              capture_output=True, timeout=10)
        out = both.stdout.decode().splitlines()
        check(both.returncode == 0 and len(out) == 3 and out[0].endswith(': ok') and
              out[2].split()[:6] == ['alpha', '0', 'gamma', '2', 'up', 'deny'],
              f'--validate --explain-policy alpha gamma: {both!r}')
        return table
    finally:
        os.unlink(f.name)


def main():
    cliptest.require_peers()
    table = explain_table()
    expect = {
        (A, B): (0, 2, 'up', 'allow', '[clipboard] up'),
        (B, A): (2, 0, 'down', 'deny', '[clipboard] down'),
        (B, C): (2, 2, 'level', 'ask', '[clipboard] level'),
        (A, C): (0, 2, 'up', 'deny', '[domain gamma] paste-from.alpha (line 17)'),
        ('host', B): (9, 2, 'down', 'deny', '[clipboard] down'),
        (C, 'host'): (2, 9, 'up', 'allow', '[clipboard] up'),
    }
    for pair, want in expect.items():
        check_eq(table.get(pair), want, f'--explain-policy row {pair}')
    check_eq(len(table), 12, 'rows of the table (4 domains, every ordered pair)')

    with Cordon(config=CONFIG) as c:
        doms = {d['name']: d for d in c.domains()}
        check_eq({n: doms[n].get('trust') for n in ('host', A, B, C)},
                 {'host': 9, A: 0, B: 2, C: 2}, 'IPC trust of each domain')
        out = c.ctl('domains').stdout
        header = out.splitlines()[0].split()
        check('TRUST' in header, f'cordonctl domains has no TRUST column: {out!r}')
        col = header.index('TRUST')
        rows = {l.split()[0]: l.split()[col] for l in out.splitlines()[1:] if l.split()}
        check_eq(rows.get(A), '0', f'cordonctl domains trust of alpha ({out!r})')

        desk = Desk(c)
        desk.window(A)
        desk.copy(A, 'from alpha')
        desk.window(B)
        check_eq(desk.paste(B)[1], b'from alpha', 'alpha (0) -> beta (2): up = allow')
        desk.window(C)
        rc, got = desk.paste(C, check_rc=False)
        check_eq(got, b'', 'alpha (0) -> gamma (2): the pair rule deny beats up')
        check_eq(desk.prompts(), [], 'prompts after the pair-rule denial')

        desk.window(B)
        desk.copy(B, 'from beta')
        desk.window(A)
        rc, got = desk.paste(A, check_rc=False)
        check_eq(got, b'', 'beta (2) -> alpha (0): down = deny')
        check_eq(desk.prompts(), [], 'prompts after down = deny')

        desk.window(C)
        paste = desk.paste_async(C)
        pr = desk.wait_prompt()
        check_eq((pr.get('from'), pr.get('to')), (B, C), 'the level prompt')
        check_eq(pr.get('direction'), 'from beta (2) into gamma (2)',
                 'the direction the prompt shows')
        c.ctl('allow', str(pr['id']))
        rc, got = paste.wait()
        check_eq(got, b'from beta', 'beta (2) -> gamma (2): level = ask, allowed')

        rc, got = desk.paste('host', check_rc=False)
        check_eq(got, b'from beta', 'beta (2) -> host (9): up = allow')

        ts = desk.transfers()
        decisions = [(t.get('from'), t.get('to'), t.get('decision')) for t in ts]
        for want in [(A, B, 'allow'), (A, C, 'deny'), (B, A, 'deny'), (B, C, 'ask-allow'), (B, 'host', 'allow')]:
            check(want in decisions, f'transfer {want} not recorded: {decisions!r}')


harness.main(main)
