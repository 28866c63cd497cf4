#!/usr/bin/env python3
"""Issue 11 item 2: cordon joins the systemd user session.

Stand-ins for systemctl and dbus-update-activation-environment on PATH
record their arguments and the session variables they were run with.

1. With a user manager ($XDG_RUNTIME_DIR/systemd) and a session bus
   ($XDG_RUNTIME_DIR/bus): cordon gives WAYLAND_DISPLAY,
   XDG_CURRENT_DESKTOP=cordon and XDG_SESSION_TYPE=wayland to both, then
   starts cordon-session.target; on exit it stops the target without
   waiting and unsets the variables in the user manager.
2. The tools failing is logged and nothing more: cordon serves windows
   and exits cleanly.
3. With neither a manager nor a bus, nothing is run.
4. By default (user-session = auto) a cordon that is not on a seat
   (headless here, or nested in another desktop) leaves the user manager
   alone: it belongs to the desktop around it."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

# DISPLAY: the host's own Xwayland (xwayland = lazy by default).
NAMES = ['WAYLAND_DISPLAY', 'XDG_CURRENT_DESKTOP', 'XDG_SESSION_TYPE', 'DISPLAY']
FAKE = """#!/bin/sh
{
  printf '%s' "NAME"; for a in "$@"; do printf ' %s' "$a"; done; printf '\\n'
  printf '  WAYLAND_DISPLAY=%s\\n' "${WAYLAND_DISPLAY-}"
  printf '  XDG_CURRENT_DESKTOP=%s\\n' "${XDG_CURRENT_DESKTOP-}"
  printf '  XDG_SESSION_TYPE=%s\\n' "${XDG_SESSION_TYPE-}"
} >> "$FAKE_LOG"
exit "${FAKE_RC:-0}"
"""


def fake_tools(where):
    for name in ('systemctl', 'dbus-update-activation-environment'):
        path = os.path.join(where, name)
        with open(path, 'w') as f:
            f.write(FAKE.replace('NAME', name))
        os.chmod(path, 0o755)


def calls(log_path):
    """[(argv, {variable: value})] in the order the tools ran."""
    try:
        with open(log_path) as f:
            text = f.read()
    except FileNotFoundError:
        return []
    out = []
    for line in text.splitlines():
        if line.startswith('  '):
            k, _, v = line.strip().partition('=')
            out[-1][1][k] = v
        else:
            out.append((line.split(' '), {}))
    return out


def session_dirs(rt):
    os.mkdir(os.path.join(rt, 'systemd'), 0o700)
    open(os.path.join(rt, 'bus'), 'w').close()


def run(tmp, name, prepare, rc=0, config='[general]\nuser-session = yes\n'):
    log_path = os.path.join(tmp, name + '.log')
    env = {'PATH': os.path.join(tmp, 'bin') + ':' + os.environ.get('PATH', ''),
           'FAKE_LOG': log_path, 'FAKE_RC': str(rc),
           # A desktop list from elsewhere is replaced; one naming cordon is kept.
           'XDG_CURRENT_DESKTOP': 'GNOME'}
    return Cordon(config=config, env=env, prepare=prepare), log_path


def runs_nothing(cordon, log_path, title, said, why, what):
    """cordon (from run()) maps a window titled title, logs said (else
    fails with why) and runs no tool at all (else fails naming what)."""
    with cordon as c:
        c.test_window(title)
        check(said in c.cordon_stderr(), why)
        c.stop()
        check_eq(calls(log_path), [], what)


def main():
    tmp = tempfile.mkdtemp(prefix='c.sd.', dir='/tmp')
    try:
        os.mkdir(os.path.join(tmp, 'bin'))
        fake_tools(os.path.join(tmp, 'bin'))

        # 1. exported to both, the target started, then stopped and unset.
        c, log_path = run(tmp, 'full', session_dirs)
        with c:
            start = ['systemctl', '--user', 'start', 'cordon-session.target']
            wait_for(lambda: any(argv == start for argv, _ in calls(log_path)), 5,
                     what=f'cordon to run {" ".join(start)}')
            seen = calls(log_path)
            argvs = [argv for argv, _ in seen]
            expected_env = {'WAYLAND_DISPLAY': c.wayland_display,
                            'XDG_CURRENT_DESKTOP': 'cordon',
                            'XDG_SESSION_TYPE': 'wayland'}
            check_eq(argvs, [['dbus-update-activation-environment'] + NAMES,
                             ['systemctl', '--user', 'import-environment'] + NAMES,
                             start], 'tools run at start')
            for argv, env in seen:
                check_eq(env, expected_env, f'environment of {" ".join(argv)}')
            c.stop()
            argvs = [argv for argv, _ in calls(log_path)]
            check_eq(argvs[3:], [['systemctl', '--user', '--no-block', 'stop',
                                  'cordon-session.target'],
                                 ['systemctl', '--user', 'unset-environment'] + NAMES],
                     'tools run at exit')

        # 2. every tool fails: logged, not fatal.
        c, log_path = run(tmp, 'failing', session_dirs, rc=1)
        with c:
            wait_for(lambda: len(calls(log_path)) >= 3, 5, what='the three start calls')
            client = c.spawn_client(['--title', 'still here'])
            client.expect(r'^ready$')
            c.wait_window(title='still here')
            wait_for(lambda: "systemd: 'systemctl --user start cordon-session.target' "
                     "failed (status 1)" in c.cordon_stderr(), 5,
                     what='cordon to log the failed start of the target')
            c.stop()
            check_eq(len(calls(log_path)), 5, 'calls with failing tools')

        # 3. no user manager, no bus: nothing runs.
        runs_nothing(*run(tmp, 'none', None), 'alone',
                     'no user manager and no D-Bus session bus',
                     'cordon did not say why it exported nothing',
                     'tools run without a manager or a bus')

        # 4. not on a seat, no user-session = yes: nothing runs.
        runs_nothing(*run(tmp, 'auto', session_dirs, config=None), 'nested', 'not on a seat',
                     'cordon did not say why it left the user manager alone',
                     'tools run by a headless cordon by default')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


harness.main(main)
