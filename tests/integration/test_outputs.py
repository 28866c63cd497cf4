#!/usr/bin/env python3
"""Issue 2: several outputs configured from [output NAME]: mode, position,
scale and transform reach the outputs (IPC), a disabled output stays off,
and a maximized window fills the output it is on."""
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

        w = c.spawn_client(['--color', 'ffffff', '--size', '200x100', '--title', 'm'],
                           name='client')
        w.expect(r'^ready$')
        win = c.wait_window(title='m')
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


harness.main(main)
