#!/usr/bin/env python3
"""Issue 12 item 6: text input and the host's input method. A host input
method (the test client in input-method mode) types into the text input of
the focused window, whatever its domain, and into no other (an input
method of a guest is refused, even one granted the global): a text input of
another domain, enabled but not focused, receives nothing; a focus change
deactivates the input method before the new window is served; an input
method that is not active reaches nobody. Guests never see
zwp_input_method_manager_v2. The input method's popup sits at the focused
field's text cursor, framed in that window's domain colour, and stays on
the output whatever cursor rectangle a field claims. Its keyboard grab gets
keys only while it serves the focused window's field, and never a key
binding. Text typed through the input method counts as user input for
xdg-activation."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, OUTPUT_SIZE, check, check_eq, wait_for

CONFIG = harness.domain_config(
    work='blue', play='green',
    granted={'color': 'orange', 'protocols': 'zwp_input_method_manager_v2'})
MAGENTA = (0xff, 0x00, 0xff)
POPUP_W, POPUP_H = 60, 24


def magenta_box(shot):
    """Bounding box (x0, y0, x1, y1) of the popup's magenta pixels, or None."""
    xs, ys = [], []
    for y in range(0, shot.height, 2):
        for x in range(0, shot.width, 2):
            if shot.pixel(x, y) == MAGENTA:
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    x0, y0 = min(xs), min(ys)
    while x0 > 0 and shot.pixel(x0 - 1, y0) == MAGENTA:
        x0 -= 1
    while y0 > 0 and shot.pixel(x0, y0 - 1) == MAGENTA:
        y0 -= 1
    x1, y1 = x0, y0
    while x1 + 1 < shot.width and shot.pixel(x1 + 1, y0) == MAGENTA:
        x1 += 1
    while y1 + 1 < shot.height and shot.pixel(x0, y1 + 1) == MAGENTA:
        y1 += 1
    return x0, y0, x1, y1


def type_x(c, gets, gets_event, misses, missed_event):
    """Types x: gets hears its press and release (gets_event lines, key or
    im-key), misses no missed_event at all."""
    c.wtype('-k', 'x')
    gets.expect(rf'^{gets_event} \d+ pressed$')
    gets.expect(rf'^{gets_event} \d+ released$')
    misses.expect_not(rf'^{missed_event} ', within=0.3)


def relay(c):
    work = c.globals('work')
    check('zwp_text_input_manager_v3' in work,
          f'a guest lacks zwp_text_input_manager_v3: {sorted(work)}')
    check('zwp_input_method_manager_v2' not in work,
          'a guest sees zwp_input_method_manager_v2, the host\'s input method global')
    host = c.globals()
    check('zwp_input_method_manager_v2' in host and 'zwp_text_input_manager_v3' in host,
          f'the host lacks the input method or text input global: {sorted(host)}')

    # A guest granted the global still cannot become the input method.
    g = c.spawn_client(['--no-map', '--title', 'guest-im'], domain='granted', name='guest-im')
    g.send('input-method stolen')
    g.expect(r'^im-unavailable$')

    # Two fields of two domains, the play one focused first.
    p, wp = c.test_window('p', domain='play', color='00ff00', size='300x200', name='play')
    c.wait_focused(wp['id'])
    p.send('text-input 10 20 2 16')
    p.expect(r'^text-input-ready$')
    p.expect(r'^text-input-enter$')
    w, ww = c.test_window('w', domain='work', color='ffffff', size='300x200', name='work')
    w.send('text-input 10 20 2 16')
    w.expect(r'^text-input-ready$')

    # The host's input method, with a popup; it commits on each activation.
    im = c.spawn_client(['--no-map', '--title', 'im'], name='im')
    im.send('input-method héllo')
    im.expect(r'^input-method-ready$')
    im.send(f'im-popup {POPUP_W}x{POPUP_H} ff00ff')
    im.expect(r'^im-popup-ready$')
    # The play field is enabled in the focused window: served at once.
    im.expect(r'^im-activate$')
    p.expect(r'^commit-string héllo$')
    w.expect_not(r'^(commit-string|preedit)', within=0.5)

    # A second input method on the seat is refused.
    im2 = c.spawn_client(['--no-map', '--title', 'im2'], name='im2')
    im2.send('input-method nope')
    im2.expect(r'^im-unavailable$')

    # The user moves to the work window: deactivated before it is served.
    im.skip_pending()
    c.click(ww['x'] + 150, ww['y'] + 150)
    c.wait_focused(ww['id'])
    p.expect(r'^text-input-leave$')
    w.expect(r'^text-input-enter$')
    im.expect(r'^im-deactivate$')
    im.expect(r'^im-activate$')
    w.expect(r'^commit-string héllo$')
    p.skip_pending()

    # Preedit too, to the focused field only.
    im.send('im-preedit zu')
    im.expect(r'^im-committed$')
    w.expect(r'^preedit zu$')
    p.expect_not(r'^(commit-string|preedit)', within=0.5)

    # The popup: at the work field's text cursor, framed in work's colour.
    def popup_shown():
        return magenta_box(c.screenshot())
    box = wait_for(popup_shown, 5, what='the input method popup on screen')
    shot = c.screenshot()
    x0, y0, x1, y1 = box
    # The work domain's colour, as cordon draws its window's border.
    work = shot.pixel(ww['x'] - 2, ww['y'] + ww['height'] // 2)
    check_eq((x1 - x0 + 1, y1 - y0 + 1), (POPUP_W, POPUP_H), 'popup size on screen')
    # Below the cursor rectangle (10,20 2x16 in the window), past its 2 px frame.
    check_eq((x0, y0), (ww['x'] + 10, ww['y'] + 20 + 16 + 2),
             'popup position (below the text cursor)')
    for px, py, side in [(x0 - 1, y0 + 5, 'left'), (x1 + 1, y0 + 5, 'right'),
                         (x0 + 5, y0 - 1, 'top'), (x0 + 5, y1 + 1, 'bottom'),
                         (x0 - 2, y0 + 5, 'left outer')]:
        check_eq(shot.pixel(px, py), work, f'popup frame ({side}) colour')
    # Told where the text cursor is, relative to the popup: just above it.
    check(im.seen(r'^im-popup-rect 0 -18 2 16$'),
          lambda: f'the popup was not told the text cursor: {im.lines!r}')

    # A field that claims a cursor far off screen: the popup stays on the output.
    far, wf = c.test_window('far', domain='work', color='ffffff', size='200x100')
    far.send('text-input 100000 -50000 2 16')
    far.expect(r'^text-input-ready$')
    c.click(wf['x'] + 100, wf['y'] + 50)
    c.wait_focused(wf['id'])
    far.expect(r'^commit-string héllo$')

    def popup_moved():
        b = magenta_box(c.screenshot())
        return b if b is not None and b != box else None
    fbox = wait_for(popup_moved, 5, what='the popup placed for the far field')
    check(fbox[0] >= 2 and fbox[1] >= 2 and fbox[2] <= OUTPUT_SIZE[0] - 3 and
          fbox[3] <= OUTPUT_SIZE[1] - 3,
          f'the popup and its frame leave the output: {fbox} on {OUTPUT_SIZE}')
    shot = c.screenshot()
    check_eq(shot.pixel(fbox[0] - 1, fbox[1] + 3), work, 'far popup frame colour')
    w.expect_not(r'^(commit-string|preedit)', within=0.3)

    # A window without a text input: the input method serves nobody, and
    # what it commits then reaches no field.
    n, wn = c.test_window('none', domain='play', color='ffffff', size='200x100')
    im.skip_pending()
    c.click(wn['x'] + 100, wn['y'] + 50)
    c.wait_focused(wn['id'])
    im.expect(r'^im-deactivate$')
    im.send('im-commit leak')
    im.expect(r'^im-committed$')
    for proc in (p, w, far):
        proc.expect_not(r'^commit-string leak$', within=0.3)
    wait_for(lambda: popup_shown() is None, 5, what='the popup hidden while inactive')

    # The input method grabs the keyboard. Serving nobody, it gets no key.
    im.send('im-grab')
    im.expect(r'^im-grabbed$')
    im.skip_pending()
    type_x(c, n, 'key', im, 'im-key')
    # Serving the far field: keys go to it, press and release, not to the window.
    c.click(wf['x'] + 100, wf['y'] + 50)
    c.wait_focused(wf['id'])
    im.expect(r'^im-activate$')
    far.skip_pending()
    type_x(c, im, 'im-key', far, 'key')
    # cordon's bindings come first: Super+Shift+3 moves the window, unseen by it.
    im.skip_pending()
    c.wtype('-M', 'logo', '-M', 'shift', '-k', '3', '-m', 'shift', '-m', 'logo')
    wait_for(lambda: c.find_windows(id=wf['id'], workspace=3), 5,
             what='Super+Shift+3 moving the far window past the input method\'s grab')
    im.expect_not(r'^im-key ', within=0.3)
    far.expect_not(r'^key ', within=0.3)


def activation(c):
    """A token minted after typing through the input method is honoured."""
    im = c.spawn_client(['--no-map', '--title', 'im'], name='im')
    im.send('input-method')
    im.expect(r'^input-method-ready$')
    a, wa = c.test_window('a', domain='work', color='ffffff', size='200x100')
    c.wait_focused(wa['id'])
    a.expect(r'^keyboard-enter$')
    a.send('text-input')
    a.expect(r'^text-input-ready$')
    im.expect(r'^im-activate$')

    def window_with_token_of(proc, title):
        """A play window presenting a token proc mints now; its IPC record."""
        return c.test_window(title, domain='play', size='200x100',
                             args=['--activation-token', proc.token()])[1]

    # No input yet: its token is refused.
    wb1 = window_with_token_of(a, 'b1')
    check(c.find_windows(id=wa['id'], focused=True),
          f'a token with no input behind it moved focus: {c.windows()!r}')
    check_eq(c.find_windows(id=wb1['id'])[0].get('urgent'), True,
             'the window with the refused token is urgent')

    # The user types into it through the input method: now it is honoured.
    im.send('im-commit x')
    im.expect(r'^im-committed$')
    a.expect(r'^commit-string x$')
    wb2 = window_with_token_of(a, 'b2')
    c.wait_focused(wb2['id'])
    # Focus moved to another domain: the input method was let go first.
    im.expect(r'^im-deactivate$')


def main():
    with Cordon(config=CONFIG) as c:
        relay(c)
    with Cordon(config=CONFIG) as c:
        activation(c)


harness.main(main)
