"""Integration test harness for cordon (python3 standard library only).

A test is a plain script:

    import harness
    from harness import Cordon, check

    def main():
        with Cordon() as c:
            client = c.spawn_client(['--color', 'ff0000'])
            client.expect(r'^ready$')
            win = c.wait_window(app_id='cordon-test-client')
            shot = c.screenshot()
            check(shot.pixel(win['x'] + 5, win['y'] + 5) == (255, 0, 0), ...)

    harness.main(main)

Exit status: 0 pass, 77 skip (a peer binary is missing), anything else fail.

The `Cordon` context manager starts the compositor headless in a private
runtime directory, waits for the line on --ready-fd, and on leaving kills
every process it started, asks cordon to quit over IPC and fails the test
when cordon crashed, exited non-zero or its stderr holds sanitizer output.

Domains: pass the config text (domain_config writes [domain] sections),
then put clients on a domain's socket:

    with Cordon(config=domain_config(work='#3465a4')) as c:
        cl, win = c.test_window('t', domain='work', size='300x200')
        c.globals('work')           # wayland-info on that socket

So that focus and input behave as on a desktop, the harness keeps a
virtual keyboard plugged in (a sleeping `wtype`) and parks the pointer at
POINTER_PARK (the cursor is drawn into headless screenshots).

Binaries come from the environment (meson sets them): CORDON_BIN,
CORDONCTL_BIN, CORDON_TEST_CLIENT; otherwise from ./build next to tests/.
CORDON_TEST_KEEP=1 keeps the runtime directory (logs) of each run;
CORDON_TEST_ARTIFACTS=DIR receives the last screenshot of a failed test.
Run one test by hand:  ./dev shell python3 tests/integration/test_xdg.py
"""

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BUILD = os.path.join(TOP, 'build')

# What cordon draws around every window (issue 2/3 spec).
BORDER = 4
HOST_COLOR = (0x3c, 0x3c, 0x3c)
OUTPUT_NAME = 'HEADLESS-1'
OUTPUT_SIZE = (1280, 720)
# Headless outputs draw the cursor into every frame, screenshots included.
# The harness parks the pointer here at startup (clamped to the layout), in
# the bottom strip, away from the window placements and probes tests use.
POINTER_PARK = (980, 712)

SANITIZER_MARKERS = (
    'AddressSanitizer',
    'LeakSanitizer',
    'UndefinedBehaviorSanitizer',
    'runtime error:',
    'ThreadSanitizer',
    'MemorySanitizer',
)

# Evdev button and key codes the tests use.
BTN_LEFT = 272
BTN_RIGHT = 273


class TestFailure(Exception):
    """The test saw something other than what it expected."""


class CordonGone(TestFailure):
    """cordon is not running any more: no point in waiting further."""


class TestSkip(Exception):
    """A peer binary the test needs is not installed."""


# The globals every socket offers, the host's and every guest's alike.
CORE_GLOBALS = frozenset({
    'wl_compositor', 'wl_subcompositor', 'wl_shm', 'wl_seat', 'wl_output',
    'wl_data_device_manager', 'zwp_primary_selection_device_manager_v1',
    'xdg_wm_base', 'zxdg_decoration_manager_v1', 'wp_viewporter',
    'wp_presentation', 'wp_single_pixel_buffer_manager_v1',
    'wp_fractional_scale_manager_v1', 'zxdg_output_manager_v1',
    'wp_cursor_shape_manager_v1', 'xdg_activation_v1',
})


def fail(msg):
    raise TestFailure(msg)


def check(cond, msg):
    """Fails with msg (a string or a callable giving one) unless cond."""
    if not cond:
        raise TestFailure(msg() if callable(msg) else msg)


def check_eq(seen, expected, what):
    if seen != expected:
        raise TestFailure(f'{what}: expected {expected!r}, saw {seen!r}')


def log(msg):
    print(f'[{time.strftime("%H:%M:%S")}] {msg}', flush=True)


def binary(env_name, *build_rel):
    path = os.environ.get(env_name)
    if path:
        return path
    return os.path.join(DEFAULT_BUILD, *build_rel)


def cordon_bin():
    return binary('CORDON_BIN', 'compositor', 'cordon')


def cordonctl_bin():
    return binary('CORDONCTL_BIN', 'compositor', 'cordonctl')


def test_client_bin():
    return binary('CORDON_TEST_CLIENT', 'tests', 'client', 'cordon-test-client')


def require(*programs):
    """Skips the test (exit 77) when a peer program is not installed."""
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        raise TestSkip('not installed: ' + ', '.join(missing))


def wait_for(predicate, timeout=5.0, what=None, interval=0.05):
    """Polls predicate until it returns something truthy and returns that.

    Fails after timeout seconds, naming what was awaited and the last value
    the predicate returned (or the exception it raised)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = predicate()
            if last:
                return last
        except CordonGone:
            raise
        except TestFailure as e:
            last = f'<{e}>'
        if time.monotonic() >= deadline:
            desc = what or getattr(predicate, '__name__', 'condition')
            fail(f'timed out after {timeout:g} s waiting for {desc}; last seen: {last!r}')
        time.sleep(interval)


def run_checked(argv, env, timeout=10.0, check_rc=True, **kwargs):
    """subprocess.run with the output captured (kwargs: text, input);
    fails the test when argv runs past timeout seconds or, with check_rc,
    exits non-zero."""
    try:
        res = subprocess.run(argv, env=env, capture_output=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        fail(f'{" ".join(argv)} did not finish within {timeout:g} s')
    if check_rc and res.returncode != 0:
        def tail(out):
            return (out.decode(errors='replace') if isinstance(out, bytes) else out)[-2000:]
        fail(f'{" ".join(argv)} exited {res.returncode}: '
             f'stdout {tail(res.stdout)!r} stderr {tail(res.stderr)!r}')
    return res


def base_env(runtime_dir):
    """A clean environment for cordon and its peers: headless, private dir."""
    env = {k: v for k, v in os.environ.items()
           if k not in ('WAYLAND_DISPLAY', 'WAYLAND_SOCKET', 'DISPLAY',
                        'CORDON_SOCK', 'NOTIFY_SOCKET', 'XDG_CONFIG_HOME',
                        # Never export a test session to the user's real bus.
                        'DBUS_SESSION_BUS_ADDRESS')}
    env.update({
        'XDG_RUNTIME_DIR': runtime_dir,
        'WLR_BACKENDS': 'headless',
        'WLR_RENDERER': 'pixman',
        'WLR_LIBINPUT_NO_DEVICES': '1',
        'LANG': 'C.UTF-8',
        # An empty config home: cordon reads no user file by accident.
        'XDG_CONFIG_HOME': os.path.join(runtime_dir, 'config-home'),
    })
    env.setdefault('HOME', runtime_dir)
    return env


def _kill(proc, grace=2.0):
    """Terminates proc (then kills it); returns its exit status."""
    if proc.poll() is not None:
        return proc.returncode
    try:
        proc.terminate()
        return proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(timeout=5)


class Process:
    """A peer process: stdout read line by line in a thread, stdin for commands."""

    def __init__(self, name, argv, env, log_dir, stdin=True):
        self.name = name
        self.argv = list(argv)
        self.lines = []           # every stdout line so far
        self._taken = []          # per line: consumed by expect()
        self.pos = 0              # every line before pos is consumed
        self._cv = threading.Condition()
        self._eof = False
        safe = re.sub(r'[^A-Za-z0-9_.-]', '_', name)
        self.stderr_path = os.path.join(log_dir, f'{safe}.{id(self):x}.stderr')
        self._stderr = open(self.stderr_path, 'wb')
        self.proc = subprocess.Popen(
            self.argv, env=env,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=self._stderr,
            start_new_session=True)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode('utf-8', 'replace').rstrip('\n')
            with self._cv:
                self.lines.append(line)
                self._taken.append(False)
                self._cv.notify_all()
        with self._cv:
            self._eof = True
            self._cv.notify_all()

    @property
    def pid(self):
        return self.proc.pid

    def stderr(self):
        try:
            with open(self.stderr_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def send(self, cmd, check=True):
        """Writes one command line to the process's stdin. With check=False
        a process that is gone is no failure: returns False instead."""
        try:
            self.proc.stdin.write((cmd + '\n').encode())
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError) as e:
            if not check:
                return False
            fail(f'{self.name}: cannot send {cmd!r}: {e} '
                 f'(exit status {self.proc.poll()}); output so far: {self.lines[-20:]!r}')

    def expect(self, pattern, timeout=5.0):
        """Waits for a stdout line matching the regex pattern that no earlier
        expect() took, and returns its match. Only that line is consumed:
        lines it skipped stay available, so events whose relative order the
        protocol leaves open can be awaited in any order. Call
        skip_pending() before an action to ignore everything seen so far."""
        rx = re.compile(pattern)
        with self._cv:
            found = self._next_match(rx, timeout)
            if found:
                i, m = found
                self._taken[i] = True
                while self.pos < len(self.lines) and self._taken[self.pos]:
                    self.pos += 1
                return m
        state = (f'it exited with status {self.proc.poll()}' if self._eof
                 else f'waited {timeout:g} s')
        fail(f'{self.name}: expected a line matching /{pattern}/, {state}; '
             f'its output so far: {self.lines[-30:]!r}; stderr tail: {self.stderr()[-1500:]!r}')

    def expect_not(self, pattern, within=0.5):
        """Fails if a line matching pattern is pending or arrives within the
        given time. Consumes nothing."""
        with self._cv:
            found = self._next_match(re.compile(pattern), within)
        if found:
            fail(f'{self.name}: did not expect a line matching /{pattern}/, '
                 f'saw {self.lines[found[0]]!r}; output: {self.lines[-30:]!r}')

    def _next_match(self, rx, timeout):
        """With self._cv held: the first line no expect() took that matches
        rx, waiting up to timeout seconds for one to arrive: (index, match),
        or None when none came (or the output ended)."""
        deadline = time.monotonic() + timeout
        i = self.pos
        while True:
            while i < len(self.lines):
                if not self._taken[i]:
                    m = rx.search(self.lines[i])
                    if m:
                        return i, m
                i += 1
            left = deadline - time.monotonic()
            if self._eof or left <= 0:
                return None
            self._cv.wait(left)

    def seen(self, pattern):
        """True if any stdout line so far (consumed or not) matches."""
        rx = re.compile(pattern)
        with self._cv:
            return any(rx.search(line) for line in self.lines)

    def skip_pending(self):
        """Marks every line received so far as consumed."""
        with self._cv:
            self._taken = [True] * len(self.lines)
            self.pos = len(self.lines)

    def expect_configure(self, state, present=True, timeout=5.0):
        """A test client's next configure whose states do (present) or do
        not include state: (width, height, states)."""
        while True:
            m = self.expect(r'^configure (\d+) (\d+)(.*)$', timeout=timeout)
            states = m.group(3).split()
            if (state in states) == present:
                return int(m.group(1)), int(m.group(2)), states

    def sync(self):
        """A test client's round trip, what it said before skipped."""
        self.skip_pending()
        self.send('sync')
        self.expect(r'^synced$')

    def token(self):
        """A test client's xdg-activation token."""
        self.send('token')
        return self.expect(r'^token (\S+)$').group(1)

    def wait_exit(self, timeout=5.0):
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            fail(f'{self.name}: still running after {timeout:g} s; '
                 f'output: {self.lines[-20:]!r}')
        self._thread.join(timeout=2)
        return rc

    def running(self):
        return self.proc.poll() is None

    def kill(self):
        if self.proc.stdin:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        rc = _kill(self.proc)
        self._thread.join(timeout=2)
        self._stderr.close()
        return rc


class VPointer:
    """tests/vpointer.py on the host socket (a virtual pointer that can
    hold the button): every command waits for its `ok`."""

    def __init__(self, c):
        w, h = OUTPUT_SIZE
        self.proc = c.spawn([sys.executable, os.path.join(TOP, 'tests', 'vpointer.py'),
                             '--size', f'{w}x{h}'], name='vpointer')
        self.proc.expect(r'^ready$', 10)

    def _cmd(self, line):
        self.proc.send(line)
        self.proc.expect(r'^ok$', 5)

    def move(self, x, y):
        self._cmd(f'move {int(x)} {int(y)}')

    def press(self):
        self._cmd('press')

    def release(self):
        self._cmd('release')


class Screenshot:
    """A P6 PPM image as grim writes it; pixel(x, y) -> (r, g, b)."""

    def __init__(self, data):
        self.raw = data
        fields = []
        pos = 0
        # Header: magic, width, height, maxval separated by whitespace, with
        # '#' comments to the end of line; one whitespace byte before pixels.
        while len(fields) < 4:
            while pos < len(data) and data[pos:pos + 1].isspace():
                pos += 1
            if data[pos:pos + 1] == b'#':
                while pos < len(data) and data[pos:pos + 1] != b'\n':
                    pos += 1
                continue
            start = pos
            while pos < len(data) and not data[pos:pos + 1].isspace():
                pos += 1
            if start == pos:
                fail(f'screenshot: truncated PPM header ({len(data)} bytes)')
            fields.append(data[start:pos])
        pos += 1
        if fields[0] != b'P6':
            fail(f'screenshot: not a P6 PPM (magic {fields[0]!r})')
        self.width, self.height, maxval = (int(f) for f in fields[1:])
        if maxval != 255:
            fail(f'screenshot: unsupported PPM maxval {maxval}')
        self.pixels = data[pos:pos + self.width * self.height * 3]
        if len(self.pixels) != self.width * self.height * 3:
            fail(f'screenshot: {len(self.pixels)} pixel bytes for '
                 f'{self.width}x{self.height}')

    def pixel(self, x, y):
        x, y = int(x), int(y)
        if not (0 <= x < self.width and 0 <= y < self.height):
            fail(f'screenshot: pixel ({x},{y}) outside {self.width}x{self.height}')
        i = (y * self.width + x) * 3
        return tuple(self.pixels[i:i + 3])

    def region(self, x, y, w, h):
        """Every pixel of a rectangle (clipped to the image)."""
        out = []
        for yy in range(max(0, y), min(self.height, y + h)):
            for xx in range(max(0, x), min(self.width, x + w)):
                out.append(self.pixel(xx, yy))
        return out

    def save(self, path):
        """Writes the image: PNG when path ends in .png, else the PPM."""
        if not path.endswith('.png'):
            with open(path, 'wb') as f:
                f.write(self.raw)
            return
        import struct
        import zlib

        def chunk(kind, body):
            return (struct.pack('>I', len(body)) + kind + body +
                    struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff))
        row = self.width * 3
        scan = b''.join(b'\0' + self.pixels[y * row:(y + 1) * row]
                        for y in range(self.height))
        with open(path, 'wb') as f:
            f.write(b'\x89PNG\r\n\x1a\n')
            f.write(chunk(b'IHDR', struct.pack('>IIBBBBB', self.width, self.height,
                                               8, 2, 0, 0, 0)))
            f.write(chunk(b'IDAT', zlib.compress(scan, 6)))
            f.write(chunk(b'IEND', b''))


def hex_color(text):
    """'#rrggbb' or 'rrggbb' -> (r, g, b)."""
    text = text.lstrip('#')
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


def domain_section(name, keys):
    """A [domain NAME] section of cordon's config and a blank line: a line
    `key = value` per item of keys (a dict), where a value of None drops
    the key and a list repeats it."""
    out = [f'[domain {name}]']
    for k, v in keys.items():
        if v is None:
            continue
        for item in (v if isinstance(v, list) else [v]):
            out.append(f'{k} = {item}')
    return '\n'.join(out) + '\n\n'


def domain_config(head='', **domains):
    """cordon config text: head as it is, then a domain_section per
    keyword, in order. A domain's value is its colour, or a dict of its
    keys (those that are no Python name, like paste-from.a, too)."""
    return (head + '\n' if head else '') + ''.join(
        domain_section(name, keys if isinstance(keys, dict) else {'color': keys})
        for name, keys in domains.items())


def parse_globals(text):
    """Interface names listed by wayland-info."""
    return set(re.findall(r"interface: '([^']+)'", text))


class Cordon:
    """Runs one headless cordon for the duration of a with-block."""

    def __init__(self, config=None, args=(), env=None, ready_timeout=10.0,
                 quit_timeout=10.0, keyboard=True, park_pointer=True, prepare=None):
        self.keyboard = keyboard
        self.prepare = prepare  # prepare(runtime_dir) runs before cordon starts
        self.park_pointer = park_pointer
        self.pointer = None  # where pointer_to() last put the pointer
        self.config_text = config
        self.extra_args = list(args)
        self.extra_env = dict(env or {})
        self.ready_timeout = ready_timeout
        self.quit_timeout = quit_timeout
        self.procs = []
        self.proc = None
        self.runtime_dir = None
        self.wayland_display = None
        self.stderr_path = None
        self.last_screenshot = None
        self.keep = bool(os.environ.get('CORDON_TEST_KEEP'))
        self._stopped = None  # problems found by _stop(), once it ran
        self._dumped = False

    # ---- lifetime ----

    def __enter__(self):
        self.runtime_dir = new_runtime_dir()
        self.log_dir = os.path.join(self.runtime_dir, 'logs')
        os.mkdir(self.log_dir, 0o700)
        self.env = base_env(self.runtime_dir)
        self.env.update(self.extra_env)
        if self.prepare is not None:
            self.prepare(self.runtime_dir)
        argv = [cordon_bin()]
        if self.config_text is not None:
            self.config_path = os.path.join(self.runtime_dir, 'cordon.conf')
            with open(self.config_path, 'w') as f:
                f.write(self.config_text)
            argv += ['-c', self.config_path]
        if not os.access(argv[0], os.X_OK):
            self._cleanup_dir()
            fail(f'cordon binary not found at {argv[0]} (set CORDON_BIN)')
        rfd, wfd = os.pipe()
        argv += ['--ready-fd', str(wfd)] + self.extra_args
        self.stderr_path = os.path.join(self.log_dir, 'cordon.stderr')
        self._stderr = open(self.stderr_path, 'wb')
        log('starting ' + ' '.join(argv))
        try:
            self.proc = subprocess.Popen(
                argv, env=self.env, pass_fds=(wfd,), stdin=subprocess.DEVNULL,
                stdout=self._stderr, stderr=self._stderr, start_new_session=True)
        finally:
            os.close(wfd)
        try:
            line = self._read_ready(rfd)
        except BaseException:
            os.close(rfd)
            self._teardown(failed=True)
            raise
        os.close(rfd)
        m = re.fullmatch(r'WAYLAND_DISPLAY=(\S+)', line)
        if not m:
            self._teardown(failed=True)
            fail(f'cordon wrote {line!r} to --ready-fd, expected WAYLAND_DISPLAY=NAME')
        self.wayland_display = m.group(1)
        self.env['WAYLAND_DISPLAY'] = self.wayland_display
        self.env['CORDON_SOCK'] = self.ipc_path
        sock = os.path.join(self.runtime_dir, self.wayland_display)
        if not os.path.exists(sock):
            self._teardown(failed=True)
            fail(f'cordon reported ready with {line!r} but {sock} does not exist')
        log(f'cordon ready: {line} (pid {self.proc.pid}, runtime {self.runtime_dir})')
        try:
            if self.keyboard:
                self._hold_keyboard()
            if self.park_pointer and shutil.which('wlrctl'):
                self.pointer_to(*POINTER_PARK)
        except BaseException:
            self._teardown(failed=True)
            raise
        return self

    def _hold_keyboard(self):
        """Headless cordon has no keyboard, and a seat without one sends no
        keyboard focus. Like a real desktop, keep one plugged in: a wtype
        that only sleeps holds a virtual keyboard for the whole test. Waits
        until the seat advertises it, so clients started next see it."""
        if shutil.which('wtype') is None or shutil.which('wayland-info') is None:
            return
        self.keyboard_holder = self.spawn(['wtype', '-s', '3600000'],
                                          name='keyboard-holder', stdin=False)
        wait_for(lambda: 'keyboard' in self.seat_capabilities(), 5,
                 what='the seat to advertise the virtual keyboard of wtype')

    def seat_capabilities(self, domain=None):
        """The wl_seat capabilities wayland-info reports, as a set of words."""
        res = self.run(['wayland-info', '-i', 'wl_seat'], domain=domain)
        m = re.search(r'capabilities:([^\n]*)', res.stdout.decode('utf-8', 'replace'))
        return set(m.group(1).split()) if m else set()

    def _read_ready(self, rfd):
        deadline = time.monotonic() + self.ready_timeout
        buf = b''
        while b'\n' not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                fail(f'cordon did not write its ready line within {self.ready_timeout:g} s '
                     f'(got {buf!r} so far)')
            r, _, _ = select.select([rfd], [], [], left)
            if not r:
                continue
            chunk = os.read(rfd, 4096)
            if not chunk:
                fail(f'cordon closed --ready-fd without a ready line '
                     f'(exit status {self.proc.poll()}; got {buf!r})')
            buf += chunk
        rest = buf.split(b'\n', 1)[1]
        if rest:
            fail(f'cordon wrote more than one line to --ready-fd: {buf!r}')
        return buf.split(b'\n', 1)[0].decode('utf-8', 'replace')

    def __exit__(self, exc_type, exc, tb):
        failed = exc_type is not None
        problems = self._teardown(failed=failed)
        if problems and not failed:
            fail('cordon: ' + '; '.join(problems))
        return False

    def stop(self):
        """Stops every client and then cordon (quit over IPC) now, and fails
        the test if cordon did not exit cleanly. The runtime directory stays
        until the with-block ends, so a test can look at what cordon left."""
        problems = self._stop()
        if problems:
            self._dump(problems)
            self._dumped = True
            fail('cordon: ' + '; '.join(problems))

    def _stop(self):
        """Kills clients, quits cordon; returns problems with its exit."""
        if self._stopped is not None:
            return self._stopped
        problems = []
        for p in reversed(self.procs):
            p.kill()
        self.procs = []
        if self.proc is not None and self.proc.poll() is None:
            try:
                reply = self.ipc({'cmd': 'quit'}, timeout=3)
                if not reply.get('ok'):
                    problems.append(f'quit over IPC was refused: {reply!r}')
            except (TestFailure, OSError) as e:
                problems.append(f'quit over IPC failed: {e}')
            try:
                self.proc.wait(timeout=self.quit_timeout)
            except subprocess.TimeoutExpired:
                problems.append(f'did not exit within {self.quit_timeout:g} s of quit; '
                                f'aborted')
                self.proc.send_signal(signal.SIGABRT)
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        if self.proc is not None:
            rc = self.proc.returncode
            if rc is not None and rc < 0:
                problems.append(f'crashed: killed by signal {-rc} '
                                f'({signal.Signals(-rc).name})')
            elif rc:
                problems.append(f'exited with status {rc}')
            self._stderr.close()
        stderr = self.cordon_stderr()
        markers = [m for m in SANITIZER_MARKERS if m in stderr]
        if markers:
            problems.append('sanitizer output on stderr: ' + ', '.join(markers))
        self._stopped = problems
        return problems

    def _teardown(self, failed):
        problems = self._stop()
        if (problems or failed) and not self._dumped:
            self._dump(problems)
        self._cleanup_dir()
        return problems

    def _dump(self, problems):
        for p in problems:
            print(f'FAIL: cordon {p}', file=sys.stderr)
        stderr = self.cordon_stderr()
        limit = 60000
        if len(stderr) > limit:
            stderr = '[… cut …]\n' + stderr[-limit:]
        print('----- cordon stderr -----', file=sys.stderr)
        print(stderr, file=sys.stderr)
        print('----- end of cordon stderr -----', file=sys.stderr)
        if self.last_screenshot is not None:
            dest = os.environ.get('CORDON_TEST_ARTIFACTS')
            if dest:
                os.makedirs(dest, exist_ok=True)
                name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
                path = os.path.join(dest, f'{name}.png')
                self.last_screenshot.save(path)
                print(f'last screenshot saved to {path}', file=sys.stderr)

    def _cleanup_dir(self):
        if self.runtime_dir and not self.keep:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)
        elif self.runtime_dir:
            print(f'kept runtime dir {self.runtime_dir}', file=sys.stderr)

    def cordon_stderr(self):
        if not self.stderr_path:
            return ''
        try:
            with open(self.stderr_path, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self, when=''):
        if not self.alive():
            raise CordonGone(f'cordon is no longer running{" " + when if when else ""} '
                 f'(exit status {self.proc.returncode})')

    # ---- sockets and environment ----

    @property
    def ipc_path(self):
        return os.path.join(self.runtime_dir, 'cordon', 'ipc.sock')

    @property
    def host_socket(self):
        return os.path.join(self.runtime_dir, self.wayland_display)

    def domain_socket(self, name):
        return os.path.join(self.runtime_dir, 'cordon', name, 'wayland-0')

    def client_env(self, domain=None, extra=None):
        """Environment for a client on the host socket or a domain's socket."""
        env = dict(self.env)
        if domain is None or domain == 'host':
            env['WAYLAND_DISPLAY'] = self.wayland_display
        else:
            env['WAYLAND_DISPLAY'] = self.domain_socket(domain)
            # A guest knows nothing of the host's IPC.
            env.pop('CORDON_SOCK', None)
        env.update(extra or {})
        return env

    # ---- IPC ----

    def ipc_raw(self, data, timeout=5.0, lines=1):
        """Sends raw bytes on a fresh IPC connection; returns the reply lines
        received (fewer than asked when cordon closed the connection)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            try:
                s.connect(self.ipc_path)
            except OSError as e:
                if not self.alive():
                    raise CordonGone(f'cordon is gone (exit status '
                                     f'{self.proc.returncode}); IPC connect: {e}')
                fail(f'IPC: cannot connect to {self.ipc_path}: {e}')
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # closed on us: read what it said before closing
            buf = b''
            deadline = time.monotonic() + timeout
            while buf.count(b'\n') < lines:
                left = deadline - time.monotonic()
                if left <= 0:
                    fail(f'IPC: no reply to {data[:200]!r} within {timeout:g} s '
                         f'(got {buf!r})')
                s.settimeout(left)
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    continue
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                buf += chunk
        finally:
            s.close()
        return [line.decode('utf-8', 'replace') for line in buf.split(b'\n')[:lines]
                if line]

    def ipc(self, request, timeout=5.0):
        """Sends one JSON request; returns the decoded reply object."""
        data = json.dumps(request).encode() + b'\n'
        replies = self.ipc_raw(data, timeout=timeout)
        if not replies:
            fail(f'IPC: connection closed without a reply to {request!r}')
        try:
            return json.loads(replies[0])
        except ValueError:
            fail(f'IPC: reply to {request!r} is not JSON: {replies[0]!r}')

    def ipc_ok(self, request):
        reply = self.ipc(request)
        check(reply.get('ok') is True,
              lambda: f'IPC: {request!r} failed: {reply!r}')
        return reply

    def windows(self):
        reply = self.ipc_ok({'cmd': 'windows'})
        check(isinstance(reply.get('windows'), list),
              lambda: f'IPC windows: no "windows" list in {reply!r}')
        return reply['windows']

    def outputs(self):
        return self.ipc_ok({'cmd': 'outputs'}).get('outputs')

    def domains(self):
        return self.ipc_ok({'cmd': 'domains'}).get('domains')

    def find_windows(self, **match):
        return [w for w in self.windows()
                if all(w.get(k) == v for k, v in match.items())]

    def wait_window(self, timeout=5.0, **match):
        """Waits until exactly one window matches every key=value given."""
        def one():
            found = self.find_windows(**match)
            return found[0] if len(found) == 1 else None
        return wait_for(one, timeout,
                        what=f'one window with {match} in IPC windows '
                             f'(windows: {self._windows_brief()})')

    def _windows_brief(self):
        try:
            return self.windows()
        except TestFailure as e:
            return str(e)

    def focused(self):
        found = [w for w in self.windows() if w.get('focused')]
        check(len(found) <= 1, lambda: f'IPC: more than one focused window: {found!r}')
        return found[0] if found else None

    def wait_focused(self, win_id, timeout=5.0):
        return wait_for(lambda: (self.focused() or {}).get('id') == win_id,
                        timeout, what=f'window {win_id} focused in IPC '
                                      f'(windows: {self._windows_brief()})')

    def ctl(self, *args, check_rc=True, timeout=10.0):
        """Runs cordonctl; returns the CompletedProcess (text output)."""
        return run_checked([cordonctl_bin()] + list(args), self.env, timeout, check_rc,
                           text=True)

    # ---- peers ----

    def spawn(self, argv, domain=None, env=None, name=None, stdin=True):
        """Starts a program as a client of the host (or domain's) socket."""
        p = Process(name or os.path.basename(argv[0]), argv,
                    self.client_env(domain, env), self.log_dir, stdin=stdin)
        self.procs.append(p)
        return p

    def spawn_client(self, args=(), domain=None, env=None, name=None):
        """Starts cordon-test-client with args; returns its Process handle."""
        exe = test_client_bin()
        if not os.access(exe, os.X_OK):
            fail(f'test client not found at {exe} (set CORDON_TEST_CLIENT)')
        return self.spawn([exe] + list(args), domain=domain, env=env,
                          name=name or 'test-client')

    def client_window(self, args=(), domain=None, name=None, title=None, env=None,
                      **match):
        """A test client whose window is up: (its Process, the window as
        IPC lists it, found by title (name by default) and match)."""
        proc = self.spawn_client(args, domain=domain, env=env, name=name)
        proc.expect(r'^ready$')
        return proc, self.wait_window(title=title or name, **match)

    def test_window(self, title, domain=None, color=None, size=None, args=(), name=None,
                    **match):
        """client_window for a test client titled title (its name too,
        unless name is given), of color ('rrggbb') and size ('WxH') when
        given, with more args."""
        argv = ['--title', title]
        if color is not None:
            argv += ['--color', color]
        if size is not None:
            argv += ['--size', size]
        return self.client_window(argv + list(args), domain=domain, name=name or title,
                                  title=title, **match)

    def run(self, argv, domain=None, timeout=10.0, check_rc=True, input=None):
        """Runs a peer to completion; returns CompletedProcess (bytes)."""
        return run_checked(argv, self.client_env(domain), timeout, check_rc, input=input)

    def screenshot(self, domain=None):
        """Captures the whole layout with grim; returns a Screenshot."""
        require('grim')
        res = self.run(['grim', '-t', 'ppm', '-'], domain=domain)
        shot = Screenshot(res.stdout)
        self.last_screenshot = shot
        return shot

    def wait_pixel(self, x, y, color, what, timeout=5.0):
        """Takes screenshots until pixel (x, y) has color; returns that one."""
        def probe():
            shot = self.screenshot()
            return shot if shot.pixel(x, y) == color else None
        return wait_for(probe, timeout, what=what)

    def wait_framed(self, win, color, what, timeout=5.0):
        """Waits until win's (an IPC window's) left border shows color, then
        checks its whole frame (check_frame); returns the screenshot."""
        shot = self.wait_pixel(win['x'] - 1, win['y'] + 10, color,
                               f'{what} framed in {color}', timeout)
        check_frame(shot, win, color, what)
        return shot

    def state_round_trip(self, cl, before, state, enter, leave, check_entered):
        """enter() puts test client cl's window (before: as IPC listed it)
        in state ('fullscreen', 'maximized'), check_entered(c, cl, window
        id) checks it is; leave() takes it out again: check_restored."""
        cl.skip_pending()
        enter()
        check_entered(self, cl, before['id'])
        cl.skip_pending()
        leave()
        self.check_restored(cl, before, state)

    def check_restored(self, cl, before, state, own_size=(300, 200)):
        """A test client's window left state ('fullscreen', 'maximized'):
        its next configure without state gives back its size before
        (0x0: the client's own, own_size), and IPC shows it so, at its old
        position. before is the window as IPC listed it then."""
        w, h, _ = cl.expect_configure(state, False)
        want = (w or own_size[0], h or own_size[1])
        check_eq(want, (before['width'], before['height']),
                 f'size after leaving {state} (configure, else the client\'s own)')
        win = wait_for(lambda: self.find_windows(id=before['id'], width=want[0],
                                                 height=want[1], **{state: False}), 5,
                       what=f'IPC {state} false with the old size {want}')[0]
        check_eq((win['x'], win['y']), (before['x'], before['y']),
                 f'position after leaving {state}')

    def wtype(self, *args):
        require('wtype')
        return self.run(['wtype'] + list(args))

    def wlrctl(self, *args):
        require('wlrctl')
        return self.run(['wlrctl'] + list(args))

    def pointer_to(self, x, y):
        """Moves the pointer to layout position (x, y) with relative motion:
        first far into the top-left corner (clamped to 0,0), then by (x, y)."""
        self.wlrctl('pointer', 'move', '-100000', '-100000')
        self.wlrctl('pointer', 'move', str(int(x)), str(int(y)))
        self.pointer = (int(x), int(y))

    def click(self, x, y, button='left'):
        self.pointer_to(x, y)
        self.wlrctl('pointer', 'click', button)

    def click_focus(self, proc, win, dx=40, dy=40):
        """Clicks at (dx, dy) into the content of win, a test client proc's
        window: cordon focuses it, the client hears keyboard-enter and the
        click's release."""
        self.click(win['x'] + dx, win['y'] + dy)
        self.wait_focused(win['id'])
        proc.expect(r'^keyboard-enter$')
        proc.expect(r'^button 272 released$')

    def globals(self, domain=None):
        """Interface names wayland-info sees on the host or a domain socket."""
        require('wayland-info')
        res = self.run(['wayland-info'], domain=domain)
        return parse_globals(res.stdout.decode('utf-8', 'replace'))


class EventSubscription:
    """One IPC connection subscribed to cordon's events: a thread collects
    every line as (arrival time (time.monotonic()), object) in items; eof
    says the stream closed. The first item is the reply to subscribe."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(path)
        self.sock.sendall(b'{"cmd":"subscribe"}\n')
        self.items = []  # (time, object)
        self._cv = threading.Condition()
        self._eof = False
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self):
        buf = b''
        self.sock.settimeout(None)
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                chunk = b''
            if not chunk:
                break
            buf += chunk
            while b'\n' in buf:
                line, buf = buf.split(b'\n', 1)
                try:
                    obj = json.loads(line)
                except ValueError:
                    obj = {'unparsed': line.decode(errors='replace')}
                with self._cv:
                    self.items.append((time.monotonic(), obj))
                    self._cv.notify_all()
        with self._cv:
            self._eof = True
            self._cv.notify_all()

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._thread.join(timeout=2)

def new_runtime_dir():
    """A new private runtime directory (mode 0700) with an empty config home."""
    rt = tempfile.mkdtemp(prefix='c.', dir='/tmp')
    os.chmod(rt, 0o700)
    os.mkdir(os.path.join(rt, 'config-home'), 0o700)
    return rt


class HandStarted:
    """cordon started by hand, where Cordon's fixtures would be in the way
    (its output elsewhere, a runtime directory prepared first). In a
    with-block: rt, a new_runtime_dir(), and env, base_env(rt), exist on
    entering; start() runs cordon; on leaving, cordon is killed if it still
    runs and rt removed."""

    def __enter__(self):
        self.rt = new_runtime_dir()
        self.env = base_env(self.rt)
        self.proc = None
        return self

    def start(self, args=(), output=None):
        """Starts cordon with args, its stdout and stderr to output (a file),
        and waits for its ready line: returns its WAYLAND_DISPLAY."""
        rfd, wfd = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [cordon_bin()] + list(args) + ['--ready-fd', str(wfd)], env=self.env,
                pass_fds=(wfd,), stdin=subprocess.DEVNULL, stdout=output, stderr=output,
                start_new_session=True)
        finally:
            os.close(wfd)
        with os.fdopen(rfd) as ready:
            line = ready.readline().strip()
        check(line.startswith('WAYLAND_DISPLAY='), f'cordon did not get ready: {line!r}')
        return line.split('=', 1)[1]

    def ctl(self, *args):
        """Runs cordonctl against this cordon; returns the CompletedProcess
        (text output), whatever its exit status."""
        env = dict(self.env, CORDON_SOCK=os.path.join(self.rt, 'cordon', 'ipc.sock'))
        return run_checked([cordonctl_bin()] + list(args), env, 10.0, check_rc=False,
                           text=True)

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.rt, ignore_errors=True)
        return False


def start_and_wait_exit(config=None, args=(), timeout=10.0, prepare=None):
    """Starts cordon headless the way Cordon does, for a start that should
    fail: waits for it to exit and returns (status, output, ready_line).
    prepare(runtime_dir), if given, runs before cordon starts. Fails if
    cordon is still running after timeout seconds (it is killed)."""
    rt = new_runtime_dir()
    try:
        argv = [cordon_bin()]
        if config is not None:
            path = os.path.join(rt, 'cordon.conf')
            with open(path, 'w') as f:
                f.write(config)
            argv += ['-c', path]
        if prepare:
            prepare(rt)
        rfd, wfd = os.pipe()
        argv += ['--ready-fd', str(wfd)] + list(args)
        try:
            proc = subprocess.Popen(argv, env=base_env(rt), pass_fds=(wfd,),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            os.close(wfd)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            os.close(rfd)
            fail(f'cordon kept running for {timeout:g} s where it should have '
                 f'refused to start; output:\n{out.decode(errors="replace")[-3000:]}')
        ready = b''
        while True:
            r, _, _ = select.select([rfd], [], [], 0)
            chunk = os.read(rfd, 4096) if r else b''
            if not chunk:
                break
            ready += chunk
        os.close(rfd)
        return (proc.returncode, out.decode('utf-8', 'replace'),
                ready.decode('utf-8', 'replace').strip() or None)
    finally:
        shutil.rmtree(rt, ignore_errors=True)


def frame_rect(win, titlebar):
    """(x0, y0, x1, y1) of cordon's frame around a window from IPC."""
    return (win['x'] - BORDER, win['y'] - BORDER - titlebar,
            win['x'] + win['width'] + BORDER, win['y'] + win['height'] + BORDER)


def titlebar_height(shot, win, color, limit=80):
    """Height of cordon's titlebar above a window: counts frame-coloured
    pixels up the left border's innermost column from the content's top
    edge (that column holds no title text), minus the top border."""
    x = win['x'] - 1
    y = win['y'] - 1
    n = 0
    while y >= 0 and n < limit and shot.pixel(x, y) == color:
        n += 1
        y -= 1
    return n - BORDER


def check_frame(shot, win, color, what='window', titlebar_range=(10, 48)):
    """Checks cordon's frame around win (an IPC window) in a screenshot: a
    border of BORDER px in exactly color on all four sides and a titlebar of
    that colour above the content. Returns the titlebar height."""
    x, y, w, h = win['x'], win['y'], win['width'], win['height']
    tb = titlebar_height(shot, win, color)
    check(titlebar_range[0] <= tb <= titlebar_range[1],
          lambda: f'{what}: no titlebar of {color} above the content at '
                  f'({x - 1},{y - 1}) upwards (measured {tb} px; window {win!r}; '
                  f'pixels there: {[shot.pixel(x - 1, yy) for yy in range(max(0, y - 4), y)]})')
    top = y - tb - BORDER
    samples = []
    for f in (0.1, 0.5, 0.9):
        yy = y + int(h * f)
        xx = x + int(w * f)
        for d in range(1, BORDER + 1):
            samples += [('left', x - d, yy), ('right', x + w - 1 + d, yy),
                        ('bottom', xx, y + h - 1 + d)]
        for d in range(BORDER):
            samples.append(('top', xx, top + d))
    # Titlebar background beside the title text: its right end, and the
    # strip between it and the content.
    samples += [('titlebar', x + w - 3, y - tb // 2), ('titlebar', x + w - 3, y - 1),
                ('titlebar', x + w // 2, y - 1)]
    for side, px, py in samples:
        got = shot.pixel(px, py)
        check(got == color, lambda: f'{what}: {side} frame pixel ({px},{py}) is {got}, '
                                    f'expected {color} (window {win!r})')
    for px, py in [(x, y), (x + w - 1, y + h - 1)]:
        check(shot.pixel(px, py) != color,
              lambda: f'{what}: content corner ({px},{py}) has the frame colour {color}: '
                      f'the frame covers the content or IPC geometry is off')
    return tb


def main(fn):
    """Runs a test function and exits with the test status."""
    try:
        fn()
    except TestSkip as e:
        print(f'SKIP: {e}', flush=True)
        sys.exit(77)
    except TestFailure as e:
        print(f'FAIL: {e}', file=sys.stderr, flush=True)
        sys.exit(1)
    except Exception:
        traceback.print_exc()
        sys.exit(1)
    print('PASS', flush=True)
    sys.exit(0)
