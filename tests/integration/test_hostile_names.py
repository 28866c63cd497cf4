#!/usr/bin/env python3
"""Issue 9 item 11 (low): guest text and probes.
- Binding a hidden global by name, with a wrong interface or version, gets
  the same error as a name that does not exist: it names neither the hidden
  global's interface nor its version (libwayland's own error did), from a
  config domain and from a sandbox.
- A sandbox's ENGINE:APP_ID, chosen by the context creator, reaches the
  tag, IPC and the log only in a safe, injective encoding: a right-to-left
  override or a newline cannot reverse a tag or forge a log line.
- A MIME type a guest asks for reaches cordon's log escaped (no ESC)."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, log
import cliptest
from cliptest import A, B, Desk
import wire

HIDDEN = 'zwlr_screencopy_manager_v1'


def bind_error(path, name, interface, version):
    """The protocol error a fresh guest connection gets for one bind."""
    conn = wire.Connection(path)
    conn.get_registry()
    conn.bind_name(name, interface, version)
    try:
        conn.roundtrip()
    except wire.ProtocolError as e:
        return e.message, conn.globals
    return None, conn.globals


def probe(path, hidden_name, hidden_version, what):
    msgs = []
    for interface, version in (('wl_compositor', 1), (HIDDEN, 1), (HIDDEN, 99),
                               ('wl_compositor', 0)):
        msg, seen = bind_error(path, hidden_name, interface, version)
        check(hidden_name not in seen, f'{what}: the hidden global is listed: {seen}')
        check(msg is not None, f'{what}: binding hidden name {hidden_name} as {interface} '
                               f'v{version} succeeded')
        log(f'{what}: bind {hidden_name} as {interface} v{version}: {msg!r}')
        check_eq(msg, f'invalid global {hidden_name}', f'{what}: the error for '
                 f'{interface} v{version}')
        msgs.append(msg)
    missing, _ = bind_error(path, 99999, 'wl_compositor', 1)
    check_eq(missing, 'invalid global 99999', f'{what}: the error for a name that does not exist')
    # Visible globals still bind, by name, as usual.
    conn = wire.Connection(path)
    conn.get_registry()
    conn.bind('wl_compositor', 4)
    conn.bind('xdg_wm_base', 1)
    conn.roundtrip()


def main():
    cliptest.require_peers()
    tool = harness.binary('CORDON_SANDBOX_TOOL', 'tests', 'client', 'cordon-sandbox')
    check(os.access(tool, os.X_OK), f'cordon-sandbox not built at {tool}')
    with Cordon(config=cliptest.config({'default': 'ask'})) as c:
        host = wire.Connection(c.host_socket)
        host.get_registry()
        hidden = [(n, v) for n, (i, v) in host.globals.items() if i == HIDDEN]
        check(len(hidden) == 1, f'the host sees no {HIDDEN}: {host.globals}')
        hidden_name, hidden_version = hidden[0]

        probe(c.domain_socket(A), hidden_name, hidden_version, 'alpha')

        # A sandbox whose app id carries a bidi override and a forged log line.
        path = os.path.join(c.runtime_dir, 'sb.sock')
        app = 'org.evil\u202eppA\nFAKE [host] line'
        sb = c.spawn([tool, path, 'flat pak', app], name='sandbox')
        sb.expect(r'^ready$')
        probe(path, hidden_name, hidden_version, 'sandbox')
        conn = wire.Connection(path)
        conn.setup()
        conn.toplevel(120, 80, 0xff808080, 'sandboxed')
        win = c.wait_window(title='sandboxed')
        expected = 'flat%20pak:org.evil%E2%80%AEppA%0AFAKE%20%5Bhost%5D%20line'
        check_eq(win.get('domain'), expected, 'IPC domain of the sandboxed window')
        names = [d['name'] for d in c.domains()]
        check(expected in names, f'sandbox domain in IPC domains: {names}')
        for n in names:
            check('\u202e' not in n and '\n' not in n, f'a raw domain name in IPC: {n!r}')
        err = c.cordon_stderr()
        check(not any(line.startswith('FAKE') for line in err.splitlines()),
              'a sandbox name forged a line in cordon\'s log')
        check('\u202e' not in err, 'a right-to-left override reached cordon\'s log')

        # A guest asks for a MIME type full of escape sequences.
        desk = Desk(c)
        desk.window(A)
        desk.copy(A, 'secret')
        g = wire.Connection(c.domain_socket(B))
        g.setup()
        seat = g.bind('wl_seat', 5)
        g.create(seat, 'get_keyboard', 'wl_keyboard')
        ddm = g.bind('wl_data_device_manager', 3)
        g.create(ddm, 'get_data_device', 'wl_data_device', b'', wire.u32(seat))
        g.toplevel(120, 80, 0xff404040, 'mime-asker')
        gw = c.wait_window(title='mime-asker')
        c.ipc_ok({'cmd': 'focus', 'id': gw['id']})
        c.wait_focused(gw['id'])
        g.roundtrip()
        offers = [struct.unpack_from('<I', body, 0)[0] for _, kind, op, body in g.events
                  if kind == 'wl_data_device' and op == 5]
        check(offers and offers[-1] != 0, 'the guest got no selection offer')
        offer = offers[-1]
        g.objects[offer] = 'wl_data_offer'
        r, w = os.pipe()
        g.request(offer, 'receive', wire.string('text/\x1b[31mEVIL\x1b]0;pwned\x07\u202e'),
                  fds=[w])
        os.close(w)
        g.roundtrip()
        harness.wait_for(lambda: 'EVIL' in c.cordon_stderr(), 5,
                         what='the refused MIME type in cordon\'s log')
        os.close(r)
        err = c.cordon_stderr()
        line = [l for l in err.splitlines() if 'EVIL' in l][0]
        log(f'log line: {line!r}')
        check('\x1b' not in err and '\x07' not in err, f'ESC or BEL in cordon\'s log: {line!r}')
        check('\\x1b[31mEVIL' in line, f'the MIME type is not shown escaped: {line!r}')
        sb.proc.stdin.close()


harness.main(main)
