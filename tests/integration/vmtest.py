"""Shared pieces of the VM / sandbox launcher integration tests (issue 5).

cordon runs tests/fake-crosvm as the crosvm binary of a `kind = crosvm`
domain. The fake records its argv (FAKE_CROSVM_RECORD), binds the control
socket, and starts the real cordon-agent on
$XDG_RUNTIME_DIR/cordon/NAME/agent.sock with WAYLAND_DISPLAY set to the
domain socket, so `cordonctl run vm -- CMD` ends up as a client of the
domain socket, exactly as a guest client relayed by crosvm would.

    with VmCordon(vm_section('vm', autostart='yes')) as c:
        c.wait_state('vm', 'running')
        c.records()                 # [['run', '--mem', ...], ...]

Config text may name the runtime directory as @RT@ (it is only known once
cordon starts) and the scratch directory (kernel file, record file) as
@TMP@.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import harness
from harness import Cordon, check, fail, domain_section as section

FAKE_CROSVM = os.path.join(harness.TOP, 'tests', 'fake-crosvm')


def agent_bin():
    """cordon-agent: CORDON_AGENT_BIN (meson sets it), else next to cordon."""
    path = os.environ.get('CORDON_AGENT_BIN')
    if path:
        return path
    return os.path.join(os.path.dirname(os.path.dirname(harness.cordon_bin())),
                        'vmm', 'cordon-agent')


def vm_section(name='vm', **keys):
    """A [domain NAME] of kind crosvm run by the fake crosvm, its agent on
    the unix socket the fake starts it on. keys override or add (use
    underscores for dashes: console_window='no'); a value of None drops
    the key; a list repeats it."""
    base = {
        'kind': 'crosvm',
        'color': '#8000c0',
        'crosvm': FAKE_CROSVM,
        'kernel': '@TMP@/vmlinuz',
        'agent': f'unix:@RT@/cordon/{name}/agent.sock',
    }
    base.update({k.replace('_', '-'): v for k, v in keys.items()})
    return section(name, base)


class VmCordon(Cordon):
    """Cordon with the fake crosvm's environment and a scratch directory:
    @TMP@/vmlinuz (an empty kernel file), @TMP@/record.jsonl (the fake's
    argv record) and @TMP@/data (XDG_DATA_HOME)."""

    def __init__(self, config, env=None, **kwargs):
        self.tmp = tempfile.mkdtemp(prefix='cvm.', dir='/tmp')
        open(os.path.join(self.tmp, 'vmlinuz'), 'w').close()
        self.record_path = os.path.join(self.tmp, 'record.jsonl')
        self.data_home = os.path.join(self.tmp, 'data')
        full_env = {
            'CORDON_AGENT_BIN': agent_bin(),
            'FAKE_CROSVM_RECORD': self.record_path,
            'XDG_DATA_HOME': self.data_home,
        }
        full_env.update(env or {})
        super().__init__(config=config, env=full_env, **kwargs)

    # The harness writes config_text once the runtime directory exists.
    @property
    def config_text(self):
        if self._template is None:
            return None
        return (self._template.replace('@RT@', self.runtime_dir or '@RT@')
                .replace('@TMP@', self.tmp))

    @config_text.setter
    def config_text(self, value):
        self._template = value

    def __enter__(self):
        try:
            check(os.access(agent_bin(), os.X_OK),
                  f'cordon-agent not found at {agent_bin()} (set CORDON_AGENT_BIN)')
            return super().__enter__()
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    def __exit__(self, exc_type, exc, tb):
        try:
            return super().__exit__(exc_type, exc, tb)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- the fake crosvm's record ----

    def records(self, subcommand=None):
        """Every argv the fake crosvm was started with (without argv[0])."""
        try:
            with open(self.record_path) as f:
                lines = [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            lines = []
        return [r for r in lines if subcommand is None or (r and r[0] == subcommand)]

    def wait_records(self, subcommand, n, timeout=5.0):
        """Waits until the fake crosvm recorded n invocations of subcommand
        (it records once its interpreter is up, a little after the exec),
        and checks that there are no more; returns them."""
        deadline = time.monotonic() + timeout
        while len(self.records(subcommand)) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        got = self.records(subcommand)
        check(len(got) == n, lambda: f'{len(got)} crosvm {subcommand} invocations '
                                     f'recorded, expected {n}: {got!r}')
        return got

    def ctl_detached(self, *args, timeout=20.0):
        """cordonctl with stdout and stderr in files rather than pipes: for
        `run` on a command domain, whose command inherits them and outlives
        cordonctl (a pipe would stay open until the command exits). Returns
        (status, stdout, stderr). A pid printed on stdout is killed at
        teardown if still alive. The files are ctl.out and ctl.err in the
        scratch directory, overwritten by each call."""
        out_path = os.path.join(self.tmp, 'ctl.out')
        err_path = os.path.join(self.tmp, 'ctl.err')
        with open(out_path, 'w') as out, open(err_path, 'w') as err:
            proc = subprocess.Popen([harness.cordonctl_bin()] + list(args), env=self.env,
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            try:
                rc = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                fail(f'cordonctl {" ".join(args)} did not finish within {timeout:g} s')
        with open(out_path) as f:
            stdout = f.read()
        with open(err_path) as f:
            stderr = f.read()
        first = stdout.split('\n', 1)[0].strip()
        if first.isdigit():
            self._orphans = getattr(self, '_orphans', []) + [int(first)]
        return rc, stdout, stderr

    # ---- domains ----

    def domain(self, name):
        found = [d for d in self.domains() if d.get('name') == name]
        check(len(found) == 1, lambda: f'IPC domains: no single {name!r} in {found!r}')
        return found[0]

    def wait_state(self, name, state, timeout=10.0):
        """Waits until domain name is in state; returns its IPC object."""
        deadline = time.monotonic() + timeout
        while True:
            d = self.domain(name)
            if d.get('state') == state:
                return d
            if time.monotonic() >= deadline:
                fail(f'timed out after {timeout:g} s waiting for domain {name} {state}; '
                     f'last seen: {d!r}; its log: {self.domain_log(name)[-1500:]!r}')
            time.sleep(0.02)

    def domain_log(self, name):
        try:
            with open(os.path.join(self.runtime_dir, 'cordon', name, 'log')) as f:
                return f.read()
        except OSError:
            return ''

    def events(self):
        """A subscription to cordon's event stream (see EventStream)."""
        ev = EventStream(self.ipc_path)
        self._streams = getattr(self, '_streams', []) + [ev]
        return ev

    def kill_cordon(self):
        """SIGKILLs cordon (the test wants to see what survives it); its
        death by SIGKILL is then no failure at teardown."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=5)
        self._killed_on_purpose = True

    def _stop(self):
        for ev in getattr(self, '_streams', []):
            ev.close()
        problems = super()._stop()
        kill_pids([p for p in getattr(self, '_orphans', []) if proc_alive(p)])
        if getattr(self, '_killed_on_purpose', False):
            problems = [p for p in problems if 'killed by signal 9' not in p]
            self._stopped = problems
        return problems


class EventStream(harness.EventSubscription):
    """One IPC connection subscribed to events (harness.EventSubscription)
    whose items are waited for by index."""

    def __init__(self, path):
        super().__init__(path)
        # From the reply to subscribe on, every event is seen.
        self.wait(lambda e: e.get('ok') is True, 5, 'the reply to subscribe')

    def wait(self, pred, timeout, what, start=0):
        """Waits for an item from index start on matching pred; returns
        (index, time, object)."""
        deadline = time.monotonic() + timeout
        with self._cv:
            i = start
            while True:
                while i < len(self.items):
                    t, obj = self.items[i]
                    if pred(obj):
                        return i, t, obj
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    break
                self._cv.wait(left)
            seen = [o for _, o in self.items[-30:]]
        fail(f'events: no {what} within {timeout:g} s'
             f'{" (stream closed)" if self._eof else ""}; last events: {seen!r}')

    def wait_domain(self, name, change, timeout=10.0, start=0):
        return self.wait(lambda e: e.get('event') == 'domain' and
                         e.get('name') == name and e.get('change') == change,
                         timeout, f'domain event {name} {change}', start)

    def domain_changes(self, name):
        with self._cv:
            return [o.get('change') for _, o in self.items
                    if o.get('event') == 'domain' and o.get('name') == name]



# ---- processes ----

def proc_alive(pid):
    """True while pid exists and is not a zombie."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(')', 1)[1].split()[0] != 'Z'


def proc_ppid(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('PPid:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_cmdline(pid):
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            return [a.decode(errors='replace') for a in f.read().split(b'\0') if a]
    except OSError:
        return []


def descendants(pid):
    """Every live process below pid, as {pid: command line}."""
    children = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            ppid = proc_ppid(int(entry))
            if ppid is not None:
                children.setdefault(ppid, []).append(int(entry))
    out, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out and proc_alive(child):
                out[child] = proc_cmdline(child)
                todo.append(child)
    return out


def pids_mentioning(text):
    """Live processes whose command line contains text (a path unique to
    this test run: its runtime or scratch directory)."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        pid = int(entry)
        if pid == os.getpid():
            continue
        if any(text in a for a in proc_cmdline(pid)) and proc_alive(pid):
            found.append(pid)
    return found


def kill_pids(pids):
    """Last-resort cleanup of what a failing test left behind."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def wait_gone(pids, timeout, what):
    """Waits (bounded) until none of pids is alive."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [p for p in pids if proc_alive(p)]
        if not alive:
            return
        if time.monotonic() >= deadline:
            desc = {p: proc_cmdline(p) for p in alive}
            kill_pids(alive)
            fail(f'{what}: still alive {timeout:g} s later: {desc!r}')
        time.sleep(0.02)
