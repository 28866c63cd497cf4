#!/usr/bin/env python3
"""Issue 4 item 6: drag-and-drop across domains, driven end to end.

A drag needs a button held down while the pointer moves, so the pointer
here is tests/vpointer.py (a virtual pointer on the host socket that can
press, move and release). The drag source is a cordon-test-client in
alpha (`drag-source TEXT`: the next press on its window starts a drag of
TEXT); every target is a test client with `accept-drops`. One target
domain per policy for alpha's data:

    alpha  same domain: the drop passes straight through, no record
    beta   paste-from.alpha = allow: the data goes through cordon, a
           `dnd` transfer row says delivered
    gamma  paste-from.alpha = deny: the drag never enters gamma's window
           (no drop-enter), the release cancels the drag, nothing arrives
    delta  no rule (default ask): cordon's prompt at the drop; delta gets
           no byte until `cordonctl allow ID`; a `deny` gives it EOF only

Also: a source that gives up its wl_seat mid-drag still cannot enter
gamma; after a refused (ask-deny) drop the source hears cancelled, never
finished. Then bad peers: a source killed mid-drag (the target hears
leave, cordon carries on), a source killed while its drop's prompt is up
(the prompt is withdrawn, the target gets EOF only) and a target killed
while its prompt is up (the prompt is withdrawn; no crash: the harness
fails the test on any sanitizer output)."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for
import cliptest
from cliptest import A, Desk, TEXT_MIME

B, C, D = 'beta', 'gamma', 'delta'

CONFIG = f"""\
[domain {A}]
color = #00a040

[domain {B}]
color = #b000b0
paste-from.{A} = allow

[domain {C}]
color = #d08000
paste-from.{A} = deny

[domain {D}]
color = #2060d0
"""


class Pointer(harness.VPointer):
    def move_to(self, win, dx=0, dy=0):
        info = win.info
        self.move(info['x'] + info['width'] // 2 + dx, info['y'] + info['height'] // 2 + dy)


class Dnd:
    def __init__(self, c):
        self.c = c
        self.desk = Desk(c)
        self.ptr = Pointer(c)

    def window(self, domain, title, accept=False):
        win = self.desk.window(domain, title=title, focus=False)
        if accept:
            win.proc.send('accept-drops')
            win.proc.expect(r'^accepting-drops$')
        return win

    def start(self, src, text):
        """Arms src with text, presses on it: the drag is under way."""
        src.proc.skip_pending()
        src.proc.send(f'drag-source {text}')
        src.proc.expect(r'^drag-armed$')
        self.ptr.move_to(src)
        src.proc.expect(r'^pointer-enter ')
        self.ptr.press()
        src.proc.expect(r'^button 272 pressed$')
        src.proc.expect(r'^drag-started$')
        src.proc.expect_not(r'^drag-cancelled$', within=0.2)

    def enter(self, src, target):
        """Moves onto target, which accepts: the source hears the accepted type."""
        target.proc.skip_pending()
        self.ptr.move_to(target)
        target.proc.expect(r'^drop-enter$')
        src.proc.expect(rf'^drag-target {re.escape(TEXT_MIME)}$')
        src.proc.expect(r'^drag-action 1$')

    def drop(self, src, target, text):
        """Drags text from src onto target and releases: target hears the drop."""
        self.start(src, text)
        self.enter(src, target)
        self.ptr.release()
        target.proc.expect(r'^drop$')

    def transfers(self):
        return self.desk.transfers()

    def wait_rows(self, to, more_than, what):
        """The dnd transfer rows to domain to, once there are more than more_than."""
        def rows():
            found = dnd_rows(self.transfers(), to)
            return found if len(found) > more_than else None
        return wait_for(rows, 5, what=what)


def dnd_rows(rows, to):
    return [r for r in rows if r.get('kind') == 'dnd' and r.get('to') == to]


def same_domain(d, src, a2):
    text = 'alpha to alpha, straight through'
    before = d.transfers()
    d.drop(src, a2, text)
    src.proc.expect(r'^drag-dropped$')
    src.proc.expect(rf'^drag-send {re.escape(TEXT_MIME)}$')
    check_eq(a2.proc.expect(r'^dropped(.*)$').group(1), ' ' + text,
             'what the alpha target received from alpha')
    src.proc.expect(r'^drag-finished$')
    src.proc.expect_not(r'^drag-cancelled$', within=0.3)
    check_eq(d.transfers(), before, 'transfer records after a same-domain drop')


def allowed(d, src, b):
    text = 'alpha to beta, allowed by policy'
    d.drop(src, b, text)
    src.proc.expect(r'^drag-dropped$')
    check_eq(b.proc.expect(r'^dropped(.*)$').group(1), ' ' + text,
             'what beta received from an allowed drop')
    src.proc.expect(r'^drag-finished$')
    rows = d.wait_rows(B, 0, 'a dnd transfer row to beta')
    expect = {'from': A, 'to': B, 'kind': 'dnd', 'mime': TEXT_MIME,
              'bytes': len(text.encode()), 'decision': 'allow', 'result': 'delivered'}
    check_eq({k: rows[-1].get(k) for k in expect}, expect, 'the dnd transfer record to beta')
    out = d.c.ctl('transfers').stdout
    check(any(re.search(rf'\bdnd\s+{A}\s+{B}\b', line) and 'delivered' in line
              for line in out.splitlines()),
          f'cordonctl transfers has no delivered dnd row alpha -> beta: {out!r}')


def denied(d, src, a2, g):
    text = 'alpha to gamma, never'
    before = d.transfers()
    g.proc.skip_pending()
    d.start(src, text)
    # Over alpha's own target first: the drag works, then leaves it for gamma.
    d.enter(src, a2)
    d.ptr.move_to(g)
    a2.proc.expect(r'^drop-leave$')
    d.ptr.move_to(g, 10, 10)
    g.proc.expect_not(r'^drop-enter', within=0.5)
    g.proc.expect_not(r'^pointer-enter', within=0)
    d.ptr.release()
    src.proc.expect(r'^drag-cancelled$')
    src.proc.expect_not(r'^drag-(dropped|send|finished)', within=0.5)
    for win in (a2, g):
        win.proc.expect_not(r'^(drop|dropped)', within=0)
    check_eq(dnd_rows(d.transfers(), C), dnd_rows(before, C), 'dnd records to gamma')


def source_drops_seat(d, a2, g):
    """A hostile source gives up its wl_seat mid-drag (wlroots then forgets
    the drag's seat client): cordon still knows the drag is alpha's."""
    src = d.window(A, 'alpha-seatless-source')
    d.start(src, 'from a source without a seat')
    d.enter(src, a2)
    g.proc.skip_pending()
    src.proc.send('release-seat')
    src.proc.expect(r'^seat-released$')
    d.ptr.move_to(g)
    a2.proc.expect(r'^drop-leave$')
    d.ptr.move_to(g, 10, 10)
    g.proc.expect_not(r'^drop-enter', within=0.5)
    d.ptr.release()
    src.proc.expect(r'^drag-cancelled$')
    for win in (a2, g):
        win.proc.expect_not(r'^(drop|dropped)', within=0.3)


def pending_prompt(d, text):
    pr = wait_for(lambda: (lambda ps: ps[0] if len(ps) == 1 and ps[0].get('visible')
                           else None)(d.desk.prompts()), 5, what='one visible prompt')
    expect = {'from': A, 'to': D, 'mime': TEXT_MIME}
    check_eq({k: pr.get(k) for k in expect}, expect, 'the pending drop prompt')
    # Once cordon holds the whole payload its size shows: still nothing passes.
    pr = wait_for(lambda: (lambda ps: ps[0] if ps and ps[0].get('size') is not None
                           else None)(d.desk.prompts()), 5, what='the prompt\'s size')
    check_eq(pr['size'], len(text.encode()), 'size in the drop prompt')
    return pr


def asked(d, src, t):
    # --- allow ---
    text = 'alpha to delta, with consent'
    d.drop(src, t, text)
    src.proc.expect(r'^drag-dropped$')
    pr = pending_prompt(d, text)
    out = d.c.ctl('prompts').stdout
    row = [line for line in out.splitlines() if line.split()[:1] == [str(pr['id'])]]
    check(len(row) == 1 and re.search(rf'\b{A}\b.*\b{D}\b.*{re.escape(TEXT_MIME)}', row[0]),
          f'cordonctl prompts does not list the drop prompt: {out!r}')
    t.proc.expect_not(r'^(drop-progress|dropped)', within=0.3)
    d.c.ctl('allow', str(pr['id']))
    check_eq(t.proc.expect(r'^dropped(.*)$').group(1), ' ' + text,
             'what delta received after allow')
    src.proc.expect(r'^drag-finished$')
    d.desk.wait_no_prompt()
    rows = d.wait_rows(D, 0, 'a dnd transfer row to delta')
    expect = {'from': A, 'to': D, 'kind': 'dnd', 'bytes': len(text.encode()),
              'decision': 'ask-allow', 'result': 'delivered'}
    check_eq({k: rows[-1].get(k) for k in expect}, expect, 'the dnd record after allow')

    # --- deny: the allow was for that drop only ---
    text2 = 'alpha to delta, refused'
    d.drop(src, t, text2)
    pr2 = pending_prompt(d, text2)
    check(pr2['id'] != pr['id'], f'the second drop reuses prompt id {pr["id"]}')
    t.proc.expect_not(r'^(drop-progress|dropped)', within=0.3)
    d.c.ctl('deny', str(pr2['id']))
    t.proc.expect(r'^dropped-empty$')
    # The target finishes, yet nothing went through: the source must not
    # hear "finished" (with a move it would delete the data), but cancelled.
    src.proc.expect(r'^drag-cancelled$')
    src.proc.expect_not(r'^drag-finished$', within=0.3)
    d.desk.wait_no_prompt()
    rows = d.wait_rows(D, 1, 'a second dnd transfer row to delta')
    check_eq((rows[-1].get('decision'), rows[-1].get('bytes')), ('ask-deny', 0),
             f'the dnd record after deny: {rows[-1]!r}')
    check(rows[-1].get('result') != 'delivered', f'denied yet delivered: {rows[-1]!r}')


def source_killed(d, b):
    src = d.window(A, 'alpha-doomed-source')
    d.start(src, 'from a source about to die')
    d.enter(src, b)
    src.proc.kill()
    b.proc.expect(r'^drop-leave$')
    d.ptr.move_to(b, 5, 5)
    d.ptr.release()
    b.proc.expect_not(r'^(drop|dropped)', within=0.5)
    d.c.check_alive('after the drag source was killed mid-drag')


def source_killed_at_prompt(d, t):
    """The source dies while delta's drop waits for an answer: the question
    about data that no longer exists is withdrawn, delta gets EOF only."""
    src = d.window(A, 'alpha-source-dying-at-prompt')
    text = 'from a source that dies at the prompt'
    d.drop(src, t, text)
    pending_prompt(d, text)
    n = len(dnd_rows(d.transfers(), D))
    src.proc.kill()
    d.desk.wait_no_prompt()
    t.proc.expect(r'^dropped-empty$')
    rows = d.wait_rows(D, n, 'a dnd transfer row for the withdrawn drop')
    check_eq((rows[-1].get('decision'), rows[-1].get('bytes')), ('ask-withdrawn', 0),
             f'the dnd record of a drop whose source died at the prompt: {rows[-1]!r}')
    d.c.check_alive('after the drag source died with its prompt up')


def target_killed(d, src):
    t = d.window(D, 'delta-doomed-target', accept=True)
    text = 'for a target about to die'
    d.drop(src, t, text)
    pr = pending_prompt(d, text)
    n = len(dnd_rows(d.transfers(), D))
    t.proc.kill()
    # The drop's offer died with its client: the question is withdrawn.
    try:
        d.desk.wait_no_prompt(timeout=5)
    except harness.TestFailure:
        d.c.check_alive('with the prompt of a dead target up')
        d.c.ctl('deny', str(pr['id']))
        d.desk.wait_no_prompt()
        harness.fail(f'the prompt {pr["id"]} stayed up after its drop target died')
    d.c.check_alive('after the drop target was killed with its prompt up')
    rows = d.wait_rows(D, n, 'a dnd transfer row for the dead target')
    check(rows[-1].get('result') != 'delivered' and rows[-1].get('bytes') == 0,
          f'a drop into a dead target counted as delivered: {rows[-1]!r}')
    # The source hears cancelled (never finished) once the dead target's
    # offer is gone; wait for it, so the next drag's checks do not see it.
    src.proc.expect(r'^drag-cancelled$')
    src.proc.expect_not(r'^drag-finished$', within=0)


def released_over_background(d, src, b):
    # Over beta, then off every window: the release drops nowhere.
    before = d.transfers()
    b.proc.skip_pending()
    d.start(src, 'dropped on the desktop')
    d.enter(src, b)
    d.ptr.move(640, 640)
    b.proc.expect(r'^drop-leave$')
    d.ptr.release()
    src.proc.expect(r'^drag-cancelled$')
    src.proc.expect_not(r'^drag-(dropped|send|finished)', within=0.5)
    b.proc.expect_not(r'^(drop|dropped)', within=0)
    check_eq(dnd_rows(d.transfers(), B), dnd_rows(before, B),
             'dnd records to beta after a release over the desktop')


def main():
    cliptest.require_peers()
    with Cordon(config=CONFIG) as c:
        d = Dnd(c)
        src = d.window(A, 'alpha-source')
        a2 = d.window(A, 'alpha-target', accept=True)
        b = d.window(B, 'beta-target', accept=True)
        g = d.window(C, 'gamma-target', accept=True)
        t = d.window(D, 'delta-target', accept=True)
        wins = [src, a2, b, g, t]
        # Windows are placed side by side: the centre of each is its own.
        for w in wins:
            cx = w.info['x'] + w.info['width'] // 2
            cy = w.info['y'] + w.info['height'] // 2
            over = [o.info['title'] for o in wins if o is not w and
                    o.info['x'] <= cx < o.info['x'] + o.info['width'] and
                    o.info['y'] <= cy < o.info['y'] + o.info['height']]
            check(not over, f'{w.info["title"]} has {over} over its centre')

        harness.log('same domain')
        same_domain(d, src, a2)
        harness.log('allow')
        allowed(d, src, b)
        harness.log('released over the desktop')
        released_over_background(d, src, b)
        harness.log('deny')
        denied(d, src, a2, g)
        harness.log('deny, the source without a seat')
        source_drops_seat(d, a2, g)
        harness.log('ask')
        asked(d, src, t)
        harness.log('source killed mid-drag')
        source_killed(d, b)
        harness.log('source killed with its prompt up')
        source_killed_at_prompt(d, t)
        harness.log('target killed with its prompt up')
        target_killed(d, src)
        # cordon carries on: one more allowed drop.
        harness.log('after all that')
        allowed(d, src, b)


harness.main(main)
