#!/usr/bin/env python3
"""Issue 5: a `kind = command` domain runs its command with {socket}
substituted -- here a real client, whose window is tagged with the domain
and framed in its colour; `cordonctl run box -- CMD` goes through the exec
template with {cmd} quoted word by word. When the command dies (SIGKILL)
every box window goes within 100 ms, the run one's included, and the
command is restarted; stopping the domain removes its windows too."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, hex_color, log, wait_for
import vmtest
from vmtest import VmCordon, section

BOX_COLOR = '#f57900'


def config():
    client = harness.test_client_bin()
    return section('box', {
        'kind': 'command', 'color': BOX_COLOR, 'autostart': 'yes', 'stop-timeout': '5',
        'command': f'env WAYLAND_DISPLAY={{socket}} {client} --title boxed '
                   f'--size 200x150 --color ffffff',
        'exec': 'env CORDON_EXEC_MARK={name} {cmd}',
    })


def main():
    harness.require('grim')
    with VmCordon(config()) as c:
        ev = c.events()
        c.wait_state('box', 'running', 5)
        win = c.wait_window(timeout=10, title='boxed')
        check_eq(win.get('domain'), 'box', f'domain of the command\'s window: {win!r}')
        c.wait_framed(win, hex_color(BOX_COLOR), 'boxed window', timeout=10)
        wait_for(lambda: 'stdout: ready' in c.domain_log('box'), 5,
                 what=f'the client\'s output in the box log: {c.domain_log("box")!r}')

        # run: through the exec template, each word of {cmd} quoted.
        res = c.ctl('run', '--wait', 'box', '--', 'sh', '-c',
                    'test "$CORDON_EXEC_MARK" = box && test "$1" = "a b;\'c\'" && '
                    'test "$#" = 1', 'x', "a b;'c'", check_rc=False)
        check_eq(res.returncode, 0, f'run through the exec template (env mark, quoting) '
                                    f'(stderr {res.stderr!r})')
        res = c.ctl('run', '--wait', 'box', '--', 'sh', '-c', 'exit 3', check_rc=False)
        check_eq(res.returncode, 3, 'exit status of sh -c "exit 3" run --wait in box')

        # Without --wait the command is detached: a captured cordonctl returns
        # at once instead of waiting for the app to close its output.
        res = c.ctl('run', 'box', '--', harness.test_client_bin(),
                    '--title', 'boxed-run', '--size', '200x150', timeout=5)
        out = res.stdout.decode() if isinstance(res.stdout, bytes) else res.stdout
        pid = out.split('\n', 1)[0].strip()
        check(pid.isdigit(), f'run printed {out!r}, expected a pid first')
        run_win = c.wait_window(timeout=10, title='boxed-run')
        check_eq(run_win.get('domain'), 'box', f'domain of the run client: {run_win!r}')

        # SIGKILL of the command: every box window goes at once, the run
        # client's too (it is no process of the command: cordon cuts it
        # off); on-failure starts the command again, and its window is back.
        ev_mark = len(ev.items)
        box = c.domain('box')
        t0 = time.monotonic()
        os.kill(box['pid'], signal.SIGKILL)
        while c.find_windows(domain='box'):
            check(time.monotonic() - t0 < 5, f'box windows still there 5 s after '
                                             f'SIGKILL: {c.windows()!r}')
        ms = (time.monotonic() - t0) * 1000
        log(f'box windows gone {ms:.1f} ms after SIGKILL of its command')
        print(f'kill->windows-gone (command domain): {ms:.1f} ms', flush=True)
        check(ms <= 100, f'box windows took {ms:.1f} ms to go (limit 100 ms)')
        # Cordon cut it off: the test client exits when its connection goes.
        vmtest.wait_gone([int(pid)], 3, 'the client run in box, after its command died')
        ev.wait_domain('box', 'failed', 5, start=ev_mark)
        ev.wait_domain('box', 'running', 5, start=ev_mark)
        back = c.wait_window(timeout=10, title='boxed')
        check(back['id'] != win['id'], f'the boxed window after the restart has the old '
                                       f'id {win["id"]}')
        check_eq(c.domain('box').get('restarts'), 1, 'restarts of box')
        back_pid = c.domain('box')['pid']

        # Stopping a command domain: SIGTERM at once, its windows go.
        mark = len(ev.items)
        t0 = time.monotonic()
        c.ctl('stop', 'box')
        _, t1, _ = ev.wait_domain('box', 'stopped', 5, start=mark)
        log(f'box stopped {(t1 - t0) * 1000:.0f} ms after cordonctl stop')
        check(t1 - t0 < 2, f'box took {t1 - t0:.1f} s to stop on SIGTERM')
        wait_for(lambda: not c.find_windows(domain='box'), 1,
                 what=f'box windows gone (windows: {c.windows()!r})')
        check_eq(c.domain('box').get('state'), 'stopped', 'box after stop')
        vmtest.wait_gone([back_pid], 3, 'the command of box after stop')


harness.main(main)
