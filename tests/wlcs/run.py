#!/usr/bin/env python3
"""Runs the wlcs conformance suite against cordon, as the host and as a guest.

Each pass runs the wlcs runner with cordon's integration module; in the
guest pass every client is attached to a config domain (CORDON_WLCS_DOMAIN).
Failures named in xfail-<pass>.txt are expected; an expected failure that
passes is reported and fails the run, so the lists only shrink. A test that
hangs (no output for --stall seconds) or crashes the runner is recorded as
failed and the pass goes on with the tests after it.

Prints per-suite pass/fail/skip, then `N passed, N failed, N skipped` (an
expected failure counts as passed, as meson counts EXPECTEDFAIL). --log
writes one JSON line per test in meson's testlog format for ./dev test.
"""
import argparse
import fnmatch
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST_DOMAIN = "guest"
# "[  FAILED  ] Suite.test (12 ms)", or "…test/3, where GetParam() = … (12 ms)"
RESULT_RE = re.compile(r"^\[\s*(OK|FAILED|SKIP|SKIPPED)\s*\] ([^\s,]+)(?:, where | \(\d+ ?ms\))")
RUN_RE = re.compile(r"^\[ RUN      \] (\S+)")


class XFail:
    """One line of an xfail list.

    `NAME REASON`: the test NAME (a glob may name several) is expected to
    fail; if it passes, that is reported. `output:"TEXT" REASON`: any test
    whose failure output contains TEXT is expected to fail (a cause shared
    by many tests); an entry that no failure matched in a whole-suite run
    is reported as stale.
    """

    def __init__(self, path, line, text):
        self.where = f"{os.path.basename(path)}:{line}"
        m = re.match(r'output:"([^"]+)"\s+(.+)$', text)
        if m:
            self.name, self.output, self.reason = None, m.group(1), m.group(2)
        else:
            parts = text.split(None, 1)
            if len(parts) < 2:
                sys.exit(f"{path}:{line}: an expected failure needs a reason")
            self.name, self.output, self.reason = parts[0], None, parts[1]
        self.used = 0

    def matches(self, test, output):
        if self.name is not None:
            return fnmatch.fnmatchcase(test, self.name)
        return output is not None and self.output in output


def load_xfail(path):
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            entries.append(XFail(path, n, line))
    return entries


def list_tests(wlcs, module, gfilter):
    out = subprocess.run([wlcs, module, "--gtest_list_tests", f"--gtest_filter={gfilter}"],
                         capture_output=True, text=True, check=True).stdout
    tests, suite = [], None
    for line in out.splitlines():
        if not line.strip() or line.startswith("Note:"):
            continue
        if not line.startswith(" "):
            suite = line.split("#")[0].strip()
        else:
            name = suite + line.split("#")[0].strip()
            # gtest lists disabled tests but does not run them.
            if "DISABLED_" not in name:
                tests.append(name)
    return tests


def run_pass(name, wlcs, module, tests, env, stall, verbose, logf):
    """Runs tests, resuming after a hang or crash; returns {name: result}."""
    results = OrderedDict()
    remaining = list(tests)
    while remaining:
        penv = dict(env, GTEST_FILTER=":".join(remaining))
        proc = subprocess.Popen([wlcs, module], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env=penv,
                                start_new_session=True)
        current, buf, last = None, b"", time.monotonic()
        lines = []
        hung = False
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], 1.0)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                last = time.monotonic()
                buf += chunk
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    line = raw.decode("utf-8", "replace")
                    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
                    if logf:
                        logf.write(line + "\n")
                    m = RUN_RE.match(line)
                    if m:
                        current = m.group(1)
                        lines = []
                        continue
                    lines.append(line)
                    m = RESULT_RE.match(line)
                    # Only the running test's: the summary at the end repeats names.
                    if m and m.group(2) == current:
                        kind = {"OK": "pass", "FAILED": "fail"}.get(m.group(1), "skip")
                        results[m.group(2)] = (kind, "\n".join(lines))
                        current = None
                        if verbose or kind == "fail":
                            print(f"  {name}: {kind.upper():4} {m.group(2)}", flush=True)
            elif time.monotonic() - last > stall:
                hung = True
                os.killpg(proc.pid, signal.SIGKILL)
                break
        proc.wait()
        if current is not None and current not in results:
            why = "hung" if hung else f"crashed (status {proc.returncode})"
            print(f"  {name}: FAIL {current}: {why}", flush=True)
            results[current] = ("fail", "\n".join(lines) + f"\n[{why}]")
        elif hung:
            print(f"  {name}: runner stalled between tests; stopping this pass", flush=True)
            break
        remaining = [t for t in remaining if t not in results]
        if remaining and current is None and not hung:
            # Ended cleanly yet some tests never ran: do not loop for ever.
            for t in remaining:
                results[t] = ("fail", "[never ran]")
                print(f"  {name}: FAIL {t}: never ran", flush=True)
            break
    return results


def summarise(name, results, xfails, jsonlog, stale_check):
    suites = OrderedDict()
    passed = failed = skipped = expected = 0
    problems = []
    for test, (res, output) in results.items():
        entry = next((x for x in xfails if x.matches(test, output if res == "fail" else None)),
                     None)
        reason = entry.reason if entry else None
        if entry:
            entry.used += 1
        if res == "fail" and reason is not None:
            outcome, meson = "xfail", "EXPECTEDFAIL"
            expected += 1
            passed += 1
        elif res == "pass" and reason is not None:
            outcome, meson = "fail", "UNEXPECTEDPASS"
            problems.append(f"{test} passes but is listed as expected to fail ({reason})")
            failed += 1
        elif res == "fail":
            outcome, meson = "fail", "FAIL"
            problems.append(f"{test} failed")
            failed += 1
        elif res == "skip":
            outcome, meson = "skip", "SKIP"
            skipped += 1
        else:
            outcome, meson = "pass", "OK"
            passed += 1
        suite = test.rsplit(".", 1)[0]
        counts = suites.setdefault(suite, {"pass": 0, "fail": 0, "skip": 0, "xfail": 0})
        counts[outcome] += 1
        if jsonlog:
            jsonlog.write(json.dumps({"name": f"wlcs-{name}:{test}", "result": meson}) + "\n")
    for x in stale_check:
        if x.used == 0:
            problems.append(f"{x.where}: matched nothing in this run ({x.reason}); "
                            "remove it")
            failed += 1
            if jsonlog:
                jsonlog.write(json.dumps({"name": f"wlcs-{name}:stale {x.where}",
                                          "result": "FAIL"}) + "\n")
    print(f"== wlcs {name} pass: per suite (passed/failed/skipped, expected failures)")
    for suite, c in suites.items():
        xf = f", {c['xfail']} expected" if c["xfail"] else ""
        print(f"  {suite}: {c['pass'] + c['xfail']} passed, {c['fail']} failed, "
              f"{c['skip']} skipped{xf}")
    for p in problems:
        print(f"  ! {p}")
    print(f"wlcs {name}: {passed} passed ({expected} expected failures), {failed} failed, "
          f"{skipped} skipped", flush=True)
    return passed, failed, skipped


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="meson build directory")
    ap.add_argument("--wlcs", help="the wlcs runner (default: pkg-config's test_runner)")
    ap.add_argument("--pass", dest="passes", action="append", choices=["host", "guest"],
                    help="run only this pass (repeatable; default both)")
    ap.add_argument("--stall", type=float, default=30.0,
                    help="seconds without output before a test counts as hung")
    ap.add_argument("--json", help="append meson-style JSON lines here")
    ap.add_argument("--log", help="write each pass's full output to LOG-PASS.txt")
    ap.add_argument("-j", "--jobs", type=int, default=2,
                    help="passes run at once (default 2: both)")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("filter", nargs="?", default="*", help="gtest filter")
    args = ap.parse_args()

    wlcs = args.wlcs or subprocess.run(["pkg-config", "--variable=test_runner", "wlcs"],
                                       capture_output=True, text=True).stdout.strip()
    module = os.path.join(args.build, "tests", "wlcs", "cordon-wlcs.so")
    if not wlcs or not os.access(wlcs, os.X_OK):
        sys.exit("wlcs: the wlcs runner is not installed (Debian package wlcs)")
    if not os.path.exists(module):
        sys.exit(f"wlcs: {module} is missing (is meson's wlcs option disabled?)")
    module = os.path.abspath(module)
    tests = list_tests(wlcs, module, args.filter)
    env = dict(os.environ, LANG="C.UTF-8", GTEST_COLOR="no")
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("DISPLAY", None)
    jsonlog = open(args.json, "a") if args.json else None
    passes = args.passes or ["host", "guest"]
    results, times = {}, {}

    def one(name):
        penv = dict(env)
        if name == "guest":
            penv["CORDON_WLCS_DOMAIN"] = GUEST_DOMAIN
        else:
            penv.pop("CORDON_WLCS_DOMAIN", None)
        logf = open(f"{args.log}-{name}.txt", "w") if args.log else None
        start = time.monotonic()
        results[name] = run_pass(name, wlcs, module, tests, penv, args.stall,
                                 args.verbose, logf)
        times[name] = time.monotonic() - start
        if logf:
            logf.close()

    print(f"== wlcs: {len(tests)} tests, passes: {', '.join(passes)}", flush=True)
    # Each pass is one runner process with one server at a time: two cores
    # run both at once.
    for i in range(0, len(passes), max(1, args.jobs)):
        threads = [threading.Thread(target=one, args=(n,))
                   for n in passes[i:i + max(1, args.jobs)]]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    total = [0, 0, 0]
    for name in passes:
        # The host list applies to both passes; the guest list adds the
        # guest's deliberate differences.
        xfails = load_xfail(os.path.join(HERE, "xfail-host.txt"))
        own = xfails
        if name == "guest":
            own = load_xfail(os.path.join(HERE, "xfail-guest.txt"))
            xfails += own
            # The host list is checked for stale entries by the host pass.
            if "host" not in passes:
                own = xfails
        counts = summarise(name, results[name], xfails, jsonlog,
                           own if args.filter == "*" else [])
        print(f"   ({times[name]:.0f} s)")
        total = [a + b for a, b in zip(total, counts)]
    print(f"{total[0]} passed, {total[1]} failed, {total[2]} skipped")
    return 1 if total[1] else 0


if __name__ == "__main__":
    sys.exit(main())
