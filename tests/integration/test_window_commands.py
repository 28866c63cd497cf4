#!/usr/bin/env python3
"""Issue 8: window commands through cordonctl. move, resize, maximize,
unmaximize, fullscreen, unfullscreen, to-workspace and close act on a
window by id or on the focused one; `cordonctl windows --json` and the
screenshot show the result; unknown ids, bad numbers and out-of-range
values are refused with a clear message; moving a window never moves
keyboard focus, only the focused window goes fullscreen, and a guest's
fullscreen keeps its domain-colour edge."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import (Cordon, check, check_eq, check_frame, hex_color, wait_for,
                     BORDER, OUTPUT_SIZE)

CONFIG = """\
[domain work]
color = #3465a4
"""
WORK = hex_color('3465a4')
HOST = hex_color('3c3c3c')
GREEN = (0, 255, 0)
WHITE = (255, 255, 255)
OW, OH = OUTPUT_SIZE


def windows(c):
    res = c.ctl('--json', 'windows')
    reply = json.loads(res.stdout)
    check(reply.get('ok') is True, f'cordonctl --json windows: {res.stdout!r}')
    return {w['id']: w for w in reply['windows']}


def wait_win(c, win_id, what, **want):
    def probe():
        w = windows(c).get(win_id)
        return w if w and all(w.get(k) == v for k, v in want.items()) else None
    return wait_for(probe, 5, what=f'{what}: window {win_id} with {want} in '
                                   f'cordonctl windows --json')


def refused(c, args, words, rc=1):
    res = c.ctl(*args, check_rc=False)
    check_eq(res.returncode, rc, f'exit status of cordonctl {" ".join(args)} '
                                 f'(stderr {res.stderr!r})')
    for w in words:
        check(w in res.stderr, f'cordonctl {" ".join(args)}: the error '
                               f'{res.stderr.strip()!r} does not say {w!r}')


def shot_with(c, px, py, color, what):
    return c.wait_pixel(px, py, color, f'{what}: {color} at ({px},{py})')


def main():
    harness.require('grim')
    with Cordon(config=CONFIG) as c:
        host, wh = c.test_window('host', color='ffffff', size='300x200')
        guest, wg = c.test_window('guest', domain='work', color='00ff00', size='320x240')
        c.ipc_ok({'cmd': 'focus', 'id': wh['id']})
        c.wait_focused(wh['id'])

        # move by id, a window of another domain than the focused one.
        c.ctl('move', str(wg['id']), '600', '300')
        g = wait_win(c, wg['id'], 'move', x=600, y=300)
        check_eq((g['width'], g['height']), (320, 240), 'size after move')
        check_eq(c.focused()['id'], wh['id'], 'focused window after moving another '
                                              'domain\'s window')
        shot = shot_with(c, 600 + 160, 300 + 120, GREEN, 'guest content after move')
        check_frame(shot, g, WORK, 'moved guest window')

        # move the focused window (no id), right under the pointer's path.
        c.ctl('move', '40', '60')
        h = wait_win(c, wh['id'], 'move of the focused window', x=40, y=60)
        shot = shot_with(c, 40 + 150, 60 + 100, WHITE, 'host content after move')
        check_frame(shot, h, HOST, 'moved host window')
        # The guest window moved under the pointer does not take the keyboard.
        c.pointer_to(600 + 100, 300 + 100)
        c.ctl('move', str(wg['id']), '560', '280')
        wait_win(c, wg['id'], 'second move', x=560, y=280)
        check_eq(c.focused()['id'], wh['id'], 'focused window after a window '
                                              'moved under the pointer')

        # resize: the client gets the configure, IPC and pixels follow.
        guest.skip_pending()
        res = c.ctl('--json', 'resize', str(wg['id']), '400', '260')
        reply = json.loads(res.stdout)
        check_eq(reply.get('requested'), {'width': 400, 'height': 260},
                 'resize reply\'s requested size')
        guest.expect(r'^configure 400 260\b')
        g = wait_win(c, wg['id'], 'resize', width=400, height=260, x=560, y=280)
        shot = shot_with(c, 560 + 399, 280 + 259, GREEN, 'bottom-right of the resized guest')
        check_frame(shot, g, WORK, 'resized guest window')
        if os.environ.get('CORDON_TEST_ARTIFACTS'):
            os.makedirs(os.environ['CORDON_TEST_ARTIFACTS'], exist_ok=True)
            shot.save(os.path.join(os.environ['CORDON_TEST_ARTIFACTS'],
                                   'window_commands.png'))

        # maximize / unmaximize by id.
        c.ctl('maximize', str(wg['id']))
        g = wait_for(lambda: [w for w in [windows(c)[wg['id']]] if w['maximized'] and
                              w['width'] >= OW - 2 * BORDER and
                              w['height'] >= OH - 2 * BORDER - 48], 5,
                     what='the maximized guest filling the output')[0]
        shot_with(c, g['x'] + g['width'] - 1, g['y'] + g['height'] - 1, GREEN,
                  'maximized guest\'s bottom-right')
        check_eq(c.focused()['id'], wh['id'], 'focus after maximizing another window')
        refused(c, ['move', str(wg['id']), '10', '10'], ['is maximized'])
        c.ctl('unmaximize', str(wg['id']))
        wait_win(c, wg['id'], 'unmaximize', maximized=False, x=560, y=280,
                 width=400, height=260)

        # fullscreen: only for the focused window; a guest keeps its edge.
        refused(c, ['fullscreen', str(wg['id'])], ['does not have focus',
                                                    f'cordonctl focus {wg["id"]}'])
        check(not windows(c)[wg['id']]['fullscreen'], 'unfocused guest went fullscreen')
        c.ctl('focus', str(wg['id']))
        c.wait_focused(wg['id'])
        c.ctl('fullscreen')
        wait_win(c, wg['id'], 'fullscreen', fullscreen=True)
        shot = shot_with(c, OW // 2, OH // 2, GREEN, 'fullscreen guest')
        for px, py in [(0, OH // 2), (OW - 1, OH // 2), (OW // 2, OH - 1), (OW // 2, 0)]:
            check_eq(shot.pixel(px, py), WORK, f'fullscreen guest edge pixel ({px},{py})')
        c.ctl('unfullscreen', str(wg['id']))
        wait_win(c, wg['id'], 'unfullscreen', fullscreen=False, x=560, y=280)

        # to-workspace: it leaves the screen, focus goes to the host window.
        c.ctl('to-workspace', '3')
        wait_win(c, wg['id'], 'to-workspace', workspace=3)
        wait_for(lambda: c.screenshot().pixel(560 + 200, 280 + 130) != GREEN, 5,
                 what='the guest gone from the screen after to-workspace')
        c.wait_focused(wh['id'])
        c.ctl('to-workspace', str(wg['id']), '1')
        wait_win(c, wg['id'], 'back to workspace 1', workspace=1)

        # Refusals: unknown id, bad numbers, out of range.
        refused(c, ['move', '999', '10', '10'], ['no window with id 999'])
        refused(c, ['close', '999'], ['no window with id 999'])
        refused(c, ['move', 'x', '10', '10'], ['not a window id'], rc=2)
        refused(c, ['resize', str(wg['id']), 'wide', '10'], ["'wide' is not a whole number"],
                rc=2)
        refused(c, ['resize', str(wg['id']), '0', '10'], ["'width' must be from 1"])
        refused(c, ['move', str(wg['id']), '5000', '10'], ['on no output'])
        refused(c, ['to-workspace', str(wg['id']), '10'], ["'workspace' must be from 1 to 9"])
        refused(c, ['move', '1', '2', '3', '4'], ['usage'], rc=2)
        check_eq(windows(c)[wg['id']]['x'], 560, 'x after refused moves')

        # close by id: the client is asked, exits, and the window is gone.
        c.ctl('close', str(wg['id']))
        guest.expect(r'^close$')
        wait_for(lambda: wg['id'] not in windows(c), 5, what='closed guest window gone')
        guest.wait_exit(5)
        # close on the focused window.
        c.wait_focused(wh['id'])
        c.ctl('close')
        host.expect(r'^close$')
        wait_for(lambda: not windows(c), 5, what='no window left')
        refused(c, ['maximize'], ['no window has focus'])
        c.check_alive('after the window commands')


harness.main(main)
