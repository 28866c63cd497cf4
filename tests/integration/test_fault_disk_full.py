#!/usr/bin/env python3
"""Issue 9, fault injection: the disk fills up under cordon's logs.

A file size limit (RLIMIT_FSIZE, lowered under the running cordon to
64 KiB) stands for a full $XDG_RUNTIME_DIR. A chatty domain then writes
far more than that to its launcher log. cordon used to die of SIGXFSZ
there, taking every domain with it; now the write fails, the log is
rotated and the line written again, so the newest output is still in the
log, the domain and everything else keep running, and nothing is said
about lost lines because none were. With its standard error on /dev/full
(ENOSPC on every log line) cordon starts, serves and quits cleanly."""
import os
import re
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, log, wait_for

LIMIT = 64 * 1024
CONFIG = """\
[domain chatty]
color = #cc0000
kind = command
command = i=0; while :; do echo "chatty line $i"; i=$((i+1)); \
  [ $((i % 100)) -eq 0 ] && sleep 0.05; done
restart = no
stop-timeout = 2

[domain work]
color = #3465a4
"""


def last_line(path):
    try:
        with open(path, errors='replace') as f:
            numbers = re.findall(r'chatty line (\d+)\n', f.read())
    except FileNotFoundError:
        return -1
    return int(numbers[-1]) if numbers else -1


def main():
    with Cordon(config=CONFIG) as c:
        pid = c.proc.pid
        guest = c.spawn_client(['--title', 'guest', '--size', '200x150'],
                               domain='work', name='guest')
        guest.expect(r'^ready$')
        soft, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (LIMIT, hard))
        path = os.path.join(c.runtime_dir, 'cordon', 'chatty', 'log')

        c.ctl('start', 'chatty')
        # Well past the limit: about 50 KB of output a second.
        wait_for(lambda: os.path.exists(path + '.1'), 15,
                 what='the chatty log rotated at the file size limit')
        time.sleep(1)
        c.check_alive('after its log met the file size limit')
        size = os.path.getsize(path)
        check(size <= LIMIT, f'the log is {size} bytes, over the {LIMIT}-byte limit')

        # The log keeps the newest output: it goes on growing after the limit.
        n1 = last_line(path)
        time.sleep(1.5)
        n2 = last_line(path)
        if n2 < n1:  # rotated in between: the newest is in the fresh file
            n2 = max(n2, last_line(path))
        log(f'newest logged line {n1}, then {n2}; log {os.path.getsize(path)} bytes, '
            f'log.1 {os.path.getsize(path + ".1")} bytes')
        check(n1 > 0 and n2 > n1, f'the log stopped at line {n1} (then {n2})')
        check('cannot write log file' not in c.cordon_stderr(),
              'cordon says it lost log lines although rotation made room')

        # Nothing else noticed.
        doms = {d['name']: d for d in c.domains()}
        check_eq(doms['chatty'].get('state'), 'running', 'state of the chatty domain')
        guest.send('sync')
        guest.expect(r'^synced$')
        check(c.find_windows(title='guest'), 'the work window is gone')
        c.ctl('stop', 'chatty')
        wait_for(lambda: {d['name']: d for d in c.domains()}['chatty'].get('state')
                 == 'stopped', 10, what='the chatty domain stopped')
        wait_for(lambda: 'stopped' in open(path, errors='replace').read(), 5,
                 what='the stop recorded in the log')
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))

    # Standard error on /dev/full: every log line fails with ENOSPC.
    with harness.HandStarted() as h:
        with open('/dev/full', 'w') as full:
            h.start(['-d'], output=full)
        for cmd in ('version', 'windows', 'quit'):
            res = h.ctl(cmd)
            check_eq(res.returncode, 0, f'cordonctl {cmd} with cordon\'s stderr on '
                                        f'/dev/full ({res.stderr!r})')
        check_eq(h.proc.wait(timeout=10), 0, 'exit status of cordon with stderr on /dev/full')


harness.main(main)
