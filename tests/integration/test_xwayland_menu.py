#!/usr/bin/env python3
"""Issue 12 item 3 with a real X client: xterm's main menu (Ctrl + left
button, an override-redirect window of Xaw) on a guest's X server is drawn
inside cordon's 2 px frame in the domain colour, is no window of its own in
IPC, and goes when the button is released."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, hex_color, wait_for
from test_xwayland import x_run, xterm

CONFIG = """\
[domain work]
color = #3465a4
"""
WORK = hex_color('3465a4')
OR_BORDER = 2


def menus(c, display):
    """Every viewable override-redirect window of display's root:
    (x, y, width, height) of its outer edge, the X border included (X puts
    a window at its border's corner, which xwininfo reports as the window's
    upper left; its size is without the border)."""
    tree = x_run(c, display, ['xwininfo', '-root', '-children']).stdout
    found = []
    for wid in re.findall(r'^\s+(0x[0-9a-f]+) ', tree, re.M):
        info = x_run(c, display, ['xwininfo', '-id', wid], check_rc=False).stdout
        if 'Override Redirect State: yes' not in info or \
                'Map State: IsViewable' not in info:
            continue

        def get(key):
            return int(re.search(key + r':\s+(-?\d+)', info).group(1))
        bw = get('Border width')
        found.append((get('Absolute upper-left X'), get('Absolute upper-left Y'),
                      get('Width') + 2 * bw, get('Height') + 2 * bw))
    return found


def main():
    harness.require('xterm', 'xwininfo', 'Xwayland', 'grim', 'wtype')
    with Cordon(config=CONFIG) as c:
        dpy = {d['name']: d.get('display') for d in c.domains()}['work']
        xterm(c, dpy, 'menux')
        win = c.wait_window(timeout=30, title='menux')
        c.ipc_ok({'cmd': 'focus', 'id': win['id']})
        c.wait_focused(win['id'])
        check_eq(menus(c, dpy), [], 'override-redirect windows before the menu')
        ptr = harness.VPointer(c)
        # Xaw centres the menu on the pointer: far enough from the output's edge.
        px, py = win['x'] + win['width'] // 2, win['y'] + 40
        ptr.move(px, py)
        # Ctrl held by a virtual keyboard; the button goes down until xterm
        # has seen both (a press without Ctrl only starts a text selection).
        c.spawn(['wtype', '-M', 'ctrl', '-s', '30000', '-m', 'ctrl'], name='wtype-ctrl',
                stdin=False)

        def menu_open():
            ptr.press()
            for _ in range(3):
                found = menus(c, dpy)
                if found:
                    return found
            ptr.release()
            return None
        found = wait_for(menu_open, 20, what='xterm\'s main menu (Ctrl + left button)',
                         interval=0.2)
        check_eq(len(found), 1, f'override-redirect windows with the menu open: {found!r}')
        x, y, w, h = found[0]
        harness.log(f'xterm main menu at {w}x{h}+{x}+{y}')

        def framed():
            s = c.screenshot()
            return s if s.pixel(x - 1, y + h // 2) == WORK else None
        shot = wait_for(framed, 10, what='the menu\'s frame in work\'s colour')
        for qx, qy, side in [(x - 1, y + h // 2, 'left'), (x - OR_BORDER, y + h // 2, 'left'),
                             (x + w, y + h // 2, 'right'), (x + w + 1, y + h // 2, 'right'),
                             (x + w // 2, y - 1, 'top'), (x + w // 2, y - OR_BORDER, 'top'),
                             (x + w // 2, y + h, 'bottom'), (x + w // 2, y + h + 1, 'bottom')]:
            check_eq(shot.pixel(qx, qy), WORK, f'the menu\'s {side} frame at {qx},{qy}')
        for qx, qy in [(x, y + h // 2), (x + w - 1, y + h // 2), (x + w // 2, y + h // 2)]:
            check(shot.pixel(qx, qy) != WORK,
                  f'the frame is drawn over the menu at {qx},{qy}')
        check_eq([wi['title'] for wi in c.windows()], ['menux'],
                 'IPC windows with the menu open')

        # Released away from every entry: the menu goes, nothing is chosen.
        ptr.move(win['x'] + win['width'] - 5, win['y'] + win['height'] - 5)
        ptr.release()
        wait_for(lambda: menus(c, dpy) == [], 10, what='the menu gone')


if __name__ == "__main__":
    harness.main(main)
