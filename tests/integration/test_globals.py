#!/usr/bin/env python3
"""wayland-info on the host socket lists the globals issue 2 asks for."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check

EXPECTED = harness.CORE_GLOBALS | {'zwlr_screencopy_manager_v1'}


def main():
    harness.require('wayland-info')
    with Cordon() as c:
        seen = c.globals()
        missing = sorted(EXPECTED - seen)
        check(not missing, f'host socket lacks globals {missing}; '
                           f'wayland-info listed {sorted(seen)}')


harness.main(main)
