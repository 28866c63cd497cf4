#!/usr/bin/env python3
"""Interactive move and resize (issue 2 item 7) with a real client and a
pointer that holds its button down while it moves:

- titlebar drag moves the window by exactly the pointer's motion, size kept;
- Super+left-drag in the content moves it;
- a drag on the frame's bottom-right corner resizes (the top-left stays),
  a drag on the left border resizes from the left (the right edge stays);
- Super+right-drag resizes from the corner nearest the pointer;
- a maximized window dragged by its titlebar comes back at its previous
  size under the pointer;
and in every case cordon keeps the press: the client sees no button event,
and gets the pointer back (pointer-enter) when a grab ends over it.

The pointer is geomcheck.Pointer, tests/vpointer.py's wire code used in
this process (it can press the left and the right button). Super is held by a `wtype -M logo`
that then types F13 (unbound) and sleeps: the client printing that key
proves the modifier is in effect, and killing wtype lets it go.
"""
import os
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TESTS)
import harness
from harness import Cordon, check, check_eq, wait_for, BORDER, OUTPUT_SIZE
from geomcheck import Pointer

OW, OH = OUTPUT_SIZE
SIZE = (400, 300)
# The most a titlebar plus the top border may measure (as harness.check_frame).
TITLEBAR_MAX = 48
BTN_LEFT, BTN_RIGHT = harness.BTN_LEFT, harness.BTN_RIGHT


class Super:
    """Holds Super down (a wtype with the logo modifier pressed) until left."""

    def __init__(self, c, cl):
        self.proc = c.spawn(['wtype', '-M', 'logo', '-k', 'F13', '-s', '30000'],
                            name='wtype-super', stdin=False)
        # The modifiers request precedes the key: once the focused client
        # has the key, cordon has Super down.
        cl.expect(r'^key \d+ released$', 10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        return False


def window(c, win_id):
    found = c.find_windows(id=win_id)
    check(len(found) == 1, lambda: f'window {win_id} not in IPC windows {c.windows()!r}')
    return found[0]


def geometry(win):
    return (win['x'], win['y'], win['width'], win['height'])


def wait_geometry(c, win_id, want, what):
    """Waits until IPC gives the window the geometry want (x, y, w, h)."""
    seen = []

    def probe():
        win = window(c, win_id)
        seen.append(geometry(win))
        return win if seen[-1] == want else None
    try:
        return wait_for(probe, 5, what=f'{what}: IPC geometry {want}')
    except harness.CordonGone:
        raise
    except harness.TestFailure as e:
        harness.fail(f'{e}; IPC (x, y, width, height) last {seen[-1:]}')


def no_button(cl, what):
    try:
        cl.expect_not(r'^button ', within=0.3)
    except harness.TestFailure as e:
        harness.fail(f'{what}: the client got a button event: {e}')


def enter_content(ptr, cl, x, y):
    """Puts the pointer on the desktop, then at (x, y) over the client's
    content, and waits for the client's pointer-enter: a later
    pointer-enter can only come from something after this."""
    ptr.move(OW - 2, OH - 2)
    ptr.move(x, y)
    cl.expect(r'^pointer-enter ', 5)


def last_configure(cl, w, h, what):
    """Waits for a configure of w x h (interim ones from the glide are
    skipped) without the maximized state; returns its states."""
    m = cl.expect(rf'^configure {w} {h}( .*)?$', 5)
    states = (m.group(1) or '').split()
    check('maximized' not in states and 'fullscreen' not in states,
          f'{what}: configure {w}x{h} has states {states}')
    return states


def titlebar_drag(c, ptr, cl, win_id):
    x, y, w, h = before = geometry(window(c, win_id))
    cl.skip_pending()
    ptr.move(x + 30, y - 10)
    ptr.button(BTN_LEFT, True)
    ptr.glide(150, 80)
    ptr.button(BTN_LEFT, False)
    win = wait_geometry(c, win_id, (x + 150, y + 80, w, h),
                        f'titlebar drag by (+150,+80) from {before}')
    no_button(cl, 'titlebar drag')
    cl.expect_not(r'^configure ', within=0.1)
    # Released over the titlebar: the pointer reaches the client over its content.
    ptr.move(win['x'] + w // 2, win['y'] + h // 2)
    cl.expect(r'^pointer-enter ', 5)
    no_button(cl, 'pointer back on the content')


def super_move(c, ptr, cl, win_id):
    x, y, w, h = before = geometry(window(c, win_id))
    with Super(c, cl):
        cl.skip_pending()
        enter_content(ptr, cl, x + w // 2, y + h // 2)
        ptr.button(BTN_LEFT, True)
        cl.expect(r'^pointer-leave$', 5)
        ptr.glide(60, 40)
        ptr.button(BTN_LEFT, False)
        wait_geometry(c, win_id, (x + 60, y + 40, w, h),
                      f'Super+drag by (+60,+40) from {before}')
        # Released over the content: the client has the pointer again.
        m = cl.expect(r'^pointer-enter (-?\d+) (-?\d+)', 5)
        check((int(m.group(1)), int(m.group(2))) == (w // 2, h // 2),
              f'pointer-enter after Super+drag at {m.group(1)},{m.group(2)}, expected '
              f'{w // 2},{h // 2} (the grab point in the window)')
        no_button(cl, 'Super+drag')


def border_drag(c, ptr, cl, win_id, what, at, delta, after):
    """Left-drags the frame from at(x, y, w, h) by delta; the window must
    end at after(x, y, w, h), the client's last configure with its size."""
    x, y, w, h = before = geometry(window(c, win_id))
    want = after(x, y, w, h)
    cl.skip_pending()
    ptr.move(*at(x, y, w, h))
    ptr.button(BTN_LEFT, True)
    ptr.glide(*delta)
    ptr.button(BTN_LEFT, False)
    last_configure(cl, want[2], want[3], what)
    wait_geometry(c, win_id, want, f'{what} by ({delta[0]:+},{delta[1]:+}) from {before}')
    no_button(cl, what)


def border_resize(c, ptr, cl, win_id):
    # Bottom-right corner: just outside the content, inside the border.
    border_drag(c, ptr, cl, win_id, 'bottom-right border drag',
                lambda x, y, w, h: (x + w + BORDER // 2, y + h + BORDER // 2), (100, 60),
                lambda x, y, w, h: (x, y, w + 100, h + 60))
    # Left border, halfway down: the right edge stays where it is.
    border_drag(c, ptr, cl, win_id, 'left border drag',
                lambda x, y, w, h: (x - BORDER // 2, y + h // 2), (-70, 25),
                lambda x, y, w, h: (x - 70, y, w + 70, h))
    # And back in from the left: x grows by the delta, width shrinks by it.
    border_drag(c, ptr, cl, win_id, 'left border drag inwards',
                lambda x, y, w, h: (x - BORDER // 2, y + h // 3), (90, -15),
                lambda x, y, w, h: (x + 90, y, w - 90, h))


def super_drag(c, ptr, cl, win_id, quadrant, at, delta, after):
    """With Super held, right-drags the content from at(x, y, w, h) by
    delta; the window must end at after(x, y, w, h)."""
    what = f'Super+right-drag, {quadrant}'
    x, y, w, h = before = geometry(window(c, win_id))
    want = after(x, y, w, h)
    cl.skip_pending()
    enter_content(ptr, cl, *at(x, y, w, h))
    ptr.button(BTN_RIGHT, True)
    cl.expect(r'^pointer-leave$', 5)
    ptr.glide(*delta)
    ptr.button(BTN_RIGHT, False)
    last_configure(cl, want[2], want[3], what)
    wait_geometry(c, win_id, want,
                  f'Super+right-drag from the {quadrant} quadrant by '
                  f'({delta[0]:+},{delta[1]:+}) from {before}')
    cl.expect(r'^pointer-enter ', 5)
    no_button(cl, what)


def super_resize(c, ptr, cl, win_id):
    with Super(c, cl):
        # Top-left quadrant: the top-left corner follows, bottom-right stays.
        super_drag(c, ptr, cl, win_id, 'top-left',
                   lambda x, y, w, h: (x + w // 4, y + h // 4), (-40, -30),
                   lambda x, y, w, h: (x - 40, y - 30, w + 40, h + 30))
        # Bottom-right quadrant: the top-left stays.
        super_drag(c, ptr, cl, win_id, 'bottom-right',
                   lambda x, y, w, h: (x + w * 3 // 4, y + h * 3 // 4), (-60, 45),
                   lambda x, y, w, h: (x, y, w - 60, h + 45))


def maximized_drag(c, ptr, cl, win_id):
    x, y, w, h = before = geometry(window(c, win_id))
    cl.skip_pending()
    cl.send('maximize')
    cl.expect(r'^configure \d+ \d+ .*maximized', 5)
    big = wait_for(lambda: [v for v in c.find_windows(id=win_id, maximized=True)
                            if v['width'] > w], 5, what='IPC maximized with a larger size')[0]
    mx, my, mw, mh = geometry(big)
    cl.skip_pending()
    px, py = mx + mw // 3, my - 10
    ptr.move(px, py)
    ptr.button(BTN_LEFT, True)
    ptr.glide(100, 120)
    ptr.button(BTN_LEFT, False)
    rx, ry = ptr.pos
    last_configure(cl, w, h, 'drag of a maximized window')
    win = wait_for(lambda: [v for v in c.find_windows(id=win_id, maximized=False)
                            if (v['width'], v['height']) == (w, h)], 5,
                   what=f'IPC: the dragged maximized window back at {w}x{h} '
                        f'(windows {c.windows()!r})')[0]
    # Under the pointer: the same fraction of its width to the left of the
    # pointer as when maximized, its titlebar under the pointer.
    fx = (px - mx) / mw
    want_x = int(rx - fx * w)
    check(abs(win['x'] - want_x) <= 1,
          f'restored window at x {win["x"]}, expected about {want_x} (pointer at '
          f'{rx}, {fx:.3f} of the width from its left edge); window {win!r}')
    check(win['x'] <= rx < win['x'] + w and win['y'] - TITLEBAR_MAX <= ry < win['y'],
          f'pointer ({rx},{ry}) is not over the restored window\'s titlebar: {win!r}')
    no_button(cl, 'drag of a maximized window')
    # Still a normal window: a titlebar drag moves it by the pointer's motion.
    titlebar_drag(c, ptr, cl, win_id)
    check_eq(geometry(window(c, win_id))[2:], (w, h), 'size after the later move')
    return before


def main():
    harness.require('wtype', 'wlrctl')
    with Cordon() as c:
        cl = c.spawn_client(['--title', 'mover', '--size', f'{SIZE[0]}x{SIZE[1]}',
                             '--color', 'ff0000'])
        cl.expect(r'^ready$', 10)
        win = c.wait_window(title='mover')
        win_id = win['id']
        check_eq((win['width'], win['height']), SIZE, 'initial size')
        c.wait_focused(win_id)
        # The configure that says so comes at cordon's next idle, after ready:
        # it must not land in the first drag's "no configure" window.
        cl.expect(r'^configure \d+ \d+ .*activated', 5)
        ptr = Pointer(c, OUTPUT_SIZE)
        try:
            # Room for the drags: start near the top-left of the output.
            check(win['x'] < 200 and win['y'] < 100,
                  f'first window placed at {win!r}, expected near the top-left')
            harness.log('titlebar drag')
            titlebar_drag(c, ptr, cl, win_id)
            harness.log('Super+drag')
            super_move(c, ptr, cl, win_id)
            harness.log('border resize')
            border_resize(c, ptr, cl, win_id)
            harness.log('Super+right-drag')
            super_resize(c, ptr, cl, win_id)
            harness.log('maximized titlebar drag')
            maximized_drag(c, ptr, cl, win_id)
            c.check_alive('after the drags')
        finally:
            ptr.close()


harness.main(main)
