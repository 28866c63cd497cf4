#!/usr/bin/env python3
"""A window that asks for fullscreen before its first commit (mpv --fs,
games, kiosks) starts fullscreen when it gets the focus on map; a guest
window that maps without the focus is refused and marked urgent instead,
as for a later request."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for, OUTPUT_SIZE

CONFIG = """\
[domain guest]
color = #c4a000
fullscreen = allow
"""
RED = (255, 0, 0)
OW, OH = OUTPUT_SIZE


def main():
    harness.require('grim')
    with Cordon(config=CONFIG) as c:
        host = c.spawn_client(['--color', 'ff0000', '--size', '300x200', '--title', 'early',
                               '--fullscreen'], name='early')
        host.expect(r'^ready$')
        w, h = host.expect_configure('fullscreen', True)[:2]
        check_eq((w, h), (OW, OH), 'configure size of a window that started fullscreen')
        win = wait_for(lambda: c.find_windows(title='early', fullscreen=True, x=0, y=0,
                                              width=OW, height=OH), 10,
                       what=f'IPC: early fullscreen at 0,0 {OW}x{OH} ({c.windows()!r})')[0]

        shot = c.wait_pixel(OW - 1, OH - 1, RED, 'red in the bottom-right corner')
        for px, py in [(0, 0), (OW // 2, OH // 2), (0, OH - 1)]:
            check(shot.pixel(px, py) == RED, f'pixel ({px},{py}) is {shot.pixel(px, py)}')
        c.wait_focused(win['id'])

        # A guest window appearing while the host window has the focus may
        # not cover it by asking early either.
        guest = c.spawn_client(['--color', '00ff00', '--size', '200x100', '--title', 'sneak',
                                '--fullscreen'], domain='guest', name='sneak')
        guest.expect(r'^ready$')
        gw = wait_for(lambda: c.find_windows(title='sneak', urgent=True), 10,
                      what=f'IPC: sneak urgent ({c.windows()!r})')[0]
        check(not gw['fullscreen'], f'unfocused guest window went fullscreen: {gw!r}')
        check_eq(c.find_windows(id=win['id'])[0]['fullscreen'], True,
                 'the host window stays fullscreen')
        shot = c.screenshot()
        check(shot.pixel(OW // 2, OH // 2) == RED,
              f'the middle of the output is {shot.pixel(OW // 2, OH // 2)}, not the host window')


harness.main(main)
