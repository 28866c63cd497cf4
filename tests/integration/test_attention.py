#!/usr/bin/env python3
"""Issue 16 item 2: the secure-attention key. Super+I draws cordon's overlay
above everything, outlining and labelling every visible surface; IPC
attention (and cordonctl attention) lists each with its domain, kind and
geometry: the guest's toplevel and grabbing popup, the host's window and
wallpaper (a layer surface), an X11 window, the cursor. The key never reaches a client, not while it holds a popup grab
and not while it inhibits shortcuts; any key or click ends the overlay and
reaches nobody either."""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, hex_color, wait_for

CONFIG = """\
[domain guest]
color = #d55e00
pattern = stripes
"""
GUEST = hex_color('d55e00')
WHITE = (255, 255, 255)


def key_or_button(line):
    return line.startswith('key ') or line.startswith('button ')


def main():
    harness.require('grim', 'wtype', 'wlrctl')
    with Cordon(config=CONFIG) as c:
        h, wh = c.test_window('hostwin', color='ffffff', size='300x200', name='host')
        g, wg = c.test_window('guestwin', domain='guest', color='ffffff', size='300x200',
                              name='guest')
        c.ipc_ok({'cmd': 'move', 'id': wh['id'], 'x': 60, 'y': 80})
        c.ipc_ok({'cmd': 'move', 'id': wg['id'], 'x': 500, 'y': 80})
        wait_for(lambda: c.wait_window(title='guestwin')['x'] == 500 and
                 c.wait_window(title='hostwin')['x'] == 60, 5, what='windows placed')
        wh, wg = c.wait_window(title='hostwin'), c.wait_window(title='guestwin')
        c.click_focus(g, wg)
        g.send('popup 10 10 120 90')
        g.expect(r'^popup-ready$')
        g.send('sync')
        g.expect(r'^synced$')
        c.pointer_to(wh['x'] + 150, wh['y'] + 150)
        layer = shutil.which('swaybg') is not None
        if layer:
            c.spawn(['swaybg', '-c', '#203040'], name='swaybg', stdin=False)
            wait_for(lambda: c.screenshot().pixel(5, 700) == (0x20, 0x30, 0x40), 10,
                     what='swaybg\'s background layer surface')

        surfaces = c.ipc_ok({'cmd': 'attention'})['surfaces']
        kinds = sorted((s['domain'], s['kind']) for s in surfaces)
        harness.log(f'attention: {surfaces!r}')
        for want in [('guest', 'toplevel'), ('guest', 'popup'), ('host', 'toplevel'),
                     ('host', 'cursor')]:
            check(want in kinds, f'attention lists no {want}: {kinds!r}')
        if layer:
            check(('host', 'layer') in kinds, f'attention lists no host layer surface: {kinds!r}')
        gt = [s for s in surfaces if s['domain'] == 'guest' and s['kind'] == 'toplevel'][0]
        check_eq((gt['x'], gt['y'], gt['width'], gt['height']),
                 (wg['x'], wg['y'], wg['width'], wg['height']), 'guest toplevel geometry')
        check(gt['focused'] and not gt['host'], f'guest toplevel marks: {gt!r}')
        ht = [s for s in surfaces if s['kind'] == 'toplevel' and s['domain'] == 'host'][0]
        check(ht['host'] and not ht['focused'], f'host toplevel marks: {ht!r}')
        popup = [s for s in surfaces if s['kind'] == 'popup'][0]
        check(wg['x'] <= popup['x'] < wg['x'] + wg['width'],
              f'the popup {popup!r} is not over the guest window {wg!r}')
        out = c.ctl('attention').stdout
        check('popup' in out and 'guest' in out and 'focused' in out and 'host' in out,
              f'cordonctl attention: {out!r}')

        centre = (wh['x'] + 150, wh['y'] + 100)
        before = c.screenshot()
        check_eq(before.pixel(*centre), WHITE, 'host window centre before the overlay')
        g.skip_pending()
        gmark, hmark = len(g.lines), len(h.lines)

        def shown():
            s = c.screenshot()
            return s if s.pixel(*centre) != WHITE else None

        def gone():
            s = c.screenshot()
            return s if s.pixel(*centre) == WHITE else None

        # While the guest's popup grab holds the keyboard.
        c.wtype('-M', 'logo', '-k', 'i', '-m', 'logo')
        shot = wait_for(shown, 5, what='the attention overlay over the screen')
        out = os.environ.get('CORDON_TEST_ARTIFACTS', c.runtime_dir)
        os.makedirs(out, exist_ok=True)
        shot.save(os.path.join(out, 'attention.png'))
        # The focused guest window's outline: 6 px outside its content, past
        # its 4 px border, where before there was only the background.
        strip = (wg['x'] - 6, wg['y'] + 100, 2, 60)
        check(GUEST not in before.region(*strip), 'guest colour beside the border before')
        check(shot.region(*strip).count(GUEST) > 40,
              'the overlay draws no outline in the guest\'s colour around its window')
        check_eq(len(c.ipc_ok({'cmd': 'attention'})['surfaces']), len(surfaces),
                 'surfaces listed while the overlay is up')
        c.wtype('x')
        wait_for(gone, 5, what='a key ending the overlay')
        g.send('sync')
        g.expect(r'^synced$')
        seen = [l for l in g.lines[gmark:] if key_or_button(l)]
        check_eq(seen, [], 'keys the grabbing guest saw of Super+I and the dismissing key')
        gmark = len(g.lines)

        # A click ends it too, and reaches nobody.
        c.wtype('-M', 'logo', '-k', 'i', '-m', 'logo')
        wait_for(shown, 5, what='the overlay again')
        c.click(wg['x'] + 60, wg['y'] + 150)
        wait_for(gone, 5, what='a click ending the overlay')
        g.send('sync')
        g.expect(r'^synced$')
        h.send('sync')
        h.expect(r'^synced$')
        seen = [l for l in g.lines[gmark:] + h.lines[hmark:] if key_or_button(l)]
        check_eq(seen, [], 'buttons a client saw of the click that ended the overlay')

        # A shortcuts inhibitor does not get the key either.
        c.click(wg['x'] + 40, wg['y'] + 40)
        c.wait_focused(wg['id'])
        g.send('inhibit-shortcuts')
        g.expect(r'^shortcuts-inhibited$', 5)
        g.skip_pending()
        gmark = len(g.lines)
        c.wtype('-M', 'logo', '-k', 'i', '-m', 'logo')
        wait_for(shown, 5, what='the overlay over a shortcuts-inhibiting window')
        c.wtype('-k', 'Escape')
        wait_for(gone, 5, what='Escape ending the overlay')
        g.send('sync')
        g.expect(r'^synced$')
        check_eq([l for l in g.lines[gmark:] if key_or_button(l)], [],
                 'keys the inhibiting guest saw')

        # An X11 window of the guest's own Xwayland is listed as the guest's.
        if shutil.which('xterm') and shutil.which('Xwayland'):
            display = {d['name']: d for d in c.domains()}['guest'].get('display')
            check(display, 'the guest has no X display')
            c.spawn(['xterm', '-T', 'x11win', '-geometry', '30x5', '-e', 'sleep', '120'],
                    env={'DISPLAY': display}, name='xterm', stdin=False)
            c.wait_window(timeout=20, title='x11win')

            def x11_listed():
                got = c.ipc_ok({'cmd': 'attention'})['surfaces']
                return [s for s in got if s['kind'] == 'x11'] or None
            x11 = wait_for(x11_listed, 10, what='an x11 surface in IPC attention')
            check_eq(x11[0]['domain'], 'guest', 'domain of the X11 window')
        else:
            harness.log('no xterm or Xwayland: X11 part skipped')

        # A window mapped while the overlay is up gets its outline and label
        # at once: nothing new hides under the labels of what was there.
        c.wtype('-M', 'logo', '-k', 'i', '-m', 'logo')
        wait_for(shown, 5, what='the overlay once more')
        late, wl = c.test_window('late', domain='guest', color='ffffff', size='200x120')

        def outlined():
            s = c.screenshot()
            return s if s.region(wl['x'] - 6, wl['y'] + 20, 2, 60).count(GUEST) > 40 else None
        wait_for(outlined, 5, what='the outline of a window mapped under the overlay')
        check(any(s['kind'] == 'toplevel' and s['x'] == wl['x'] and s['y'] == wl['y']
                  for s in c.ipc_ok({'cmd': 'attention'})['surfaces']),
              'the late window is not listed')


harness.main(main)
