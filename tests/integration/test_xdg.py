#!/usr/bin/env python3
"""xdg-shell basics with the test client: the first configure is acked and
the window maps, server-side decorations are preferred, popups get
configured where they were asked (or slid into the output) and are drawn."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for, OUTPUT_SIZE

GREEN = (0, 255, 0)
MAGENTA = (255, 0, 255)  # the client's default popup colour: ~00ff00


def shot_where(c, x, y, color, what):
    def probe():
        s = c.screenshot()
        return s if s.pixel(x, y) == color else None
    return wait_for(probe, 5, what=what)


def main():
    harness.require('grim')
    with Cordon() as c:
        cl = c.spawn_client(['--color', '00ff00', '--size', '300x200',
                             '--title', 'xdg', '--app-id', 'org.cordon.xdg'])
        m = cl.expect(r'^configure (-?\d+) (-?\d+)(.*)$')
        cw, ch = int(m.group(1)), int(m.group(2))
        check(cw >= 0 and ch >= 0, f'first configure has a negative size: {m.group(0)!r}')
        want = (cw or 300, ch or 200)
        cl.expect(r'^ready$')
        check(not cl.seen(r'^protocol-error'), f'protocol error: {cl.lines!r}')
        check(cl.seen(r'^decoration server$'),
              f'server-side decoration not granted to a client asking for it; '
              f'client saw {cl.lines!r}')

        win = c.wait_window(app_id='org.cordon.xdg')
        check_eq(win.get('title'), 'xdg', 'IPC title')
        check_eq(win.get('domain'), 'host', 'IPC domain')
        check_eq((win['width'], win['height']), want, 'IPC content size')
        check_eq(win.get('workspace'), 1, 'IPC workspace of a new window')
        check(win.get('maximized') is False and win.get('fullscreen') is False,
              f'a new window claims maximized/fullscreen: {win!r}')

        # A title change reaches IPC.
        cl.send('title renamed')
        wait_for(lambda: c.find_windows(id=win['id'], title='renamed'), 5,
                 what='IPC title "renamed" after set_title')

        # A popup inside the parent: placed exactly at the anchor.
        cl.send('popup 40 30 120 90')
        m = cl.expect(r'^popup-configure (-?\d+) (-?\d+) (-?\d+) (-?\d+)$')
        check_eq(tuple(int(v) for v in m.groups()), (40, 30, 120, 90),
                 'popup-configure for a popup that fits (x y w h relative to the parent)')
        cl.expect(r'^popup-ready$')
        px, py = win['x'] + 40, win['y'] + 30
        shot = shot_where(c, px + 60, py + 45, MAGENTA,
                          f'the popup colour at its centre ({px + 60},{py + 45})')
        for qx, qy in [(px, py), (px + 119, py), (px, py + 89), (px + 119, py + 89)]:
            got = shot.pixel(qx, qy)
            check(got == MAGENTA, f'popup corner ({qx},{qy}) is {got}, expected {MAGENTA}')
        got = shot.pixel(px + 150, py + 45)
        check(got == GREEN, f'parent pixel ({px + 150},{py + 45}) right of the popup is '
                            f'{got}, expected the parent green')

        # Gone again when the client destroys it.
        cl.send('close-popup')
        shot_where(c, px + 60, py + 45, GREEN, 'the parent green where the popup was')

        # A popup asked for beyond the output's right edge is slid back in.
        cl.send('popup 2000 10 100 50')
        m = cl.expect(r'^popup-configure (-?\d+) (-?\d+) (-?\d+) (-?\d+)$')
        x, y, w, h = (int(v) for v in m.groups())
        check((w, h) == (100, 50), f'constrained popup resized unexpectedly: {m.group(0)!r}')
        lx = win['x'] + x
        check(0 <= lx and lx + w <= OUTPUT_SIZE[0],
              f'popup asked at x=2000 was not unconstrained into the output: '
              f'configure {m.group(0)!r} puts it at layout x {lx}..{lx + w}')
        cl.expect(r'^popup-ready$')
        shot_where(c, lx + w // 2, win['y'] + y + h // 2, MAGENTA,
                   'the slid popup drawn where its configure says')
        check(cl.running(), f'client exited: {cl.lines!r}')

        # The client dies with its popup still open: cordon must cope.
        cl.proc.kill()
        cl.wait_exit(5)
        wait_for(lambda: not c.find_windows(id=win['id']), 5,
                 what='the window gone from IPC after its client was killed '
                      'with a popup open')
        c.check_alive('after a client was killed with a popup open')


harness.main(main)
