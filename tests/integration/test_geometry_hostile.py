#!/usr/bin/env python3
"""Issue 9 item 2 (critical): a guest that sets its window geometry outside
its buffer (wlroots then computes a negative size) and then maximizes and
unmaximizes, goes fullscreen and back, or is dragged out of maximized by
its titlebar, must not abort cordon: every size cordon sends is at least
1x1, the window keeps a frame, and other domains carry on.

Before the fix, the unmaximize sent the negative size to
wlr_xdg_toplevel_set_size, whose assertion aborted cordon (and with it
every VM) on the first try.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geomcheck as g
import harness
from harness import Cordon, check, check_eq, hex_color

CONFIG = "[domain evil]\ncolor = #cc0000\n\n[domain work]\ncolor = #4e9a06\n"


def configures(cl):
    return [tuple(int(v) for v in m.groups()) for m in
            (re.match(r'^configure (-?\d+) (-?\d+)', line) for line in cl.lines) if m]


def check_sizes(c, cl, what):
    c.check_alive(what)
    bad = [s for s in configures(cl) if s[0] < 0 or s[1] < 0]
    check(not bad, f'{what}: cordon sent negative sizes {bad}')
    for w in c.windows():
        check(w['width'] >= 1 and w['height'] >= 1, f'{what}: IPC window {w!r} under 1x1')


def main():
    with Cordon(config=CONFIG) as c:
        out = c.outputs()[0]
        ptr = g.Pointer(c, (out['width'], out['height']))
        ok = c.spawn_client(['--title', 'ok', '--size', '200x150'], domain='work', name='ok')
        ok.expect(r'^ready$')
        cl, win = c.test_window('evil', domain='evil', size='300x200')
        ptr.move(win['x'] + 20, win['y'] + 20)
        ptr.button(harness.BTN_LEFT, True)
        ptr.button(harness.BTN_LEFT, False)
        c.wait_focused(win['id'])

        # Outside the 300x200 buffer: both sizes, the height, the width negative.
        for box in ['5000 5000 100 100', '-100 -100 500 50', '-100 -100 50 500']:
            cl.skip_pending()
            cl.send(f'geometry {box}')
            cl.expect(r'^geometry-set$')
            check_sizes(c, cl, f'geometry {box}')
            for on, off in [('maximize', 'unmaximize'), ('fullscreen', 'unfullscreen')]:
                cl.send(on)
                cl.expect(rf'^configure \d+ \d+.*{on}', 10)
                cl.send('sync')
                cl.expect(r'^synced$')
                check_sizes(c, cl, f'geometry {box}, {on}')
                cl.send(off)
                cl.expect(r'^configure -?\d+ -?\d+( activated)?$', 10)
                cl.send('sync')
                cl.expect(r'^synced$')
                check_sizes(c, cl, f'geometry {box}, {on} then {off}')

            # Dragged out of maximized by its titlebar: restored under the pointer.
            cl.send('maximize')
            cl.expect(r'^configure \d+ \d+.*maximized', 10)
            cl.send('sync')
            cl.expect(r'^synced$')
            full = g.window(c, win['id'])
            check(full['maximized'], f'not maximized: {full!r}')
            if full['width'] < 40:
                # Its frame is as narrow as its geometry: all of it resizes.
                cl.send('unmaximize')
                continue
            g.drag(c, ptr, (full['x'] + full['width'] // 2, full['y'] - 8), (40, 60))
            cl.send('sync')
            cl.expect(r'^synced$')
            check_sizes(c, cl, f'geometry {box}, dragged out of maximized')
            check(not g.window(c, win['id'])['maximized'], 'still maximized after the drag')

        # The other domain's client still gets answers.
        ok.send('sync')
        ok.expect(r'^synced$')
        check_sizes(c, cl, 'at the end')


harness.main(main)
