#!/usr/bin/env python3
"""Issue 3: max-clients closes connections beyond the limit (and lets a
new one in once a slot frees up); max-windows caps a domain's toplevels."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

CONFIG = harness.domain_config(small={'color': 'orange', 'max-clients': 2},
                               few={'color': 'yellow', 'max-windows': 2})


def clients_of(c, name):
    return {d['name']: d for d in c.domains()}[name].get('clients')


def main():
    with Cordon(config=CONFIG) as c:
        a = c.spawn_client(['--size', '100x100', '--title', 'a'], domain='small', name='a')
        a.expect(r'^ready$')
        b = c.spawn_client(['--size', '100x100', '--title', 'b'], domain='small', name='b')
        b.expect(r'^ready$')
        check_eq(clients_of(c, 'small'), 2, 'IPC clients of small')

        x = c.spawn_client(['--size', '100x100', '--title', 'x'], domain='small', name='x')
        rc = x.wait_exit(5)
        check(rc != 0 and not x.seen(r'^ready$'),
              f'a third client on a max-clients = 2 domain was served: exit {rc}, '
              f'output {x.lines!r}')
        check_eq(len(c.find_windows(domain='small')), 2, 'windows of small')
        check_eq(clients_of(c, 'small'), 2, 'IPC clients of small after the refusal')

        a.send('quit')
        check_eq(a.wait_exit(5), 0, 'exit status of a client quitting')
        wait_for(lambda: clients_of(c, 'small') == 1, 5,
                 what='small back to one client')
        y = c.spawn_client(['--size', '100x100', '--title', 'y'], domain='small', name='y')
        y.expect(r'^ready$')
        c.wait_window(title='y', domain='small')

        # max-windows = 2: the third toplevel is not shown.
        f1 = c.spawn_client(['--size', '100x100', '--title', 'f1'], domain='few', name='f1')
        f1.expect(r'^ready$')
        f2 = c.spawn_client(['--size', '100x100', '--title', 'f2'], domain='few', name='f2')
        f2.expect(r'^ready$')
        f3 = c.spawn_client(['--size', '100x100', '--title', 'f3'], domain='few', name='f3')
        # Whatever cordon does (error, or a toplevel it never maps), after two
        # round trips it has handled the client's requests.
        for _ in range(2):
            if not f3.send('sync', check=False):
                break
            m = f3.expect(r'^(synced|protocol-error.*|disconnected.*)$')
            if m.group(1) != 'synced':
                break
        check(not f3.seen(r'^ready$') or not c.find_windows(title='f3'),
              'a third window was mapped on a max-windows = 2 domain')
        check_eq(sorted(w['title'] for w in c.find_windows(domain='few')), ['f1', 'f2'],
                 'windows of few')


harness.main(main)
