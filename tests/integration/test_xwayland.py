#!/usr/bin/env python3
"""Issue 12: one Xwayland per domain. xterm on the host and on a socket
domain are cordon windows of the right domain, framed in its colour; an
override-redirect window (what a menu is) gets the domain's 2 px frame; one
domain's X server does not list the other's window; no X server listens on
an abstract socket; a killed X server comes back on the next connection,
and the X servers end with cordon."""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, hex_color, wait_for, HOST_COLOR

CONFIG = harness.domain_config(
    work='#3465a4', vm={'kind': 'crosvm', 'kernel': '/nonexistent', 'root': '/nonexistent'})
WORK = hex_color('3465a4')
XOR_WINDOW = os.path.join(harness.TOP, 'tests', 'xor_window.py')
GREEN = (0, 255, 0)
OR_BORDER = 2


def xterm(c, display, title):
    env = {'DISPLAY': display}
    return c.spawn(['xterm', '-T', title, '-fa', 'DejaVu Sans Mono', '-fs', '10',
                    '-geometry', '40x10', '-e', 'sleep', '120'],
                   env=env, name=title, stdin=False)


def x_run(c, display, argv, timeout=15.0, check_rc=True, input_text=None):
    env = dict(c.client_env())
    env['DISPLAY'] = display
    try:
        # xclip -i stays behind serving the selection: its output is not waited for.
        res = subprocess.run(argv, env=env, capture_output=input_text is None,
                             text=True, timeout=timeout, input=input_text,
                             stdout=subprocess.DEVNULL if input_text is not None else None,
                             stderr=subprocess.DEVNULL if input_text is not None else None)
    except subprocess.TimeoutExpired:
        harness.fail(f'{" ".join(argv)} on {display} did not finish in {timeout:g} s')
    if check_rc:
        check(res.returncode == 0, lambda: f'{" ".join(argv)} on {display} exited '
              f'{res.returncode}: {res.stderr[-1000:]!r}')
    return res


def abstract_x_sockets():
    """Abstract X11 sockets listening in this network namespace."""
    names = set()
    with open('/proc/net/unix') as f:
        for line in f.readlines()[1:]:
            parts = line.split()
            if len(parts) >= 8 and parts[7].startswith('@/tmp/.X11-unix/X'):
                names.add(parts[7])
    return names


def xwayland_pid(display):
    """The Xwayland process serving display, or None."""
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                argv = f.read().split(b'\0')
        except OSError:
            continue
        if argv and os.path.basename(argv[0]) == b'Xwayland' and \
                display.encode() in argv[1:2]:
            return int(pid)
    return None


def check_or_framed(c, display, win, color, domain):
    """An override-redirect window (a menu, a tooltip) over the domain's
    focused window shows inside a 2 px frame of the domain colour, and the
    pointer reaches it."""
    x, y, w, h = win['x'] + 40, win['y'] + 30, 120, 80
    p = c.spawn([sys.executable, XOR_WINDOW, str(x), str(y), str(w), str(h), '00ff00'],
                env={'DISPLAY': display}, name='xor-window')
    p.expect(r'^mapped ', 10)

    def framed():
        s = c.screenshot()
        return s if s.pixel(x + w // 2, y + h // 2) == GREEN else None
    shot = wait_for(framed, 10, what='the override-redirect window drawn')
    for px, py, side in [(x - 1, y + h // 2, 'left'), (x - OR_BORDER, y + h // 2, 'left'),
                         (x + w, y + h // 2, 'right'), (x + w + 1, y + h // 2, 'right'),
                         (x + w // 2, y - 1, 'top'), (x + w // 2, y + h, 'bottom')]:
        check_eq(shot.pixel(px, py), color,
                 f'{domain}: the override-redirect window\'s {side} frame at {px},{py}')
    for px, py in [(x, y), (x + w - 1, y + h - 1)]:
        check_eq(shot.pixel(px, py), GREEN,
                 f'{domain}: the override-redirect window\'s corner {px},{py}')
    windows = c.find_windows(domain=domain)
    check(all(wi.get('title') != '' for wi in windows),
          f'an override-redirect window is listed as a window: {windows!r}')
    p.send('quit', check=False)
    wait_for(lambda: c.screenshot().pixel(x + w // 2, y + h // 2) != GREEN, 10,
             what='the override-redirect window gone')


def main():
    harness.require('xterm', 'xwininfo', 'Xwayland', 'grim')
    with Cordon(config=CONFIG) as c:
        doms = {d['name']: d for d in c.domains()}
        host_dpy = doms['host'].get('display')
        work_dpy = doms['work'].get('display')
        check(isinstance(host_dpy, str) and re.fullmatch(r':\d+', host_dpy),
              f'IPC domains: the host has no X display: {doms["host"]!r}')
        check(isinstance(work_dpy, str) and re.fullmatch(r':\d+', work_dpy),
              f'IPC domains: work has no X display: {doms["work"]!r}')
        check(host_dpy != work_dpy, f'host and work share the X display {host_dpy}')
        check_eq(doms['vm'].get('display'), None, 'IPC display of a crosvm domain')
        table = c.ctl('domains').stdout
        check(any(line.split()[:1] == ['work'] and work_dpy in line.split()
                  for line in table.splitlines()),
              f'cordonctl domains does not show work\'s display {work_dpy}:\n{table}')
        harness.log('cordonctl domains:\n' + table)
        for dpy in (host_dpy, work_dpy):
            check(os.path.exists(f'/tmp/.X11-unix/X{dpy[1:]}'),
                  f'no filesystem socket for {dpy}')
        leaked = abstract_x_sockets() & {f'@/tmp/.X11-unix/X{d[1:]}'
                                         for d in (host_dpy, work_dpy)}
        check(not leaked, f'X servers listen on abstract sockets: {sorted(leaked)}')
        # Lazy: no X server runs, so no client of the domain yet.
        check_eq(doms['work'].get('clients'), 0, 'clients of work before any X use')

        xterm(c, host_dpy, 'hostx')
        wh = c.wait_window(timeout=30, title='hostx')
        check_eq(wh.get('domain'), 'host', 'IPC domain of xterm on the host display')
        xterm(c, work_dpy, 'workx')
        ww = c.wait_window(timeout=30, title='workx')
        check_eq(ww.get('domain'), 'work', 'IPC domain of xterm on the work display')
        check_eq(ww.get('app_id'), 'XTerm', 'IPC app_id (X11 class) of xterm')
        # Mapped while the host's xterm has the keyboard: no focus taken.
        check_eq((ww.get('focused'), ww.get('urgent')), (False, True),
                 'focused/urgent of the work xterm mapped over the host\'s')
        check_eq(c.focused().get('title'), 'hostx', 'focus after the work xterm mapped')
        c.click(ww['x'] + 20, ww['y'] + 20)
        c.wait_focused(ww['id'])
        check(abstract_x_sockets().isdisjoint({f'@/tmp/.X11-unix/X{d[1:]}'
                                               for d in (host_dpy, work_dpy)}),
              'a running X server listens on an abstract socket')

        def framed():
            s = c.screenshot()
            ok = s.pixel(ww['x'] - 1, ww['y'] + 10) == WORK and \
                s.pixel(wh['x'] - 1, wh['y'] + 10) == HOST_COLOR
            return s if ok else None
        ww = c.wait_window(title='workx')
        wh = c.wait_window(title='hostx')
        shot = wait_for(framed, 10, what='both xterms framed')
        harness.check_frame(shot, ww, WORK, 'xterm on work')
        harness.check_frame(shot, wh, HOST_COLOR, 'xterm on the host')

        harness.log('cordonctl windows:\n' + c.ctl('windows').stdout)

        # Each X server knows only its own domain's windows.
        tree_work = x_run(c, work_dpy, ['xwininfo', '-root', '-tree']).stdout
        tree_host = x_run(c, host_dpy, ['xwininfo', '-root', '-tree']).stdout
        check('"workx"' in tree_work, f'xwininfo on work lacks its xterm: {tree_work!r}')
        check('"hostx"' not in tree_work,
              f'the work X server lists the host\'s xterm: {tree_work!r}')
        check('"hostx"' in tree_host, f'xwininfo on host lacks its xterm: {tree_host!r}')
        check('"workx"' not in tree_host,
              f'the host X server lists work\'s xterm: {tree_host!r}')
        harness.log('xwininfo -root -tree on work:\n' + tree_work)

        # Selections stay in their X server: what work's X clients copy,
        # the host's X server does not hold.
        if shutil.which('xclip'):
            x_run(c, work_dpy, ['xclip', '-selection', 'clipboard', '-i'],
                  input_text='work-secret')
            got = x_run(c, work_dpy, ['xclip', '-selection', 'clipboard', '-o'])
            check_eq(got.stdout, 'work-secret', 'xclip -o within work\'s X server')
            other = x_run(c, host_dpy, ['xclip', '-selection', 'clipboard', '-o'],
                          check_rc=False)
            check('work-secret' not in other.stdout,
                  f'the host X server pasted work\'s X selection: {other.stdout!r}')

        check_or_framed(c, work_dpy, ww, WORK, 'work')
        check_or_framed(c, host_dpy, wh, HOST_COLOR, 'host')

        # A killed X server: the next X client brings it back, same display.
        pid = xwayland_pid(work_dpy)
        check(pid is not None, f'no Xwayland process for {work_dpy}')
        # wlroots restarts only a server that ran for more than 5 s.
        time.sleep(6)
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not c.find_windows(title='workx'), 15,
                 what='the work xterm gone with its X server')
        c.check_alive('after the work Xwayland was killed')
        x_run(c, work_dpy, ['xwininfo', '-root'], timeout=30)
        new_pid = wait_for(lambda: xwayland_pid(work_dpy), 10,
                           what=f'a new Xwayland on {work_dpy}')
        check(new_pid != pid, 'the killed Xwayland is still there')
        doms = {d['name']: d for d in c.domains()}
        check_eq(doms['work'].get('display'), work_dpy, 'work display after the restart')
        xterm(c, work_dpy, 'workx2')
        w2 = c.wait_window(timeout=30, title='workx2')
        check_eq(w2.get('domain'), 'work', 'IPC domain of xterm after the restart')

        # X11 titles go through the sanitiser like any guest's.
        wid = re.search(r'Window id: (0x[0-9a-f]+)', x_run(
            c, work_dpy, ['xwininfo', '-name', 'workx2']).stdout).group(1)
        x_run(c, work_dpy, ['xprop', '-id', wid, '-f', '_NET_WM_NAME', '8u', '-set',
                            '_NET_WM_NAME', 'evil\u202e\x1b[31mtitle'])

        def retitled():
            t = [w for w in c.windows() if w['id'] == w2['id']][0]['title']
            return t if t != 'workx2' else None
        title = wait_for(retitled, 10, what='the X11 title change in IPC')
        check('\u202e' not in title and '\x1b' not in title and 'evil' in title,
              f'an X11 title passed the sanitiser: {title!r}')

        pids = {d: xwayland_pid(d) for d in (host_dpy, work_dpy)}
        check(all(pids.values()), f'Xwayland processes: {pids!r}')

    # The X servers end with cordon (removing a domain needs a restart).
    for dpy, pid in pids.items():
        wait_for(lambda: xwayland_pid(dpy) is None, 10,
                 what=f'Xwayland {dpy} (pid {pid}) gone with cordon')
        check(not os.path.exists(f'/tmp/.X11-unix/X{dpy[1:]}'),
              f'the X socket of {dpy} is still there after cordon quit')


if __name__ == "__main__":
    harness.main(main)
