/*
 * The supervisor (vmm/supervisor.c, vmm/spawn.c) with real child
 * processes in a real wl_event_loop: exit detection, restart backoff and
 * giving up, stop escalation, output capture, and that no process it
 * started survives a stop, a destroy, or the death of its parent.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/fixture_events.h"
#include "vmm/output.h"

struct rec {
	struct wl_event_loop *loop;
	struct supervisor *sup;
	struct fixture_events ev;
	bool destroy_on_failed;
	int log_open_errors;
	char dir[64];
	char log[128];
};

static void on_state(struct supervisor *sup, enum supervisor_state state, void *data) {
	struct rec *r = data;
	fixture_events_state(&r->ev, state);
	if (state == SUPERVISOR_FAILED && r->destroy_on_failed) {
		supervisor_destroy(sup);
		r->sup = NULL;
	}
}

static void on_line(struct supervisor *sup, const char *stream, const char *line,
		void *data) {
	fixture_events_line(&((struct rec *)data)->ev, stream, line);
}

static void on_log(struct supervisor *sup, enum supervisor_log_level level,
		const char *msg, void *data) {
	struct rec *r = data;
	if (level == SUPERVISOR_LOG_ERROR && strstr(msg, "cannot write log file")) {
		r->log_open_errors++;
	}
	if (getenv("TEST_VERBOSE")) {
		fprintf(stderr, "[%d] %s\n", (int)level, msg);
	}
}

static const struct supervisor_callbacks callbacks = {
	.state = on_state, .line = on_line, .log = on_log,
};

static int setup(void **state) {
	struct rec *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->loop = wl_event_loop_create();
	assert_non_null(r->loop);
	fixture_mkdtemp(r->dir, sizeof(r->dir), "/tmp/cs.XXXXXX");
	snprintf(r->log, sizeof(r->log), "%s/log", r->dir);
	*state = r;
	return 0;
}

static int teardown(void **state) {
	struct rec *r = *state;
	supervisor_destroy(r->sup);
	wl_event_loop_destroy(r->loop);
	fixture_rmtree(r->dir);
	free(r);
	return 0;
}

static struct supervisor *make(struct rec *r, char *const *argv,
		struct supervisor_options *o) {
	struct supervisor_options opts = { .name = "test", .log_path = r->log };
	if (o) {
		opts = *o;
		if (!opts.name) {
			opts.name = "test";
		}
		if (!opts.log_path) {
			opts.log_path = r->log;
		}
	}
	opts.argv = argv;
	struct supervisor_callbacks cb = callbacks;
	cb.data = r;
	r->sup = supervisor_create(r->loop, &opts, &cb);
	assert_non_null(r->sup);
	return r->sup;
}

/* Dispatches until done(r) or timeout; returns done(r). */
static bool run_until(struct rec *r, bool (*done)(void *), int timeout_ms) {
	return fixture_loop_until(r->loop, done, r, timeout_ms);
}

/* Makes the supervisor, starts it and dispatches until done(r). */
static void launch(struct rec *r, char *const *argv, struct supervisor_options *o,
		bool (*done)(void *), int timeout_ms) {
	make(r, argv, o);
	assert_true(supervisor_start(r->sup));
	assert_true(run_until(r, done, timeout_ms));
}

static void run_for(struct rec *r, int ms) {
	int64_t end = mstime_now() + ms;
	int64_t left;
	while ((left = end - mstime_now()) > 0) {
		wl_event_loop_dispatch(r->loop, (int)left);
	}
}

static bool is_stopped(void *data) {
	struct rec *r = data;
	return supervisor_state(r->sup) == SUPERVISOR_STOPPED &&
		!supervisor_restart_pending(r->sup);
}

static bool is_failed(void *data) {
	struct rec *r = data;
	return supervisor_state(r->sup) == SUPERVISOR_FAILED &&
		!supervisor_restart_pending(r->sup);
}

static bool is_running(void *data) {
	struct rec *r = data;
	return supervisor_state(r->sup) == SUPERVISOR_RUNNING;
}

/* Asks the program to stop, waits until it has; returns how many ms that took. */
static int64_t stop_took(struct rec *r, int timeout_ms) {
	int64_t t0 = mstime_now();
	supervisor_stop(r->sup);
	assert_true(run_until(r, is_stopped, timeout_ms));
	return mstime_now() - t0;
}

/* The program's last exit was death by signal sig. */
static void assert_killed_by(struct rec *r, int sig) {
	struct supervisor_exit e = supervisor_last_exit(r->sup);
	assert_true(e.signaled);
	assert_int_equal(e.code, sig);
}

static const char *find_line(struct rec *r, const char *prefix) {
	return fixture_events_find(&r->ev, prefix);
}

static bool has_ready(void *data) {
	struct rec *r = data;
	return find_line(r, "stdout: ready") != NULL;
}

/* The line and the keeper's report travel on different pipes: wait for both. */
static bool ready_and_running(void *data) {
	struct rec *r = data;
	return has_ready(r) && is_running(r);
}

static pid_t line_pid(struct rec *r, const char *prefix) {
	const char *l = find_line(r, prefix);
	assert_non_null(l);
	return (pid_t)atoi(l + strlen(prefix));
}

#define SH(script) ((char *const[]){ "sh", "-c", script, NULL })

/*
 * Script text: before, then "sleep 1000" started in a session of its own
 * (out of the program's process group) with "sid PID" printed only once it
 * is there, so a test never races the setsid, then after.
 */
static void escapee(char *buf, size_t len, const char *dir, const char *before,
		const char *after) {
	snprintf(buf, len, "%ssetsid sh -c 'echo $$ > %s/sid; exec sleep 1000' & "
		"while [ ! -s %s/sid ]; do sleep 0.01; done; echo sid $(cat %s/sid); %s",
		before, dir, dir, dir, after);
}

/* ---- tests ---- */

static void test_exit_code_and_output(void **state) {
	struct rec *r = *state;
	make(r, SH("echo hi; echo err >&2; printf 'no newline'; exit 3"), NULL);
	assert_int_equal(supervisor_state(r->sup), SUPERVISOR_STOPPED);
	assert_true(supervisor_start(r->sup));
	assert_int_equal(supervisor_state(r->sup), SUPERVISOR_STARTING);
	assert_true(run_until(r, is_failed, 5000));
	assert_int_equal(r->ev.n_states, 3);
	assert_int_equal(r->ev.states[0], SUPERVISOR_STARTING);
	assert_int_equal(r->ev.states[1], SUPERVISOR_RUNNING);
	assert_int_equal(r->ev.states[2], SUPERVISOR_FAILED);
	struct supervisor_exit e = supervisor_last_exit(r->sup);
	assert_true(e.valid);
	assert_false(e.signaled);
	assert_int_equal(e.code, 3);
	assert_non_null(strstr(supervisor_reason(r->sup), "exited with code 3"));
	assert_int_equal(supervisor_pid(r->sup), 0);
	assert_int_equal(supervisor_restarts(r->sup), 0);
	assert_non_null(find_line(r, "stdout: hi"));
	assert_non_null(find_line(r, "stderr: err"));
	assert_non_null(find_line(r, "stdout: no newline"));
	char *log = fixture_slurp(r->log);
	assert_non_null(log);
	/* Timestamped: 2024-01-02T03:04:05.678 stdout: hi */
	assert_non_null(strstr(log, " stdout: hi\n"));
	assert_non_null(strstr(log, " stderr: err\n"));
	assert_non_null(strstr(log, " cordon: failed: exited with code 3\n"));
	assert_true(log[4] == '-' && log[10] == 'T' && log[19] == '.');
	free(log);
}

static void test_clean_exit_is_stopped(void **state) {
	struct rec *r = *state;
	struct supervisor_options o = { .restart = SUPERVISOR_RESTART_ON_FAILURE };
	launch(r, SH("exit 0"), &o, is_stopped, 5000);
	assert_int_equal(r->ev.states[r->ev.n_states - 1], SUPERVISOR_STOPPED);
	assert_true(supervisor_last_exit(r->sup).valid);
	assert_int_equal(supervisor_last_exit(r->sup).code, 0);
	assert_int_equal(supervisor_restarts(r->sup), 0);
}

static void test_killed_by_signal(void **state) {
	struct rec *r = *state;
	launch(r, SH("kill -9 $$"), NULL, is_failed, 5000);
	assert_killed_by(r, SIGKILL);
	assert_non_null(strstr(supervisor_reason(r->sup), "killed by signal 9"));
}

/* A program that always fails, restarted on failure until fail_limit. */
static void launch_failing(struct rec *r, int backoff_base_ms, int backoff_max_ms,
		int fail_limit) {
	struct supervisor_options o = {
		.restart = SUPERVISOR_RESTART_ON_FAILURE,
		.backoff_base_ms = backoff_base_ms, .backoff_max_ms = backoff_max_ms,
		.fail_limit = fail_limit, .fail_window_ms = 60000,
	};
	launch(r, SH("exit 1"), &o, is_failed, 10000);
}

static void test_backoff_and_give_up(void **state) {
	struct rec *r = *state;
	launch_failing(r, 50, 2000, 5);
	/* Starts: the first, then 4 restarts 50, 100, 200, 400 ms after failures. */
	int64_t failed_at[8], started_at[8];
	int nf = 0, ns = 0;
	for (int i = 0; i < r->ev.n_states; i++) {
		if (r->ev.states[i] == SUPERVISOR_FAILED && nf < 8) {
			failed_at[nf++] = r->ev.state_ms[i];
		}
		if (r->ev.states[i] == SUPERVISOR_STARTING && ns < 8) {
			started_at[ns++] = r->ev.state_ms[i];
		}
	}
	assert_int_equal(ns, 5);
	assert_int_equal(nf, 5);
	for (int i = 1; i < ns; i++) {
		int64_t delay = started_at[i] - failed_at[i - 1];
		int64_t want = 50LL << (i - 1);
		if (delay < want - 2 || delay > want + 500) {
			fail_msg("restart %d came %lld ms after the failure, want %lld",
				i, (long long)delay, (long long)want);
		}
	}
	assert_int_equal(supervisor_restarts(r->sup), 4);
	assert_non_null(strstr(supervisor_reason(r->sup), "gave up after 5 failures"));
	/* Nothing more happens. */
	int n = r->ev.n_states;
	run_for(r, 300);
	assert_int_equal(r->ev.n_states, n);
	/* A manual start forgets the failures and tries again. */
	assert_true(supervisor_start(r->sup));
	assert_int_equal(supervisor_restarts(r->sup), 0);
	assert_int_equal(r->ev.states[r->ev.n_states - 1], SUPERVISOR_STARTING);
	supervisor_stop(r->sup);
	assert_true(run_until(r, is_stopped, 5000));
}

static void test_backoff_caps(void **state) {
	struct rec *r = *state;
	launch_failing(r, 20, 40, 10);
	/* 20, 40, 40, ...: nine restarts within well under a second. */
	assert_int_equal(supervisor_restarts(r->sup), 9);
	int64_t last_start = 0, last_fail = 0, longest = 0;
	for (int i = 0; i < r->ev.n_states; i++) {
		if (r->ev.states[i] == SUPERVISOR_FAILED) {
			last_fail = r->ev.state_ms[i];
		} else if (r->ev.states[i] == SUPERVISOR_STARTING && last_fail) {
			last_start = r->ev.state_ms[i];
			if (last_start - last_fail > longest) {
				longest = last_start - last_fail;
			}
		}
	}
	assert_true(longest >= 38 && longest < 300);
}

static void test_restart_always(void **state) {
	struct rec *r = *state;
	struct supervisor_options o = {
		.restart = SUPERVISOR_RESTART_ALWAYS, .backoff_base_ms = 20,
		.backoff_max_ms = 20,
	};
	make(r, SH("exit 0"), &o);
	assert_true(supervisor_start(r->sup));
	int64_t end = mstime_now() + 5000;
	while (supervisor_restarts(r->sup) < 3 && mstime_now() < end) {
		wl_event_loop_dispatch(r->loop, 20);
	}
	assert_true(supervisor_restarts(r->sup) >= 3);
	/* Stopping while a restart is pending cancels it. */
	supervisor_stop(r->sup);
	assert_true(run_until(r, is_stopped, 5000));
	int n = r->ev.n_states;
	run_for(r, 150);
	assert_int_equal(r->ev.n_states, n);
	assert_int_equal(supervisor_state(r->sup), SUPERVISOR_STOPPED);
}

static void test_stop_sigterm(void **state) {
	struct rec *r = *state;
	struct supervisor_options o = { .stop_timeout_ms = 5000 };
	launch(r, SH("echo ready; exec sleep 100"), &o, ready_and_running, 5000);
	assert_true(supervisor_pid(r->sup) > 0);
	int64_t t0 = mstime_now();
	supervisor_stop(r->sup);
	assert_int_equal(supervisor_state(r->sup), SUPERVISOR_STOPPING);
	assert_true(run_until(r, is_stopped, 5000));
	assert_true(mstime_now() - t0 < 1000);
	assert_killed_by(r, SIGTERM);
}

/* A stop before the program has exec'd still goes the polite way. */
static void test_stop_while_starting(void **state) {
	struct rec *r = *state;
	struct supervisor_options o = { .stop_timeout_ms = 5000 };
	make(r, SH("exec sleep 100"), &o);
	assert_true(supervisor_start(r->sup));
	supervisor_stop(r->sup);
	assert_int_equal(supervisor_state(r->sup), SUPERVISOR_STOPPING);
	assert_true(run_until(r, is_stopped, 5000));
	assert_killed_by(r, SIGTERM);
}

static void test_stop_escalates_to_sigkill(void **state) {
	struct rec *r = *state;
	struct supervisor_options o = { .stop_timeout_ms = 400 };
	/* trap "" TERM: the shell and its children ignore SIGTERM. */
	launch(r, SH("trap '' TERM; echo ready; while :; do sleep 0.05; done"), &o,
		ready_and_running, 5000);
	int64_t took = stop_took(r, 5000);
	if (took < 390 || took > 1500) {
		fail_msg("stop took %lld ms with a 400 ms timeout", (long long)took);
	}
	assert_killed_by(r, SIGKILL);
	fixture_assert_file_has(r->log, "sending SIGTERM");
	fixture_assert_file_has(r->log, "killing every process (SIGKILL)");
}

static void test_stop_command(void **state) {
	struct rec *r = *state;
	char flag[160], script[400], stop_script[200];
	snprintf(flag, sizeof(flag), "%s/flag", r->dir);
	snprintf(script, sizeof(script), "trap '' TERM; echo ready; "
		"while [ ! -e '%s' ]; do sleep 0.02; done; echo bye; exit 0", flag);
	snprintf(stop_script, sizeof(stop_script), "echo asked; touch '%s'", flag);
	char *stop_argv[] = { "sh", "-c", stop_script, NULL };
	struct supervisor_options o = { .stop_timeout_ms = 10000, .stop_argv = stop_argv };
	launch(r, SH(script), &o, ready_and_running, 5000);
	assert_true(stop_took(r, 5000) < 2000);
	struct supervisor_exit e = supervisor_last_exit(r->sup);
	assert_false(e.signaled);
	assert_int_equal(e.code, 0);
	assert_non_null(find_line(r, "stop: asked"));
	assert_non_null(find_line(r, "stdout: bye"));
	assert_non_null(strstr(supervisor_reason(r->sup), "stopped"));
}

static void test_failed_stop_command_goes_on(void **state) {
	struct rec *r = *state;
	char *stop_argv[] = { "sh", "-c", "echo cannot; exit 1", NULL };
	struct supervisor_options o = { .stop_timeout_ms = 20000, .stop_argv = stop_argv };
	launch(r, SH("echo ready; exec sleep 100"), &o, ready_and_running, 5000);
	/* Not half the 20 s timeout: SIGTERM follows the failed command at once. */
	assert_true(stop_took(r, 3000) < 2000);
	assert_int_equal(supervisor_last_exit(r->sup).code, SIGTERM);
	assert_non_null(find_line(r, "stop: cannot"));
}

/* The lines after the marker line "stdout: NAME", up to the next marker. */
static void lines_after(struct rec *r, const char *name, char *out, size_t len) {
	char marker[64];
	snprintf(marker, sizeof(marker), "stdout: %s", name);
	out[0] = '\0';
	for (int i = 0; i < r->ev.n_lines; i++) {
		if (strcmp(r->ev.lines[i], marker) != 0) {
			continue;
		}
		for (int j = i + 1; j < r->ev.n_lines && strncmp(r->ev.lines[j], "stdout: --", 10); j++) {
			strncat(out, r->ev.lines[j] + 8, len - strlen(out) - 2);
			strcat(out, " ");
		}
		return;
	}
}

static void test_no_fd_leak(void **state) {
	struct rec *r = *state;
	/* Inheritable fds that must not reach the program nor the keeper. */
	int fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 57), 57);
	int p[2];
	assert_int_equal(pipe(p), 0);
	/* No pipes or $(…) in sh itself: those would add fds of their own. */
	launch(r, SH("echo --self; ls -1 /proc/$$/fd; echo --keeper; ls -1 /proc/$PPID/fd; "
		"echo --stdin; readlink /proc/$$/fd/0; echo --end"), NULL, is_stopped, 5000);
	close(fd);
	close(57);
	close(p[0]);
	close(p[1]);
	char buf[256];
	lines_after(r, "--self", buf, sizeof(buf));
	assert_string_equal(buf, "0 1 2 ");
	/* The keeper: stdio and its status pipe to cordon, nothing else. */
	lines_after(r, "--keeper", buf, sizeof(buf));
	assert_string_equal(buf, "0 1 2 3 ");
	lines_after(r, "--stdin", buf, sizeof(buf));
	assert_string_equal(buf, "/dev/null ");
}

static bool ended_and_stopped(void *data) {
	struct rec *r = data;
	return fixture_events_find(&r->ev, "stdout: --end") != NULL && is_stopped(r);
}

/* A listening socket handed over (virtiofsd --fd=3): on fd 3, and nothing else. */
static void test_listen_fd_passed(void **state) {
	struct rec *r = *state;
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(sock >= 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/l.sock", r->dir);
	assert_int_equal(bind(sock, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(sock, 2), 0);
	/* Away from 3 and 4, so the test sees it moved, and close-on-exec, as
	 * cordon's own sockets are. */
	int fd = fcntl(sock, F_DUPFD_CLOEXEC, 40);
	assert_true(fd >= 40);
	close(sock);
	char want[64], self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(self, want, sizeof(want) - 2);
	assert_true(n > 0);
	want[n] = ' ';
	want[n + 1] = '\0';
	struct supervisor_options o = { .listen_fd = fd, .restart = SUPERVISOR_RESTART_NO };
	launch(r, SH("echo --self; ls -1 /proc/$$/fd; echo --three; readlink /proc/$$/fd/3; "
		"echo --keeper; ls -1 /proc/$PPID/fd; echo --end"), &o, is_stopped, 5000);
	char buf[256];
	lines_after(r, "--self", buf, sizeof(buf));
	assert_string_equal(buf, "0 1 2 3 ");
	lines_after(r, "--three", buf, sizeof(buf));
	assert_string_equal(buf, want);
	/* The keeper holds it (at 4) to hand it to every start. */
	lines_after(r, "--keeper", buf, sizeof(buf));
	assert_string_equal(buf, "0 1 2 3 4 ");
	/* Started again, the program gets it again. */
	r->ev.n_lines = 0;
	assert_true(supervisor_start(r->sup));
	assert_true(run_until(r, ended_and_stopped, 5000));
	lines_after(r, "--three", buf, sizeof(buf));
	assert_string_equal(buf, want);
	close(fd);
}

static unsigned long long status_mask(const char *line, const char *field) {
	const char *p = strstr(line, field);
	assert_non_null(p);
	return strtoull(p + strlen(field), NULL, 16);
}

static void test_signal_mask_reset(void **state) {
	struct rec *r = *state;
	/* cordon blocks signals it reads with signalfd; a child must not inherit that. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	/* grep itself is the program: a shell may block signals for a moment. */
	char *argv[] = { "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status", NULL };
	launch(r, argv, NULL, is_stopped, 5000);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGPIPE, SIG_DFL);
	const char *blk = find_line(r, "stdout: SigBlk:");
	const char *ign = find_line(r, "stdout: SigIgn:");
	assert_non_null(blk);
	assert_non_null(ign);
	unsigned long long b = status_mask(blk, "SigBlk:");
	unsigned long long i = status_mask(ign, "SigIgn:");
	assert_true((b & (1ULL << (SIGTERM - 1))) == 0);
	assert_true((b & (1ULL << (SIGINT - 1))) == 0);
	assert_true((i & (1ULL << (SIGPIPE - 1))) == 0);
}

static void test_environment(void **state) {
	struct rec *r = *state;
	setenv("CORDON_TEST_DROP", "x", 1);
	char *env[] = { "CORDON_TEST_FOO=bar baz", "CORDON_TEST_DROP", NULL };
	struct supervisor_options o = { .env = env };
	launch(r, SH("echo foo=$CORDON_TEST_FOO drop=${CORDON_TEST_DROP-unset}"),
		&o, is_stopped, 5000);
	unsetenv("CORDON_TEST_DROP");
	assert_non_null(find_line(r, "stdout: foo=bar baz drop=unset"));
}

/* Launches sh -c "before ESCAPEE after" (see escapee) and waits until done(r). */
static void launch_escapee(struct rec *r, const char *before, const char *after,
		bool (*done)(void *)) {
	char script[600];
	escapee(script, sizeof(script), r->dir, before, after);
	launch(r, SH(script), NULL, done, 5000);
}

static void test_stop_kills_group_and_escapees(void **state) {
	struct rec *r = *state;
	launch_escapee(r, "sleep 1000 & echo bg $!; ", "echo ready; wait", ready_and_running);
	pid_t bg = line_pid(r, "stdout: bg ");
	pid_t sid = line_pid(r, "stdout: sid ");
	pid_t main_pid = supervisor_pid(r->sup);
	assert_true(bg > 0 && sid > 0 && main_pid > 0);
	assert_false(fixture_process_gone(sid));
	stop_took(r, 5000);
	assert_true(fixture_wait_gone(main_pid, 1000));
	assert_true(fixture_wait_gone(bg, 1000));
	/* In its own session: out of the group, still swept by the keeper. */
	assert_true(fixture_wait_gone(sid, 1000));
}

static void test_exit_sweeps_leftovers(void **state) {
	struct rec *r = *state;
	launch_escapee(r, "", "exit 0", is_stopped);
	pid_t sid = line_pid(r, "stdout: sid ");
	assert_true(fixture_wait_gone(sid, 1000));
}

static void test_destroy_kills_everything(void **state) {
	struct rec *r = *state;
	launch(r, SH("trap '' TERM; sleep 1000 & echo bg $!; echo ready; wait"),
		NULL, ready_and_running, 5000);
	pid_t bg = line_pid(r, "stdout: bg ");
	pid_t main_pid = supervisor_pid(r->sup);
	int64_t t0 = mstime_now();
	supervisor_destroy(r->sup);
	r->sup = NULL;
	assert_true(mstime_now() - t0 < 2500);
	assert_true(fixture_wait_gone(main_pid, 1000));
	assert_true(fixture_wait_gone(bg, 1000));
}

/*
 * cordon killed with SIGKILL: a child process stands in for it, runs a
 * supervisor, reports the pids and is killed. Everything it started must go.
 */
static void test_parent_killed(void **state) {
	struct rec *r = *state;
	/* Orphans come to us, so they can be reaped and not linger as zombies. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid_t cordon = fork();
	assert_true(cordon >= 0);
	if (cordon == 0) {
		struct rec *c = calloc(1, sizeof(*c));
		if (!c) {
			_exit(1);
		}
		c->loop = wl_event_loop_create();
		struct supervisor_options o = { .name = "child" };
		char script[600];
		escapee(script, sizeof(script), r->dir, "trap '' TERM HUP; sleep 1000 & echo bg $!; ",
			"echo ready; wait");
		o.argv = SH(script);
		struct supervisor_callbacks cb = callbacks;
		cb.data = c;
		c->sup = supervisor_create(c->loop, &o, &cb);
		if (!c->loop || !c->sup || !supervisor_start(c->sup)) {
			_exit(1);
		}
		while (!has_ready(c)) {
			wl_event_loop_dispatch(c->loop, 100);
		}
		char msg[128];
		int n = snprintf(msg, sizeof(msg), "%d %d %d\n", (int)supervisor_pid(c->sup),
			atoi(find_line(c, "stdout: bg ") + 11),
			atoi(find_line(c, "stdout: sid ") + 12));
		if (write(p[1], msg, (size_t)n) != n) {
			_exit(1);
		}
		for (;;) {
			wl_event_loop_dispatch(c->loop, -1);
		}
	}
	close(p[1]);
	char buf[128] = "";
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	assert_true(n > 0);
	int pids[3];
	assert_int_equal(sscanf(buf, "%d %d %d", &pids[0], &pids[1], &pids[2]), 3);
	for (int i = 0; i < 3; i++) {
		assert_false(fixture_process_gone(pids[i]));
	}
	assert_int_equal(kill(cordon, SIGKILL), 0);
	assert_int_equal(waitpid(cordon, NULL, 0), cordon);
	for (int i = 0; i < 3; i++) {
		if (!fixture_wait_gone(pids[i], 2000)) {
			kill(pids[i], SIGKILL);
			fail_msg("pid %d survived its parent", pids[i]);
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0) {
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0);
}

static void test_not_found(void **state) {
	struct rec *r = *state;
	char *argv[] = { "/nonexistent/cordon-test-program", NULL };
	make(r, argv, NULL);
	assert_false(supervisor_start(r->sup));
	assert_int_equal(supervisor_state(r->sup), SUPERVISOR_FAILED);
	assert_non_null(strstr(supervisor_reason(r->sup), "cannot find"));
	assert_int_equal(r->ev.n_states, 1);
	char *argv2[] = { "cordon-no-such-program-in-path", NULL };
	supervisor_destroy(r->sup);
	make(r, argv2, NULL);
	assert_false(supervisor_start(r->sup));
	assert_non_null(strstr(supervisor_reason(r->sup), "No such file"));
}

static void test_exec_failure_not_restarted(void **state) {
	struct rec *r = *state;
	/* Executable bit but no #! and not ELF: execve fails with ENOEXEC. */
	char path[160];
	snprintf(path, sizeof(path), "%s/garbage", r->dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0700);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x01\x02\x03\x04", 4), 4);
	close(fd);
	char *argv[] = { path, NULL };
	struct supervisor_options o = { .restart = SUPERVISOR_RESTART_ALWAYS,
		.backoff_base_ms = 10 };
	launch(r, argv, &o, is_failed, 5000);
	assert_non_null(strstr(supervisor_reason(r->sup), "cannot execute"));
	run_for(r, 100);
	assert_int_equal(supervisor_restarts(r->sup), 0);
	/* Never got to running. */
	for (int i = 0; i < r->ev.n_states; i++) {
		assert_int_not_equal(r->ev.states[i], SUPERVISOR_RUNNING);
	}
}

static void test_long_lines_split(void **state) {
	struct rec *r = *state;
	launch(r, SH("head -c 10000 /dev/zero | tr '\\0' a; echo; "
		"printf 'x\\033[31my\\r\\n'"), NULL, is_stopped, 5000);
	int sizes[3] = {0};
	int n = 0;
	for (int i = 0; i < r->ev.n_lines && n < 3; i++) {
		if (strncmp(r->ev.lines[i], "stdout: a", 9) == 0) {
			sizes[n++] = (int)strlen(r->ev.lines[i]) - 8;
		}
	}
	assert_int_equal(n, 3);
	assert_int_equal(sizes[0], SUPERVISOR_LINE_MAX);
	assert_int_equal(sizes[1], SUPERVISOR_LINE_MAX);
	assert_int_equal(sizes[2], 10000 - 2 * SUPERVISOR_LINE_MAX);
	/* No escape sequence passes through; a trailing CR is dropped. */
	assert_non_null(find_line(r, "stdout: x?[31my"));
	assert_string_equal(find_line(r, "stdout: x"), "stdout: x?[31my");
}

static void test_destroy_from_callback(void **state) {
	struct rec *r = *state;
	make(r, SH("echo a; exit 1"), NULL);
	r->destroy_on_failed = true;
	assert_true(supervisor_start(r->sup));
	int64_t end = mstime_now() + 5000;
	while (r->sup && mstime_now() < end) {
		wl_event_loop_dispatch(r->loop, 20);
	}
	assert_null(r->sup);
	assert_int_equal(r->ev.states[r->ev.n_states - 1], SUPERVISOR_FAILED);
}

static void test_restart_and_uptime(void **state) {
	struct rec *r = *state;
	launch(r, SH("echo ready; exec sleep 100"), NULL, ready_and_running, 5000);
	run_for(r, 120);
	assert_true(supervisor_uptime_ms(r->sup) >= 100);
	pid_t first = supervisor_pid(r->sup);
	r->ev.n_lines = 0;
	supervisor_restart(r->sup);
	assert_int_equal(supervisor_state(r->sup), SUPERVISOR_STOPPING);
	assert_true(run_until(r, ready_and_running, 5000));
	assert_true(supervisor_pid(r->sup) != first);
	assert_true(fixture_wait_gone(first, 1000));
	assert_true(supervisor_uptime_ms(r->sup) < 1000);
	/* The sequence went through stopping and stopped. */
	bool saw_stopped = false;
	for (int i = 0; i < r->ev.n_states; i++) {
		saw_stopped |= r->ev.states[i] == SUPERVISOR_STOPPED;
	}
	assert_true(saw_stopped);
	supervisor_stop(r->sup);
	assert_true(run_until(r, is_stopped, 5000));
	assert_int_equal(supervisor_uptime_ms(r->sup), 0);
}

/* The log is at most max bytes and has been rotated: the size of LOG.1. */
static off_t rotated_size(struct rec *r, off_t max) {
	struct stat st;
	assert_int_equal(stat(r->log, &st), 0);
	assert_true(st.st_size <= max);
	char old[160];
	snprintf(old, sizeof(old), "%s.1", r->log);
	assert_int_equal(stat(old, &st), 0);
	return st.st_size;
}

static void test_log_rotation(void **state) {
	struct rec *r = *state;
	struct supervisor_options o = { .log_max_bytes = 2000 };
	launch(r, SH("i=0; while [ $i -lt 100 ]; do echo line $i; i=$((i+1)); done"),
		&o, is_stopped, 5000);
	off_t old = rotated_size(r, 2000);
	assert_true(old <= 2000 && old > 1000);
	fixture_assert_file_has(r->log, "cordon: stopped: exited with code 0");
}

/* An unwritable log costs the file, not the supervision; said once. */
static void test_log_unwritable(void **state) {
	struct rec *r = *state;
	struct supervisor_options o = { .log_path = "/nonexistent/cordon/log" };
	launch(r, SH("echo one; echo two; exit 0"), &o, is_stopped, 5000);
	assert_non_null(find_line(r, "stdout: two"));
	assert_int_equal(r->log_open_errors, 1);
}

/* Issue 9: what a guest prints reaches logs without controls or bidi. */
static void test_output_sanitize(void **state) {
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain text\twith tab", "plain text\twith tab" },
		{ "esc\x1b[2J bel\x07 del\x7f", "esc?[2J bel? del?" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac" },
		/* U+009B (CSI) as UTF-8, a raw 0x9b, U+202E, U+2066. */
		{ "a\xc2\x9b" "31m", "a??31m" },
		{ "b\x9b" "2J", "b?2J" },
		{ "c\xe2\x80\xae" "d\xe2\x81\xa6", "c???d???" },
		/* Overlong, surrogate, truncated. */
		{ "\xc0\xaf\xed\xa0\x80\xe2\x82", "???????" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		strcpy(buf, cases[i].in);
		output_sanitize(buf, strlen(buf));
		assert_string_equal(buf, cases[i].out);
	}
}

/*
 * A disk that fills up (here a file size limit, as cordon meets it with
 * SIGXFSZ ignored) costs old lines, not new ones: the file is rotated and
 * the line written again, and nothing is reported because nothing was lost.
 */
static void test_log_file_size_limit(void **state) {
	struct rec *r = *state;
	struct rlimit saved;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_sa;
	sigemptyset(&ign.sa_mask);
	assert_int_equal(sigaction(SIGXFSZ, &ign, &old_sa), 0);
	struct rlimit small = { 3000, saved.rlim_max };
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);

	struct supervisor_options o = { .log_max_bytes = 1 << 20 };
	make(r, SH("i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); done"), &o);
	assert_true(supervisor_start(r->sup));
	bool stopped = run_until(r, is_stopped, 5000);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	assert_int_equal(sigaction(SIGXFSZ, &old_sa, NULL), 0);
	assert_true(stopped);

	rotated_size(r, 3000);
	fixture_assert_file_has(r->log, "stdout: line 299\n");
	fixture_assert_file_has(r->log, "cordon: stopped: exited with code 0");
	assert_int_equal(r->log_open_errors, 0);
}

/* A test with a fresh loop, scratch directory and recorder (setup, teardown). */
#define SUPERVISOR_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
	const struct CMUnitTest tests[] = {
		SUPERVISOR_TEST(test_exit_code_and_output),
		SUPERVISOR_TEST(test_clean_exit_is_stopped),
		SUPERVISOR_TEST(test_killed_by_signal),
		SUPERVISOR_TEST(test_backoff_and_give_up),
		SUPERVISOR_TEST(test_backoff_caps),
		SUPERVISOR_TEST(test_restart_always),
		SUPERVISOR_TEST(test_stop_sigterm),
		SUPERVISOR_TEST(test_stop_while_starting),
		SUPERVISOR_TEST(test_stop_escalates_to_sigkill),
		SUPERVISOR_TEST(test_stop_command),
		SUPERVISOR_TEST(test_failed_stop_command_goes_on),
		SUPERVISOR_TEST(test_no_fd_leak),
		cmocka_unit_test(test_output_sanitize),
		SUPERVISOR_TEST(test_signal_mask_reset),
		SUPERVISOR_TEST(test_environment),
		SUPERVISOR_TEST(test_stop_kills_group_and_escapees),
		SUPERVISOR_TEST(test_exit_sweeps_leftovers),
		SUPERVISOR_TEST(test_destroy_kills_everything),
		SUPERVISOR_TEST(test_parent_killed),
		SUPERVISOR_TEST(test_listen_fd_passed),
		SUPERVISOR_TEST(test_not_found),
		SUPERVISOR_TEST(test_exec_failure_not_restarted),
		SUPERVISOR_TEST(test_long_lines_split),
		SUPERVISOR_TEST(test_destroy_from_callback),
		SUPERVISOR_TEST(test_restart_and_uptime),
		SUPERVISOR_TEST(test_log_rotation),
		SUPERVISOR_TEST(test_log_unwritable),
		SUPERVISOR_TEST(test_log_file_size_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
