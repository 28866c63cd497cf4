#!/usr/bin/env python3
"""Issue 11: the host session protocols are the host's. wayland-info on the
host socket lists layer shell, session lock, idle notifier and idle
inhibit; a guest socket lists only idle inhibit, and a guest binding any
of the others by its number gets the protocol error of a name that does
not exist."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq

CONFIG = """\
[domain work]
color = blue
"""

HOST_ONLY = ['zwlr_layer_shell_v1', 'ext_session_lock_manager_v1', 'ext_idle_notifier_v1']
GUEST_TOO = ['zwp_idle_inhibit_manager_v1']


def global_number(text, interface):
    m = re.search(rf"interface: '{interface}',\s+version:\s+(\d+),\s+name:\s+(\d+)", text)
    return int(m.group(2)) if m else None


def main():
    harness.require('wayland-info')
    with Cordon(config=CONFIG) as c:
        host = c.globals()
        missing = sorted(set(HOST_ONLY + GUEST_TOO) - host)
        check(not missing, f'host socket lacks {missing}')
        work = c.globals('work')
        leaked = sorted(set(HOST_ONLY) & work)
        check(not leaked, f'guest socket offers host-only {leaked}')
        check(set(GUEST_TOO) <= work, f'guest socket lacks {GUEST_TOO}: {sorted(work)}')

        info = c.run(['wayland-info']).stdout.decode('utf-8', 'replace')
        for iface in HOST_ONLY:
            num = global_number(info, iface)
            check(num is not None, f'no {iface} number in host wayland-info')
            cl = c.spawn_client(['--size', '100x100', '--title', 'binder'], domain='work')
            cl.expect(r'^ready$')
            cl.send(f'bind {num} {iface} 1')
            m = cl.expect(r'^(protocol-error .*|bind-done|disconnected.*)$')
            check(m.group(1).startswith('protocol-error'),
                  f'a guest binding {iface} (name {num}) got {m.group(1)!r}')
            check(iface not in m.group(1), f'the error names the hidden {iface}: '
                                           f'{m.group(1)!r}')
            check_eq(cl.wait_exit(5), 3, f'exit status of the client refused {iface}')


harness.main(main)
