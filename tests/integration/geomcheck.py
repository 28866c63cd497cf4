"""Screenshot measurements for the geometry tests (issue 8 item 1).

Every figure is counted in device pixels of a grim screenshot, against a
baseline screenshot taken before the window appeared (the background and
the cursor, as they are):

- outside: pixels that differ from the baseline outside every allowed box
  (the window's frame and its popups' frames): a guest painting outside;
- ring: pixels of the frame's border strips (and the titlebar's text-free
  margins) that are not exactly the domain colour;
- background / shadow: pixels inside the frame's interior that show the
  background or the client's shadow colour: content that does not start at
  the frame's inner corner or does not fill it.

At a fractional scale an edge at a layout coordinate falls between device
pixels; one device pixel on each side of every edge is then left out.
"""
import math
import os
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TESTS)
import harness
from harness import check, check_eq, wait_for, BORDER
import vpointer

BLACK = (0, 0, 0)
SHADOW = (255, 0, 255)
# The fullscreen edge a guest keeps (frame.c FRAME_EDGE_WIDTH).
EDGE = 3
POPUP_BORDER = 2


class Pointer:
    """A zwlr_virtual_pointer_v1 on the host socket; each request is
    followed by a frame and a round trip, so cordon handled it on return.
    layout is the (width, height) absolute motion maps onto."""

    def __init__(self, c, layout):
        self.layout = layout
        self.conn = vpointer.Connection(c.host_socket)
        self.conn.get_registry()
        seat = self.conn.bind('wl_seat', 1)
        manager = self.conn.bind(vpointer.VPM_INTERFACE, 1)
        check(manager is not None, f'no {vpointer.VPM_INTERFACE} on the host socket')
        self.ptr = self.conn.new_id('zwlr_virtual_pointer_v1')
        self.conn.send(manager, vpointer.VPM_CREATE_VIRTUAL_POINTER,
                       vpointer.enc_uint(seat or 0) + vpointer.enc_uint(self.ptr))
        self.conn.roundtrip(timeout=5)
        self.pos = None

    def _frame(self):
        self.conn.send(self.ptr, vpointer.VP_FRAME)
        self.conn.roundtrip(timeout=5)

    def move(self, x, y):
        lw, lh = self.layout
        x, y = int(x), int(y)
        check(0 <= x < lw and 0 <= y < lh, f'pointer target ({x},{y}) off the layout')
        u = vpointer.enc_uint
        self.conn.send(self.ptr, vpointer.VP_MOTION_ABSOLUTE,
                       u(vpointer.now_ms()) + u(x) + u(y) + u(lw) + u(lh))
        self._frame()
        self.pos = (x, y)

    def glide(self, dx, dy, steps=4):
        x0, y0 = self.pos
        for i in range(1, steps + 1):
            self.move(x0 + dx * i // steps, y0 + dy * i // steps)

    def button(self, code, pressed):
        u = vpointer.enc_uint
        self.conn.send(self.ptr, vpointer.VP_BUTTON,
                       u(vpointer.now_ms()) + u(code) +
                       u(vpointer.BUTTON_PRESSED if pressed else vpointer.BUTTON_RELEASED))
        self._frame()

    def close(self):
        try:
            self.conn.send(self.ptr, vpointer.VP_DESTROY)
            self.conn.roundtrip(timeout=2)
        except (OSError, vpointer.Disconnected, vpointer.ProtocolError):
            pass
        self.conn.sock.close()


def window(c, win_id):
    found = c.find_windows(id=win_id)
    check(len(found) == 1, lambda: f'window {win_id} not in IPC windows {c.windows()!r}')
    return found[0]


def wait_settled(c, win_id, pred=lambda w: True, what='the window', timeout=5):
    """Waits until IPC shows the window satisfying pred and unchanged for a
    moment (the client committed what it was asked for)."""
    last = []

    def probe():
        w = window(c, win_id)
        key = (w['x'], w['y'], w['width'], w['height'], w['maximized'], w['fullscreen'])
        ok = pred(w) and last and last[-1] == key
        last.append(key)
        return w if ok else None
    return wait_for(probe, timeout, what=what, interval=0.15)


def drag(c, ptr, start, delta):
    """Presses the left button at start, glides by delta, releases."""
    ptr.move(*start)
    ptr.button(harness.BTN_LEFT, True)
    ptr.glide(*delta)
    ptr.button(harness.BTN_LEFT, False)


def titlebar_height(shot, win, color, scale):
    """The titlebar's height in layout pixels, measured up the left border's
    innermost device column from the content's top edge."""
    x = int(math.floor(win['x'] * scale)) - 1 - (0 if scale == int(scale) else 1)
    y = int(math.floor(win['y'] * scale)) - 1 - (0 if scale == int(scale) else 1)
    n = 0
    while y >= 0 and shot.pixel(x, y) == color:
        n += 1
        y -= 1
    return int(round(n / scale)) - BORDER


class Box:
    """A layout box turned into device pixel bounds: outer bounds (for
    leaks: everything it may cover) and inner bounds (for checks: pixels
    surely inside)."""

    def __init__(self, x0, y0, x1, y1, scale):
        self.layout = (x0, y0, x1, y1)
        slack = 0 if scale == int(scale) else 1
        self.ox0 = int(math.floor(x0 * scale)) - slack
        self.oy0 = int(math.floor(y0 * scale)) - slack
        self.ox1 = int(math.ceil(x1 * scale)) + slack
        self.oy1 = int(math.ceil(y1 * scale)) + slack
        self.ix0 = int(math.ceil(x0 * scale)) + slack
        self.iy0 = int(math.ceil(y0 * scale)) + slack
        self.ix1 = int(math.floor(x1 * scale)) - slack
        self.iy1 = int(math.floor(y1 * scale)) - slack


def count_outside(base, shot, allowed):
    """Pixels that differ from the baseline outside every allowed Box
    (outer bounds), and the first few of them."""
    check_eq((shot.width, shot.height), (base.width, base.height), 'screenshot size')
    n, first = 0, []
    row = shot.width * 3
    for y in range(shot.height):
        a, b = y * row, (y + 1) * row
        if shot.pixels[a:b] == base.pixels[a:b]:
            continue
        # The x ranges of this row that allowed boxes cover.
        spans = sorted((bx.ox0, bx.ox1) for bx in allowed if bx.oy0 <= y < bx.oy1)
        x = 0
        for s0, s1 in spans + [(shot.width, shot.width)]:
            s0 = max(0, min(shot.width, s0))
            if s0 > x:
                seg_a, seg_b = a + x * 3, a + s0 * 3
                if shot.pixels[seg_a:seg_b] != base.pixels[seg_a:seg_b]:
                    for xx in range(x, s0):
                        i = a + xx * 3
                        if shot.pixels[i:i + 3] != base.pixels[i:i + 3]:
                            n += 1
                            if len(first) < 5:
                                first.append((xx, y, tuple(shot.pixels[i:i + 3])))
            x = max(x, min(shot.width, s1))
    return n, first


def count_colors(shot, x0, y0, x1, y1, colors, ignore=()):
    """Pixels of the device rectangle [x0,x1) x [y0,y1) that are one of
    colors, leaving out those in the ignore Boxes (outer bounds)."""
    want = {bytes(c) for c in colors}
    n = 0
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(shot.width, x1), min(shot.height, y1)
    row = shot.width * 3
    for y in range(y0, y1):
        skip = [(b.ox0, b.ox1) for b in ignore if b.oy0 <= y < b.oy1]
        seg = shot.pixels[y * row + x0 * 3:y * row + x1 * 3]
        for i in range(0, len(seg), 3):
            if seg[i:i + 3] in want:
                x = x0 + i // 3
                if not any(s0 <= x < s1 for s0, s1 in skip):
                    n += 1
    return n


def count_not_color(shot, x0, y0, x1, y1, color):
    """Pixels of the device rectangle that are not exactly color."""
    x0, y0 = max(0, x0), max(0, y0)
    x1, y1 = min(shot.width, x1), min(shot.height, y1)
    if x1 <= x0 or y1 <= y0:
        return 0
    full = bytes(color) * (x1 - x0)
    row = shot.width * 3
    n = 0
    for y in range(y0, y1):
        seg = shot.pixels[y * row + x0 * 3:y * row + x1 * 3]
        if seg != full:
            n += sum(1 for i in range(0, len(seg), 3) if seg[i:i + 3] != full[:3])
    return n


def count_colors_band(shot, box, band, colors, ignore=()):
    """count_colors over the Box's inner bounds, or only over bands of that
    many device pixels along its four edges (where shifted content shows)."""
    x0, y0, x1, y1 = box.ix0, box.iy0, box.ix1, box.iy1
    if band is None or x1 - x0 <= 2 * band or y1 - y0 <= 2 * band:
        return count_colors(shot, x0, y0, x1, y1, colors, ignore)
    return (count_colors(shot, x0, y0, x1, y0 + band, colors, ignore) +
            count_colors(shot, x0, y1 - band, x1, y1, colors, ignore) +
            count_colors(shot, x0, y0 + band, x0 + band, y1 - band, colors, ignore) +
            count_colors(shot, x1 - band, y0 + band, x1, y1 - band, colors, ignore))


def measure(base, shot, win, color, scale, mode='normal', titlebar=None, popups=(),
            content_bad=(BLACK, SHADOW), band=None, skip_ring=(), pointer=None,
            corner=0):
    """The figures for one window (IPC dict) in shot. mode: 'normal' (border
    and titlebar), 'edge' (fullscreen guest) or 'none'. popups: layout boxes
    (x, y, w, h) of popup contents, each framed by POPUP_BORDER px. Returns
    a dict: outside, ring, background, shadow, plus the first leaks.
    pointer: layout positions where the cursor is or was drawn (left out,
    32 px around each, with the ring not counted).

    A guest's window is backed by the domain colour (nothing of another
    domain shows through it), so content that does not fill the frame shows
    that colour: it counts as background inside, as black does when
    content_bad has it. corner: squares of that many layout pixels at the
    content's corners left out of that count (toolkits round them)."""
    x, y, w, h = win['x'], win['y'], win['width'], win['height']
    if mode == 'normal':
        tb = titlebar if titlebar is not None else titlebar_height(shot, win, color, scale)
        ext = (BORDER, BORDER + tb, BORDER, BORDER)
    elif mode == 'edge':
        tb, ext = 0, (EDGE, EDGE, EDGE, EDGE)
    else:
        tb, ext = 0, (0, 0, 0, 0)
    left, top, right, bottom = ext
    outer = Box(x - left, y - top, x + w + right, y + h + bottom, scale)
    inner = Box(x, y, x + w, y + h, scale)
    allowed = [outer]
    for (px, py, pw, ph) in popups:
        b = POPUP_BORDER
        allowed.append(Box(px - b, py - b, px + pw + b, py + ph + b, scale))
    ignore = [Box(px - 32, py - 32, px + 32, py + 32, scale) for px, py in (pointer or ())]
    outside, first = count_outside(base, shot, allowed + ignore)
    ring = 0
    if mode != 'none':
        edge = (left if mode == 'edge' else BORDER)
        # Sides run below the top strip (a banner may cover that one).
        top_strip = edge if 'top' in skip_ring else 0
        bw = Box(x - left, y - top + top_strip, x - left + edge, y + h + bottom, scale)  # left
        ring += count_not_color(shot, bw.ix0, bw.iy0, bw.ix1, bw.iy1, color)
        bw = Box(x + w, y - top + top_strip, x + w + right, y + h + bottom, scale)  # right
        ring += count_not_color(shot, bw.ix0, bw.iy0, bw.ix1, bw.iy1, color)
        bw = Box(x - left, y + h, x + w + right, y + h + bottom, scale)         # bottom
        ring += count_not_color(shot, bw.ix0, bw.iy0, bw.ix1, bw.iy1, color)
        if 'top' not in skip_ring:
            bw = Box(x - left, y - top, x + w + right, y - top + edge, scale)   # top
            ring += count_not_color(shot, bw.ix0, bw.iy0, bw.ix1, bw.iy1, color)
        if mode == 'normal':
            # The titlebar's margins beside the text and below it. Its left
            # end is the badge box, in cordon's colours (issue 16; about one
            # titlebar height wide, test_identity_frames checks it).
            badge = 2 * tb
            for bx in (Box(x + w - 3, y - tb, x + w, y, scale),
                       Box(x + badge, y - 2, x + w, y, scale)):
                ring += count_not_color(shot, bx.ix0, bx.iy0, bx.ix1, bx.iy1, color)
    if pointer is not None:
        ring = 0
    if corner:
        ignore += [Box(cx, cy, cx + corner, cy + corner, scale)
                   for cx in (x, x + w - corner) for cy in (y, y + h - corner)]
    # Popups (and their frames) legitimately cover the content.
    ignore += allowed[1:]
    bg_colors = [color] + ([BLACK] if BLACK in content_bad else [])
    bg = count_colors_band(shot, inner, band, bg_colors, ignore)
    shadow = count_colors_band(shot, inner, band, [c for c in content_bad if c != BLACK],
                               ignore)
    return {'outside': outside, 'ring': ring, 'background': bg, 'shadow': shadow,
            'first_outside': first, 'titlebar': tb}


def check_clean(fig, what, ring_ok=0):
    """Fails unless the figures show a window exactly inside its frame."""
    harness.log(f'{what}: outside {fig["outside"]}, ring {fig["ring"]}, '
                f'background inside {fig["background"]}, shadow inside {fig["shadow"]}')
    check(fig['outside'] == 0,
          f'{what}: {fig["outside"]} pixels of the window outside its frame '
          f'(first: {fig["first_outside"]})')
    check(fig['ring'] <= ring_ok, f'{what}: {fig["ring"]} frame pixels not the domain colour')
    check(fig['background'] == 0,
          f'{what}: {fig["background"]} background pixels inside the frame')
    check(fig['shadow'] == 0,
          f'{what}: {fig["shadow"]} shadow pixels inside the frame (content shifted)')
