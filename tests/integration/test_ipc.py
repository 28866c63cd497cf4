#!/usr/bin/env python3
"""IPC: bad requests get "ok":false (or a closed connection) and change
nothing; cordon keeps serving; requests are newline-delimited; the
socket is private."""
import json
import os
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq

# (bytes, description, may the connection be closed instead of a reply)
BAD = [
    (b'{not json\n', 'malformed JSON', True),
    (b'[1, 2, 3]\n', 'a JSON array', True),
    (b'"windows"\n', 'a JSON string', True),
    (b'{"nocmd": 1}\n', 'an object without cmd', True),
    (b'{"cmd": 42}\n', 'a non-string cmd', True),
    (b'\xff\xfe\xfd\n', 'invalid UTF-8', True),
    (b'{"cmd": "no-such-command"}\n', 'an unknown command', False),
    (b'{"cmd": "focus", "id": 999999}\n', 'focus on an unknown id', False),
    (b'{"cmd": "focus"}\n', 'focus without id', False),
    (b'{"cmd": "focus", "id": "one"}\n', 'focus with a string id', False),
    (b'{"cmd": "windows", "pad": "' + b'x' * 70000 + b'"}\n',
     'a request over 64 KiB', True),
]


def main():
    with Cordon() as c:
        a = c.spawn_client(['--size', '200x150', '--title', 'A'], name='A')
        a.expect(r'^ready$')
        b, wa = c.client_window(['--size', '200x150', '--title', 'B'], name='B', title='A')
        wb = c.wait_window(title='B')
        c.wait_focused(wb['id'])
        before = c.windows()

        for data, what, may_close in BAD:
            replies = c.ipc_raw(data)
            if replies:
                try:
                    reply = json.loads(replies[0])
                except ValueError:
                    harness.fail(f'IPC reply to {what} is not JSON: {replies[0]!r}')
                check(reply.get('ok') is False and isinstance(reply.get('error'), str)
                      and reply['error'],
                      f'IPC reply to {what}: expected ok false with an error, '
                      f'got {reply!r}')
            else:
                check(may_close, f'IPC closed the connection on {what} without '
                                 f'the "ok":false reply expected')
            c.check_alive(f'after {what}')
            check_eq(c.windows(), before, f'windows after {what}')

        # Two requests in one write, two replies in order.
        replies = c.ipc_raw(b'{"cmd":"version"}\n{"cmd":"windows"}\n', lines=2)
        check_eq(len(replies), 2, f'replies to two requests in one write: {replies!r}')
        first, second = (json.loads(r) for r in replies)
        check(first.get('ok') is True and 'windows' not in first,
              f'first reply should answer version: {first!r}')
        check(second.get('ok') is True and isinstance(second.get('windows'), list),
              f'second reply should answer windows: {second!r}')

        # A good request still works and changes what it should.
        c.ipc_ok({'cmd': 'focus', 'id': wa['id']})
        c.wait_focused(wa['id'])
        a.expect(r'^keyboard-enter$')

        res = c.ctl('focus', str(wb['id']))
        c.wait_focused(wb['id'])
        res = c.ctl('focus', '999999', check_rc=False)
        check(res.returncode != 0, f'cordonctl focus 999999 succeeded: {res!r}')
        # Ids are 1 to 2^32-1 in plain digits, refused before any request.
        for sub, bad, what in (('focus', '0', 'window'), ('focus', '+5', 'window'),
                               ('allow', '4294967296', 'prompt'), ('deny', '7x', 'prompt')):
            res = c.ctl(sub, bad, check_rc=False)
            check(res.returncode != 0 and f'is not a {what} id' in res.stderr,
                  f'cordonctl {sub} {bad}: {res!r}')
        res = c.ctl('no-such-subcommand', check_rc=False)
        check(res.returncode != 0, 'cordonctl accepted an unknown subcommand')

        ver = json.loads(c.ctl('--json', 'version').stdout)
        check(ver.get('ok') is True, f'cordonctl --json version: {ver!r}')
        outs = c.outputs()
        check(isinstance(outs, list) and any(
            o.get('name') == harness.OUTPUT_NAME for o in outs),
            f'IPC outputs should list {harness.OUTPUT_NAME}: {outs!r}')

        # Private: the directory 0700, the socket 0600.
        d = os.stat(os.path.dirname(c.ipc_path))
        s = os.stat(c.ipc_path)
        check(stat.S_ISSOCK(s.st_mode), f'{c.ipc_path} is not a socket')
        check_eq(oct(stat.S_IMODE(d.st_mode)), oct(0o700), 'IPC directory mode')
        check_eq(oct(stat.S_IMODE(s.st_mode)), oct(0o600), 'IPC socket mode')


harness.main(main)
