#!/usr/bin/env python3
"""Issue 9 item 5: a guest's cursor image stays in a box around the
pointer. A raw-wire guest in beta sets cursor images in a colour nothing
else uses and the screenshots (grim draws the software cursor) must show:
- a small cursor with its hotspot inside: drawn at the pointer (the control);
- a 128x128 image with a far hotspot (the attack: it covered another
  domain's tag 436 px away): not drawn at all;
- an image larger than 128x128: not drawn;
- an image that would overlap alpha's window or tag, or alpha's popup
  reaching over beta's window: not drawn, and drawn again once it is clear;
- a paste prompt (the guest pastes itself, so nothing else moves): while
  it is up the guest's image is replaced by cordon's cursor, even one set
  anew, and it comes back when the prompt is answered."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, log, wait_for
import cliptest
from cliptest import A, B, Desk
import wire

MARK_ARGB = 0xff12fe34
MARK = bytes((0x12, 0xfe, 0x34))


def marked(shot):
    """(count, bounding box) of the cursor colour in a screenshot."""
    px = shot.pixels
    xs, ys = [], []
    i = px.find(MARK)
    while i >= 0:
        if i % 3 == 0:
            n = i // 3
            xs.append(n % shot.width)
            ys.append(n // shot.width)
        i = px.find(MARK, i + 1)
    if not xs:
        return 0, None
    return len(xs), (min(xs), min(ys), max(xs), max(ys))


class Guest:
    """The hostile beta client: one window, a pointer, cursor surfaces."""

    def __init__(self, c):
        self.c = c
        self.conn = wire.Connection(c.domain_socket(B))
        self.conn.setup()
        seat = self.conn.bind('wl_seat', 5)
        self.pointer = self.conn.create(seat, 'get_pointer', 'wl_pointer')
        self.conn.create(seat, 'get_keyboard', 'wl_keyboard')
        ddm = self.conn.bind('wl_data_device_manager', 3)
        self.conn.create(ddm, 'get_data_device', 'wl_data_device', b'', wire.u32(seat))
        self.surface, _, _ = self.conn.toplevel(400, 300, 0xff202020, 'hostile-cursor')
        self.info = c.wait_window(title='hostile-cursor')

    def point(self, x, y):
        """Moves the pointer to (x, y), in its window."""
        self.c.pointer_to(x, y)
        self.conn.roundtrip()

    def cursor(self, width, height, hx, hy):
        """Sets a cursor image, with the serial of the latest pointer enter."""
        self.conn.roundtrip()
        check(self.conn.pointer_enter is not None, 'the guest never got a pointer enter')
        s = self.conn.surface()
        self.conn.attach(s, self.conn.buffer(width, height, MARK_ARGB), width, height)
        self.conn.request(self.pointer, 'set_cursor', wire.u32(self.conn.pointer_enter[0]) +
                          wire.u32(s) + wire.i32(hx) + wire.i32(hy))
        self.conn.roundtrip()

    def drawn(self, width, height, hx, hy):
        """Sets a cursor image (cursor()): what a screenshot then shows of
        it, as marked() counts."""
        self.cursor(width, height, hx, hy)
        return marked(self.c.screenshot())


def main():
    with cliptest.desk(cliptest.config({'default': 'ask'}), 'wlrctl', 'grim') as (c, desk):
        wa = desk.window(A, size='200x150')
        desk.copy(A, 'secret')
        g = Guest(c)
        gi, ai = g.info, c.wait_window(title=wa.info['title'])
        log(f'beta window {gi}, alpha window {ai}')
        cx, cy = gi['x'] + gi['width'] // 2, gi['y'] + gi['height'] // 2
        g.point(cx, cy)

        # The control: 24x24 with its hotspot at 2,2 is drawn at the pointer.
        n, box = g.drawn(24, 24, 2, 2)
        check(n > 0, 'a small guest cursor is not drawn: the test cannot see cursors')
        check(box[0] >= cx - 3 and box[1] >= cy - 3 and box[2] <= cx + 24 and
              box[3] <= cy + 24, f'the small cursor is drawn at {box}, not at {cx},{cy}')

        # The attack: 128x128 with its hotspot far outside the image.
        n, box = g.drawn(128, 128, -300, 0)
        check(n == 0, f'a cursor with its hotspot 300 px outside is drawn at {box}')
        n, box = g.drawn(128, 128, 10, 500)
        check(n == 0, f'a cursor with its hotspot below the image is drawn at {box}')
        # Too big.
        n, box = g.drawn(200, 200, 0, 0)
        check(n == 0, f'a 200x200 guest cursor is drawn at {box}')
        # The largest allowed, hotspot in the middle: drawn.
        n, box = g.drawn(128, 128, 64, 64)
        check(n > 0, 'a 128x128 cursor with its hotspot inside is not drawn')

        # Next to alpha's window: a 128x128 image reaching into its frame.
        ax0, ay0 = ai['x'], ai['y']
        ax1, ay1 = ax0 + ai['width'], ay0 + ai['height']
        gx0, gy0 = gi['x'], gi['y']
        gx1, gy1 = gx0 + gi['width'], gy0 + gi['height']
        # The point of the beta window nearest alpha's window centre.
        tx = min(max((ax0 + ax1) // 2, gx0 + 2), gx1 - 3)
        ty = min(max((ay0 + ay1) // 2, gy0 + 2), gy1 - 3)
        hx = 127 if (ax0 + ax1) // 2 < tx else 0
        hy = 127 if (ay0 + ay1) // 2 < ty else 0
        g.point(tx, ty)
        n, box = g.drawn(128, 128, hx, hy)
        log(f'pointer at {tx},{ty}, hotspot {hx},{hy}: {n} cursor pixels at {box}')
        near = (abs(tx - min(max(tx, ax0), ax1)) < 100 and abs(ty - min(max(ty, ay0), ay1)) < 100)
        check(near, f'the windows are too far apart for this test: {gi} {ai}')
        check(n == 0, f'a guest cursor overlapping alpha\'s window is drawn at {box}')
        g.point(cx, cy)
        n, box = g.drawn(24, 24, 0, 0)
        check(n > 0, 'the guest cursor is not drawn again away from alpha')

        # Alpha's popup reaching over beta's window: a guest image beside it
        # may not cover it; pointed the other way it may be drawn.
        wa.proc.send('popup-nograb 180 100 150 100')
        m = wa.proc.expect(r'^popup-configure (-?\d+) (-?\d+) (-?\d+) (-?\d+)$')
        wa.proc.expect(r'^popup-ready$')
        px, py, pw, ph = (int(v) for v in m.groups())
        right, mid = ai['x'] + px + pw, ai['y'] + py + ph // 2
        check(gx0 < right + 6 < gx1 - 30 and gy0 < mid < gy1 - 30,
              f'alpha\'s popup ({m.groups()}) does not end over beta\'s window')
        g.point(right + 6, mid)
        n, box = g.drawn(24, 24, 23, 0)
        check(n == 0, f'a guest cursor over alpha\'s popup is drawn at {box}')
        n, box = g.drawn(24, 24, 0, 0)
        check(n > 0, 'a guest cursor beside alpha\'s popup, not over it, is not drawn')
        wa.proc.send('close-popup')
        g.point(cx, cy)

        # A prompt: the guest itself pastes alpha's text (policy ask), so no
        # window maps and the pointer does not move: nothing but the prompt
        # changes under the guest's cursor.
        check(g.drawn(24, 24, 0, 0)[0] > 0, 'the guest cursor before the prompt')
        c.ipc_ok({'cmd': 'focus', 'id': gi['id']})
        c.wait_focused(gi['id'])
        conn = g.conn
        conn.roundtrip()
        offers = [struct.unpack_from('<I', body, 0)[0] for oid, kind, op, body in conn.events
                  if kind == 'wl_data_device' and op == 5]
        check(offers and offers[-1] != 0, f'the guest got no selection offer: {conn.events!r}')
        offer = offers[-1]
        conn.objects[offer] = 'wl_data_offer'
        r, w = os.pipe()
        conn.request(offer, 'receive', wire.string(cliptest.TEXT_MIME), fds=[w])
        os.close(w)
        conn.roundtrip()
        prompt = desk.wait_prompt()
        n, box = marked(c.screenshot())
        check(n == 0, f'the guest cursor is drawn over the prompt at {box}')
        # Setting it again while the prompt is up changes nothing.
        n, box = g.drawn(24, 24, 0, 0)
        check(n == 0, f'a guest cursor set during the prompt is drawn at {box}')
        c.ctl('deny', str(prompt['id']))
        desk.wait_no_prompt()
        os.close(r)
        n, box = marked(c.screenshot())
        check(n > 0, 'the guest cursor is not drawn again once the prompt is answered')
        c.check_alive('at the end')


harness.main(main)
