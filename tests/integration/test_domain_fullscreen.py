#!/usr/bin/env python3
"""Issue 3: guest fullscreen. edge keeps a 3 px domain-colour edge round
the output and Super+Escape leaves (never reaching the client); deny
ignores the request; allow is plain fullscreen."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, hex_color, wait_for, OUTPUT_SIZE

CONFIG = """\
[domain edge]
color = #75507b
fullscreen = edge

[domain denied]
color = #c4a000
fullscreen = deny

[domain plain]
color = #ce5c00
fullscreen = allow
"""
EDGE = hex_color('75507b')
WHITE = (255, 255, 255)
OW, OH = OUTPUT_SIZE
EDGE_PX = 3


def fullscreen_shot(c, probe, color):
    def p():
        s = c.screenshot()
        return s if s.pixel(*probe) == color else None
    return wait_for(p, 5, what=f'{color} at {probe} in fullscreen')


def main():
    harness.require('grim', 'wtype')
    with Cordon(config=CONFIG) as c:
        # edge
        e, we = c.test_window('e', domain='edge', color='ffffff', size='300x200', name='edge')
        c.wait_focused(we['id'])
        e.skip_pending()
        e.send('fullscreen')
        e.expect(r'^configure \d+ \d+ .*\bfullscreen\b')
        wait_for(lambda: c.find_windows(id=we['id'], fullscreen=True), 5,
                 what='IPC fullscreen true for the edge guest')
        shot = fullscreen_shot(c, (OW // 2, OH * 3 // 4), WHITE)
        for d in range(EDGE_PX):
            for side, px, py in [('left', d, OH // 2), ('right', OW - 1 - d, OH // 2),
                                 ('bottom', OW // 2, OH - 1 - d),
                                 ('top', OW // 5, d), ('bottom-left', d, OH - 1 - d)]:
                got = shot.pixel(px, py)
                check(got == EDGE, f'fullscreen edge pixel {side} ({px},{py}) is {got}, '
                                   f'expected the domain colour {EDGE}')
        got = shot.pixel(EDGE_PX + 2, OH // 2)
        check_eq(got, WHITE, 'client content just inside the fullscreen edge')

        e.skip_pending()
        c.wtype('-M', 'logo', '-k', 'Escape', '-m', 'logo')
        wait_for(lambda: c.find_windows(id=we['id'], fullscreen=False), 5,
                 what='IPC fullscreen false after Super+Escape')
        m = e.expect(r'^configure (\d+) (\d+)(.*)$')
        check('fullscreen' not in m.group(3).split(),
              f'configure after Super+Escape still fullscreen: {m.group(0)!r}')
        check(not e.seen(r'^key '), f'Super+Escape reached the guest: {e.lines!r}')

        # deny
        dn, wd = c.test_window('d', domain='denied', color='ffffff', size='300x200', name='denied')
        c.ipc_ok({'cmd': 'focus', 'id': wd['id']})
        c.wait_focused(wd['id'])
        dn.skip_pending()
        dn.send('fullscreen')
        for _ in range(2):  # cordon configures from an idle callback
            dn.send('sync')
            dn.expect(r'^synced$')
        check(not any('fullscreen' in l.split() for l in dn.lines if l.startswith('configure')),
              f'fullscreen = deny but the guest was configured fullscreen: {dn.lines!r}')
        check(c.find_windows(id=wd['id'], fullscreen=False),
              f'fullscreen = deny but IPC says fullscreen: {c.windows()!r}')

        # allow: plain fullscreen, the client's pixels reach the output edge.
        pl, wpl = c.test_window('pl', domain='plain', color='ffffff', size='300x200', name='plain')
        # A window without focus may not go fullscreen over the focused one.
        pl.skip_pending()
        pl.send('fullscreen')
        for _ in range(2):
            pl.send('sync')
            pl.expect(r'^synced$')
        check(not any('fullscreen' in l.split() for l in pl.lines if l.startswith('configure')),
              f'an unfocused guest went fullscreen: {pl.lines!r}')
        check(c.find_windows(id=wpl['id'], fullscreen=False, urgent=True),
              f'the refused window must be marked urgent: {c.windows()!r}')
        c.ipc_ok({'cmd': 'focus', 'id': wpl['id']})
        c.wait_focused(wpl['id'])
        pl.send('fullscreen')
        m = pl.expect(r'^configure (\d+) (\d+) .*\bfullscreen\b')
        check_eq((int(m.group(1)), int(m.group(2))), (OW, OH),
                 'fullscreen = allow configure size')
        wait_for(lambda: c.find_windows(id=wpl['id'], fullscreen=True), 5,
                 what='IPC fullscreen true for the allow guest')
        shot = fullscreen_shot(c, (0, OH // 2), WHITE)
        for px, py in [(OW - 1, OH // 2), (OW // 2, OH - 1)]:
            check_eq(shot.pixel(px, py), WHITE, f'fullscreen = allow pixel ({px},{py})')


harness.main(main)
