#!/usr/bin/env python3
"""outputpower: sets an output's power mode the way swayidle does.

A raw-wire client (as tests/vpointer.py, whose connection it reuses): it
binds the first wl_output and zwlr_output_power_manager_v1, gets the
output's zwlr_output_power_v1, asks for the mode given on the command line
(`on` or `off`), waits one round trip and prints the mode the compositor
reports (`mode on`, `mode off`) or `failed`. No such global: `error ...`,
status 1; a protocol error: status 2 (as vpointer).

    outputpower.py on|off
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpointer  # noqa: E402
from vpointer import Connection, enc_uint, dec_uint, say  # noqa: E402

MANAGER = 'zwlr_output_power_manager_v1'
MANAGER_GET_OUTPUT_POWER = 0
POWER_SET_MODE = 0
POWER_EV_MODE, POWER_EV_FAILED = 0, 1
MODES = {'off': 0, 'on': 1}


class PowerConnection(Connection):
    def __init__(self, path):
        super().__init__(path)
        self.modes = []

    def dispatch(self, oid, opcode, body):
        if self.objects.get(oid) == 'zwlr_output_power_v1':
            if opcode == POWER_EV_MODE:
                self.modes.append(dec_uint(body, 0)[0])
            elif opcode == POWER_EV_FAILED:
                self.modes.append('failed')
            return
        super().dispatch(oid, opcode, body)


def run(mode):
    conn, power = vpointer.connect_created(
        'wl_output', MANAGER, MANAGER_GET_OUTPUT_POWER, 'zwlr_output_power_v1',
        lambda power, output: enc_uint(power) + enc_uint(output), PowerConnection)
    if conn is None:
        return 1
    conn.send(power, POWER_SET_MODE, enc_uint(MODES[mode]))
    conn.roundtrip()
    last = conn.modes[-1] if conn.modes else None
    names = {v: k for k, v in MODES.items()}
    say('failed' if last == 'failed' else f'mode {names.get(last, last)}')
    return 0


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        raise SystemExit('usage: outputpower.py on|off')
    vpointer.exit_reporting(run, sys.argv[1])


if __name__ == '__main__':
    main()
