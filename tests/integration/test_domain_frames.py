#!/usr/bin/env python3
"""Issue 3: clients on two domain sockets and the host: IPC names the right
domain for each, and every window is framed by cordon in exactly its
domain's colour (host: neutral), even a client asking for client-side
decorations, whose request is overruled for guests."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, hex_color, HOST_COLOR

CONFIG = harness.domain_config(work='#3465a4', play='red')
WORK = hex_color('3465a4')
WHITE = (255, 255, 255)


def main():
    harness.require('grim')
    with Cordon(config=CONFIG) as c:
        doms = {d['name']: d for d in c.domains()}
        check(set(doms) >= {'host', 'work', 'play'}, f'IPC domains: {doms!r}')
        check_eq(doms['work'].get('color'), '#3465a4', 'IPC colour of work')
        play_hex = doms['play'].get('color', '')
        check(len(play_hex) == 7 and play_hex.startswith('#'),
              f'IPC colour of play (label red) is not #rrggbb: {play_hex!r}')
        PLAY = hex_color(play_hex)
        check(PLAY[0] > 150 and PLAY[0] > PLAY[1] + 80 and PLAY[2] < 80,
              f'the label red gave {play_hex}, which is not red')

        w = c.spawn_client(['--color', 'ffffff', '--size', '300x200', '--title', 'w'],
                           domain='work', name='work')
        w.expect(r'^ready$')
        p = c.spawn_client(['--color', 'ffffff', '--size', '300x200', '--title', 'p',
                            '--csd'], domain='play', name='play-csd')
        p.expect(r'^ready$')
        h = c.spawn_client(['--color', 'ffffff', '--size', '300x200', '--title', 'h'],
                           name='host')
        h.expect(r'^ready$')

        ww = c.wait_window(title='w')
        wp = c.wait_window(title='p')
        wh = c.wait_window(title='h')
        check_eq(ww.get('domain'), 'work', 'IPC domain of the work client')
        check_eq(wp.get('domain'), 'play', 'IPC domain of the play client')
        check_eq(wh.get('domain'), 'host', 'IPC domain of the host client')
        check(p.seen(r'^decoration server$') and not p.seen(r'^decoration client$'),
              f'a guest asking for client-side decorations must be told server: '
              f'{p.lines!r}')

        shot = c.wait_pixel(wp['x'] - 1, wp['y'] + 10, PLAY, 'the play window\'s frame drawn')
        frames = [(ww, WORK, 'work window'), (wp, PLAY, 'play window (csd)'),
                           (wh, HOST_COLOR, 'host window')]
        for win, color, what in frames:
            harness.check_frame(shot, win, color, what)
            got = shot.pixel(win['x'] + win['width'] // 2, win['y'] + win['height'] // 2)
            check_eq(got, WHITE, f'{what}: content centre')

        if shutil.which('foot'):
            c.spawn(['foot', '--title', 'guest-foot', 'sleep', '120'], domain='work',
                    stdin=False)
            wf = c.wait_window(timeout=20, app_id='foot')
            check_eq(wf.get('domain'), 'work', 'IPC domain of foot on the work socket')

            c.wait_framed(wf, WORK, 'foot on work', timeout=10)

        doms = {d['name']: d for d in c.domains()}
        check_eq((doms['work'].get('clients'), doms['work'].get('windows')),
                 (2 if shutil.which('foot') else 1,) * 2,
                 'IPC clients/windows of work')
        check_eq((doms['play'].get('clients'), doms['play'].get('windows')), (1, 1),
                 'IPC clients/windows of play')


harness.main(main)
