#!/usr/bin/env python3
"""wayland-info on the host socket lists the globals issue 2 asks for."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check

EXPECTED = {
    'wl_compositor', 'wl_subcompositor', 'wl_shm', 'wl_seat', 'wl_output',
    'wl_data_device_manager', 'zwp_primary_selection_device_manager_v1',
    'xdg_wm_base', 'zxdg_decoration_manager_v1', 'wp_viewporter',
    'wp_presentation', 'wp_single_pixel_buffer_manager_v1',
    'wp_fractional_scale_manager_v1', 'zxdg_output_manager_v1',
    'wp_cursor_shape_manager_v1', 'xdg_activation_v1',
    'zwlr_screencopy_manager_v1',
}


def main():
    harness.require('wayland-info')
    with Cordon() as c:
        seen = c.globals()
        missing = sorted(EXPECTED - seen)
        check(not missing, f'host socket lacks globals {missing}; '
                           f'wayland-info listed {sorted(seen)}')


harness.main(main)
