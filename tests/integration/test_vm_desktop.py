#!/usr/bin/env python3
"""Issue 5: `cordonctl desktop-entries` writes one launcher per app of each
domain into $XDG_DATA_HOME/applications (Name "[NAME] app", Exec
`cordonctl run NAME -- app`, quoted as the Desktop Entry spec says),
removes stale launchers it wrote before, and leaves alone files it did not
write. A written launcher really starts its app in its domain."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness
from harness import check, check_eq, fail
from vmtest import VmCordon, vm_section, section

CONFIG = (
    vm_section('vm', apps='foot, firefox', stop_timeout=5)
    + section('box', {'kind': 'command', 'color': 'orange', 'command': 'sleep 3600',
                      'exec': 'env {cmd}', 'apps': 'my app, cost$5 "x" 100%'})
    + section('work', {'color': 'blue'})
)
MARK = 'X-Cordon-Generated=true'
UNMARKED = '[Desktop Entry]\nType=Application\nName=Foo\nExec=foo\n'
OTHER = f'[Desktop Entry]\nType=Application\nName=Other\nExec=other\n{MARK}\n'


def unescape_string(value):
    """Desktop Entry string escapes: \\s \\n \\t \\r \\\\."""
    out, i = [], 0
    table = {'s': ' ', 'n': '\n', 't': '\t', 'r': '\r', '\\': '\\'}
    while i < len(value):
        ch = value[i]
        if ch == '\\' and i + 1 < len(value) and value[i + 1] in table:
            out.append(table[value[i + 1]])
            i += 2
        else:
            out.append(ch)
            i += 1
    return ''.join(out)


def parse_exec(value):
    """argv of an Exec value (string escapes first, then quoting; %% is %)."""
    text = unescape_string(value)
    args, i = [], 0
    while i < len(text):
        if text[i] == ' ':
            i += 1
            continue
        arg = []
        if text[i] == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                if text[i] == '\\':
                    check(i + 1 < len(text) and text[i + 1] in '"`$\\',
                          f'Exec {value!r}: bad escape in a quoted argument')
                    i += 1
                arg.append(text[i])
                i += 1
            check(i < len(text), f'Exec {value!r}: unterminated quote')
            i += 1
        else:
            while i < len(text) and text[i] != ' ':
                check(text[i] not in '"\'\\><~|&;$*?#()`',
                      f'Exec {value!r}: reserved character {text[i]!r} outside quotes')
                arg.append(text[i])
                i += 1
        word = ''.join(arg)
        check('%' not in word.replace('%%', ''),
              f'Exec {value!r}: a field code in {word!r}')
        args.append(word.replace('%%', '%'))
    return args


def read_entry(path):
    with open(path) as f:
        lines = f.read().splitlines()
    check(lines and lines[0] == '[Desktop Entry]', f'{path}: first line {lines[:1]!r}')
    keys = {}
    for line in lines[1:]:
        if not line or line.startswith('#'):
            continue
        check('=' in line, f'{path}: not a key=value line: {line!r}')
        k, v = line.split('=', 1)
        check(k not in keys, f'{path}: key {k} twice')
        keys[k] = v
    return keys


def main():
    with VmCordon(CONFIG) as c:
        apps_dir = os.path.join(c.data_home, 'applications')
        os.makedirs(apps_dir)
        files = {
            'cordon-old-gone.desktop': f'[Desktop Entry]\nName=[old] gone\n{MARK}\n',
            'cordon-vm-foot.desktop': f'[Desktop Entry]\nName=stale content\n{MARK}\n',
            'cordon-foo.desktop': UNMARKED,
            'other.desktop': OTHER,
        }
        for name, text in files.items():
            with open(os.path.join(apps_dir, name), 'w') as f:
                f.write(text)

        res = c.ctl('desktop-entries')
        expected = {
            'cordon-vm-foot.desktop': ('vm', 'foot'),
            'cordon-vm-firefox.desktop': ('vm', 'firefox'),
            'cordon-box-my-app.desktop': ('box', 'my app'),
            'cordon-box-cost-5--x--100-.desktop': ('box', 'cost$5 "x" 100%'),
        }
        check_eq(sorted(os.listdir(apps_dir)),
                 sorted(list(expected) + ['cordon-foo.desktop', 'other.desktop']),
                 f'files in {apps_dir} (cordonctl said {res.stdout!r})')
        for name in expected:
            check(f'wrote {os.path.join(apps_dir, name)}' in res.stdout,
                  f'cordonctl did not report writing {name}: {res.stdout!r}')
        check(f'removed {os.path.join(apps_dir, "cordon-old-gone.desktop")}' in res.stdout,
              f'cordonctl did not report removing the stale file: {res.stdout!r}')
        for name, text in (('cordon-foo.desktop', UNMARKED), ('other.desktop', OTHER)):
            with open(os.path.join(apps_dir, name)) as f:
                check_eq(f.read(), text, f'content of {name}, which cordonctl did not write')

        for name, (domain, app) in expected.items():
            path = os.path.join(apps_dir, name)
            keys = read_entry(path)
            check_eq(keys.get('Type'), 'Application', f'{name}: Type')
            check_eq(unescape_string(keys.get('Name', '')), f'[{domain}] {app}', f'{name}: Name')
            check_eq(parse_exec(keys.get('Exec', '')),
                     ['cordonctl', 'run', domain, '--', app], f'{name}: Exec')
            check_eq(keys.get('X-Cordon-Generated'), 'true', f'{name}: the generated mark')
            if shutil.which('desktop-file-validate'):
                v = subprocess.run(['desktop-file-validate', path], capture_output=True,
                                   text=True, timeout=10)
                check(v.returncode == 0, f'desktop-file-validate {name}: {v.stdout}{v.stderr}')

        # Again: the same files, nothing removed.
        res = c.ctl('desktop-entries')
        check('removed' not in res.stdout, f'second run removed files: {res.stdout!r}')
        check_eq(sorted(os.listdir(apps_dir)),
                 sorted(list(expected) + ['cordon-foo.desktop', 'other.desktop']),
                 'files after a second run')

        # HOME is the fallback for XDG_DATA_HOME.
        home = os.path.join(c.tmp, 'home')
        env = dict(c.env, HOME=home)
        env.pop('XDG_DATA_HOME')
        r = subprocess.run([harness.cordonctl_bin(), 'desktop-entries'], env=env,
                           capture_output=True, text=True, timeout=10)
        check_eq(r.returncode, 0, f'desktop-entries with HOME only: {r.stderr!r}')
        check_eq(sorted(os.listdir(os.path.join(home, '.local/share/applications'))),
                 sorted(expected), 'files under $HOME/.local/share/applications')

        # The launcher works: its Exec (cordonctl from PATH) starts foot in vm.
        if shutil.which('foot'):
            keys = read_entry(os.path.join(apps_dir, 'cordon-vm-foot.desktop'))
            argv = parse_exec(keys['Exec'])
            env = dict(c.env, PATH=os.path.dirname(harness.cordonctl_bin()) + ':' +
                       os.environ.get('PATH', '/usr/bin:/bin'))
            try:
                r = subprocess.run(argv, env=env, capture_output=True, text=True,
                                   timeout=30)
            except subprocess.TimeoutExpired:
                fail(f'{argv!r} did not finish within 30 s')
            check_eq(r.returncode, 0, f'{argv!r}: stderr {r.stderr!r}')
            win = c.wait_window(timeout=20, app_id='foot')
            check_eq(win.get('domain'), 'vm', 'domain of foot started by the launcher')


harness.main(main)
