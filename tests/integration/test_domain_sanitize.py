#!/usr/bin/env python3
"""Issue 3: guest titles and app ids come back sanitised over IPC:
control characters, bidi overrides/isolates and zero-width characters
removed, invalid UTF-8 replaced, length capped."""
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq, wait_for

CONFIG = "[domain work]\ncolor = purple\n"
FORBIDDEN = set(chr(c) for c in list(range(0, 0x20)) + list(range(0x7f, 0xa0))) | {
    '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c',
    '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff', '\u2028',
    '\u2029', '\u061c'}
TITLE_MAX = 256


def bad_chars(text):
    return sorted({f'U+{ord(ch):04X}' for ch in text
                   if ch in FORBIDDEN or unicodedata.category(ch) in ('Cc', 'Cf')})


def main():
    with Cordon(config=CONFIG) as c:
        evil = ('pay\u202eKCOL\u202c [host] bank\x07\x1b[31m\u200bzero'
                '\u2066iso\u2069\u200f\ufeff\tend')
        evil_app = 'org.\u202eevil\x01app'
        cl = c.spawn_client(['--size', '200x100', '--title', evil, '--app-id', evil_app],
                            domain='work')
        cl.expect(r'^ready$')
        win = c.wait_window(domain='work')
        title, app_id = win.get('title', ''), win.get('app_id', '')
        check(not bad_chars(title), f'IPC title {title!r} still holds {bad_chars(title)}')
        check(not bad_chars(app_id), f'IPC app_id {app_id!r} still holds '
                                     f'{bad_chars(app_id)}')
        for word in ('pay', 'KCOL', 'bank', 'zero', 'iso', 'end'):
            check(word in title, f'sanitising lost the visible text {word!r}: {title!r}')
        check('evil' in app_id and 'app' in app_id, f'app_id mangled: {app_id!r}')

        # Invalid UTF-8 and an overlong title, set later from the client.
        cl.send('title ' + 'A' * 1000)
        t = wait_for(lambda: (lambda w: w['title'] if w and w['title'] != title else None)(
            (c.find_windows(id=win['id']) or [None])[0]), 5, what='the long title in IPC')
        check(len(t) <= TITLE_MAX, f'IPC title is {len(t)} characters, cap is {TITLE_MAX}')
        check(set(t) <= {'A', '\u2026', '.'}, f'the capped title holds other text: {t!r}')

        # Invalid UTF-8: the server side of the protocol may refuse it outright
        # (a protocol error for the client), or cordon repairs it.
        bad = c.spawn_client([b'--title', b'bad\xff\xfeutf8\xc3', b'--size', b'100x100'],
                             domain='work', name='bad-utf8')
        m = bad.expect(r'^(ready|protocol-error.*)$')
        c.check_alive('after a title with invalid UTF-8')
        if m.group(1) == 'ready':
            wb = wait_for(lambda: [w for w in c.find_windows(domain='work')
                                   if w['id'] != win['id']], 5,
                          what='the second work window in IPC')[0]
            tb = wb.get('title', '')
            check('bad' in tb and 'utf8' in tb and not bad_chars(tb),
                  f'invalid UTF-8 title came back as {tb!r}')
        else:
            check_eq(bad.wait_exit(5), 3, 'exit status of the refused client')
            wait_for(lambda: len(c.find_windows(domain='work')) == 1, 5,
                     what='only the first work window left')

harness.main(main)
