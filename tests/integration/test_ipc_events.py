#!/usr/bin/env python3
"""Issue 10: one JSON form per object. A window event carries the same
fields as the window in `windows` (urgent, fullscreen and maximized
included, which events once lacked), a domain event the same fields as
the domain in `domains`; each event adds only its change."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import Cordon, check, check_eq
from vmtest import EventStream

CONFIG = """\
[domain work]
color = #3465a4
"""


def main():
    with Cordon(config=CONFIG) as c:
        ev = EventStream(c.ipc_path)
        try:
            guest, win = c.test_window('guest', domain='work', color='00ff00', size='320x240')
            c.ipc_ok({'cmd': 'focus', 'id': win['id']})
            c.wait_focused(win['id'])
            start = len(ev.items)
            c.ctl('maximize', str(win['id']))

            def maximized_event(e):
                return (e.get('event') == 'window' and e.get('id') == win['id'] and
                        e.get('maximized') is True)
            _, _, event = ev.wait(maximized_event, 5, 'a window event with maximized '
                                  'true', start)
            listed = {w['id']: w for w in c.ipc_ok({'cmd': 'windows'})['windows']}
            want = set(listed[win['id']]) | {'event', 'change'}
            check_eq(set(event), want, 'fields of a window event against windows')
            for key in ('urgent', 'fullscreen', 'maximized', 'focused', 'workspace'):
                check(key in event, f'window event lacks {key!r}: {event!r}')

            # A domain added by reload is announced in its full form.
            with open(c.config_path, 'w') as f:
                f.write(CONFIG + '\n[domain extra]\ncolor = #73d216\n')
            c.ipc_ok({'cmd': 'reload'})
            _, _, dom = ev.wait(lambda e: e.get('event') == 'domain' and
                                e.get('name') == 'extra', 5, 'a domain event for extra')
            check_eq(dom.get('change'), 'new', 'change of the added domain')
            listed = {d['name']: d for d in c.ipc_ok({'cmd': 'domains'})['domains']}
            check_eq(set(dom), set(listed['extra']) | {'event', 'change'},
                     'fields of a domain event against domains')
            check_eq(dom.get('color'), '#73d216', 'colour in the domain event')
        finally:
            ev.close()


harness.main(main)
