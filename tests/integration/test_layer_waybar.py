#!/usr/bin/env python3
"""Issue 11: waybar, a real panel on the layer shell. Its 30 px bar is drawn
at the top with no frame, and its exclusive zone takes 30 px from what
maximize gives a window; when waybar quits the window gets them back."""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for, OUTPUT_SIZE

BAR = (0, 0xcc, 0)
BAR_H = 30
OW, OH = OUTPUT_SIZE


def maximized_configure(cl, maximized=True):
    return cl.expect_configure('maximized', maximized, timeout=10)[:2]


def main():
    # waybar wants a session bus; the test gives it a private one.
    harness.require('waybar', 'dbus-run-session', 'grim')
    with Cordon() as c:
        cfg = os.path.join(c.runtime_dir, 'waybar.json')
        css = os.path.join(c.runtime_dir, 'waybar.css')
        with open(cfg, 'w') as f:
            f.write('{"layer": "top", "position": "top", "height": %d, '
                    '"modules-left": ["clock"]}\n' % BAR_H)
        with open(css, 'w') as f:
            f.write('* { background: #00cc00; color: #00cc00; }\n')

        cl = c.spawn_client(['--color', 'ff0000', '--size', '300x200', '--title', 'w'])
        cl.expect(r'^ready$')
        c.wait_window(title='w')
        cl.send('maximize')
        full = maximized_configure(cl)
        cl.send('unmaximize')
        maximized_configure(cl, False)

        bar = c.spawn(['dbus-run-session', 'waybar', '-c', cfg, '-s', css], name='waybar',
                      stdin=False)
        wait_for(lambda: c.screenshot().pixel(OW - 1, BAR_H - 1) == BAR, 15,
                 what='waybar\'s bar at the top right')
        shot = c.last_screenshot
        check_eq(shot.pixel(OW - 1, 0), BAR, 'waybar\'s corner: no frame around the bar')
        check(shot.pixel(OW - 1, BAR_H) != BAR, 'waybar is taller than its 30 px')

        cl.skip_pending()
        cl.send('maximize')
        w, h = maximized_configure(cl)
        check_eq((w, h), (full[0], full[1] - BAR_H), 'maximized size beside waybar')
        win = c.wait_window(title='w', maximized=True)
        check(win['y'] >= BAR_H, f'maximized window {win!r} under waybar')

        cl.skip_pending()
        # The whole group: waybar and its private bus, all started here.
        os.killpg(bar.pid, signal.SIGTERM)
        check_eq(maximized_configure(cl), full, 'maximized size once waybar is gone')


harness.main(main)
