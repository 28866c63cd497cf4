#!/usr/bin/env python3
"""foot opens a window that cordonctl lists in the host domain."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq


def main():
    harness.require('foot')
    with Cordon() as c:
        foot = c.spawn(['foot', '--title', 'cordon-foot-test', 'sleep', '120'],
                       stdin=False)
        win = c.wait_window(timeout=20, app_id='foot')
        check_eq(win.get('domain'), 'host', 'domain of the foot window')
        check(win.get('width', 0) > 0 and win.get('height', 0) > 0,
              f'foot window has no size in IPC: {win!r}')
        check(foot.running(), f'foot exited: {foot.stderr()[-2000:]}')

        res = c.ctl('--json', 'windows')
        try:
            reply = json.loads(res.stdout)
        except ValueError:
            harness.fail(f'cordonctl --json windows printed no JSON: {res.stdout!r}')
        listed = [w for w in reply.get('windows', []) if w.get('app_id') == 'foot']
        check(len(listed) == 1 and listed[0].get('domain') == 'host',
              f'cordonctl --json windows: expected one foot window in domain host, '
              f'got {reply!r}')

        table = c.ctl('windows').stdout
        rows = [line for line in table.splitlines()
                if 'foot' in line.split() and 'host' in line.split()]
        check(rows, f'cordonctl windows: expected a row naming foot and host, got:\n{table}')


harness.main(main)
