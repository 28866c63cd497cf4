#!/usr/bin/env python3
"""Issue 11: taskbars (zwlr_foreign_toplevel_manager_v1, through wlrctl).
Every window is listed as "[domain] title" with its app id, exactly as
cordon shows them (sanitised); a guest whose title starts with "[host]"
still shows behind its own tag; activating from the taskbar focuses the
window (and fullscreen focuses it first); minimize hides it and both `cordonctl focus` and Alt+Tab bring it
back (so does a window's own minimize request); close closes; a guest socket has neither taskbar global."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

CONFIG = '[domain work]\ncolor = #3465a4\n'
GLOBALS = {'zwlr_foreign_toplevel_manager_v1', 'ext_foreign_toplevel_list_v1'}
# A right-to-left override and a newline cordon's sanitiser must not pass on.
HOSTILE_TITLE = 'Bank\u202e\ngnp.exe'


def toplevels(c):
    """[(app_id, title)] as wlrctl lists them ("app_id: title" per line)."""
    out = []
    for line in c.run(['wlrctl', 'toplevel', 'list']).stdout.decode().splitlines():
        app_id, _, title = line.partition(': ')
        out.append((app_id, title))
    return out


def win_pixel(c, win):
    return c.screenshot().pixel(win['x'] + win['width'] // 2, win['y'] + win['height'] // 2)


def main():
    harness.require('wlrctl', 'wtype', 'wayland-info', 'grim')
    with Cordon(config=CONFIG) as c:
        host, hw = c.test_window('term', color='00ff00', size='200x150', name='host')
        fox, fw = c.test_window('Firefox', domain='work', color='ff0000', size='200x150',
                                args=['--app-id', 'firefox'], name='fox')
        fake = c.spawn_client(['--size', '200x150', '--title', '[host] ' + HOSTILE_TITLE,
                               '--app-id', 'bank'], domain='work', name='fake')
        fake.expect(r'^ready$')
        xw = c.wait_window(app_id='bank')

        listed = wait_for(lambda: (lambda t: t if len(t) == 3 else None)(toplevels(c)), 5,
                          what='three toplevels in wlrctl')
        expected = sorted((w['app_id'], f"[{w['domain']}] {w['title']}")
                          for w in c.windows())
        check_eq(sorted(listed), expected, 'wlrctl toplevel list against cordon\'s windows')
        check(('firefox', '[work] Firefox') in listed, f'no "[work] Firefox": {listed!r}')
        check(('cordon-test-client', '[host] term') in listed,
              f'the host window lacks its [host] tag: {listed!r}')
        bank = [t for a, t in listed if a == 'bank']
        check(bank and bank[0].startswith('[work] [host] '),
              f'a guest title passes for the host\'s: {bank!r}')
        check('\u202e' not in bank[0] and '\n' not in bank[0],
              f'the taskbar got the unsanitised title: {bank!r}')

        # Fullscreen from the taskbar: only ever the focused window, so the
        # unfocused guest window is focused first and keeps its edge.
        check(c.focused()['id'] != xw['id'], 'the bank window had focus unasked')
        c.wlrctl('toplevel', 'fullscreen', 'app_id:bank')
        c.wait_focused(xw['id'])
        wait_for(lambda: c.find_windows(id=xw['id'], fullscreen=True), 5,
                 what='the bank window fullscreen')
        c.ctl('unfullscreen', str(xw['id']))
        wait_for(lambda: c.find_windows(id=xw['id'], fullscreen=False), 5,
                 what='the bank window out of fullscreen')

        # Activation from the taskbar: the host user's choice, cordon's focus path.
        c.wlrctl('toplevel', 'focus', 'app_id:firefox')
        c.wait_focused(fw['id'])

        # Minimize: hidden and unfocused; cordonctl focus restores it.
        check_eq(win_pixel(c, fw), (255, 0, 0), 'Firefox\'s colour before minimize')
        c.wlrctl('toplevel', 'minimize', 'app_id:firefox')
        w = wait_for(lambda: c.find_windows(id=fw['id'], minimized=True), 5,
                     what='Firefox minimized in IPC')[0]
        check(not w['focused'], 'a minimized window kept the focus')
        check(win_pixel(c, fw) != (255, 0, 0), 'the minimized window is still drawn')
        c.ctl('focus', str(fw['id']))
        c.wait_focused(fw['id'])
        check_eq(c.find_windows(id=fw['id'])[0]['minimized'], False,
                 'minimized after cordonctl focus')
        check_eq(win_pixel(c, fw), (255, 0, 0), 'Firefox\'s colour after cordonctl focus')

        # Minimize again; Alt+Tab reaches it and brings it back.
        c.wlrctl('toplevel', 'minimize', 'app_id:firefox')
        wait_for(lambda: c.find_windows(id=fw['id'], minimized=True), 5,
                 what='Firefox minimized again')
        for _ in range(3):
            if c.focused() and c.focused()['id'] == fw['id']:
                break
            c.wtype('-M', 'alt', '-k', 'Tab', '-m', 'alt')
        c.wait_focused(fw['id'])
        check_eq(c.find_windows(id=fw['id'])[0]['minimized'], False,
                 'minimized after Alt+Tab reached it')

        # A window may minimise itself (its own button); the focus moves on.
        c.wlrctl('toplevel', 'focus', 'app_id:bank')
        c.wait_focused(xw['id'])
        fake.send('minimize')
        wait_for(lambda: c.find_windows(id=xw['id'], minimized=True), 5,
                 what='the bank window minimized by its own request')
        check(not c.find_windows(id=xw['id'])[0]['focused'],
              'a window that minimised itself kept the focus')
        c.ctl('focus', str(xw['id']))
        c.wait_focused(xw['id'])

        # Close from the taskbar.
        c.wlrctl('toplevel', 'close', 'app_id:firefox')
        wait_for(lambda: not c.find_windows(id=fw['id']), 5, what='Firefox closed')
        wait_for(lambda: len(toplevels(c)) == 2, 5, what='two toplevels left in wlrctl')

        # Guests have no taskbar.
        guest = c.globals('work')
        check(not (GLOBALS & guest), f'guest socket offers {sorted(GLOBALS & guest)}')
        check(GLOBALS <= c.globals(), 'host socket lacks the taskbar globals')
        res = c.run(['wlrctl', 'toplevel', 'list'], domain='work', check_rc=False)
        check(res.returncode != 0 or not res.stdout.strip(),
              f'wlrctl listed toplevels on a guest socket: {res.stdout!r}')
        check(hw['id'] in [w['id'] for w in c.windows()], 'the host window went away')


harness.main(main)
