#!/usr/bin/env python3
"""Issue 9 item 1: a popup grab must not keep the keyboard, nor read another
domain's clipboard.

A focused guest opens an xdg_popup with a grab (wlroots' grab ignores focus
changes). The user then clicks the bank's window, or Alt+Tabs to it, and
types. The guest must get keyboard-leave and no key; the bank gets enter,
the click and every key. The guest's paste after that must not return the
bank's selection (policy deny both ways: a read can only succeed by being
taken for a same-domain paste). A grab the guest starts from the
background is dismissed at once: it would eat the user's next click."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check

SECRET = 'SECRET-OF-THE-BANK'
CONFIG = harness.domain_config('[clipboard]\ndefault = deny\n', bank='#0040c0', guest='#c00000')


def paste_result(proc):
    proc.skip_pending()
    proc.send('paste')
    return proc.expect(r'^(pasted.*|paste-none)$', timeout=8).group(1)


def grab_and_leave(c, g, b, wg, wb, leave, what):
    """Focuses the guest, opens a grabbing popup, leaves by leave(); checks
    where the keyboard, the keys and the clipboard went."""
    c.click_focus(g, wg)
    g.send('popup 10 10 120 90')
    g.expect(r'^popup-ready$')
    g.send('sync')
    g.expect(r'^synced$')
    g.skip_pending()
    b.skip_pending()

    leave()
    c.wait_focused(wb['id'])
    g.expect(r'^keyboard-leave$')
    b.expect(r'^keyboard-enter$')
    c.wtype('hunter')
    for _ in range(6):
        b.expect(r'^key \d+ pressed$')
    g.expect_not(r'^key ', within=0.5)
    got = paste_result(g)
    check(SECRET not in got,
          f'{what}: the guest read the bank\'s selection: {got!r}')
    transfers = c.ipc_ok({'cmd': 'transfers'}).get('transfers') or []
    check(not [t for t in transfers if t.get('to') == 'guest' and t.get('bytes')],
          f'{what}: bytes went to the guest: {transfers!r}')


def main():
    harness.require('wtype', 'wlrctl')
    with Cordon(config=CONFIG) as c:
        b, wb = c.test_window('bank', domain='bank', color='0000ff', size='300x200')
        c.wait_focused(wb['id'])
        b.expect(r'^keyboard-enter$')
        b.send(f'copy {SECRET}')
        b.expect(r'^copy-done$')
        b.expect_not(r'^source-cancelled$', within=0.3)

        g, wg = c.test_window('guest', domain='guest', color='ff0000', size='300x200')
        g.send('watch-selection')
        g.expect(r'^watching-selection$')

        # The user clicks the bank's window: the click itself must reach it.
        grab_and_leave(c, g, b, wg, wb,
                       lambda: c.click(wb['x'] + 60, wb['y'] + 60), 'click')
        b.expect(r'^button 272 pressed$')
        b.expect(r'^pointer-enter ')

        # Alt+Tab from the guest with its popup grab.
        grab_and_leave(c, g, b, wg, wb,
                       lambda: c.wtype('-M', 'alt', '-k', 'Tab', '-m', 'alt'), 'Alt+Tab')

        # A grab from the background (xdg_popup.grab takes any serial) is
        # dismissed at once, so the user's next click on the bank is not eaten.
        g.skip_pending()
        b.skip_pending()
        g.send('popup 10 10 120 90')
        g.expect(r'^popup-done$', timeout=2)
        c.click(wb['x'] + 80, wb['y'] + 80)
        b.expect(r'^button 272 pressed$')
        c.wtype('x')
        b.expect(r'^key \d+ pressed$')
        g.expect_not(r'^key ', within=0.3)


harness.main(main)
