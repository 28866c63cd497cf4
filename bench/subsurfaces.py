#!/usr/bin/env python3
"""A guest with thousands of subsurfaces moving on every commit, against a
client of another domain: how long that client's round trips take.

    ./dev shell python3 bench/subsurfaces.py [N ...]
    ./dev shell env CORDON_BIN=/path/to/cordon python3 bench/subsurfaces.py 4000

For each N (default 1000 4000), cordon is started headless with domains
evil and work; evil opens a test-client window with N 1x1 subsurfaces and
work a plain one. work then measures 200 wl_display.sync round trips
(median, 90th percentile, max) while evil is:

- idle;
- churn-still: committing once per round trip of its own, moving nothing:
  what each commit costs cordon and wlroots with N subsurfaces at rest;
- churn: moving every subsurface inside its buffer on every commit (one
  commit per round trip of its own): its window geometry stays the same;
- churn-grow: the same with the last subsurface ever further out, so the
  surface extents, hence the geometry of a window that sets none, change
  on every commit;
- churn-grow with --geometry-offset 16,16: a window that sets its geometry
  (as GTK does), which then stays the same.

It also prints how many commits evil made per second meanwhile. Figures,
not a test: it fails only when something did not work at all.
"""
import os
import re
import sys
import time

TESTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tests')
sys.path.insert(0, TESTS)
import harness
from harness import Cordon

CONFIG = "[domain evil]\ncolor = #cc0000\n\n[domain work]\ncolor = #4e9a06\n"
RTT = 200


def rtt(cl):
    cl.skip_pending()
    cl.send(f'rtt {RTT}')
    m = cl.expect(r'^rtt \d+ median-us (\d+) p90-us (\d+) max-us (\d+)$', 120)
    return tuple(int(v) / 1000 for v in m.groups())


def run(n, mode, extra):
    with Cordon(config=CONFIG, ready_timeout=30, quit_timeout=60) as c:
        work = c.spawn_client(['--title', 'work', '--size', '200x150'], domain='work',
                              name='work')
        work.expect(r'^ready$')
        t0 = time.monotonic()
        evil = c.spawn_client(['--title', 'evil', '--size', '300x200',
                               '--subsurfaces', str(n)] + extra, domain='evil', name='evil')
        evil.expect(r'^ready$', 300)
        mapped = time.monotonic() - t0
        steps, per_s = 0, 0.0
        if mode != 'idle':
            evil.send(mode)
            evil.expect(r'^churning$', 30)
            time.sleep(1.0)
        start = time.monotonic()
        med, p90, mx = rtt(work)
        if mode != 'idle':
            took = time.monotonic() - start
            evil.send('churn-stop')
            m = evil.expect(r'^churned (\d+)$', 120)
            steps = int(m.group(1))
            per_s = steps / (time.monotonic() - start + 1.0)
        label = mode + (' +geometry' if extra else '')
        print(f'N={n:6d} {label:22s} map {mapped:6.2f} s  work rtt median {med:8.2f} ms '
              f'p90 {p90:8.2f} ms max {mx:8.2f} ms  evil commits/s {per_s:7.1f}', flush=True)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 4000]
    for n in sizes:
        for mode, extra in [('idle', []), ('churn-still', []), ('churn', []), ('churn-grow', []),
                            ('churn-grow', ['--geometry-offset', '16,16'])]:
            run(n, mode, extra)


harness.main(main)
