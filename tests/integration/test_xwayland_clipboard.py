#!/usr/bin/env python3
"""Issue 12 item 4: the X11 clipboard and primary selection of a domain's
Xwayland are that domain's. What xclip copies in alpha's X server is
alpha's clipboard: wl-paste in alpha gets it straight; wl-paste in beta
(deny) gets nothing and neither does xclip in beta's X server; an X client
of gamma (ask) waits for the prompt and gets the bytes once allowed, a
Wayland client of gamma gets nothing when it is denied; the host (allow)
gets it. What wl-copy sets in beta, xclip in beta's X server reads. The
primary selection likewise. Every cross-domain read is in `transfers`.
When alpha's X server dies its selection goes with it, and the restarted
X server's copies are alpha's again."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, wait_for
import cliptest
from cliptest import A, B, C, TEXT_MIME
from test_xwayland import x_run, xterm, xwayland_pid

CONFIG = cliptest.config(domains={A: {'copy-to.host': 'allow'},
                                  B: {'paste-from.alpha': 'deny'},
                                  C: {'paste-from.alpha': 'ask'}})
SECRET = 'alpha X11 clipboard secret'
PRIMARY = 'alpha X11 primary selection'
BETA_TEXT = 'beta Wayland text for beta X clients'


def x_window(c, display, title):
    """A focused xterm on display: X clients copy and paste only while a
    window of their X server has the keyboard."""
    xterm(c, display, title)
    win = c.wait_window(timeout=30, title=title)
    focus_window(c, win)
    return win


def focus_window(c, win):
    c.ipc_ok({'cmd': 'focus', 'id': win['id']})
    c.wait_focused(win['id'])


def x_paste(c, display, selection='clipboard'):
    res = x_run(c, display, ['xclip', '-selection', selection, '-o'], check_rc=False)
    return res.stdout


def x_copy(c, display, text, selection='clipboard'):
    x_run(c, display, ['xclip', '-selection', selection, '-i'], input_text=text)


def host_gets(desk, text, primary=False):
    """Waits until the host's paste (allowed from alpha) gives text: alpha's
    X copy has become alpha's selection."""
    wait_for(lambda: desk.paste('host', primary=primary, check_rc=False)[1] ==
             text.encode(), 10, what=f'the host to paste {text!r}')


def check_record(desk, n, expect, what):
    ts = desk.wait_transfers(n)
    check_eq(len(ts), n, f'transfer records after {what}: {ts!r}')
    check_eq({k: ts[-1].get(k) for k in expect}, expect, f'the record of {what}')
    return ts[-1]


def main():
    with cliptest.desk(CONFIG, 'xterm', 'xclip', 'Xwayland') as (c, desk):
        dpy = {d['name']: d.get('display') for d in c.domains()}
        check(all(dpy[n] for n in (A, B, C)), f'X displays: {dpy!r}')

        # allow: the host gets it (data-control: no window, so alpha's
        # xterm keeps the keyboard, without which wlroots' xwm drops the copy).
        x_window(c, dpy[A], 'alpha-x')
        started = time.monotonic()
        x_copy(c, dpy[A], SECRET)
        host_gets(desk, SECRET)
        check_record(desk, 1, {'from': A, 'to': 'host', 'decision': 'allow',
                               'result': 'delivered'}, 'the host\'s paste')
        # X -> Wayland within alpha: straight through, no record.
        check_eq(desk.paste(A)[1].decode(), SECRET, 'wl-paste in alpha after xclip in alpha')
        check_eq(len(desk.transfers()), 1, 'records after a paste within alpha')
        # Each X server's own seat is seen by no client: one wl_seat each.
        for dom in (None, A):
            info = c.run(['wayland-info'], domain=dom).stdout.decode(errors='replace')
            check_eq(info.count("interface: 'wl_seat'"), 1,
                     f'wl_seat globals on the {dom or "host"} socket')

        # deny: neither a Wayland nor an X client of beta gets it.
        desk.window(B)
        rc, out = desk.paste(B, check_rc=False)
        check_eq(out, b'', 'what wl-paste in beta got of alpha\'s X clipboard (deny)')
        deny = {'from': A, 'to': B, 'kind': 'clipboard', 'mime': TEXT_MIME,
                'decision': 'deny', 'bytes': 0}
        check_record(desk, 2, deny, 'wl-paste in beta')
        x_window(c, dpy[B], 'beta-x')
        out = x_paste(c, dpy[B])
        check(SECRET not in out, f'xclip in beta\'s X server read alpha\'s clipboard: {out!r}')
        check_record(desk, 3, deny, 'xclip -o in beta\'s X server')

        # ask: gamma's Wayland client is denied by the user ...
        desk.window(C)
        paste = desk.paste_async(C)
        pr = desk.wait_prompt()
        check_eq((pr.get('from'), pr.get('to')), (A, C), f'the prompt {pr!r}')
        c.ctl('deny', str(pr['id']))
        rc, out = paste.wait()
        check_eq(out, b'', 'what wl-paste in gamma got after the user said no')
        check_record(desk, 4, {'from': A, 'to': C, 'decision': 'ask-deny'},
                     'the denied paste in gamma')
        # ... and gamma's X client gets the bytes once the user says yes.
        x_window(c, dpy[C], 'gamma-x')
        out_path = os.path.join(c.runtime_dir, 'gamma-xclip.out')
        xclip = c.spawn(['sh', '-c', f'exec xclip -selection clipboard -o > {out_path}'],
                        env={'DISPLAY': dpy[C]}, name='xclip-gamma', stdin=False)
        pr = desk.wait_prompt()
        check_eq((pr.get('from'), pr.get('to')), (A, C), f'the prompt for gamma\'s X client')
        check_eq(os.path.getsize(out_path), 0, 'bytes gamma\'s X client got before the answer')
        c.ctl('allow', str(pr['id']))
        check_eq(xclip.wait_exit(15), 0, 'xclip -o in gamma\'s X server exit status')
        with open(out_path) as f:
            check_eq(f.read(), SECRET, 'what gamma\'s X client got once allowed')
        check_record(desk, 5, {'from': A, 'to': C, 'decision': 'ask-allow',
                               'result': 'delivered', 'bytes': len(SECRET)},
                     'the allowed paste into gamma\'s X client')


        # Wayland -> X within beta.
        desk.window(B)
        beta_copy = desk.copy(B, BETA_TEXT)
        focus_window(c, c.wait_window(title='beta-x'))
        check_eq(x_paste(c, dpy[B]), BETA_TEXT, 'xclip -o in beta after wl-copy in beta')
        check_eq(len(desk.transfers()), 5, 'records after pastes within beta')

        # The primary selection: X -> Wayland within alpha, denied to beta's
        # Wayland and X clients.
        focus_window(c, c.wait_window(title='alpha-x'))
        x_copy(c, dpy[A], PRIMARY, selection='primary')
        host_gets(desk, PRIMARY, primary=True)
        check_eq(desk.paste(A, primary=True)[1].decode(), PRIMARY,
                 'wl-paste --primary in alpha after xclip in alpha')
        check_eq(len(desk.transfers()), 6, 'records after a primary paste within alpha')
        desk.window(B)
        rc, out = desk.paste(B, primary=True, check_rc=False)
        check_eq(out, b'', 'what beta got of alpha\'s X primary selection (deny)')
        pdeny = dict(deny, kind='primary')
        check_record(desk, 7, pdeny, 'wl-paste --primary in beta')
        focus_window(c, c.wait_window(title='beta-x'))
        out = x_paste(c, dpy[B], selection='primary')
        check(PRIMARY not in out, f'beta\'s X server read alpha\'s primary: {out!r}')
        check_record(desk, 8, pdeny, 'xclip -o -selection primary in beta')

        # alpha's X server dies: its primary selection is alpha's no more.
        rc, out = desk.paste('host', primary=True)
        check_eq(out.decode(), PRIMARY, 'the host\'s paste of alpha\'s X primary')
        pid = xwayland_pid(dpy[A])
        check(pid is not None, f'no Xwayland process for {dpy[A]}')
        # wlroots restarts only a server that ran for more than 5 s.
        time.sleep(max(0.0, 6.0 - (time.monotonic() - started)))
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not c.find_windows(title='alpha-x'), 15,
                 what='alpha\'s xterm gone with its X server')
        rc, out = desk.paste('host', primary=True, check_rc=False)
        check(PRIMARY not in out.decode(errors='replace'),
              f'alpha\'s X primary outlived its X server: {out!r}')
        # The new X server's window manager has alpha's X seat again. (With
        # beta's clipboard gone, alpha's paste before the copy lands asks no one.)
        beta_copy.kill()
        x_window(c, dpy[A], 'alpha-x2')
        x_copy(c, dpy[A], SECRET + ' again')
        host_gets(desk, SECRET + ' again')
        check_eq(desk.paste(A)[1].decode(), SECRET + ' again',
                 'wl-paste in alpha after xclip in the restarted X server')
        harness.log('cordonctl transfers:\n' + c.ctl('transfers').stdout)


if __name__ == "__main__":
    harness.main(main)
