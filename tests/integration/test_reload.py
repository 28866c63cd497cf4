#!/usr/bin/env python3
"""Config reload: a good file is applied to the running session (a domain's
frame changes colour, a new domain gets its socket), a broken file or a
change that needs a restart changes nothing and says why with file:line."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, hex_color

BEFORE = """\
[domain work]
color = #3465a4
"""
AFTER = """\
[domain work]
color = #cc0000

[domain extra]
color = green
"""
BROKEN = """\
[domain work]
color = #cc0000
colr = oops
"""
REMOVED = """\
[domain other]
color = blue
"""
UNBINDABLE = """\
[domain work]
color = #3465a4

[domain extra]
color = green

[domain nosock]
socket = /nonexistent/cordon-test/wayland-0
"""


def write(c, text):
    with open(c.config_path, 'w') as f:
        f.write(text)


def main():
    harness.require('grim')
    with Cordon(config=BEFORE) as c:
        w, win = c.test_window('w', domain='work', color='ffffff', size='300x200', name='work')
        old = hex_color('3465a4')
        new = hex_color('cc0000')

        def frame_is(color, what):
            return c.wait_pixel(win['x'] - 1, win['y'] + 10, color, what)
        frame_is(old, 'the frame in the old colour')

        # A broken file: every error with its line, and nothing changes.
        write(c, BROKEN)
        reply = c.ipc({'cmd': 'reload'})
        check(reply.get('ok') is False, f'reload of a broken file must fail: {reply!r}')
        errors = reply.get('errors') or []
        check(any(e.startswith(c.config_path + ':3:') and 'colr' in e for e in errors),
              f'the error must name file and line 3: {errors!r}')
        shot = c.screenshot()
        check_eq(shot.pixel(win['x'] - 1, win['y'] + 10), old,
                 'frame colour after a failed reload')
        check_eq(c.ipc_ok({'cmd': 'domains'})['domains'][1]['color'], '#3465a4',
                 'IPC colour after a failed reload')

        # Removing a domain with clients needs a restart: refused whole.
        write(c, REMOVED)
        reply = c.ipc({'cmd': 'reload'})
        check(reply.get('ok') is False and
              any("'work' was removed" in e for e in reply.get('errors') or []),
              f'removing a domain must be refused: {reply!r}')
        names = [d['name'] for d in c.ipc_ok({'cmd': 'domains'})['domains']]
        check('other' not in names, f'a refused reload must not add domains: {names!r}')

        # A new domain whose socket cannot be bound fails the reload whole:
        # not even the other new domain of the same file appears.
        write(c, UNBINDABLE)
        reply = c.ipc({'cmd': 'reload'})
        check(reply.get('ok') is False and
              any(e.startswith(c.config_path + ':7:') and 'nosock' in e
                  for e in reply.get('errors') or []),
              f'an unbindable new socket must fail the reload at its line: {reply!r}')
        names = [d['name'] for d in c.ipc_ok({'cmd': 'domains'})['domains']]
        check('extra' not in names and 'nosock' not in names,
              f'a failed reload must add no domain: {names!r}')
        check(not os.path.exists(c.domain_socket('extra')),
              'the failed reload left the socket of extra behind')

        # A good file is applied: new colour, new domain with a live socket.
        write(c, AFTER)
        c.ipc_ok({'cmd': 'reload'})
        shot = frame_is(new, 'the frame in the reloaded colour')
        harness.check_frame(shot, win, new, 'work window after reload')
        doms = {d['name']: d for d in c.ipc_ok({'cmd': 'domains'})['domains']}
        check_eq(doms['work']['color'], '#cc0000', 'IPC colour after reload')
        check('extra' in doms, f'the new domain must exist: {sorted(doms)!r}')
        e = c.spawn_client(['--color', 'ffffff', '--size', '200x100', '--title', 'e'],
                           domain='extra', name='extra')
        e.expect(r'^ready$')
        check_eq(c.wait_window(title='e').get('domain'), 'extra',
                 'a client on the new domain socket')
        w.send('sync')
        w.expect(r'^synced$')


harness.main(main)
