"""Shared pieces of the toolkit tests (issue 8): real GTK and Qt programs
as guests. qtpeer.py is a small PyQt6 program, gtkpeer.py a small PyGObject
one (GTK 3 or 4); both take commands on stdin and report on stdout."""

import os
import sys

import harness

HERE = os.path.dirname(os.path.abspath(__file__))


def require_qt():
    try:
        import PyQt6.QtWidgets  # noqa: F401
    except ImportError:
        print('SKIP: python3-pyqt6 is not installed')
        sys.exit(77)


def qt_env():
    return {'QT_QPA_PLATFORM': 'wayland', 'QT_WAYLAND_DISABLE_WINDOWDECORATION': '1',
            'XDG_SESSION_TYPE': 'wayland'}


def start_peer(c, args, domain, env, title, timeout):
    """A toolkit peer (python3 HERE/args...) in domain, given timeout
    seconds to map its window titled title, then focused. Returns
    (process, window)."""
    peer = c.spawn([sys.executable, os.path.join(HERE, args[0])] + list(args[1:]),
                   domain=domain, env=env, name=title)
    peer.expect(r'^ready$', timeout=timeout)
    win = c.wait_window(title=title, timeout=timeout)
    c.ipc_ok({'cmd': 'focus', 'id': win['id']})
    c.wait_focused(win['id'])
    peer.expect(r'^focus in$', timeout=10)
    return peer, win


def start_qt(c, domain, title):
    """qtpeer.py in domain, its window focused. Returns (process, window)."""
    return start_peer(c, ['qtpeer.py', title], domain, qt_env(), title, 20)


def pasted(peer, timeout=10.0):
    """The text of the peer's next "pasted HEX" line."""
    m = peer.expect(r'^pasted ?([0-9a-f]*)$', timeout=timeout)
    return bytes.fromhex(m.group(1)).decode()


def paste(peer, timeout=10.0):
    peer.send('paste')
    return pasted(peer, timeout)


def require_gtk(version):
    """Skips the test unless PyGObject can load Gtk version (checked in a
    child: one process can load only one Gtk)."""
    import subprocess
    probe = f"import gi; gi.require_version('Gtk', '{version}.0')"
    if subprocess.run([sys.executable, '-c', probe], capture_output=True).returncode != 0:
        print(f'SKIP: PyGObject with the Gtk {version}.0 typelib is not installed')
        sys.exit(77)


def gtk_env():
    return {'GDK_BACKEND': 'wayland', 'NO_AT_BRIDGE': '1', 'GTK_A11Y': 'none',
            'GSETTINGS_BACKEND': 'memory'}


def start_gtk(c, version, domain, title):
    """gtkpeer.py with GTK version in domain, its window focused."""
    return start_peer(c, ['gtkpeer.py', str(version), title], domain, gtk_env(), title, 30)
