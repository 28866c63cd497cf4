#!/usr/bin/env python3
"""Issue 11: output management for host tools. wlr-randr lists cordon's
outputs and changes mode, position, scale, transform and enable in one atomic
configuration, and IPC `outputs` agrees; a configuration one output cannot
take changes nothing; a maximized window refits the new mode; swayidle's
protocol (zwlr_output_power_manager_v1, through tests/outputpower.py)
switches an output off and on; a reload keeps cordon's records and the
manager in agreement; neither global exists on a guest socket."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

CONFIG = '[domain work]\ncolor = #3465a4\n'
TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GLOBALS = {'zwlr_output_manager_v1', 'zwlr_output_power_manager_v1'}


def randr(c, *args, check_rc=True):
    return c.run(['wlr-randr'] + list(args), check_rc=check_rc)


def randr_state(c):
    """{name: {'enabled', 'mode', 'pos', 'scale'}} as wlr-randr prints it."""
    text = randr(c).stdout.decode()
    outs, cur = {}, None
    for line in text.splitlines():
        if line and not line[0].isspace():
            cur = outs.setdefault(line.split()[0], {})
            continue
        line = line.strip()
        if cur is None:
            continue
        if line.startswith('Enabled:'):
            cur['enabled'] = line.split()[1] == 'yes'
        elif line.startswith('Position:'):
            cur['pos'] = tuple(int(v) for v in line.split()[1].split(','))
        elif line.startswith('Scale:'):
            cur['scale'] = float(line.split()[1])
        elif '(current' in line:
            m = re.match(r'(\d+)x(\d+) px', line)
            cur['mode'] = (int(m.group(1)), int(m.group(2)))
    return outs


def ipc_outputs(c):
    return {o['name']: o for o in c.outputs()}


def power(c, mode, domain=None):
    res = c.run([sys.executable, os.path.join(TESTS, 'outputpower.py'), mode],
                domain=domain, check_rc=False)
    return res.returncode, res.stdout.decode().strip()


def main():
    harness.require('wlr-randr', 'wayland-info')
    with Cordon(config=CONFIG, env={'WLR_HEADLESS_OUTPUTS': '2'}) as c:
        seen = randr_state(c)
        check_eq(sorted(seen), ['HEADLESS-1', 'HEADLESS-2'], 'outputs wlr-randr lists')
        check_eq(seen['HEADLESS-1'].get('mode'), (1280, 720), 'HEADLESS-1 mode at start')

        # One configuration for both outputs, applied together.
        randr(c, '--output', 'HEADLESS-1', '--custom-mode', '800x600', '--pos', '0,0',
              '--output', 'HEADLESS-2', '--pos', '800,0', '--scale', '2',
              '--transform', '90')
        outs = wait_for(lambda: (lambda o: o if o['HEADLESS-1']['width'] == 800 else None)(
            ipc_outputs(c)), 5, what='IPC outputs showing the new mode')
        one, two = outs['HEADLESS-1'], outs['HEADLESS-2']
        check_eq((one['x'], one['y'], one['width'], one['height']), (0, 0, 800, 600),
                 'HEADLESS-1 box after wlr-randr')
        check_eq((two['x'], two['y'], two['scale'], two['transform']), (800, 0, 2.0, '90'),
                 'HEADLESS-2 position, scale and transform after wlr-randr')
        # 1280x720 turned and halved: 360x640 logical.
        check_eq((two['width'], two['height']), (360, 640), 'HEADLESS-2 logical size')
        seen = randr_state(c)
        check_eq((seen['HEADLESS-1']['mode'], seen['HEADLESS-2']['pos'],
                  seen['HEADLESS-2']['scale']), ((800, 600), (800, 0), 2.0),
                 'what wlr-randr reads back')

        # Atomic: HEADLESS-2 cannot take this mode, so HEADLESS-1 keeps its own.
        res = randr(c, '--output', 'HEADLESS-1', '--custom-mode', '640x480',
                    '--output', 'HEADLESS-2', '--custom-mode', '100000x100000',
                    check_rc=False)
        check(res.returncode != 0, 'wlr-randr reported success for an impossible mode')
        outs = ipc_outputs(c)
        check_eq((outs['HEADLESS-1']['width'], outs['HEADLESS-1']['height']), (800, 600),
                 'HEADLESS-1 after a failed configuration (must not change)')

        # A maximized window on HEADLESS-1 fits the new mode (new windows
        # open on the output under the pointer).
        c.pointer_to(700, 500)
        w, win = c.test_window('maxme', size='300x200')
        check(win['x'] < 800, f'the window opened off HEADLESS-1: {win!r}')
        w.send('maximize')
        m = w.expect(r'^configure (\d+) (\d+) .*\bmaximized\b')
        width, height = int(m.group(1)), int(m.group(2))
        check(760 <= width <= 800 and 540 <= height <= 600,
              f'maximized to {width}x{height} on an 800x600 output')

        # Disable and enable: cordon's records, IPC and wlr-randr agree.
        randr(c, '--output', 'HEADLESS-2', '--off')
        outs = wait_for(lambda: (lambda o: o if not o['HEADLESS-2']['enabled'] else None)(
            ipc_outputs(c)), 5, what='HEADLESS-2 disabled in IPC')
        check_eq(randr_state(c)['HEADLESS-2'].get('enabled'), False,
                 'HEADLESS-2 enabled, per wlr-randr')
        check('wl_output' in c.globals(), 'wl_output gone with one output left')
        randr(c, '--output', 'HEADLESS-2', '--on', '--pos', '800,0')
        outs = wait_for(lambda: (lambda o: o if o['HEADLESS-2']['enabled'] else None)(
            ipc_outputs(c)), 5, what='HEADLESS-2 enabled again in IPC')
        check_eq(outs['HEADLESS-2']['x'], 800, 'HEADLESS-2 position after --on')

        # Power (swayidle): off keeps the output in the layout, on lights it.
        rc, out = power(c, 'off')
        check_eq((rc, out), (0, 'mode off'), 'output power off')
        one = ipc_outputs(c)['HEADLESS-1']
        check_eq((one['enabled'], one['power']), (True, 'off'), 'HEADLESS-1 powered off')
        rc, out = power(c, 'on')
        check_eq((rc, out), (0, 'mode on'), 'output power on')
        one = ipc_outputs(c)['HEADLESS-1']
        check_eq((one['enabled'], one['power']), (True, 'on'), 'HEADLESS-1 powered on')
        c.screenshot()

        # A reload re-applies [output] sections (none here): records and
        # the manager still agree with each other.
        c.ipc_ok({'cmd': 'reload'})
        outs = ipc_outputs(c)
        seen = wait_for(lambda: (lambda s: s if all(
            s[n].get('enabled') == outs[n]['enabled'] for n in outs) else None)(
            randr_state(c)), 5, what='wlr-randr agreeing with IPC after a reload')
        for name, o in outs.items():
            if o['enabled']:
                check_eq(seen[name].get('pos'), (o['x'], o['y']),
                         f'{name} position, wlr-randr against IPC after a reload')

        # Guests: no such globals, and the power client finds none to bind.
        guest = c.globals('work')
        check(not (GLOBALS & guest), f'guest socket offers {sorted(GLOBALS & guest)}')
        check(GLOBALS <= c.globals(), 'host socket lacks output management globals')
        rc, out = power(c, 'off', domain='work')
        check(rc == 1 and out.startswith('error'),
              f'the power client on a guest socket: status {rc}, {out!r}')
        check_eq(ipc_outputs(c)['HEADLESS-1']['power'], 'on',
                 'HEADLESS-1 power after a guest tried')


harness.main(main)
