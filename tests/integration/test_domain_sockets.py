#!/usr/bin/env python3
"""Issue 3: each domain's socket exists in a 0700 directory before
readiness, IPC and cordonctl list the domains, and the sockets are gone
after cordon exits."""
import json
import os
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq

CONFIG = """\
[domain work]
color = #3465a4

[domain play-2]
color = gray
kind = socket
"""


def main():
    with Cordon(config=CONFIG) as c:
        for name in ('work', 'play-2'):
            path = c.domain_socket(name)
            st = os.stat(path)
            check(stat.S_ISSOCK(st.st_mode), f'{path} is not a socket')
            dmode = stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode)
            check_eq(oct(dmode), oct(0o700), f'mode of {os.path.dirname(path)}')

        doms = {d['name']: d for d in c.domains()}
        check_eq(sorted(doms), ['host', 'play-2', 'work'], 'IPC domain names')
        work = doms['work']
        check_eq(work.get('kind'), 'socket', 'kind of work')
        check_eq(work.get('color'), '#3465a4', 'colour of work')
        check_eq(work.get('socket'), c.domain_socket('work'), 'socket of work')
        check_eq((work.get('clients'), work.get('windows')), (0, 0), 'counts of work')

        cl = c.spawn_client(['--size', '100x100', '--title', 'w'], domain='work')
        cl.expect(r'^ready$')
        work = {d['name']: d for d in c.domains()}['work']
        check_eq((work.get('clients'), work.get('windows')), (1, 1),
                 'counts of work with one client')

        reply = json.loads(c.ctl('--json', 'domains').stdout)
        check_eq(sorted(d['name'] for d in reply.get('domains', [])),
                 ['host', 'play-2', 'work'], 'cordonctl --json domains')
        table = c.ctl('domains').stdout
        for name in ('work', 'play-2'):
            check(any(name in line.split() for line in table.splitlines()),
                  f'cordonctl domains does not list {name}:\n{table}')

        paths = [c.domain_socket('work'), c.domain_socket('play-2')]
        c.stop()
        left = [p for p in paths if os.path.exists(p)]
        check(not left, f'domain sockets left behind after exit: {left}')
        check(not os.path.exists(c.ipc_path), 'IPC socket left behind after exit')


harness.main(main)
