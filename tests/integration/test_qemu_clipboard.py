#!/usr/bin/env python3
"""Issue 13: a copy inside a real guest (wl-copy under QEMU, relayed by
waypipe) goes through the clipboard guard like any domain's. Under the
VM's `copy-to.host = deny` the host's wl-paste gets nothing and nothing
is delivered; after a reload to `allow` the host's wl-paste gets the text,
read from the guest's wl-copy through the relay, and cordon records the
transfer from vm to the host."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, log, wait_for
import cliptest
import qemutest
from vmtest import VmCordon

TEXT = 'copied inside the guest kernel'


def config(img, policy):
    return ('[clipboard]\ndefault = allow\n\n' +
            qemutest.qemu_section('vm', img, **{'copy-to.host': policy}))


def delivered_to_host(desk):
    return [t for t in desk.transfers() if t.get('from') == 'vm' and t.get('to') == 'host'
            and t.get('result') == 'delivered']


def main():
    cliptest.require_peers()
    harness.require('foot')
    img = qemutest.image()
    with VmCordon(config(img, 'deny')) as c:
        desk = cliptest.Desk(c)
        qemutest.run_app(c, *qemutest.foot_titled('clip'))
        win = qemutest.wait_guest_window(c, 'clip', img)
        c.ipc_ok({'cmd': 'focus', 'id': win['id']})
        c.wait_focused(win['id'])

        # wl-copy in the guest: its tiny window takes the keyboard (the VM
        # is the focused domain), sets the selection and closes.
        mark = desk.events.mark()
        qemutest.run_app(c, 'wl-copy', '--foreground', '--', TEXT)
        desk.wait_wl_clipboard_window('vm', 'close', mark, timeout=qemutest.WINDOW_TIMEOUT)
        # The VM's selection is set: a paste within the domain (no guard) gets it.
        wait_for(lambda: desk.paste('vm', check_rc=False)[1] == TEXT.encode(), 30,
                 what='the guest\'s copy in a paste within the vm domain')

        rc, out = desk.paste('host', check_rc=False)
        check(TEXT.encode() not in out, f'the host pasted the guest\'s copy under deny: {out!r}')
        check_eq(delivered_to_host(desk), [], 'transfers delivered from vm to the host under deny')
        log(f'under deny the host\'s wl-paste exited {rc} with {out!r}')

        with open(c.config_path, 'w') as f:
            f.write(config(img, 'allow'))
        reply = c.ipc({'cmd': 'reload'})
        check(reply.get('ok') is True, f'reload to allow: {reply!r}')
        check_eq(c.domain('vm').get('state'), 'running', 'the vm after the reload')

        wait_for(lambda: desk.paste('host', check_rc=False)[1] == TEXT.encode(), 30,
                 what='the guest\'s copy in the host\'s wl-paste under allow')
        recs = delivered_to_host(desk)
        check(recs and recs[-1].get('decision') == 'allow',
              f'no allowed, delivered transfer from vm to the host: {desk.transfers()!r}')
        check_eq(recs[-1].get('bytes'), len(TEXT.encode()), 'bytes of the delivered transfer')


harness.main(main)
