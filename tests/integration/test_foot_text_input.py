#!/usr/bin/env python3
"""Issue 12 item 6: foot on a guest socket finds zwp_text_input_manager_v3
(before, it warned "text input interface not implemented by compositor;
IME will be disabled"), and its window is framed as the guest's."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq


def main():
    harness.require('foot')
    with Cordon(config='[domain work]\ncolor = blue\n') as c:
        foot = c.spawn(['foot', '--title', 'guest-foot', 'sleep', '120'], domain='work',
                       stdin=False)
        win = c.wait_window(timeout=20, app_id='foot')
        check_eq(win.get('domain'), 'work', 'domain of the guest foot window')
        # foot checks its globals before it maps: its warnings are out by now.
        time.sleep(0.5)
        check(foot.running(), lambda: f'foot exited: {foot.stderr()[-2000:]}')
        err = foot.stderr()
        bad = [line for line in err.splitlines()
               if re.search(r'text.input|IME', line, re.IGNORECASE)]
        check(not bad, f'foot on a guest socket still misses text input: {bad!r}')


harness.main(main)
