#!/usr/bin/env python3
"""Issue 3: default-deny protocol policy. wayland-info on a guest socket
lists only guest globals (plus the domain's own extras) while the host
lists the host-only ones; a guest binding a hidden global by its number
is refused with a protocol error."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq

CONFIG = harness.domain_config(
    work='blue', extra={'color': 'green', 'protocols': 'zwlr_screencopy_manager_v1'})

GUEST_ALLOWED = harness.CORE_GLOBALS | {
    'zwp_linux_dmabuf_v1', 'zwp_pointer_constraints_v1',
    'zwp_relative_pointer_manager_v1', 'zwp_keyboard_shortcuts_inhibit_manager_v1',
    'wp_content_type_manager_v1', 'wp_tearing_control_manager_v1',
    'zwp_idle_inhibit_manager_v1',
    # issue 12: text input (cordon relays the host's input method to the
    # focused window only) and tablets (input to the surface under the tool)
    'zwp_text_input_manager_v3', 'zwp_tablet_manager_v2',
}
GUEST_REQUIRED = GUEST_ALLOWED - {'zwp_linux_dmabuf_v1'}
# Host-only globals cordon offers on the host socket (issue 2 and 3).
HOST_ONLY_PRESENT = {'zwlr_screencopy_manager_v1', 'zwp_virtual_keyboard_manager_v1',
                     'zwlr_virtual_pointer_manager_v1',
                     # issue 11: the host's desktop tools
                     'zwlr_output_manager_v1', 'zwlr_output_power_manager_v1',
                     'zwlr_foreign_toplevel_manager_v1', 'ext_foreign_toplevel_list_v1',
                     'zwlr_data_control_manager_v1', 'zwlr_gamma_control_manager_v1',
                     # issue 12: an input method reads every key, types into every domain
                     'zwp_input_method_manager_v2'}
# Bound by number from a guest below: each must be refused like screencopy.
ISSUE11_HOST_ONLY = sorted(HOST_ONLY_PRESENT - {'zwlr_screencopy_manager_v1',
                                               'zwp_virtual_keyboard_manager_v1',
                                               'zwlr_virtual_pointer_manager_v1'})


def global_number(text, interface):
    m = re.search(rf"interface: '{interface}',\s+version:\s+(\d+),\s+name:\s+(\d+)", text)
    return (int(m.group(2)), int(m.group(1))) if m else None


def bind_by_number(c, number, iface, title, domain=None):
    """A test client on domain's socket (the host's by default) binds
    global number as iface: (the client, its reply)."""
    cl = c.spawn_client(['--size', '100x100', '--title', title], domain=domain)
    cl.expect(r'^ready$')
    cl.send(f'bind {number} {iface} 1')
    return cl, cl.expect(r'^(protocol-error .*|bind-done|disconnected.*)$').group(1)


def check_refused(c, number, iface, title, what):
    """The work guest binding global number as iface gets a protocol error
    and is gone (exit status 3)."""
    cl, reply = bind_by_number(c, number, iface, title, domain='work')
    check(reply.startswith('protocol-error'),
          f'binding the hidden {what} (name {number}) from a guest gave {reply!r}, '
          f'expected a protocol error')
    check_eq(cl.wait_exit(5), 3, f'exit status of the client refused {what}')


def main():
    harness.require('wayland-info')
    with Cordon(config=CONFIG) as c:
        host = c.globals()
        missing = sorted(HOST_ONLY_PRESENT - host)
        check(not missing, f'host socket lacks {missing}: {sorted(host)}')

        work = c.globals('work')
        leaked = sorted(work - GUEST_ALLOWED)
        check(not leaked, f'guest socket offers globals outside the guest allow-list: '
                          f'{leaked}')
        absent = sorted(GUEST_REQUIRED - work)
        check(not absent, f'guest socket lacks guest globals {absent}')

        extra = c.globals('extra')
        check('zwlr_screencopy_manager_v1' in extra,
              f'domain with protocols = zwlr_screencopy_manager_v1 does not see it: '
              f'{sorted(extra)}')
        check_eq(sorted(extra - GUEST_ALLOWED), ['zwlr_screencopy_manager_v1'],
                 'globals beyond the allow-list on the extra domain')

        # Bind the host's screencopy global by number from the work socket.
        info = c.run(['wayland-info']).stdout.decode('utf-8', 'replace')
        num = global_number(info, 'zwlr_screencopy_manager_v1')
        check(num is not None, 'no screencopy global number in host wayland-info')
        check_refused(c, num[0], 'zwlr_screencopy_manager_v1', 'binder', 'screencopy global')

        # The same bind from the host works.
        _, reply = bind_by_number(c, num[0], 'zwlr_screencopy_manager_v1', 'host-binder')
        check_eq(reply, 'bind-done', 'the host binding screencopy by number')

        # Issue 11's host-only globals: a guest binding one by name fails alike.
        for iface in ISSUE11_HOST_ONLY:
            num = global_number(info, iface)
            check(num is not None, f'no {iface} global number in host wayland-info')
            check_refused(c, num[0], iface, f'binder-{iface}', iface)


harness.main(main)
