"""Shared pieces of the clipboard-guard integration tests (issue 4).

Two guest domains, alpha (A) and beta (B), plus gamma (C) where a third is
needed, and the host. Guests never get data-control, so in a guest wl-copy
and wl-paste take their focused-surface path: their tiny window must get
keyboard focus, which a new window only gets when its domain is the
focused one. So every copy or paste here first focuses a test-client
window of that domain. On the host they use data-control (issue 11) and
open no window; the helpers below handle both.

    desk = Desk(c)
    wa = desk.window(A)            # a focused test client in alpha
    desk.copy(A, 'text')           # wl-copy, waits until alpha pastes it
    wb = desk.window(B)
    desk.focus(wb)
    rc, out = desk.paste(B)        # wl-paste -n in beta
"""

import contextlib
import json
import os
import socket
import subprocess
import threading
import time

import harness
from harness import check, fail, hex_color, wait_for

A, B, C = 'alpha', 'beta', 'gamma'
COLORS = {A: '#00a040', B: '#b000b0', C: '#d08000'}
RGB = {name: hex_color(value) for name, value in COLORS.items()}
TEXT_MIME = 'text/plain;charset=utf-8'


def config(clipboard=None, domains=None, names=(A, B, C)):
    """Config text: [clipboard] keys, then a section per domain with its
    colour and any extra keys given in domains[name]."""
    out = []
    if clipboard:
        out.append('[clipboard]')
        out += [f'{k} = {v}' for k, v in clipboard.items()]
        out.append('')
    for name in names:
        out.append(f'[domain {name}]')
        out.append(f'color = {COLORS[name]}')
        for k, v in (domains or {}).get(name, {}).items():
            out.append(f'{k} = {v}')
        out.append('')
    return '\n'.join(out)


def require_peers():
    harness.require('wl-copy', 'wl-paste', 'wtype', 'wayland-info')


@contextlib.contextmanager
def desk(cfg, *tools):
    """cordon run with cfg, wl-clipboard and tools required, and its Desk:
    `with cliptest.desk(CONFIG, 'grim') as (c, desk):`."""
    require_peers()
    if tools:
        harness.require(*tools)
    with harness.Cordon(config=cfg) as c:
        yield c, Desk(c)


class Win:
    """A test-client window: its Process and its IPC id."""

    def __init__(self, proc, info):
        self.proc = proc
        self.info = info
        self.id = info['id']
        self.domain = info['domain']


class Paste:
    """A wl-paste running in the background, its output going to a file."""

    def __init__(self, desk, domain, primary, mime):
        c = desk.c
        self.path = os.path.join(c.runtime_dir, f'paste.{len(c.procs)}.out')
        argv = ['wl-paste', '-n'] + (['--primary'] if primary else [])
        if mime:
            argv += ['--type', mime]
        # exec: the process the harness kills is wl-paste itself.
        cmd = 'exec ' + ' '.join(_sh_quote(a) for a in argv) + ' > ' + _sh_quote(self.path)
        self.proc = c.spawn(['sh', '-c', cmd], domain=domain, name='wl-paste', stdin=False)

    def size(self):
        try:
            return os.path.getsize(self.path)
        except OSError:
            return 0

    def running(self):
        return self.proc.running()

    def data(self):
        with open(self.path, 'rb') as f:
            return f.read()

    def wait(self, timeout=10.0):
        """Waits for wl-paste to exit; returns (exit status, output bytes)."""
        rc = self.proc.wait_exit(timeout)
        return rc, self.data()


def _sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


class Events(harness.EventSubscription):
    """An IPC subscription (harness.EventSubscription) whose events are
    taken once each by wait()."""

    def __init__(self, c):
        super().__init__(c.ipc_path)
        self.wait(lambda e: e.get('ok') is True, 5, 'the reply to subscribe')

    @property
    def lines(self):
        """Every event so far, in order."""
        with self._cv:
            return [obj for _, obj in self.items]

    def mark(self):
        """A position in the stream, for wait(since=...)."""
        with self._cv:
            return len(self.items)

    def wait(self, pred, timeout, what, since=0):
        """Returns the first event not yet taken, from position since on
        (seen before or after this call), for which pred is true, and marks
        it taken."""
        deadline = time.monotonic() + timeout
        with self._cv:
            i = since
            while True:
                while i < len(self.items):
                    e = self.items[i][1]
                    if not e.get('_taken') and pred(e):
                        e['_taken'] = True
                        return e
                    i += 1
                if self._eof:
                    fail(f'IPC event stream closed while waiting for {what}')
                left = deadline - time.monotonic()
                if left <= 0:
                    fail(f'no IPC event {what} within {timeout:g} s; '
                         f'events: {[o for _, o in self.items[-20:]]!r}')
                self._cv.wait(left)

    def find(self, pred, since=0):
        """The first event from since on for which pred is true (taken or
        not; nothing is marked), or None. Does not wait."""
        with self._cv:
            for _, e in self.items[since:]:
                if pred(e):
                    return e
        return None


class Desk:
    def __init__(self, c):
        self.c = c
        self.n = 0
        self.events = Events(c)
        self._data_control = {}

    # ---- windows and focus ----

    def window(self, domain, title=None, focus=True, size='200x150'):
        """A test-client window in domain (focused unless focus=False)."""
        self.n += 1
        title = title or f'{domain}-{self.n}'
        proc = self.c.spawn_client(['--size', size, '--title', title, '--color', 'ffffff'],
                                   domain=domain, name=title)
        proc.expect(r'^ready$')
        win = Win(proc, self.c.wait_window(title=title))
        if focus:
            self.focus(win)
        return win

    def copied(self, src, text, dst):
        """text copied in a window of src, then a focused window of dst
        (returned), the usual start of a cross-domain paste."""
        self.window(src)
        self.copy(src, text)
        return self.window(dst)

    def focus(self, win):
        self.c.ipc_ok({'cmd': 'focus', 'id': win.id})
        self.c.wait_focused(win.id)
        # The client itself has been told (its last keyboard event is enter).
        wait_for(lambda: [l for l in win.proc.lines
                          if l.startswith('keyboard-')][-1:] == ['keyboard-enter'],
                 5, what=f'keyboard focus in {win.info["title"]}')

    # ---- wl-clipboard ----

    def copy(self, domain, text, primary=False):
        """wl-copy in domain (whose window must be focused) and waits until
        a same-domain paste gives the text back, so the selection is set.
        Returns the wl-copy process (in the foreground, serving the data)."""
        argv = ['wl-copy', '--foreground'] + (['--primary'] if primary else [])
        mark = self.events.mark()
        proc = self.c.spawn(argv + ['--', text], domain=domain, name='wl-copy', stdin=False)
        # Its tiny window closes once it has set the selection; a paste
        # before that would race it for keyboard focus. Data-control: none.
        if not self.data_control(domain):
            self.wait_wl_clipboard_window(domain, 'close', mark)
        wait_for(lambda: self.paste(domain, primary=primary, check_rc=False)[1] ==
                 text.encode(), 10,
                 what=f'wl-copy in {domain} to set the '
                      f'{"primary selection" if primary else "clipboard"}')
        return proc

    def data_control(self, domain):
        """Whether wl-clipboard in domain uses data-control (the host's)."""
        if domain not in self._data_control:
            self._data_control[domain] = ('zwlr_data_control_manager_v1' in
                                          self.c.globals(None if domain == 'host' else domain))
        return self._data_control[domain]

    @staticmethod
    def _wl_clipboard_window(domain, change):
        return lambda e: (e.get('event') == 'window' and e.get('change') == change and
                          e.get('title') == 'wl-clipboard' and e.get('domain') == domain)

    def wait_wl_clipboard_window(self, domain, change, since, timeout=10.0):
        return self.events.wait(self._wl_clipboard_window(domain, change), timeout,
                                f'window {change} of wl-clipboard in {domain}', since=since)

    def paste(self, domain, primary=False, timeout=10.0, check_rc=True, mime=None):
        """wl-paste -n in domain; returns (exit status, output bytes)."""
        argv = ['wl-paste', '-n'] + (['--primary'] if primary else [])
        if mime:
            argv += ['--type', mime]
        mark = self.events.mark()
        try:
            res = subprocess.run(argv, env=self.c.client_env(domain),
                                 stdin=subprocess.DEVNULL, capture_output=True,
                                 timeout=timeout)
        except subprocess.TimeoutExpired:
            fail(f'wl-paste in {domain} did not finish within {timeout:g} s')
        if check_rc and res.returncode != 0:
            fail(f'wl-paste in {domain} exited {res.returncode}: '
                 f'{res.stderr.decode(errors="replace")!r}')
        # Let cordon finish with its window (focus goes back) before going on.
        if self.events.find(self._wl_clipboard_window(domain, 'new'), since=mark):
            self.wait_wl_clipboard_window(domain, 'close', mark)
        return res.returncode, res.stdout

    def paste_async(self, domain, primary=False, mime=None):
        return Paste(self, domain, primary, mime)

    # ---- IPC ----

    def prompts(self):
        reply = self.c.ipc_ok({'cmd': 'prompts'})
        check(isinstance(reply.get('prompts'), list), f'IPC prompts: {reply!r}')
        return reply['prompts']

    def wait_prompt(self, timeout=5.0):
        """Waits until exactly one prompt is pending and visible; returns it."""
        def one():
            ps = self.prompts()
            return ps[0] if len(ps) == 1 and ps[0].get('visible') else None
        return wait_for(one, timeout, what='one visible prompt in IPC prompts')

    def wait_no_prompt(self, timeout=5.0):
        wait_for(lambda: self.prompts() == [], timeout, what='no pending prompt')

    def transfers(self):
        reply = self.c.ipc_ok({'cmd': 'transfers'})
        check(isinstance(reply.get('transfers'), list), f'IPC transfers: {reply!r}')
        return reply['transfers']

    def wait_transfers(self, n, timeout=5.0):
        """Waits until n transfers are recorded; returns the list."""
        return wait_for(lambda: (lambda t: t if len(t) >= n else None)(self.transfers()),
                        timeout, what=f'{n} transfer record(s)')

    # ---- keys ----

    def keys(self, *args):
        """wtype on the host socket (a virtual keyboard of the host)."""
        return self.c.wtype(*args)

    def secure_copy(self):
        self.keys('-M', 'logo', '-M', 'shift', '-k', 'c', '-m', 'shift', '-m', 'logo')

    def secure_paste(self):
        self.keys('-M', 'logo', '-M', 'shift', '-k', 'v', '-m', 'shift', '-m', 'logo')


def color_runs(pixels, color, start_at):
    """The runs of color in a sequence of pixels whose first stands at
    start_at: a list of (first position, length)."""
    runs = []
    start = None
    for i, px in enumerate(pixels, start_at):
        if px == color:
            if start is None:
                start = i
        elif start is not None:
            runs.append((start, i - start))
            start = None
    if start is not None:
        runs.append((start, start_at + len(pixels) - start))
    return runs


def box_edges(shot, x, color, y_range):
    """The y of every run of color along column x within y_range: a list
    of (first_y, length)."""
    return color_runs([shot.pixel(x, y) for y in range(*y_range)], color, y_range[0])


def row_runs(shot, y, color, x_range):
    return color_runs([shot.pixel(x, y) for x in range(*x_range)], color, x_range[0])


def find_prompt_box(shot, color):
    """cordon's prompt: a box with a 4 px border in color, centred
    horizontally on the output, in its upper part. Returns (x0, y0, x1, y1)
    of the border's outer edge, or None."""
    w, h = shot.width, shot.height
    cx = w // 2
    runs = [r for r in box_edges(shot, cx, color, (0, h)) if r[1] == 4]
    if len(runs) < 2:
        return None
    top, bottom = runs[0][0], runs[-1][0] + 3
    mid = (top + bottom) // 2
    side = [r for r in row_runs(shot, mid, color, (0, w)) if r[1] == 4]
    if len(side) < 2:
        return None
    left, right = side[0][0], side[-1][0] + 3
    # Centred: equal margins left and right (within rounding).
    if abs(left - (w - 1 - right)) > 1 or right - left < 300:
        return None
    return left, top, right, bottom


def find_notice(shot, color, margin=12, border=3):
    """cordon's notice: a box with a 3 px border in color whose right edge
    is margin px from the output's right edge, the top one margin px from
    the top. Returns (x0, y0, x1, y1) or None."""
    w = shot.width
    x1 = w - margin - 1
    y0 = margin
    # The right border: border columns of color, starting at the top edge.
    for d in range(border):
        if shot.pixel(x1 - d, y0 + 8) != color:
            return None
    if shot.pixel(x1 + 1, y0 + 8) == color:
        return None
    # The top border, walking left to its end.
    x = x1
    while x > 0 and all(shot.pixel(x, y0 + d) == color for d in range(border)):
        x -= 1
    x0 = x + 1
    if x1 - x0 < 60:
        return None
    # Inside: not the border colour (the dark background).
    if shot.pixel(x1 - border - 1, y0 + border + 1) == color:
        return None
    return x0, y0, x1, None
