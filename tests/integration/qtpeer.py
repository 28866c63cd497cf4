#!/usr/bin/env python3
"""A small Qt 6 program for the toolkit tests: one window that pastes and
copies on command and reports the keys it receives.

Commands, one per line on stdin:
    paste            reads the clipboard as text; prints "pasted HEX"
                     (the UTF-8 bytes in hex, empty when nothing came)
    copy TEXT        sets the clipboard to TEXT; prints "copied"
    quit
Lines it prints: "ready" once its window is shown; "key press|release
CODE repeat|first" for every key event (CODE: the native scan code);
"focus in|out" when its window gains or loses keyboard focus.

Run with QT_QPA_PLATFORM=wayland and WAYLAND_DISPLAY at the socket to use.
"""

import sys

from PyQt6.QtCore import QSocketNotifier, Qt, QTimer
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import QApplication, QWidget


def say(line):
    sys.stdout.write(line + '\n')
    sys.stdout.flush()


class Window(QWidget):
    def __init__(self, title):
        super().__init__()
        self.setWindowTitle(title)
        self.resize(240, 160)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def keyPressEvent(self, ev):
        say(f'key press {ev.nativeScanCode()} '
            f'{"repeat" if ev.isAutoRepeat() else "first"}')

    def keyReleaseEvent(self, ev):
        say(f'key release {ev.nativeScanCode()} '
            f'{"repeat" if ev.isAutoRepeat() else "first"}')

    def focusInEvent(self, ev):
        say('focus in')

    def focusOutEvent(self, ev):
        say('focus out')


def main():
    title = sys.argv[1] if len(sys.argv) > 1 else 'qtpeer'
    app = QApplication([sys.argv[0], '-name', 'qtpeer'])
    app.setDesktopFileName('qtpeer')
    win = Window(title)
    win.show()
    buf = b''

    def command(line):
        if line == 'paste':
            text = QGuiApplication.clipboard().text()
            say('pasted ' + text.encode().hex())
        elif line.startswith('copy '):
            QGuiApplication.clipboard().setText(line[5:])
            # setText only queues the Wayland request; sync() roundtrips,
            # so "copied" means the compositor has the new selection and a
            # test that acts on it next does not race the offer.
            app.sync()
            say('copied')
        elif line == 'quit':
            app.quit()

    def readable():
        nonlocal buf
        import os
        chunk = os.read(sys.stdin.fileno(), 4096)
        if not chunk:
            app.quit()
            return
        buf += chunk
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            command(line.decode())

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(readable)
    QTimer.singleShot(0, lambda: say('ready'))
    sys.exit(app.exec())


if __name__ == '__main__':
    main()
