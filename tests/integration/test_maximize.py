#!/usr/bin/env python3
"""Maximize: by client request, by Super+M and before the first configure;
the configure fills the output, IPC reports it, the pixels fill the
output, unmaximize restores."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, wait_for, BORDER, OUTPUT_SIZE

RED = (255, 0, 0)
OW, OH = OUTPUT_SIZE


def expect_configure(cl, maximized):
    """Next configure whose states do (or do not) include maximized."""
    return cl.expect_configure('maximized', maximized)


def check_maximized(c, cl, win_id):
    w, h, states = expect_configure(cl, True)
    check(OW - 2 * BORDER <= w <= OW and OH - 2 * BORDER - 48 <= h <= OH,
          f'maximized configure {w}x{h} does not fill the {OW}x{OH} output '
          f'(less the frame)')
    win = wait_for(lambda: c.find_windows(id=win_id, maximized=True,
                                          width=w, height=h), 5,
                   what=f'IPC maximized true with size {w}x{h}')[0]
    x, y = win['x'], win['y']
    check(x >= 0 and y >= 0 and x + w <= OW and y + h <= OH,
          f'maximized window {win!r} is not inside the output')
    check(x <= BORDER and OW - (x + w) <= BORDER and OH - (y + h) <= BORDER
          and y <= BORDER + 48,
          f'maximized window {win!r} leaves more than the frame free around it')

    shot = c.wait_pixel(x + w - 1, y + h - 1, RED, f'red at the maximized window\'s '
                                                   f'bottom-right ({x + w - 1},{y + h - 1})')
    for px, py in [(x, y), (x + w - 1, y), (x, y + h - 1), (x + w // 2, y + h // 2)]:
        got = shot.pixel(px, py)
        check(got == RED, f'maximized content pixel ({px},{py}) is {got}, expected red')
    return win


def main():
    harness.require('grim', 'wtype')
    with Cordon() as c:
        cl, before = c.test_window('max', color='ff0000', size='300x200')
        check(before.get('maximized') is False, f'new window is maximized: {before!r}')

        c.state_round_trip(cl, before, 'maximized', lambda: cl.send('maximize'),
                           lambda: cl.send('unmaximize'), check_maximized)

        # The same through the key binding on the focused window.
        c.wait_focused(before['id'])

        def super_m():
            c.wtype('-M', 'logo', '-k', 'm', '-m', 'logo')
        c.state_round_trip(cl, before, 'maximized', super_m, super_m, check_maximized)
        check(not any(re.match(r'^key ', line) for line in cl.lines),
              f'the Super+M binding reached the client: {cl.lines!r}')

        # Asked before its first configure, as an application restoring its
        # state does: that first configure is maximized, with the size.
        pre = c.spawn_client(['--color', 'ff0000', '--size', '300x200', '--title', 'premax',
                              '--maximized'])
        pre.expect(r'^ready$')
        win = c.wait_window(title='premax')
        check_maximized(c, pre, win['id'])
        first = next(line for line in pre.lines if line.startswith('configure '))
        check('maximized' in first.split()[3:],
              f'first configure of a window that asked to start maximized: {first!r}')
        # Unmaximized, it gets a size of its own inside the output.
        pre.skip_pending()
        pre.send('unmaximize')
        w, h, _ = expect_configure(pre, False)
        check(0 < w < OW and 0 < h < OH, f'size after unmaximize: {w}x{h}')


harness.main(main)
