#!/usr/bin/env python3
"""A small GTK program (PyGObject) for the toolkit tests: one window that
copies and pastes text on command.

    gtkpeer.py VERSION TITLE      VERSION: 3 or 4

Commands, one per line on stdin:
    copy TEXT     makes TEXT the clipboard; prints "copied" once the
                  compositor has handled the claim (a roundtrip)
    paste         reads the clipboard as text (asynchronously, as GTK
                  programs do); prints "pasted HEX" (UTF-8 bytes in hex,
                  empty when nothing came)
    quit
Lines it prints: "ready" once its window is shown, "focus in|out" as its
window becomes active or not.

Run with GDK_BACKEND=wayland and WAYLAND_DISPLAY at the socket to use.
"""

import os
import sys

import gi

VERSION = sys.argv[1] if len(sys.argv) > 1 else '4'
TITLE = sys.argv[2] if len(sys.argv) > 2 else f'gtk{VERSION}peer'
gi.require_version('Gtk', f'{VERSION}.0')
gi.require_version('Gdk', f'{VERSION}.0')
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def say(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


def copied():
    # GTK only queues the claim: until it is on the wire and handled, a
    # test that moves the focus on "copied" would race it, and cordon
    # refuses a claim from a client that no longer has the keyboard.
    Gdk.Display.get_default().sync()
    say('copied')


def report(text):
    say('pasted ' + (text or '').encode().hex())


class Gtk3Peer:
    def __init__(self):
        self.win = Gtk.Window(title=TITLE)
        self.win.set_default_size(240, 160)
        self.win.connect('focus-in-event', lambda *a: say('focus in'))
        self.win.connect('focus-out-event', lambda *a: say('focus out'))
        self.win.connect('destroy', lambda *a: loop.quit())
        self.win.show_all()
        self.clip = Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD)

    def copy(self, text):
        self.clip.set_text(text, -1)
        self.clip.store()
        copied()

    def paste(self):
        self.clip.request_text(lambda clip, text: report(text))


class Gtk4Peer:
    def __init__(self):
        self.win = Gtk.Window(title=TITLE)
        self.win.set_default_size(240, 160)
        self.win.connect('notify::is-active', lambda w, p: say(
            'focus in' if w.is_active() else 'focus out'))
        self.win.connect('close-request', lambda *a: loop.quit() or False)
        self.win.present()
        self.clip = Gdk.Display.get_default().get_clipboard()

    def copy(self, text):
        self.clip.set(text)
        copied()

    def paste(self):
        def done(clip, result):
            try:
                text = clip.read_text_finish(result)
            except GLib.Error:
                text = ''
            report(text)
        self.clip.read_text_async(None, done)


def main():
    global loop
    if VERSION == '3':
        Gtk.init(sys.argv[:1])
        peer = Gtk3Peer()
    else:
        Gtk.init()
        peer = Gtk4Peer()
    loop = GLib.MainLoop()
    buf = b''

    def readable(fd, cond):
        nonlocal buf
        chunk = os.read(fd, 4096) if cond & GLib.IO_IN else b''
        if not chunk:
            loop.quit()
            return False
        buf += chunk
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            line = line.decode()
            if line.startswith('copy '):
                peer.copy(line[5:])
            elif line == 'paste':
                peer.paste()
            elif line == 'quit':
                loop.quit()
        return True

    GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, 0, GLib.IO_IN | GLib.IO_HUP, readable)
    GLib.idle_add(lambda: say('ready') or False)
    loop.run()


loop = None

if __name__ == '__main__':
    main()
