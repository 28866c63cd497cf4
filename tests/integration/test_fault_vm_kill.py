#!/usr/bin/env python3
"""Issue 9, fault injection: a VM (the fake crosvm) SIGKILLed mid-frame.

First while its clients are busy: weston-simple-shm drawing a frame per
frame callback, a raw client halfway through sending a request, and a
paste from the VM into another domain waiting on the user's answer. Then
while a VM window is fullscreen and has the keyboard. Each time the VM's
clients are cut off at once; the prompt is withdrawn and the paste ends
empty (recorded as ask-withdrawn); no pixel of the VM is left on screen
(window, frame, fullscreen edge); the other domain's window keeps the
keyboard and its client talks; IPC answers; cordon's descriptors return
to where they were; and the VM comes back (restart = on-failure), its next
client gets in."""
import os
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, hex_color, log, wait_for
import cliptest
from vmtest import VmCordon, vm_section, section

VM_COLOR = '#8000c0'
CONFIG = (vm_section('vm', autostart='yes', restart='on-failure', stop_timeout=5,
                     color=VM_COLOR)
          + section('work', {'color': '#3465a4'}))
VM_RGB = hex_color(VM_COLOR)
MAGENTA = (255, 0, 255)


def n_fds(pid):
    return len(os.listdir(f'/proc/{pid}/fd'))


def shot_without(c, colors, what):
    """Waits for a screenshot with no pixel of any of colors; returns it."""
    wanted = {bytes(col) for col in colors}

    def probe():
        s = c.screenshot()
        raw = s.pixels
        hits = [i // 3 for i in range(0, len(raw), 3) if raw[i:i + 3] in wanted]
        return s if not hits else None
    return wait_for(probe, 5, what=what)


def kill_vm(c):
    pid = c.domain('vm')['pid']
    t0 = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not c.find_windows(domain='vm'), 5,
             what='the VM\'s windows gone from IPC')
    ms = (time.monotonic() - t0) * 1000
    return pid, ms


def main():
    harness.require('weston-simple-shm', 'wl-paste', 'grim', 'wtype')
    with VmCordon(CONFIG) as c:
        pid = c.proc.pid
        c.wait_state('vm', 'running', 10)
        desk = cliptest.Desk(c)
        work = desk.window('work', title='work')
        base_fds = n_fds(pid)

        # --- busy clients, a pending prompt --------------------------------
        vmwin = desk.window('vm', title='vm-copy')
        vmwin.proc.send('copy-hang from inside the vm')
        vmwin.proc.expect(r'^copy-done$')
        shm = c.spawn(['weston-simple-shm'], domain='vm', name='simple-shm')
        wait_for(lambda: len(c.find_windows(domain='vm')) >= 2, 5,
                 what='weston-simple-shm\'s window in vm')
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        raw.connect(c.domain_socket('vm'))
        # wl_display.get_registry announced as 16 bytes; 10 of them sent.
        raw.sendall(struct.pack('<II', 1, (16 << 16) | 1) + b'\x02\x00')
        desk.focus(work)
        paste = desk.paste_async('work')
        pr = desk.wait_prompt()
        check_eq((pr.get('from'), pr.get('to')), ('vm', 'work'), 'the pending prompt')
        mark = desk.events.mark()

        vm_pid, ms = kill_vm(c)
        log(f'VM windows gone {ms:.1f} ms after SIGKILL of the fake crosvm')
        c.check_alive('after the VM was killed mid-frame')
        desk.wait_no_prompt()
        rc, data = paste.wait(10)
        check_eq(data, b'', 'what work pasted from the killed VM')
        rec = wait_for(lambda: [t for t in desk.transfers() if t.get('from') == 'vm'], 5,
                       what='a transfer record from vm')[-1]
        check_eq((rec.get('to'), rec.get('decision'), rec.get('bytes')),
                 ('work', 'ask-withdrawn', 0), 'the record of the cut paste')
        raw.settimeout(5)
        check_eq(raw.recv(64), b'', 'the half-sent client was not disconnected')
        raw.close()
        check(shm.wait_exit(5) is not None, 'weston-simple-shm still runs')
        check_eq(c.focused()['id'], work.id, 'focused window after the kill')
        work.proc.send('sync')
        work.proc.expect(r'^synced$')
        shot_without(c, [VM_RGB], 'no pixel of the VM\'s colour after the kill')
        desk.events.wait(lambda e: e.get('event') == 'domain' and e.get('name') == 'vm'
                         and e.get('change') == 'failed', 5, 'vm failed', since=mark)

        # --- a fullscreen VM window with the keyboard ----------------------
        again = c.wait_state('vm', 'running', 10)
        check(again.get('pid') != vm_pid, 'the VM did not restart')
        fs, wfs = c.test_window('vm-full', domain='vm', color='ff00ff', size='300x200')
        desk.focus(cliptest.Win(fs, wfs))
        fs.send('fullscreen')
        wait_for(lambda: c.find_windows(id=wfs['id'], fullscreen=True), 5,
                 what='the VM window fullscreen')
        s = wait_for(lambda: (lambda s: s if s.pixel(640, 360) == MAGENTA else None)(
            c.screenshot()), 5, what='the fullscreen VM window on screen')
        check_eq(s.pixel(0, 360), VM_RGB, 'the fullscreen edge in the VM\'s colour')

        kill_vm(c)
        c.check_alive('after the fullscreen VM was killed')
        shot_without(c, [VM_RGB, MAGENTA], 'no pixel of the fullscreen VM after the kill')
        wait_for(lambda: (c.focused() or {}).get('id') == work.id, 5,
                 what='the keyboard back with the work window')
        work.proc.skip_pending()
        c.wtype('z')
        work.proc.expect(r'^key \d+ pressed$')
        c.ctl('version')

        # Nothing held over: descriptors back, the VM back and reachable.
        c.wait_state('vm', 'running', 10)
        late = c.spawn_client(['--title', 'vm-late', '--size', '200x150'], domain='vm',
                              name='vm-late')
        late.expect(r'^ready$')
        check_eq(c.wait_window(title='vm-late').get('domain'), 'vm', 'domain of vm-late')
        late.send('quit')
        late.wait_exit(5)
        wait_for(lambda: n_fds(pid) <= base_fds + 8, 10,
                 what=f'cordon back near its {base_fds} descriptors (has {n_fds(pid)})')


harness.main(main)
