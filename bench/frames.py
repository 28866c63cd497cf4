#!/usr/bin/env python3
"""Frame cost of cordon against labwc, sway and weston on one headless output.

Each compositor in turn (interleaved rounds: A B C D A B C D ...) is started
fresh for each workload on a headless pixman output of 1920x1080, the same
cordon-bench-client windows are opened and laid out in a grid where every
window is visible, and for a fixed time it measures:

  fps      presented frames per client per second (wp_presentation feedback)
  cpu_us   compositor CPU time (all its threads, /proc/PID/task/*/schedstat)
           per presented client frame
  p50/p99  commit-to-present latency, median over clients of each client's
           percentile, in ms
  rss      the compositor's VmRSS at the end, MiB
  wakeups  the compositor's context switches per second (voluntary and not,
           all threads) while every client is idle (the idle workload)

It prints a table of medians over rounds with the spread (min-max) and the
ratio cordon / best peer for each figure, and writes bench/results/
frames-<time>.json and .txt. See bench/README.md.
"""
import argparse
import glob
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_W, OUT_H = 1920, 1080
# Where the many workload stacks its idle windows (content corner), so that
# every compositor has the same 1000 windows in the same place.
IDLE_STACK = (8, 1000)
DOMAIN_COLOURS = ['#3465a4', '#cc0000', '#4e9a06', '#c4a000', '#75507b',
                  '#ce5c00', '#06989a', '#555753']


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# --------------------------------------------------------------- /proc

def proc_cpu_ns(pid):
    total = 0
    for path in glob.glob(f'/proc/{pid}/task/*/schedstat'):
        try:
            with open(path) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def proc_switches(pid):
    total = 0
    for path in glob.glob(f'/proc/{pid}/task/*/status'):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(('voluntary_ctxt_switches', 'nonvoluntary_ctxt_switches')):
                        total += int(line.split()[1])
        except (OSError, ValueError):
            pass
    return total


def proc_rss_kib(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# --------------------------------------------------------------- layout

def grid(n):
    """n cells covering the output: (x, y, w, h) of each window's content."""
    cols = max(1, math.ceil(math.sqrt(n * OUT_W / OUT_H)))
    rows = max(1, math.ceil(n / cols))
    cw, ch = OUT_W // cols, OUT_H // rows
    cells = []
    for i in range(n):
        cx, cy = (i % cols) * cw, (i // cols) * ch
        # Room for every compositor's decorations: borders and a titlebar.
        cells.append((cx + 8, cy + 34, cw - 16, ch - 42))
    return cells


# --------------------------------------------------------------- workloads

class Workload:
    def __init__(self, name, desc, n, mode='anim', domains=0, idle=False,
                 peers=True, share=None, many=None, max_rounds=None):
        self.name, self.desc, self.n, self.mode = name, desc, n, mode
        self.domains = domains      # cordon: spread the clients over this many domains
        self.idle = idle            # measure wakeups, not frames
        self.peers = peers          # run on the peers too
        self.share = share          # compare with the peers' figures of this workload
        self.many = many            # (domains, idle clients per domain)
        self.max_rounds = max_rounds  # fewer rounds than the rest (slow to set up)


def workloads(quick):
    if quick:
        return [Workload('anim2', '2 animating clients (cordon: 2 domains)', 2, domains=2),
                Workload('idle2', '2 idle clients (wakeups)', 2, mode='idle', idle=True)]
    return [
        Workload('anim8', '8 animating (cordon: 8 domains)', 8, domains=8),
        Workload('anim8-host', '8 animating (cordon: all on the host)', 8, peers=False,
                 share='anim8'),
        Workload('anim32', '32 animating (cordon: 8 domains)', 32, domains=8),
        Workload('anim32-host', '32 animating (cordon: all on the host)', 32, peers=False,
                 share='anim32'),
        Workload('fullscreen', '1 fullscreen client redrawing every frame', 1,
                 mode='fullscreen'),
        Workload('damage', '1 client damaging a 16x16 square per frame', 1, mode='damage'),
        Workload('idle8', '8 idle clients (8 domains): wakeups', 8, mode='idle', idle=True,
                 domains=8),
        Workload('many', '1000 idle clients (cordon: 100 domains x 10), 4 animating', 4,
                 domains=4, many=(100, 10), max_rounds=1),
    ]


# --------------------------------------------------------------- compositors

def base_env(rt):
    env = {k: v for k, v in os.environ.items()
           if k not in ('WAYLAND_DISPLAY', 'WAYLAND_SOCKET', 'DISPLAY', 'CORDON_SOCK',
                        'SWAYSOCK', 'NOTIFY_SOCKET', 'DBUS_SESSION_BUS_ADDRESS')}
    env.update({'XDG_RUNTIME_DIR': rt, 'WLR_BACKENDS': 'headless',
                'WLR_RENDERER': 'pixman', 'WLR_LIBINPUT_NO_DEVICES': '1',
                'LANG': 'C.UTF-8', 'HOME': rt,
                'XDG_CONFIG_HOME': os.path.join(rt, 'config-home')})
    os.makedirs(env['XDG_CONFIG_HOME'], exist_ok=True)
    return env


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise BenchError(f'timed out waiting for {what}')


def wait_socket(rt, proc, name='wayland-*'):
    def found():
        if proc.poll() is not None:
            raise BenchError(f'compositor exited with {proc.returncode}')
        socks = [p for p in glob.glob(os.path.join(rt, name)) if not p.endswith('.lock')]
        return socks[0] if socks else None
    return os.path.basename(wait_for(found, 20, 'the compositor socket'))


class Compositor:
    name = '?'
    has_domains = False

    def __init__(self, args, rt, wl):
        self.args, self.rt, self.wl = args, rt, wl
        self.env = base_env(rt)
        self.proc = None
        self.display = None
        self.logf = open(os.path.join(rt, f'{self.name}.log'), 'w')

    def available(self):
        return shutil.which(self.argv0()) is not None

    def client_env(self, domain=None):
        env = dict(self.env)
        env['WAYLAND_DISPLAY'] = self.display
        return env

    def layout(self, placed):
        """placed: {app_id: (x, y, w, h)} for the content of each window."""

    def stack_idle(self):
        """Puts the idle windows at IDLE_STACK (labwc and sway: their rules did)."""

    def fullscreen(self, app_id):
        """The client asked before its first commit; the peers grant that."""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()

    @property
    def pid(self):
        return self.proc.pid


class Cordon(Compositor):
    name = 'cordon'
    has_domains = True

    def argv0(self):
        return self.args.cordon

    def available(self):
        return os.access(self.argv0(), os.X_OK)

    def start(self, wl):
        conf = ['[output *]', f'mode = {OUT_W}x{OUT_H}', '']
        for i in range(wl.many[0] if wl.many else max(wl.domains, 0)):
            conf += [f'[domain d{i}]', f'color = {DOMAIN_COLOURS[i % len(DOMAIN_COLOURS)]}', '']
        path = os.path.join(self.rt, 'cordon.conf')
        with open(path, 'w') as f:
            f.write('\n'.join(conf))
        rfd, wfd = os.pipe()
        self.proc = subprocess.Popen([self.argv0(), '-c', path, '--ready-fd', str(wfd)],
                                     env=self.env, stdout=self.logf, stderr=self.logf,
                                     pass_fds=(wfd,))
        os.close(wfd)
        data = b''
        end = time.monotonic() + 20
        while b'\n' not in data and time.monotonic() < end:
            chunk = os.read(rfd, 4096)
            if not chunk:
                break
            data += chunk
        os.close(rfd)
        for line in data.decode().splitlines():
            if line.startswith('WAYLAND_DISPLAY='):
                self.display = line.split('=', 1)[1]
        if self.display is None:
            raise BenchError('cordon did not get ready')

    def client_env(self, domain=None):
        env = dict(self.env)
        env['WAYLAND_DISPLAY'] = (os.path.join(self.rt, 'cordon', domain, 'wayland-0')
                                  if domain else self.display)
        return env

    def ipc(self, req):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(os.path.join(self.rt, 'cordon', 'ipc.sock'))
        s.sendall(json.dumps(req).encode() + b'\n')
        data = b''
        while not data.endswith(b'\n'):
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
        s.close()
        reply = json.loads(data)
        if not reply.get('ok'):
            raise BenchError(f'cordon IPC {req}: {reply}')
        return reply

    def windows(self):
        return self.ipc({'cmd': 'windows'})['windows']

    def fullscreen(self, app_id):
        # cordon answers a fullscreen request made before the first commit
        # at map, and only for a window that has the focus then; focusing
        # and asking again over IPC makes the run not depend on that.
        wid = {w.get('app_id'): w['id'] for w in self.windows()}[app_id]
        self.ipc({'cmd': 'focus', 'id': wid})
        self.ipc({'cmd': 'fullscreen', 'id': wid})

    def stack_idle(self):
        for w in self.windows():
            if (w.get('app_id') or '').startswith('idle-'):
                self.ipc({'cmd': 'move', 'id': w['id'], 'x': IDLE_STACK[0], 'y': IDLE_STACK[1]})

    def layout(self, placed):
        ids = {w.get('app_id'): w['id'] for w in self.windows()}
        for app_id, (x, y, w, h) in placed.items():
            wid = ids.get(app_id)
            if wid is None:
                raise BenchError(f'cordon lists no window {app_id}')
            self.ipc({'cmd': 'move', 'id': wid, 'x': x, 'y': y})
            self.ipc({'cmd': 'focus', 'id': wid})


class Labwc(Compositor):
    name = 'labwc'

    def argv0(self):
        return 'labwc'

    def start(self, wl, placed):
        # Window rules put each window at its grid cell when it first maps, and
        # give it labwc's frame: our client asks for none, and cordon and sway
        # draw theirs regardless (a frame costs, compare like with like).
        cfg = os.path.join(self.rt, 'labwc')
        os.makedirs(cfg, exist_ok=True)
        rules = []
        for app_id, (x, y, w, h) in placed.items():
            # MoveTo places the outer frame: its border and titlebar are above/left.
            rules.append(f'<windowRule identifier="{app_id}" serverDecoration="yes">'
                         f'<action name="MoveTo" x="{x - 1}" y="{y - 27}"/></windowRule>')
        # Idle windows of the many workload: one stack in the bottom-left corner.
        rules.append(f'<windowRule identifier="idle-*" serverDecoration="yes">'
                     f'<action name="MoveTo" x="0" '
                     f'y="{IDLE_STACK[1] - 27}"/></windowRule>')
        with open(os.path.join(cfg, 'rc.xml'), 'w') as f:
            f.write('<?xml version="1.0"?>\n<labwc_config>\n<core><xwaylandPersistence>no'
                    '</xwaylandPersistence></core>\n<windowRules>\n' + '\n'.join(rules) +
                    '\n</windowRules>\n</labwc_config>\n')
        open(os.path.join(cfg, 'autostart'), 'w').close()
        self.proc = subprocess.Popen(['labwc', '-C', cfg], env=self.env,
                                     stdout=self.logf, stderr=self.logf)
        self.display = wait_socket(self.rt, self.proc)
        env = self.client_env()
        wait_for(lambda: subprocess.run(
            ['wlr-randr', '--output', 'HEADLESS-1', '--custom-mode', f'{OUT_W}x{OUT_H}'],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0,
            10, 'wlr-randr on labwc')


class Sway(Compositor):
    name = 'sway'

    def argv0(self):
        return 'sway'

    def start(self, wl):
        cfg = os.path.join(self.rt, 'sway.conf')
        with open(cfg, 'w') as f:
            f.write(f'output * mode --custom {OUT_W}x{OUT_H}@60Hz\n'
                    'xwayland disable\n'
                    'for_window [app_id="^bench-"] floating enable\n'
                    f'for_window [app_id="^idle-"] floating enable, move absolute position '
                    f'{IDLE_STACK[0] - 2} {IDLE_STACK[1] - 26}\n')
        self.proc = subprocess.Popen(['sway', '-c', cfg], env=self.env,
                                     stdout=self.logf, stderr=self.logf)
        self.display = wait_socket(self.rt, self.proc)
        self.env['SWAYSOCK'] = wait_for(
            lambda: next(iter(glob.glob(os.path.join(self.rt, 'sway-ipc.*.sock'))), None),
            10, 'the sway IPC socket')

    def layout(self, placed):
        cmds = []
        for app_id, (x, y, w, h) in placed.items():
            # Floating: the position is the container's, its titlebar above.
            cmds.append(f'[app_id="^{app_id}$"] move absolute position {x - 2} {y - 26}')
        r = subprocess.run(['swaymsg', '; '.join(cmds)], env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise BenchError(f'swaymsg: {r.stdout.strip()[:300]}')


class Weston(Compositor):
    name = 'weston'

    def argv0(self):
        return 'weston'

    def start(self, wl):
        ini = os.path.join(self.rt, 'weston.ini')
        with open(ini, 'w') as f:
            f.write('[core]\nidle-time=0\n[shell]\npanel-position=none\n'
                    'background-color=0xff202020\n')
        self.proc = subprocess.Popen(
            ['weston', '--backend=headless', '--renderer=pixman', f'--width={OUT_W}',
             f'--height={OUT_H}', f'--config={ini}', '--socket=wayland-1', '--idle-time=0'],
            env=self.env, stdout=self.logf, stderr=self.logf)
        self.display = wait_socket(self.rt, self.proc, 'wayland-1')
        # The desktop shell helper draws the background once; let it settle.
        time.sleep(0.5)

    # weston has no IPC or window rules: desktop-shell places each window
    # itself, and windows may overlap (bench/README.md).


class CordonBase(Cordon):
    """Another build of cordon (--baseline), run like cordon on every workload:
    a change's before and after in the same interleaved rounds."""
    name = 'cordon-base'

    def argv0(self):
        return os.path.join(self.args.baseline, 'compositor', 'cordon')


COMPOSITORS = {'cordon': Cordon, 'cordon-base': CordonBase, 'labwc': Labwc, 'sway': Sway,
               'weston': Weston}
CORDONS = ('cordon', 'cordon-base')


# --------------------------------------------------------------- one run

class Clients:
    def __init__(self, args, rt):
        self.args, self.rt = args, rt
        self.procs = []     # (proc, out_path, expected mapped lines)

    def spawn(self, env, app_id, size, mode, count=1):
        out = os.path.join(self.rt, f'client-{len(self.procs)}.out')
        argv = [self.args.client, '--app-id', app_id, '--size', f'{size[0]}x{size[1]}',
                '--mode', mode]
        if count > 1:
            argv += ['--count', str(count)]
        f = open(out, 'w')
        p = subprocess.Popen(argv, env=env, stdout=f, stderr=subprocess.STDOUT)
        f.close()
        self.procs.append((p, out, count))
        return p

    def lines(self, out):
        try:
            with open(out) as f:
                return f.read().splitlines()
        except OSError:
            return []

    def wait_mapped(self, procs, timeout):
        def done():
            for p, out, count in procs:
                if p.poll() is not None:
                    raise BenchError(f'a client exited with {p.returncode}: '
                                     f'{" ".join(self.lines(out))[:300]}')
                if sum(1 for l in self.lines(out) if l.startswith('mapped')) < count:
                    return False
            return True
        wait_for(done, timeout, 'the clients to map')

    def signal(self, procs):
        for p, _, _ in procs:
            p.send_signal(signal.SIGUSR1)

    def reports(self, procs, n_before):
        """The JSON lines each client printed after its n_before-th report."""
        def ready():
            got = []
            for p, out, count in procs:
                reps = [l for l in self.lines(out) if l.startswith('{')]
                if len(reps) < n_before + count:
                    return None
                got += [json.loads(l) for l in reps[n_before:n_before + count]]
            return got
        return wait_for(ready, 10, 'the client reports')

    def stop(self):
        for p, _, _ in self.procs:
            if p.poll() is None:
                p.terminate()
        for p, _, _ in self.procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def run_one(args, comp_cls, wl, round_no):
    rt = tempfile.mkdtemp(prefix='fb.', dir='/tmp')
    os.chmod(rt, 0o700)
    comp = comp_cls(args, rt, wl)
    clients = Clients(args, rt)
    result = {'compositor': comp.name, 'workload': wl.name, 'round': round_no}
    cells = grid(wl.n)
    placed = {f'bench-{i}': cells[i] for i in range(wl.n)}
    try:
        if isinstance(comp, Labwc):
            comp.start(wl, placed)
        else:
            comp.start(wl)
        t_start = time.monotonic()
        if wl.many:
            n_dom, per = wl.many
            # The peers have no domains: there all of them use the one socket.
            for d in range(n_dom):
                clients.spawn(comp.client_env(f'd{d}' if comp.has_domains else None),
                              f'idle-{d}', (64, 48), 'idle', per)
            want = n_dom * per
            clients.wait_mapped(list(clients.procs), args.many_timeout)
            result['accept_s'] = round(time.monotonic() - t_start, 3)
            result['idle_clients'] = want
            comp.stack_idle()
        anim = []
        for i, app_id in enumerate(placed):
            domain = None
            if comp.has_domains and wl.domains:
                domain = f'd{i % wl.domains}'
            x, y, w, h = placed[app_id]
            size = (w, h) if wl.mode != 'fullscreen' else (640, 480)
            p = clients.spawn(comp.client_env(domain), app_id, size, wl.mode)
            anim.append(clients.procs[-1])
        if wl.mode != 'idle':
            clients.wait_mapped(anim, 60)
        else:
            time.sleep(1.0)
        if wl.mode != 'fullscreen':
            comp.layout(placed)
        else:
            comp.fullscreen(next(iter(placed)))
        time.sleep(args.warmup)
        if args.screenshots and round_no == 0 and shutil.which('grim'):
            # weston offers no screencopy: grim fails there, quietly.
            subprocess.run(['grim', os.path.join(args.results, f'shot-{comp.name}-{wl.name}.png')],
                           env=comp.client_env(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if wl.mode != 'idle':
            clients.signal(anim)
            clients.reports(anim, 0)
        cpu0, sw0, t0 = proc_cpu_ns(comp.pid), proc_switches(comp.pid), time.monotonic()
        prof = None
        if args.profile and comp.name == args.profile_compositor and wl.name == args.profile:
            data = os.path.join(args.results, f'perf-{wl.name}.data')
            prof = subprocess.Popen(['perf', 'record', '--call-graph', args.callgraph,
                                     '-F', str(args.profile_freq), '-o', data,
                                     '-p', str(comp.pid)], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        time.sleep(args.seconds)
        cpu1, sw1, t1 = proc_cpu_ns(comp.pid), proc_switches(comp.pid), time.monotonic()
        if prof is not None:
            prof.send_signal(signal.SIGINT)
            prof.wait()
        secs = t1 - t0
        result['seconds'] = round(secs, 3)
        result['cpu_ms_per_s'] = round((cpu1 - cpu0) / 1e6 / secs, 2)
        result['wakeups'] = round((sw1 - sw0) / secs, 2)
        result['rss_mib'] = round(proc_rss_kib(comp.pid) / 1024, 1)
        if wl.mode != 'idle':
            clients.signal(anim)
            reps = clients.reports(anim, 1)
            presented = sum(r['presented'] for r in reps)
            csecs = statistics.median(r['seconds'] for r in reps)
            result['fps'] = round(presented / len(reps) / csecs, 2)
            result['fps_min'] = round(min(r['presented'] / r['seconds'] for r in reps), 2)
            result['cpu_us'] = round((cpu1 - cpu0) / 1e3 / presented, 1) if presented else None
            result['p50_ms'] = round(statistics.median(r['lat_p50_us'] for r in reps) / 1e3, 2)
            result['p99_ms'] = round(statistics.median(r['lat_p99_us'] for r in reps) / 1e3, 2)
            result['discarded'] = sum(r['discarded'] for r in reps)
            result['sizes'] = sorted({f"{r['width']}x{r['height']}" for r in reps})
            if wl.mode == 'fullscreen' and result['sizes'] != [f'{OUT_W}x{OUT_H}']:
                raise BenchError(f"the fullscreen client drew {result['sizes']}")
    except BenchError as e:
        result['error'] = str(e)
        log(f'  {comp.name} {wl.name}: {e}')
    finally:
        clients.stop()
        comp.stop()
        if args.keep:
            result['rundir'] = rt
        else:
            shutil.rmtree(rt, ignore_errors=True)
    return result


# --------------------------------------------------------------- table

FIGURES = [  # key, heading, better, format
    ('fps', 'fps/client', 'high', '{:.1f}'),
    ('cpu_us', 'CPU us/frame', 'low', '{:.0f}'),
    ('p50_ms', 'p50 ms', 'low', '{:.1f}'),
    ('p99_ms', 'p99 ms', 'low', '{:.1f}'),
    ('rss_mib', 'RSS MiB', 'low', '{:.1f}'),
    ('wakeups', 'wakeups/s', 'low', '{:.1f}'),
]


def summarise(results, wls, comps):
    summary = {}
    for wl in wls:
        for c in comps:
            rows = [r for r in results if r['workload'] == wl.name and r['compositor'] == c
                    and 'error' not in r]
            if not rows:
                continue
            s = {'rounds': len(rows)}
            for key, _, _, _ in FIGURES + [('accept_s', '', 'low', ''), ('fps_min', '', '', ''),
                                           ('cpu_ms_per_s', '', 'low', '')]:
                vals = [r[key] for r in rows if r.get(key) is not None]
                if vals:
                    s[key] = {'median': round(statistics.median(vals), 2),
                              'min': min(vals), 'max': max(vals)}
            summary[(wl.name, c)] = s
    return summary


def ratio_row(label, wl, cs, peers, W):
    """cordon's median over the best of peers' medians, for each figure."""
    cells = []
    for k, _, better, _ in FIGURES:
        if (wl.idle and k not in ('rss_mib', 'wakeups')) or (not wl.idle and k == 'wakeups') \
                or k not in cs:
            cells.append('-'.rjust(W))
            continue
        pv = [p[k]['median'] for p in peers if k in p]
        if not pv:
            cells.append('-'.rjust(W))
            continue
        best = max(pv) if better == 'high' else min(pv)
        cv = cs[k]['median']
        if best == 0:
            cells.append(('=' if cv == 0 else 'inf').rjust(W))
        else:
            cells.append(f'{cv / best:.2f}x'.rjust(W))
    return '  ' + label.ljust(18) + ''.join(cells)


def table(summary, wls, comps):
    W = 17
    out = []
    for wl in wls:
        peer_wl = wl.share or wl.name
        header = f'{wl.name}: {wl.desc}'
        out.append(header)
        out.append('  ' + 'compositor'.ljust(18) + ''.join(h.rjust(W) for _, h, _, _ in FIGURES))
        shown = [c for c in comps if (wl.name, c) in summary] if wl.peers or wl.share is None \
            else list(CORDONS)
        if wl.share:
            shown = list(CORDONS) + [c for c in comps
                                     if c not in CORDONS and (peer_wl, c) in summary]
        for c in shown:
            key = (wl.name if c in CORDONS else peer_wl, c)
            s = summary.get(key)
            if s is None:
                continue
            cells = []
            for k, _, idle_ok, fmt in FIGURES:
                v = s.get(k)
                if v is None or (wl.idle and k not in ('rss_mib', 'wakeups')) or \
                        (not wl.idle and k == 'wakeups'):
                    cells.append('-'.rjust(W))
                    continue
                med = fmt.format(v['median'])
                spread = f"({fmt.format(v['min'])}-{fmt.format(v['max'])})" if s['rounds'] > 1 else ''
                cells.append(f'{med} {spread}'.rjust(W))
            suffix = ''
            if s.get('accept_s'):
                suffix = f"  [idle ones mapped in {s['accept_s']['median']:.1f} s]"
            label = c + (' (' + peer_wl + ')' if c not in CORDONS and wl.share else '')
            out.append('  ' + label.ljust(18) + ''.join(cells) + suffix)
        # cordon / best peer, and cordon / labwc (the peer issue 15's targets name)
        cs = summary.get((wl.name, 'cordon'))
        peers = [summary[(peer_wl, c)] for c in comps
                 if c not in CORDONS and (peer_wl, c) in summary]
        if cs and peers:
            out.append(ratio_row('cordon/best peer', wl, cs, peers, W))
        if cs and 'labwc' in comps and (peer_wl, 'labwc') in summary and len(peers) > 1:
            out.append(ratio_row('cordon/labwc', wl, cs, [summary[(peer_wl, 'labwc')]], W))
        if cs and (wl.name, 'cordon-base') in summary:
            out.append(ratio_row('cordon/baseline', wl, cs,
                                 [summary[(wl.name, 'cordon-base')]], W))
        out.append('')
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--build', default=os.environ.get('BUILD', os.path.join(TOP, 'build')))
    ap.add_argument('--rounds', type=int, default=int(os.environ.get('ROUNDS', 3)))
    ap.add_argument('--seconds', type=float, default=float(os.environ.get('SECONDS_PER_RUN', 5)))
    ap.add_argument('--warmup', type=float, default=1.5)
    ap.add_argument('--compositors', default=os.environ.get('COMPOSITORS',
                                                             'cordon,labwc,sway,weston'))
    ap.add_argument('--workloads', default=os.environ.get('WORKLOADS', ''),
                    help='comma-separated names (default: all)')
    ap.add_argument('--quick', action='store_true',
                    help='one round, 2 clients, 1 s: checks that the script works (CI)')
    ap.add_argument('--profile', metavar='WORKLOAD',
                    help='perf record -g cordon during this workload (bench/results/perf-*.data)')
    ap.add_argument('--many-timeout', type=float, default=120,
                    help='seconds the 1000 idle windows may take to map')
    ap.add_argument('--profile-compositor', default='cordon', metavar='NAME',
                    help='whose process --profile records (default cordon; labwc to compare)')
    ap.add_argument('--callgraph', default='fp', help="perf's --call-graph (fp, dwarf)")
    ap.add_argument('--profile-freq', type=int, default=999, metavar='HZ',
                    help="perf's sampling frequency (default 999)")
    ap.add_argument('--baseline', metavar='BUILD',
                    help="another cordon build dir, run as cordon-base beside cordon in the "
                         "same rounds (a change's before and after)")
    ap.add_argument('--results', default=os.path.join(TOP, 'bench', 'results'))
    ap.add_argument('--keep', action='store_true', help='keep the runtime dirs (logs)')
    ap.add_argument('--screenshots', action='store_true',
                    help='grim each layout in the first round into the results dir')
    args = ap.parse_args()
    args.cordon = os.path.join(args.build, 'compositor', 'cordon')
    args.client = os.path.join(args.build, 'bench', 'cordon-bench-client')
    if args.quick:
        args.rounds, args.seconds, args.warmup = 1, 1.0, 0.5
    for p in (args.cordon, args.client):
        if not os.access(p, os.X_OK):
            log(f'frames.py: {p} is missing: build first (./dev build)')
            return 1
    wls = workloads(args.quick)
    if args.workloads:
        names = args.workloads.split(',')
        unknown = [n for n in names if n not in {w.name for w in wls}]
        if unknown:
            log(f'frames.py: unknown workloads {unknown}; known: {[w.name for w in wls]}')
            return 2
        wls = [w for w in wls if w.name in names]
    names = args.compositors.split(',')
    if args.baseline and 'cordon-base' not in names:
        names.insert(names.index('cordon') + 1 if 'cordon' in names else 0, 'cordon-base')
    comps = []
    for name in names:
        cls = COMPOSITORS.get(name)
        if cls is None:
            log(f'frames.py: unknown compositor {name}')
            return 2
        probe = cls.__new__(cls)
        probe.args = args
        if not probe.available():
            if name == 'cordon-base':
                log(f'frames.py: --baseline {args.baseline}: {probe.argv0()} is missing')
                return 1
            log(f'frames.py: {name} is not installed; left out')
            continue
        comps.append(name)
    if 'cordon' not in comps:
        log('frames.py: cordon must be among the compositors (every ratio is against it)')
        return 1
    os.makedirs(args.results, exist_ok=True)
    load = os.getloadavg()
    started = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    results = []
    for rnd in range(args.rounds):
        for wl in wls:
            if wl.max_rounds is not None and rnd >= wl.max_rounds:
                continue
            for c in comps:
                if c not in CORDONS and not wl.peers:
                    continue
                log(f'round {rnd + 1}/{args.rounds}: {c} {wl.name}')
                r = run_one(args, COMPOSITORS[c], wl, rnd)
                results.append(r)
                log('  ' + json.dumps({k: v for k, v in r.items()
                                       if k not in ('compositor', 'workload', 'round')}))
    summary = summarise(results, wls, comps)
    load_end = os.getloadavg()
    head = (f'cordon frame benchmark, {started}, {args.rounds} round(s) x {args.seconds:g} s, '
            f'headless pixman {OUT_W}x{OUT_H}\n'
            f'machine: {os.cpu_count()} CPUs, {os.uname().release}; load average at start '
            f'{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, at end {load_end[0]:.1f} '
            f'{load_end[1]:.1f} {load_end[2]:.1f}\n'
            'medians over rounds (min-max); CPU us per presented client frame; '
            'latency: commit to present\n')
    text = head + '\n' + table(summary, wls, comps)
    failed = [r for r in results if 'error' in r]
    if failed:
        text += 'failed runs:\n' + ''.join(
            f"  round {r['round'] + 1} {r['compositor']} {r['workload']}: {r['error']}\n"
            for r in failed)
    print(text)
    stamp = time.strftime('%Y%m%d-%H%M%S', time.gmtime())
    with open(os.path.join(args.results, f'frames-{stamp}.txt'), 'w') as f:
        f.write(text)
    with open(os.path.join(args.results, f'frames-{stamp}.json'), 'w') as f:
        json.dump({'started': started, 'load_start': load, 'load_end': load_end,
                   'rounds': args.rounds, 'seconds': args.seconds,
                   'output': f'{OUT_W}x{OUT_H}', 'runs': results,
                   'summary': [{'workload': k[0], 'compositor': k[1], **v}
                               for k, v in summary.items()]}, f, indent=1)
    # A peer that cannot keep up (1000 windows) is a figure; cordon failing is not.
    return 1 if any(r['compositor'] == 'cordon' for r in failed) else 0


if __name__ == '__main__':
    sys.exit(main())
