#!/usr/bin/env python3
"""Issue 8 item 1: a guest whose window geometry has an offset (a client-side
shadow, as GTK draws) is drawn with its content exactly at the frame's inner
corner, filling it, and nothing of it (shadow, subsurfaces reaching outside
its buffer, popups and their shadows) shows outside its frame or its popups'
2 px frames: at output scales 1, 1.5 and 2, floating, with a popup open,
maximized, restored, during and after interactive resizes from every edge
and corner but one (the edges opposite stay put), and fullscreen. A popup
that would cross the output's edge slides back with its 2 px frame. A host
window with a shadow keeps its frame the same way.

The test client (--geometry-offset 24,16 --poke) paints its content white,
a 24x16 px magenta shadow around it outside its window geometry, and two
30x30 magenta subsurfaces outside its buffer. Figures are counted in device
pixels (geomcheck.py); before the fix the content was shifted up and left
by the offset: magenta strips inside the frame, content outside it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geomcheck as g
import harness
from harness import Cordon, check, check_eq, hex_color, wait_for

WORK = hex_color('4e9a06')
BLUE = (0, 0, 255)
OFFSET = (24, 16)
SIZE = (240, 160)


def config(scale):
    return f"[output HEADLESS-1]\nscale = {scale}\n\n[domain work]\ncolor = #4e9a06\n"


def settle(cl, size=None, states=''):
    """Waits for the client to be configured to size (if given), then for a
    round trip: its answering commit has reached cordon."""
    if size is not None:
        cl.expect(rf'^configure {size[0]} {size[1]}\b.*{states}', 10)
    cl.send('sync')
    cl.expect(r'^synced$', 10)


def enter_state(c, cl, wid, request, state):
    """The client asks for request (maximize, fullscreen): once configured
    in state and settled, IPC must say so. Returns the window from IPC."""
    cl.skip_pending()
    cl.send(request)
    cl.expect_configure(state, timeout=10)
    settle(cl)
    win = g.window(c, wid)
    check(win[state], f'not {state}: {win!r}')
    return win


def shoot(c, base, win, scale, what, **kw):
    """Screenshot, measure, check; returns the figures."""
    shot = c.screenshot()
    fig = g.measure(base, shot, win, WORK, scale, **kw)
    g.check_clean(fig, what)
    return fig, shot


def popup_ring(shot, box, scale):
    """Frame pixels of a popup that are not the domain colour."""
    x, y, w, h = box
    b = g.POPUP_BORDER
    n = 0
    for sx0, sy0, sx1, sy1 in [(x - b, y - b, x + w + b, y), (x - b, y + h, x + w + b, y + h + b),
                               (x - b, y, x, y + h), (x + w, y, x + w + b, y + h)]:
        bx = g.Box(sx0, sy0, sx1, sy1, scale)
        n += g.count_not_color(shot, bx.ix0, bx.iy0, bx.ix1, bx.iy1, WORK)
    return n


def run(scale):
    harness.log(f'--- scale {scale} ---')
    with Cordon(config=config(scale)) as c:
        out = c.outputs()[0]
        layout = (out['width'], out['height'])
        ptr = g.Pointer(c, layout)
        rest = (int(layout[0] * 0.7), int(layout[1] * 0.7))
        ptr.move(*rest)
        base = c.screenshot()
        cl, win = c.test_window('g', domain='work', color='ffffff', size=f'{SIZE[0]}x{SIZE[1]}',
                                args=['--geometry-offset', f'{OFFSET[0]},{OFFSET[1]}', '--poke'])
        wid = win['id']
        check_eq((win['width'], win['height']), SIZE, 'IPC size of the shadowed window')

        # Away from the output's edges, so leaks up or left would show.
        shot = c.screenshot()
        tb = g.titlebar_height(shot, win, WORK, scale)
        check(8 <= tb <= 48, f'titlebar height {tb} out of range')
        g.drag(c, ptr, (win['x'] + 60, win['y'] - tb // 2), (90, 70))
        ptr.move(*rest)
        win = g.window(c, wid)
        check(win['x'] >= 90 and win['y'] >= 70, f'the window was not dragged: {win!r}')
        shoot(c, base, win, scale, f'scale {scale}: floating', titlebar=tb)

        # A popup with a shadow of its own.
        cl.send('popup 30 20 100 60 0000ff')
        m = cl.expect(r'^popup-configure (-?\d+) (-?\d+) (\d+) (\d+)$')
        cl.expect(r'^popup-ready$')
        px, py, pw, ph = (int(v) for v in m.groups())
        box = (win['x'] + px, win['y'] + py, pw, ph)

        def popup_drawn():
            s = c.screenshot()
            bx = g.Box(box[0], box[1], box[0] + pw, box[1] + ph, scale)
            return s if s.pixel((bx.ix0 + bx.ix1) // 2, (bx.iy0 + bx.iy1) // 2) == BLUE else None
        shot = wait_for(popup_drawn, 5, what='the popup drawn at its configured place')
        fig = g.measure(base, shot, win, WORK, scale, titlebar=tb, popups=[box])
        g.check_clean(fig, f'scale {scale}: with a popup')
        pb = g.Box(box[0], box[1], box[0] + pw, box[1] + ph, scale)
        inside = g.count_colors(shot, pb.ix0, pb.iy0, pb.ix1, pb.iy1, [g.SHADOW, g.BLACK])
        ring = popup_ring(shot, box, scale)
        harness.log(f'scale {scale}: popup: shadow/background inside {inside}, '
                    f'frame pixels off colour {ring}')
        check(inside == 0, f'scale {scale}: {inside} shadow pixels inside the popup frame')
        check(ring == 0, f'scale {scale}: {ring} popup frame pixels not the domain colour')
        cl.send('close-popup')
        # A popup that would cross the output's right edge slides back, its
        # 2 px frame included.
        cl.skip_pending()
        cl.send(f'popup {layout[0]} 10 100 40 0000ff')
        m = cl.expect(r'^popup-configure (-?\d+) (-?\d+) (\d+) (\d+)$')
        cl.expect(r'^popup-ready$')
        check_eq(win['x'] + int(m.group(1)) + 100 + g.POPUP_BORDER, layout[0],
                 'right edge of the frame of a popup slid back onto the output')
        cl.send('close-popup')

        def popup_gone():
            s = c.screenshot()
            return g.count_outside(base, s, [g.Box(win['x'] - 4, win['y'] - tb - 4,
                                                   win['x'] + win['width'] + 4,
                                                   win['y'] + win['height'] + 4, scale)])[0] == 0
        wait_for(popup_gone, 5, what='the popup gone')

        full = enter_state(c, cl, wid, 'maximize', 'maximized')
        shoot(c, base, full, scale, f'scale {scale}: maximized', titlebar=tb, band=12)
        cl.skip_pending()
        cl.send('unmaximize')
        settle(cl, SIZE)
        win = g.window(c, wid)
        check_eq((win['width'], win['height']), SIZE, 'size after unmaximize')
        shoot(c, base, win, scale, f'scale {scale}: restored', titlebar=tb)

        # Resizes, checked while the button is held and after the release.
        for name, start, delta, grow in [
                ('left edge', lambda w: (w['x'] - 2, w['y'] + w['height'] // 2), (-40, 0),
                 (40, 0)),
                ('top-left corner', lambda w: (w['x'] - 2, w['y'] - tb - 2), (30, 20),
                 (-30, -20)),
                ('bottom-right corner',
                 lambda w: (w['x'] + w['width'] + 2, w['y'] + w['height'] + 2), (50, 30),
                 (50, 30)),
                ('top edge', lambda w: (w['x'] + w['width'] // 2, w['y'] - tb - 2), (0, -20),
                 (0, 20)),
                ('right edge', lambda w: (w['x'] + w['width'] + 2, w['y'] + w['height'] // 2),
                 (-30, 0), (-30, 0)),
                ('bottom-left corner', lambda w: (w['x'] - 2, w['y'] + w['height'] + 2),
                 (20, -20), (-20, -20)),
                ('top-right corner', lambda w: (w['x'] + w['width'] + 2, w['y'] - tb - 2),
                 (20, 10), (20, -10))]:
            before = win
            want = (before['width'] + grow[0], before['height'] + grow[1])
            cl.skip_pending()
            ptr.move(*start(win))
            ptr.button(harness.BTN_LEFT, True)
            ptr.glide(*delta)
            settle(cl, want)
            held = g.window(c, wid)
            check_eq((held['width'], held['height']), want, f'size resized from the {name}')
            # The pointer sits on the frame during the drag.
            fig = g.measure(base, c.screenshot(), held, WORK, scale, titlebar=tb,
                            pointer=[ptr.pos, rest])
            g.check_clean(fig, f'scale {scale}: during a resize from the {name}')
            ptr.button(harness.BTN_LEFT, False)
            ptr.move(*rest)
            settle(cl)
            win = g.window(c, wid)
            # The edges opposite those dragged stay put.
            right, bottom = before['x'] + before['width'], before['y'] + before['height']
            if 'left' in name:
                check_eq(win['x'] + win['width'], right, f'right edge kept, {name}')
            else:
                check_eq(win['x'], before['x'], f'left edge kept, {name}')
            if 'top' in name:
                check_eq(win['y'] + win['height'], bottom, f'bottom edge kept, {name}')
            else:
                check_eq(win['y'], before['y'], f'top edge kept, {name}')
            shoot(c, base, win, scale, f'scale {scale}: after a resize from the {name}',
                  titlebar=tb)

        full = enter_state(c, cl, wid, 'fullscreen', 'fullscreen')
        shot = c.screenshot()
        # The banner covers the top edge for a few seconds: not counted.
        fig = g.measure(base, shot, full, WORK, scale, mode='edge', band=12,
                        skip_ring=('top',))
        g.check_clean(fig, f'scale {scale}: fullscreen')
        ptr.close()


def run_host():
    """A host window keeps its frame too: content at the inner corner, its
    shadow and pokes cut at the frame (hosts are not backed by a colour)."""
    harness.log('--- host window ---')
    with Cordon() as c:
        ptr = g.Pointer(c, harness.OUTPUT_SIZE)
        rest = (1200, 650)
        ptr.move(*rest)
        base = c.screenshot()
        cl, win = c.test_window('h', color='ffffff', size=f'{SIZE[0]}x{SIZE[1]}',
                                args=['--geometry-offset', f'{OFFSET[0]},{OFFSET[1]}', '--poke'])
        tb = g.titlebar_height(c.screenshot(), win, harness.HOST_COLOR, 1)
        check(8 <= tb <= 48, f'host titlebar height {tb}')
        g.drag(c, ptr, (win['x'] + 60, win['y'] - tb // 2), (100, 100))
        ptr.move(*rest)
        win = g.window(c, win['id'])
        fig = g.measure(base, c.screenshot(), win, harness.HOST_COLOR, 1, titlebar=tb)
        g.check_clean(fig, 'host window')


def main():
    harness.require('grim')
    for scale in (1, 1.5, 2):
        run(scale)
    run_host()


harness.main(main)
