#!/usr/bin/env python3
"""Issue 3: clients that arrive through wp_security_context_v1 (what Flatpak
does on the host) become a sandbox domain "ENGINE:APP_ID": tagged in IPC,
framed in the [sandbox ENGINE] colour, denied host-only globals; and only
the host may create such contexts."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, hex_color

CONFIG = """\
[domain work]
color = blue

[sandbox flatpak]
color = #f57900
"""
HOST_ONLY = {'zwlr_screencopy_manager_v1', 'zwp_virtual_keyboard_manager_v1',
             'zwlr_virtual_pointer_manager_v1', 'wp_security_context_manager_v1'}


def sandbox_tool():
    return harness.binary('CORDON_SANDBOX_TOOL', 'tests', 'client', 'cordon-sandbox')


def main():
    harness.require('grim', 'wayland-info')
    tool = sandbox_tool()
    check(os.access(tool, os.X_OK), f'cordon-sandbox not built at {tool}')
    with Cordon(config=CONFIG) as c:
        check('wp_security_context_manager_v1' in c.globals(),
              'the host must see wp_security_context_manager_v1')
        check('wp_security_context_manager_v1' not in c.globals(domain='work'),
              'a guest must not be able to mint sandbox contexts')

        path = os.path.join(c.runtime_dir, 'flatpak.sock')
        sb = c.spawn([tool, path, 'flatpak', 'org.example.App'], name='sandbox')
        sb.expect(r'^ready$')

        env = c.client_env(extra={'WAYLAND_DISPLAY': path})
        env.pop('CORDON_SOCK', None)
        res = subprocess.run(['wayland-info'], env=env, capture_output=True, timeout=10)
        check_eq(res.returncode, 0, 'wayland-info on the sandbox socket')
        seen = harness.parse_globals(res.stdout.decode('utf-8', 'replace'))
        check('xdg_wm_base' in seen, f'a sandbox client must see xdg_wm_base: {seen!r}')
        leaked = HOST_ONLY & set(seen)
        check(not leaked, f'host-only globals offered to a sandbox client: {leaked!r}')

        client, win = c.test_window('s', color='ffffff', size='300x200', name='sandboxed',
                                    env={'WAYLAND_DISPLAY': path})
        check_eq(win.get('domain'), 'flatpak:org.example.App', 'IPC domain of the client')
        doms = {d['name']: d for d in c.domains()}
        check('flatpak:org.example.App' in doms, f'sandbox domain listed: {sorted(doms)}')
        check_eq(doms['flatpak:org.example.App'].get('kind'), 'sandbox', 'its kind')
        check_eq(doms['flatpak:org.example.App'].get('color'), '#f57900', 'its colour')

        c.wait_framed(win, hex_color('f57900'), 'sandbox window')
        sb.send('')
        sb.proc.stdin.close()
        sb.wait_exit(5)


harness.main(main)
