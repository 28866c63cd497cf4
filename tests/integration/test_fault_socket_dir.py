#!/usr/bin/env python3
"""Issue 9, fault injection: a domain's socket directory is removed under
the running cordon (a cleanup script, rm -rf of the runtime directory).

The domain's connected clients and every other domain carry on; within a
couple of seconds cordon binds the socket again at the same path (in a
private directory of its own), so the domain's next client (its VM's
next connection) gets in and is still tagged with that domain. Removing
the whole runtime directory, IPC socket included, is survived the same
way: the event stream already connected keeps flowing and cordonctl
reaches cordon again. Each loss is logged once."""
import os
import shutil
import stat
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, log, wait_for
import cliptest

CONFIG = harness.domain_config(work='#3465a4', other='#f57900')


def wait_socket(path, what):
    t0 = time.monotonic()
    wait_for(lambda: os.path.exists(path) and stat.S_ISSOCK(os.lstat(path).st_mode), 5,
             what=f'{what}: {path} bound again')
    return time.monotonic() - t0


def check_private(path):
    d = os.lstat(os.path.dirname(path))
    check_eq(stat.S_IMODE(d.st_mode), 0o700, f'mode of {os.path.dirname(path)}')
    check_eq(d.st_uid, os.geteuid(), f'owner of {os.path.dirname(path)}')
    s = os.lstat(path)
    check(stat.S_IMODE(s.st_mode) & 0o077 == 0,
          f'{path} is open to others: {oct(stat.S_IMODE(s.st_mode))}')


def new_client(c, domain, title):
    p, win = c.test_window(title, domain=domain, size='200x150')
    check_eq(win.get('domain'), domain, f'domain of the new window {title}')
    return p


def main():
    with Cordon(config=CONFIG) as c:
        events = cliptest.Events(c)
        work1 = new_client(c, 'work', 'work-1')
        other1 = new_client(c, 'other', 'other-1')
        top = os.path.join(c.runtime_dir, 'cordon')
        work_sock = os.path.join(top, 'work', 'wayland-0')
        other_sock = os.path.join(top, 'other', 'wayland-0')

        # --- one domain's directory ---
        shutil.rmtree(os.path.join(top, 'work'))
        check(not os.path.exists(work_sock), 'the work socket is still there')
        work1.sync()
        other1.sync()
        c.ctl('version')
        dt = wait_socket(work_sock, 'after rm -rf of the work directory')
        log(f'work socket bound again {dt:.2f} s after its directory was removed')
        check_private(work_sock)
        work2 = new_client(c, 'work', 'work-2')
        work1.sync()
        check_eq(c.cordon_stderr().count('socket ' + work_sock + ' was removed'), 1,
                 'log lines about the removed work socket')

        # --- the whole runtime directory, IPC socket included ---
        shutil.rmtree(top)
        work1.sync()
        work2.sync()
        other1.sync()
        mark = events.mark()
        dt = wait_socket(c.ipc_path, 'after rm -rf of the runtime directory')
        log(f'IPC socket bound again {dt:.2f} s after the runtime directory was removed')
        check_private(c.ipc_path)
        res = c.ctl('--json', 'windows')
        check('other-1' in res.stdout, f'cordonctl windows after the removal: {res.stdout!r}')
        for sock in (work_sock, other_sock):
            wait_socket(sock, 'after rm -rf of the runtime directory')
            check_private(sock)
        other2 = new_client(c, 'other', 'other-2')
        # The subscription made before the removal saw the new window.
        events.wait(lambda e: e.get('event') == 'window' and e.get('change') == 'new'
                    and e.get('title') == 'other-2', 5, 'window new of other-2 on the old '
                    'event stream', since=mark)
        new_client(c, 'work', 'work-3')
        for p in (work1, work2, other1, other2):
            p.sync()
        err = c.cordon_stderr()
        check_eq(err.count(c.ipc_path + ' was removed'), 1, 'log lines about the IPC socket')
        check_eq(err.count('socket ' + other_sock + ' was removed'), 1,
                 'log lines about the removed other socket')
        events.close()


harness.main(main)
