#!/usr/bin/env python3
"""Issue 2: several outputs configured from [output NAME]: mode, position,
scale and transform reach the outputs (IPC), a disabled output stays off,
a maximized window fills the output it is on, and a reload can switch
outputs on and off (windows on an output switched off come back)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

CONFIG = """\
[output HEADLESS-1]
mode = 800x600
position = 0,0

[output HEADLESS-2]
mode = 1000x800
position = 800,0
scale = 2
transform = 90

[output HEADLESS-3]
enable = no
"""
RELOADED = """\
[output HEADLESS-1]
mode = 800x600
position = 0,0

[output HEADLESS-2]
enable = no

[output HEADLESS-3]
mode = 640x480
position = 0,600
"""


def main():
    with Cordon(config=CONFIG, env={'WLR_HEADLESS_OUTPUTS': '3'}) as c:
        outs = {o['name']: o for o in c.ipc_ok({'cmd': 'outputs'})['outputs']}
        check('HEADLESS-3' not in outs or not outs['HEADLESS-3'].get('enabled'),
              f'HEADLESS-3 has enable = no: {outs!r}')
        one, two = outs.get('HEADLESS-1'), outs.get('HEADLESS-2')
        check(one is not None and two is not None, f'outputs: {sorted(outs)!r}')
        check_eq((one['x'], one['y'], one['width'], one['height']), (0, 0, 800, 600),
                 'HEADLESS-1 box')
        # 1000x800 turned by 90 degrees and halved by scale 2: 400x500 logical.
        check_eq((two['x'], two['y'], two['width'], two['height']), (800, 0, 400, 500),
                 'HEADLESS-2 box (scale 2, transform 90)')
        check_eq(two['scale'], 2.0, 'HEADLESS-2 scale')
        check_eq(two['transform'], '90', 'HEADLESS-2 transform')

        w, win = c.test_window('m', color='ffffff', size='200x100', name='client')
        # New windows open on the output under the pointer.
        on = [o for o in (one, two)
              if o['x'] <= win['x'] < o['x'] + o['width'] and
              o['y'] <= win['y'] < o['y'] + o['height']]
        check(len(on) == 1, f'the window is on no single output: {win!r}')
        out = on[0]
        w.send('maximize')
        m = w.expect(r'^configure (\d+) (\d+) .*\bmaximized\b')
        width, height = int(m.group(1)), int(m.group(2))
        # The frame takes the border on every side and the titlebar on top.
        check(out['width'] - 20 <= width <= out['width'] and
              out['height'] - 60 <= height <= out['height'],
              f'maximized size {width}x{height} does not fill {out["name"]} '
              f'({out["width"]}x{out["height"]})')
        mx = wait_for(lambda: c.find_windows(id=win['id'], maximized=True), 5,
                      what='IPC maximized')[0]
        check(out['x'] <= mx['x'] and mx['x'] + mx['width'] <= out['x'] + out['width'],
              f'the maximized window left its output: {mx!r}')

        # Reload: HEADLESS-3 on, HEADLESS-2 (maybe under the window) off.
        w.send('unmaximize')
        wait_for(lambda: c.find_windows(id=win['id'], maximized=False), 5,
                 what='IPC unmaximized')
        with open(c.config_path, 'w') as f:
            f.write(RELOADED)
        c.ipc_ok({'cmd': 'reload'})
        outs = {o['name']: o for o in c.ipc_ok({'cmd': 'outputs'})['outputs']}
        check(outs.get('HEADLESS-3', {}).get('enabled') is True,
              f'HEADLESS-3 must be on after the reload: {outs!r}')
        check(not outs.get('HEADLESS-2', {}).get('enabled'),
              f'HEADLESS-2 must be off after the reload: {outs!r}')
        three = outs['HEADLESS-3']
        check_eq((three['x'], three['y'], three['width'], three['height']),
                 (0, 600, 640, 480), 'HEADLESS-3 box after the reload')
        on = [o for o in outs.values() if o.get('enabled')]
        mv = c.find_windows(id=win['id'])[0]
        check(any(o['x'] <= mv['x'] < o['x'] + o['width'] and
                  o['y'] <= mv['y'] < o['y'] + o['height'] for o in on),
              f'the window must be back on an enabled output: {mv!r} {on!r}')
        seen = c.globals()
        check('wl_output' in seen, f'wl_output missing after the reload: {seen!r}')


harness.main(main)
