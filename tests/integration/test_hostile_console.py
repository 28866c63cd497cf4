#!/usr/bin/env python3
"""Issue 9 item 10: a guest printing without end on its console cannot fill
the runtime directory. crosvm writes the console into a FIFO that cordon
reads; serial.log is rotated to serial.log.1 past log-max (default 1 MiB),
like the launcher's log. The fake crosvm writes 6 MB (with escape
sequences) to its console; the files stay under the cap, the newest lines
are kept and sanitised, and the VM is still stoppable."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, log, wait_for
from vmtest import VmCordon, vm_section

FLOOD = 6 * 1024 * 1024
CONFIG = (vm_section('big', autostart='yes', stop_timeout=5)
          + vm_section('small', autostart='yes', stop_timeout=5, log_max='64K'))


def sizes(d):
    out = {}
    for name in os.listdir(d):
        p = os.path.join(d, name)
        if os.path.isfile(p):
            out[name] = os.path.getsize(p)
    return out


def tail(path, n=4096):
    with open(path, 'rb') as f:
        f.seek(max(0, os.path.getsize(path) - n))
        return f.read()


def main():
    with VmCordon(CONFIG, env={'FAKE_CROSVM_CONSOLE_FLOOD': str(FLOOD)}) as c:
        for name, cap in (('big', 1024 * 1024), ('small', 64 * 1024)):
            d = os.path.join(c.runtime_dir, 'cordon', name)
            serial = os.path.join(d, 'serial.log')

            def done():
                try:
                    return b'fake-crosvm: flood done' in tail(serial)
                except FileNotFoundError:
                    return False
            wait_for(done, 60, what=f'{name}: the end of the console flood in serial.log')
            got = sizes(d)
            log(f'{name}: files after a {FLOOD}-byte console flood: {got}')
            check('serial.log.1' in got, f'{name}: serial.log was never rotated: {got}')
            for f, size in got.items():
                check(size <= cap, f'{name}: {f} is {size} bytes, over the cap {cap}')
            check(sum(got.values()) <= 2 * cap + 64 * 1024,
                  f'{name}: the directory holds {sum(got.values())} bytes')
            last = tail(serial)
            for bad in (b'\x1b', b'\x07', b'\xc2\x9b', b'\xe2\x80\xae'):
                check(bad not in last,
                      f'{name}: {bad!r} reached serial.log: {last[-300:]!r}')
            check(b'console: guest ?[2J' in last,
                  f'{name}: the console lines are not in serial.log: {last[-300:]!r}')
            check_eq(c.domain(name).get('state'), 'running', f'{name} state')
        c.ctl('stop', 'small')
        wait_for(lambda: c.domain('small').get('state') == 'stopped', 15,
                 what='small stopped')


harness.main(main)
