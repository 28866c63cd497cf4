#!/usr/bin/env python3
"""Issue 16 item 1: identity beyond colour. Three domains share one colour;
alpha is solid, beta has stripes, gamma gets the next free pattern (dots)
by default. Their titlebars and borders differ in pixels although the
colour is the same, and every titlebar starts with a badge box drawn in
exactly cordon's colours (white border, black inside, the badge text in
white and greys of its anti-aliasing), never the domain's."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import BORDER, Cordon, check, check_eq, hex_color, wait_for

COLOR = hex_color('0072b2')
CONFIG = """\
[domain alpha]
color = #0072b2
pattern = solid

[domain beta]
color = #0072b2
pattern = stripes
badge = B2

[domain gamma]
color = #0072b2
"""
WHITE, BLACK = (255, 255, 255), (0, 0, 0)


def badge_width(shot, win, top):
    """The badge box's width: the white run along the titlebar's top row."""
    n = 0
    while shot.pixel(win['x'] + n, top) == WHITE:
        n += 1
    return n


def check_badge(shot, win, top, tb, what):
    bw = badge_width(shot, win, top)
    check(tb <= bw <= 4 * tb, f'{what}: badge box width {bw} (titlebar {tb} px high)')
    x0 = win['x']
    for x in range(x0, x0 + bw):
        for y in (top, top + tb - 1):
            check_eq(shot.pixel(x, y), WHITE, f'{what}: badge box border pixel ({x},{y})')
    for y in range(top, top + tb):
        for x in (x0, x0 + bw - 1):
            check_eq(shot.pixel(x, y), WHITE, f'{what}: badge box border pixel ({x},{y})')
    inside = shot.region(x0 + 1, top + 1, bw - 2, tb - 2)
    odd = [p for p in inside if not (p[0] == p[1] == p[2])]
    check(not odd, f'{what}: badge box pixels not in cordon\'s black, white and greys: '
                   f'{sorted(set(odd))[:5]}')
    check(inside.count(BLACK) > len(inside) // 3, f'{what}: badge box is not black inside')
    check(inside.count(WHITE) > 3, f'{what}: badge box has no white text')
    return bw


def main():
    harness.require('grim')
    with Cordon(config=CONFIG) as c:
        doms = {d['name']: d for d in c.domains()}
        check_eq({n: (doms[n]['pattern'], doms[n]['badge']) for n in ('alpha', 'beta', 'gamma')},
                 {'alpha': ('solid', 'A'), 'beta': ('stripes', 'B2'), 'gamma': ('dots', 'G')},
                 'IPC pattern and badge of each domain')
        wins = {}
        for name in ('alpha', 'beta', 'gamma'):
            p = c.spawn_client(['--color', 'ffffff', '--size', '320x160', '--title', name],
                               domain=name, name=name)
            p.expect(r'^ready$')
            wins[name] = c.wait_window(title=name)
        for name in ('alpha', 'beta', 'gamma'):
            c.ipc_ok({'cmd': 'move', 'id': wins[name]['id'],
                      'x': 40 + 360 * ('alpha', 'beta', 'gamma').index(name), 'y': 80})
        wait_for(lambda: all(c.wait_window(title=n)['x'] ==
                             40 + 360 * ('alpha', 'beta', 'gamma').index(n)
                             for n in wins), 5, what='the windows moved side by side')
        wins = {n: c.wait_window(title=n) for n in wins}

        def drawn():
            s = c.screenshot()
            return s if all(s.pixel(w['x'] + 100, w['y'] + 50) == WHITE
                            for w in wins.values()) else None
        shot = wait_for(drawn, 5, what='three windows drawn')
        out = os.environ.get('CORDON_TEST_ARTIFACTS', c.runtime_dir)
        os.makedirs(out, exist_ok=True)
        shot.save(os.path.join(out, 'identity.png'))

        # alpha is solid: exactly the colour all round, as before patterns.
        tb = harness.check_frame(shot, wins['alpha'], COLOR, 'alpha (solid)')
        regions = {}
        for name, w in wins.items():
            top = w['y'] - tb
            check_badge(shot, w, top, tb, name)
            # The titlebar's right end (no text there) and the left border.
            regions[name] = (shot.region(w['x'] + w['width'] - 60, top, 56, tb),
                             shot.region(w['x'] - BORDER, w['y'] + 20, BORDER, 60))
        for name in ('beta', 'gamma'):
            bar, border = regions[name]
            check(bar != regions['alpha'][0],
                  f'{name}: titlebar pixels equal to alpha\'s in the same colour')
            check(any(p != COLOR for p in bar), f'{name}: titlebar shows no pattern')
            check(any(p != COLOR for p in border), f'{name}: left border shows no pattern')
            check(bar.count(COLOR) > len(bar) // 4, f'{name}: titlebar lost its colour')
        check(regions['beta'][0] != regions['gamma'][0],
              'beta (stripes) and gamma (dots) have the same titlebar pixels')

        # A fullscreen guest keeps its edge, patterned too.
        edges = {}
        for name in ('alpha', 'beta'):
            c.ipc_ok({'cmd': 'focus', 'id': wins[name]['id']})
            c.ipc_ok({'cmd': 'fullscreen', 'id': wins[name]['id']})
            wait_for(lambda: c.wait_window(title=name).get('fullscreen'), 5,
                     what=f'{name} fullscreen')
            shot = wait_for(lambda: (lambda s: s if s.pixel(1, 300) != (0, 0, 0) and
                                     s.pixel(300, 300) == WHITE else None)(c.screenshot()),
                            5, what=f'{name} fullscreen drawn')
            edges[name] = shot.region(0, 200, 3, 200)
            c.ipc_ok({'cmd': 'unfullscreen', 'id': wins[name]['id']})
            wait_for(lambda: not c.wait_window(title=name).get('fullscreen'), 5,
                     what=f'{name} out of fullscreen')
        check(all(p == COLOR for p in edges['alpha']), 'alpha\'s fullscreen edge is not solid')
        check(any(p != COLOR for p in edges['beta']) and edges['beta'].count(COLOR) > 100,
              'beta\'s fullscreen edge shows no stripes over its colour')

        # A reload that gives alpha checks redraws its frame; a bad badge
        # is an error with file and line, and the running config stays.
        with open(c.config_path, 'w') as f:
            f.write(CONFIG.replace('pattern = solid', 'pattern = checks'))
        c.ipc_ok({'cmd': 'reload'})
        w = c.wait_window(title='alpha')
        shot = wait_for(lambda: (lambda s: s if any(
            p != COLOR for p in s.region(w['x'] + w['width'] - 60, w['y'] - tb, 56, tb))
            else None)(c.screenshot()), 5, what='alpha\'s titlebar patterned after the reload')
        check_eq({d['name']: d['pattern'] for d in c.domains()}.get('alpha'), 'checks',
                 'IPC pattern of alpha after the reload')
        with open(c.config_path, 'w') as f:
            f.write(CONFIG.replace('badge = B2', 'badge = B\u202e'))
        reply = c.ipc({'cmd': 'reload'})
        errors = reply.get('errors') or []
        check(reply.get('ok') is False and any(
            e.startswith(c.config_path + ':8:') and 'badge' in e for e in errors),
              f'reload with a bidi control in a badge: {reply!r}')
        check_eq({d['name']: d['badge'] for d in c.domains()}.get('beta'), 'B2',
                 'beta\'s badge after the failed reload')


harness.main(main)
