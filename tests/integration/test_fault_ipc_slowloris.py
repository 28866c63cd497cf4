#!/usr/bin/env python3
"""Issue 9, fault injection: IPC slowloris and descriptor exhaustion.

Connections that trickle a request a byte at a time, stop halfway or never
send one hold no slot for ever: each is answered with an error and closed
10 s after it connected (or began its request). While they pile up, past
the 128-connection cap too, cordon answers other IPC clients (or refuses
the surplus at once with a reply saying why), keeps its subscribers'
events flowing and its Wayland clients talking, logs the refusal once and
does not spin. With its descriptors exhausted (RLIMIT_NOFILE lowered under
it) accept fails: cordon pauses listening instead of calling accept again
in a busy loop that fills its log (it did: 3 GB within minutes), and once
descriptors are free the IPC client and the guest client that waited are
served (a connection is accepted only when it can be served: the loop's
dup of its fd must fit too), and so are a guest client and a host client
that connected meanwhile; nothing is lost."""
import json
import os
import resource
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, log, wait_for
import cliptest

CONFIG = """\
[domain work]
color = #3465a4
"""
TIMEOUT_S = 10
CAP = 128


def cpu_seconds(pid):
    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def cpu_over(pid, seconds=1.0):
    t0 = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - t0


def n_fds(pid):
    return len(os.listdir(f'/proc/{pid}/fd'))


def connect(path, wait=5.0):
    """A connection to path; a full listen backlog (EAGAIN) is waited out."""
    deadline = time.monotonic() + wait
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(path)
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def quick_request(c, what, limit=1.0):
    """A request on a fresh connection must be answered within limit s."""
    t0 = time.monotonic()
    res = c.ctl('--json', 'version', check_rc=False, timeout=10)
    dt = time.monotonic() - t0
    check(res.returncode == 0, f'{what}: cordonctl version failed: {res.stderr!r}')
    check(dt <= limit, f'{what}: cordonctl version took {dt:.2f} s (limit {limit} s)')
    return dt


def read_reply(s, timeout=15.0):
    """The line cordon sends on s before it closes, or None."""
    s.settimeout(timeout)
    buf = b''
    try:
        while b'\n' not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
    except OSError:
        pass
    return json.loads(buf.split(b'\n')[0]) if b'\n' in buf else None


def log_count(c, text):
    return c.cordon_stderr().count(text)


def main():
    with Cordon(config=CONFIG) as c:
        pid = c.proc.pid
        desk = cliptest.Desk(c)            # an event subscriber, connected first
        guest, wg = c.test_window('guest', domain='work', size='200x150')
        other, wh = c.test_window('host', size='200x150')
        c.ipc_ok({'cmd': 'focus', 'id': wh['id']})
        c.wait_focused(wh['id'])
        base_fds = n_fds(pid)
        quick_request(c, 'before any flood')

        # --- slowloris below the cap: 60 trickling, 40 silent -------------
        t_open = time.monotonic()
        trickle = [connect(c.ipc_path) for _ in range(60)]
        silent = [connect(c.ipc_path) for _ in range(40)]
        stop = threading.Event()

        def drip():
            i = 0
            while not stop.is_set():
                for s in trickle:
                    try:
                        s.send(b'{"cmd":"version"'[i % 16:i % 16 + 1])
                    except OSError:
                        pass
                i += 1
                stop.wait(0.5)
        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        time.sleep(1)
        quick_request(c, 'with 100 slow connections open')
        # Subscribers still get their events; clients still talk.
        mark = desk.events.mark()
        c.ipc_ok({'cmd': 'focus', 'id': wg['id']})
        desk.events.wait(lambda e: e.get('event') == 'window' and e.get('change') == 'focus'
                         and e.get('id') == wg['id'], 5, 'focus event during the flood',
                         since=mark)
        guest.send('sync')
        guest.expect(r'^synced$')
        spent = cpu_over(pid)
        log(f'cordon CPU with 100 slow IPC connections: {spent:.3f} s/s')
        check(spent < 0.3, f'cordon used {spent:.2f} s of CPU per second with 100 idle '
                           f'slow IPC connections')

        # --- past the cap: the surplus is told so at once -----------------
        extra = []
        refused = None
        for _ in range(CAP):
            s = connect(c.ipc_path)
            extra.append(s)
        # Some of these were accepted (up to the cap), the rest refused.
        for s in extra:
            s.settimeout(0.05)
            try:
                data = s.recv(4096)
            except OSError:
                data = b''
            if data:
                refused = json.loads(data.split(b'\n')[0])
                break
        check(refused is not None, 'no connection past the cap got a reply')
        check(refused.get('ok') is False and 'too many IPC connections' in
              refused.get('error', ''), f'the reply past the cap: {refused!r}')
        check_eq(log_count(c, 'refusing new ones'), 1,
                 'log lines about refused IPC connections')
        spent = cpu_over(pid)
        check(spent < 0.3, f'cordon used {spent:.2f} s CPU/s with the IPC cap reached')
        guest.send('sync')
        guest.expect(r'^synced$')

        # --- the clock: every slow or silent connection is cut -------------
        left = TIMEOUT_S + 1.5 - (time.monotonic() - t_open)
        replies = [read_reply(s, timeout=max(left, 0) + 5) for s in trickle[:5] + silent[:5]]
        dt = time.monotonic() - t_open
        log(f'slow connections answered and closed {dt:.1f} s after they connected')
        for r in replies:
            check(r is not None and r.get('ok') is False and
                  'no whole request within 10 s' in r.get('error', ''),
                  f'reply to a slow connection: {r!r}')
        check(TIMEOUT_S - 0.5 <= dt <= TIMEOUT_S + 5,
              f'slow connections cut {dt:.1f} s after connecting (expected ~{TIMEOUT_S} s)')
        stop.set()
        dripper.join()
        # The slots are free again without the flood's help.
        wait_for(lambda: c.ctl('version', check_rc=False).returncode == 0, 15,
                 what='IPC served again after the slow connections were cut')
        quick_request(c, 'after the slow connections were cut')
        for s in trickle + silent + extra:
            s.close()
        wait_for(lambda: n_fds(pid) <= base_fds + 2, 15,
                 what=f'cordon back to its {base_fds} descriptors '
                      f'(has {n_fds(pid)})')

        # --- descriptors exhausted: no busy loop, recovery -----------------
        soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (n_fds(pid) + 10, hard))
        hogs = [connect(c.ipc_path) for _ in range(20)]
        for s in hogs:
            # Accepted ones are answered and may stay idle; the rest wait in
            # the backlog. None is accepted and then dropped.
            s.send(b'{"cmd":"version"}\n')
        time.sleep(1)
        check(n_fds(pid) <= base_fds + 12, f'cordon has {n_fds(pid)} descriptors '
                                           f'with its limit lowered')
        spent = cpu_over(pid)
        log(f'cordon CPU with its descriptors exhausted: {spent:.3f} s/s')
        check(spent < 0.3, f'cordon used {spent:.2f} s of CPU per second while out of '
                           f'descriptors (a busy accept loop)')
        check_eq(log_count(c, 'IPC: cannot accept on'), 1,
                 'log lines about the failed accept')
        check(len(c.cordon_stderr()) < 1 << 20, 'cordon\'s log grew past 1 MiB')
        # A guest client and a host client that connect now wait in the
        # backlog (the host socket's accept spun, like the IPC one, logging
        # 5 MB a second, while libwayland owned it) ...
        late = c.spawn_client(['--title', 'late', '--size', '200x150'],
                              domain='work', name='late')
        late_host = c.spawn_client(['--title', 'late-host', '--size', '200x150'],
                                   name='late-host')
        time.sleep(0.5)
        spent = cpu_over(pid)
        log(f'cordon CPU with clients waiting on its Wayland sockets: {spent:.3f} s/s')
        check(spent < 0.3, f'cordon used {spent:.2f} s of CPU per second with clients '
                           f'waiting on its Wayland sockets')
        for what in ('domain work: cannot accept on', 'cannot accept on ' +
                     c.host_socket + ';'):
            check(log_count(c, what) <= 1, f'"{what}" logged more than once')
        check(len(c.cordon_stderr()) < 1 << 20, 'cordon\'s log grew past 1 MiB')
        guest.send('sync')
        guest.expect(r'^synced$')
        # ... and is served once descriptors are free: nothing was lost.
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (soft, hard))
        for s in hogs:
            reply = read_reply(s, timeout=10)
            check(reply is not None and reply.get('ok') is True,
                  f'a request sent while cordon was out of descriptors got {reply!r}')
            s.close()
        late.expect(r'^ready$', timeout=10)
        c.wait_window(title='late')
        late_host.expect(r'^ready$', timeout=10)
        check_eq(c.wait_window(title='late-host').get('domain'), 'host',
                 'domain of the host client that waited')
        quick_request(c, 'after the descriptors came back')
        check(log_count(c, 'accepting connections on') >= 1,
              'cordon did not say it accepts IPC connections again')
        c.check_alive('after the IPC flood')


harness.main(main)
