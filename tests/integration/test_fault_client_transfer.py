#!/usr/bin/env python3
"""Issue 9, fault injection: a client killed in the middle of a
cross-domain clipboard transfer.

- The target (wl-paste in beta, its output not read, so cordon's write to
  it blocks halfway through 3 MiB) is SIGKILLed: the transfer ends as
  "the target closed early", and the source's selection is intact: beta's
  next paste gets all 512 KiB, byte for byte.
- The source (a test client in alpha that wrote its text and holds the
  pipe open) is SIGKILLed mid-transfer: beta's paste ends (no hang) with
  exactly what the source wrote, and the transfer is recorded.
- The source is SIGKILLed while the user is asked (ask policy): the prompt
  is withdrawn, beta receives nothing, the record says ask-withdrawn.
Throughout, gamma's window is untouched, IPC answers and cordon lives."""
import hashlib
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, log, wait_for
import cliptest
from cliptest import A, B, C, Desk, TEXT_MIME

# More than the 1 MiB cordon makes a target's pipe hold, so that a target
# that stops reading blocks cordon's write halfway.
CONFIG = cliptest.config(clipboard={'max-bytes': '4M'},
                         domains={B: {f'paste-from.{A}': 'allow'}})
BIG = ''.join(f'{i:08d} cordon fault injection payload line\n' for i in range(70000))
BIG = BIG[:3 * 1024 * 1024]


def copy_big(desk, domain, text):
    """desk.copy for a text too long for an argument: wl-copy reads a file."""
    c = desk.c
    path = os.path.join(c.runtime_dir, 'big.txt')
    with open(path, 'w') as f:
        f.write(text)
    mark = desk.events.mark()
    proc = c.spawn(['sh', '-c', f'exec wl-copy --foreground < {path}'], domain=domain,
                   name='wl-copy', stdin=False)
    desk.wait_wl_clipboard_window(domain, 'close', mark)
    wait_for(lambda: desk.paste(domain, check_rc=False)[1] == text.encode(), 10,
             what=f'wl-copy in {domain} to set the clipboard')
    return proc


def transfers_to(desk, target, n):
    return wait_for(lambda: (lambda t: t if len(t) >= n else None)(
        [t for t in desk.transfers() if t.get('to') == target]), 10,
        what=f'{n} transfer record(s) to {target}')


def main():
    with cliptest.desk(CONFIG) as (c, desk):
        wc = desk.window(C)
        wa = desk.window(A)
        copier = copy_big(desk, A, BIG)
        wb = desk.window(B)

        # --- the target dies with cordon's write to it blocked ------------
        env = c.client_env(B)
        paste = subprocess.Popen(['wl-paste', '-n'], env=env, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        # Nobody reads wl-paste's output: after a pipe's worth it stops
        # reading from cordon, and cordon's write blocks.
        time.sleep(1.0)
        check(paste.poll() is None, 'wl-paste finished although its output is not read')
        check_eq([t for t in desk.transfers() if t.get('to') == B], [],
                 'transfer records while the paste is stuck')
        paste.send_signal(signal.SIGKILL)
        paste.wait(5)
        paste.stdout.close()
        rec = transfers_to(desk, B, 1)[0]
        log(f'transfer after the target was killed: {rec!r}')
        check_eq((rec.get('from'), rec.get('decision'), rec.get('result')),
                 (A, 'allow', 'the target closed early'), 'the record of the killed paste')
        # Nothing lost: the source still serves it, whole.
        rc, data = desk.paste(B, timeout=20)
        check_eq(len(data), len(BIG.encode()), 'bytes of the second paste')
        check_eq(hashlib.sha256(data).hexdigest(), hashlib.sha256(BIG.encode()).hexdigest(),
                 'the second paste\'s payload')
        check(copier.running(), 'wl-copy in alpha is gone')

        # --- the source dies mid-transfer ---------------------------------
        desk.focus(wa)
        text = 'written, and then the source died'
        wa.proc.skip_pending()
        wa.proc.send(f'copy-hang {text}')
        wa.proc.expect(r'^copy-done$')
        desk.focus(wb)
        p = desk.paste_async(B)
        time.sleep(1.0)
        check(p.running(), 'the paste finished while the source holds its pipe open')
        os.kill(wa.proc.pid, signal.SIGKILL)
        rc, data = p.wait(10)
        log(f'paste after the source was killed mid-transfer: rc {rc}, {data!r}')
        check(data in (text.encode(), b''), f'beta pasted {data!r} from a killed source')
        rec = transfers_to(desk, B, 3)[-1]
        log(f'its record: {rec!r}')
        check_eq((rec.get('from'), rec.get('to')), (A, B), 'the record of the cut transfer')
        check(rec.get('result') == 'delivered' and rec.get('bytes') == len(data) or
              rec.get('result') != 'delivered' and not data,
              f'record {rec!r} does not match what beta got ({data!r})')

        # --- the source dies while the user is asked -----------------------
        wa2 = desk.window(A, title='alpha-again')
        wa2.proc.send('copy-hang asked about, then gone')
        wa2.proc.expect(r'^copy-done$')
        wg = desk.window(C, title='gamma-2')
        p = desk.paste_async(C)  # gamma -> ask (default)
        pr = desk.wait_prompt()
        check_eq((pr.get('from'), pr.get('to')), (A, C), 'the prompt')
        os.kill(wa2.proc.pid, signal.SIGKILL)
        desk.wait_no_prompt()
        rc, data = p.wait(10)
        check_eq(data, b'', 'what gamma received from a source killed while asked')
        rec = transfers_to(desk, C, 1)[-1]
        check_eq((rec.get('from'), rec.get('decision'), rec.get('bytes')),
                 (A, 'ask-withdrawn', 0), 'the record of the withdrawn paste')

        # Nothing else was touched.
        desk.focus(wc)
        wc.proc.send('sync')
        wc.proc.expect(r'^synced$')
        desk.focus(wg)
        desk.focus(wb)
        c.ctl('version')
        c.check_alive('after clients died mid-transfer')


harness.main(main)
