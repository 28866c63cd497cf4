#!/usr/bin/env python3
"""Issue 11: ext_session_lock_v1. `cordonctl lock` starts the configured
swaylock: no window, frame or wallpaper pixel is left anywhere, keys reach
no window and bindings do nothing, a second locker is refused. Killing
swaylock keeps every output covered (an output switched on while locked
too, swaybg's surface on it included), `cordonctl lock` starts swaylock
again, and only a locker's unlock_and_destroy gives the desktop back."""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
import hostwire
from harness import Cordon, check, check_eq, wait_for

CONFIG = """\
[general]
locker = swaylock -c 224466

[output HEADLESS-1]
position = 0,0

[output HEADLESS-2]
enable = {second}
mode = 640x480
position = 1280,0

[keys]
Super+t = exec touch "$XDG_RUNTIME_DIR/bound"

[domain work]
color = #0000ff
"""

RED = (255, 0, 0)
BLUE = (0, 0, 255)
WALLPAPER = (0x33, 0x66, 0x99)
SWAYLOCK = (0x22, 0x44, 0x66)
LOCKER = (0, 0xcc, 0)
COVER = (0, 0, 0)


def colours(shot):
    px = shot.pixels
    return {px[i:i + 3] for i in range(0, len(px), 3)}


def check_nothing_shows(shot, when):
    seen = colours(shot)
    for name, rgb in [('window', RED), ('domain frame', BLUE), ('wallpaper', WALLPAPER)]:
        check(bytes(rgb) not in seen, f'{when}: a {name} pixel {rgb} is on screen')


def hint_on(shot, x0, w, h):
    """Whether the restart hint's grey border and white text are in the
    middle of the output at x0 (w x h)."""
    mid = shot.region(x0 + w // 4, h // 3, w // 2, h // 3)
    return mid.count((0x80, 0x80, 0x80)) > 20 and mid.count((255, 255, 255)) > 20


def our_swaylocks(c):
    """Pids of swaylock processes of this cordon (tests run side by side)."""
    pids = []
    want = f'XDG_RUNTIME_DIR={c.runtime_dir}'.encode()
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/comm', 'rb') as f:
                if f.read().strip() != b'swaylock':
                    continue
            with open(f'/proc/{entry}/environ', 'rb') as f:
                if want in f.read().split(b'\0'):
                    pids.append(int(entry))
        except OSError:
            continue
    return pids


def kill_swaylock(c):
    pids = wait_for(lambda: our_swaylocks(c), 5, what='swaylock running')
    for pid in pids:
        os.kill(pid, signal.SIGKILL)


def main():
    harness.require('swaylock', 'swaybg', 'grim', 'wtype')
    with Cordon(config=CONFIG.format(second='no'),
                env={'WLR_HEADLESS_OUTPUTS': '2'}) as c:
        bound = os.path.join(c.runtime_dir, 'bound')
        c.spawn(['swaybg', '-c', '#336699'], name='swaybg', stdin=False)
        cl, win = c.test_window('w', domain='work', color='ff0000', size='300x200')
        cl.expect(r'^keyboard-enter$')
        wait_for(lambda: c.screenshot().pixel(win['x'] + 10, win['y'] + 10) == RED, 5,
                 what='the window drawn')
        c.wtype('-M', 'logo', 't', '-m', 'logo')
        wait_for(lambda: os.path.exists(bound), 5, what='Super+t ran before the lock')
        os.unlink(bound)

        # swaylock, started by cordon.
        c.ctl('lock')
        shot = wait_for(lambda: (lambda s: s if s.pixel(10, 10) == SWAYLOCK else None)(
            c.screenshot()), 10, what='swaylock\'s colour at 10,10')
        check_nothing_shows(shot, 'swaylock up')
        cl.expect(r'^keyboard-leave$')
        cl.skip_pending()
        c.wtype('-M', 'logo', 't', '-m', 'logo')
        c.wtype('x')
        cl.expect_not(r'^(key \d+ .*|keyboard-enter)$', within=0.5)
        check(not os.path.exists(bound), 'Super+t ran while locked')
        res = c.ctl('lock', check_rc=False)
        check(res.returncode != 0, f'cordonctl lock while swaylock holds it: {res!r}')
        # A second locker is refused while the first holds the lock.
        other = hostwire.host_locker(c)
        check_eq(other.lock(), 'finished', 'a second locker while swaylock holds the lock')
        other.conn.sock.close()

        # swaylock dies: the session stays locked.
        kill_swaylock(c)
        wait_for(lambda: c.screenshot().pixel(10, 10) == COVER, 5,
                 what='the cover once swaylock is gone')
        check_nothing_shows(c.last_screenshot, 'swaylock killed')
        check(hint_on(c.last_screenshot, 0, 1280, 720),
              'no hint to restart the locker on HEADLESS-1')
        c.wtype('x')
        cl.expect_not(r'^(key \d+ .*|keyboard-enter)$', within=0.5)

        # An output switched on while locked is covered, wallpaper and all.
        with open(c.config_path, 'w') as f:
            f.write(CONFIG.format(second='yes'))
        c.ctl('reload')
        wait_for(lambda: c.screenshot().width == 1920, 5,
                 what='a 1920 px wide layout with HEADLESS-2 on')
        wait_for(lambda: c.screenshot().pixel(1280 + 320, 20) == COVER and
                 hint_on(c.last_screenshot, 1280, 640, 480), 5,
                 what='the cover and its hint on the output switched on while locked')
        check_nothing_shows(c.last_screenshot, 'HEADLESS-2 switched on while locked')

        # cordonctl lock starts swaylock again.
        c.ctl('lock')
        wait_for(lambda: c.screenshot().pixel(10, 10) == SWAYLOCK, 10,
                 what='swaylock again after cordonctl lock')
        kill_swaylock(c)
        wait_for(lambda: c.screenshot().pixel(10, 10) == COVER, 5,
                 what='the cover once swaylock is gone again')

        # A locker that unlocks gives everything back.
        locker = hostwire.host_locker(c)
        check_eq(locker.lock(), 'locked', 'the test locker after swaylock died')
        wait_for(lambda: c.screenshot().pixel(10, 10) == LOCKER, 5,
                 what='the test locker\'s colour')
        check_nothing_shows(c.last_screenshot, 'test locker up')
        locker.unlock()
        wait_for(lambda: c.screenshot().pixel(win['x'] + 10, win['y'] + 10) == RED, 5,
                 what='the window back after unlock')
        check(bytes(WALLPAPER) in colours(c.last_screenshot), 'the wallpaper back after unlock')
        cl.expect(r'^keyboard-enter$')
        cl.skip_pending()
        c.wtype('x')
        cl.expect(r'^key \d+ pressed$')
        c.wtype('-M', 'logo', 't', '-m', 'logo')
        wait_for(lambda: os.path.exists(bound), 5, what='Super+t runs after the unlock')


harness.main(main)
