#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common/child.h"
#include "common/mstime.h"
#include "vmm/errmsg.h"
#include "vmm/output.h"
#include "vmm/spawn.h"
#include "common/strv.h"
#include "vmm/supervisor.h"

#define DEFAULT_STOP_TIMEOUT_MS 20000
#define DEFAULT_BACKOFF_BASE_MS 1000
#define DEFAULT_BACKOFF_MAX_MS 60000
#define DEFAULT_FAIL_LIMIT 5
#define DEFAULT_FAIL_WINDOW_MS (5 * 60 * 1000)
#define DEFAULT_LOG_MAX_BYTES (1024 * 1024)
#define FAIL_LIMIT_MAX 64
/* How long the keeper gets to sweep before it is killed itself. */
#define SWEEP_GRACE_MS 2000
/* Bytes read from one pipe per event, so a chatty child cannot starve the loop. */
#define READ_BUDGET (64 * 1024)

_Static_assert(SUPERVISOR_LINE_MAX == OUTPUT_LINE_MAX, "line caps differ");

enum stop_phase {
	PHASE_NONE = 0,
	PHASE_WAIT_START, /* the program has not exec'd yet; its pid is unknown */
	PHASE_COMMAND,   /* the stop command runs; SIGTERM at half the timeout */
	PHASE_TERM,      /* SIGTERM sent to the group; SIGKILL at the timeout */
	PHASE_KILL,      /* the keeper was told to SIGKILL everything */
	PHASE_LAST,      /* the keeper did not finish; everything got SIGKILL */
};

/* The strings of the options, owned copies. */
struct owned_options {
	char *name;
	char **argv;
	char **stop_argv;
	char **env;
	char *log_path;
};

static void owned_options_free(struct owned_options *own) {
	free(own->name);
	strv_free(own->argv);
	strv_free(own->stop_argv);
	strv_free(own->env);
	free(own->log_path);
}

struct supervisor {
	struct wl_event_loop *loop;
	struct supervisor_callbacks cb;

	struct owned_options own;
	enum supervisor_restart restart;
	int listen_fd;
	int stop_timeout_ms;
	int backoff_base_ms;
	int backoff_max_ms;
	int fail_limit;
	int fail_window_ms;
	size_t log_max_bytes;

	enum supervisor_state state;
	char reason[512];

	/* The keeper (main.pid) and the program under it (pid). */
	struct spawn_child main;
	struct wl_event_source *pidfd_source;
	struct wl_event_source *status_source;
	struct output_stream out, err;
	size_t status_len;
	unsigned char status_buf[sizeof(struct spawn_record)];
	pid_t pid;
	bool exec_failed;
	int exec_errno;
	bool have_exit;
	int exit_status;
	int64_t started_ms;

	/* The stop command, while it runs. */
	struct spawn_child helper;
	struct wl_event_source *helper_source;
	struct output_stream helper_out;

	struct wl_event_source *stop_timer;
	enum stop_phase phase;
	int64_t stop_began_ms;
	bool restart_after_stop;

	struct wl_event_source *restart_timer;
	bool restart_pending;
	int restarts;
	int consecutive;          /* backoff exponent */
	int64_t failures[FAIL_LIMIT_MAX];
	int n_failures;
	struct supervisor_exit last_exit;

	struct output_log log;

	int busy;
	bool destroy_pending;
};

static void really_destroy(struct supervisor *s);
static void polite_stop(struct supervisor *s);

/*
 * Re-entrancy guard: callbacks may call back into the supervisor, even
 * destroy it. Every entry point brackets its work with enter/leave, and a
 * destroy asked for meanwhile happens in the outermost leave.
 */
static void enter(struct supervisor *s) {
	s->busy++;
}

static void leave(struct supervisor *s) {
	if (--s->busy == 0 && s->destroy_pending) {
		really_destroy(s);
	}
}

static void log_write(struct supervisor *s, const char *stream, const char *line) {
	if (!output_log_write(&s->log, stream, line) && s->cb.log) {
		char msg[600];
		snprintf(msg, sizeof(msg), "%s: cannot write log file %s: %s; its lines "
			"are dropped until it can", s->own.name, s->own.log_path, strerror(errno));
		s->cb.log(s, SUPERVISOR_LOG_ERROR, msg, s->cb.data);
	}
}

static void say(struct supervisor *s, enum supervisor_log_level level,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(struct supervisor *s, enum supervisor_log_level level,
		const char *fmt, ...) {
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_write(s, "cordon", msg);
	if (s->cb.log) {
		char full[1100];
		snprintf(full, sizeof(full), "%s: %s", s->own.name, msg);
		s->cb.log(s, level, full, s->cb.data);
	}
}

static void set_state(struct supervisor *s, enum supervisor_state state,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Always the last thing a code path does: the callback may change anything. */
static void set_state(struct supervisor *s, enum supervisor_state state,
		const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
	bool changed = s->state != state;
	s->state = state;
	say(s, state == SUPERVISOR_FAILED ? SUPERVISOR_LOG_ERROR : SUPERVISOR_LOG_INFO,
		"%s: %s", supervisor_state_name(state), s->reason);
	if (changed && s->cb.state) {
		s->cb.state(s, state, s->cb.data);
	}
}

/* ---- output streams ---- */

static void handle_line(struct output_stream *st, char *line, void *data) {
	struct supervisor *s = data;
	log_write(s, st->name, line);
	if (s->cb.line) {
		s->cb.line(s, st->name, line, s->cb.data);
	}
}

static void stream_close(struct output_stream *st) {
	if (st->source) {
		wl_event_source_remove(st->source);
		st->source = NULL;
	}
	output_stream_close(st);
}

static int handle_stream(int fd, uint32_t mask, void *data) {
	struct output_stream *st = data;
	struct supervisor *s = st->data;
	enter(s);
	if (!output_stream_read(st, READ_BUDGET)) {
		stream_close(st);
	}
	leave(s);
	return 0;
}

static bool stream_open(struct supervisor *s, struct output_stream *st,
		const char *name, int fd) {
	output_stream_init(st, name, fd, handle_line, s);
	st->source = wl_event_loop_add_fd(s->loop, fd, WL_EVENT_READABLE,
		handle_stream, st);
	return st->source != NULL;
}

/*
 * After the writers are gone: takes what is left in the pipe (bounded, in
 * case something escaped and keeps writing), then closes.
 */
static void stream_drain(struct output_stream *st) {
	output_stream_read(st, 16 * READ_BUDGET);
	stream_close(st);
}

/* ---- the keeper's records ---- */

static void read_status(struct supervisor *s) {
	if (s->main.status_fd < 0) {
		return;
	}
	for (;;) {
		ssize_t n = read(s->main.status_fd, s->status_buf + s->status_len,
			sizeof(s->status_buf) - s->status_len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				/* The keeper is gone; stop watching the pipe. */
				if (s->status_source) {
					wl_event_source_remove(s->status_source);
					s->status_source = NULL;
				}
			}
			return;
		}
		s->status_len += (size_t)n;
		if (s->status_len < sizeof(s->status_buf)) {
			continue;
		}
		s->status_len = 0;
		struct spawn_record r;
		memcpy(&r, s->status_buf, sizeof(r));
		switch (r.type) {
		case SPAWN_RECORD_STARTED:
			s->pid = r.value;
			s->started_ms = mstime_now();
			break;
		case SPAWN_RECORD_EXEC_FAILED:
			s->exec_failed = true;
			s->exec_errno = r.value;
			break;
		case SPAWN_RECORD_EXITED:
			s->have_exit = true;
			s->exit_status = r.value;
			break;
		}
	}
}

static int handle_status(int fd, uint32_t mask, void *data) {
	struct supervisor *s = data;
	enter(s);
	read_status(s);
	if (s->pid > 0 && s->phase == PHASE_WAIT_START && s->main.pid > 0) {
		polite_stop(s);
	}
	if (s->pid > 0 && s->state == SUPERVISOR_STARTING) {
		say(s, SUPERVISOR_LOG_DEBUG, "program pid %d, keeper pid %d",
			(int)s->pid, (int)s->main.pid);
		set_state(s, SUPERVISOR_RUNNING, "running, pid %d", (int)s->pid);
	}
	leave(s);
	return 0;
}

/* ---- restart policy ---- */

static int backoff_delay(struct supervisor *s) {
	int64_t delay = s->backoff_base_ms;
	for (int i = 0; i < s->consecutive && delay < s->backoff_max_ms; i++) {
		delay *= 2;
	}
	if (delay > s->backoff_max_ms) {
		delay = s->backoff_max_ms;
	}
	s->consecutive++;
	return (int)delay;
}

/* Records a failure now; returns how many fall within the window. */
static int note_failure(struct supervisor *s) {
	int64_t now = mstime_now();
	int kept = 0;
	for (int i = 0; i < s->n_failures; i++) {
		if (now - s->failures[i] < s->fail_window_ms) {
			s->failures[kept++] = s->failures[i];
		}
	}
	if (kept == FAIL_LIMIT_MAX) {
		memmove(s->failures, s->failures + 1, (FAIL_LIMIT_MAX - 1) * sizeof(int64_t));
		kept--;
	}
	s->failures[kept++] = now;
	s->n_failures = kept;
	return kept;
}

static void schedule_restart(struct supervisor *s, int delay) {
	s->restart_pending = true;
	wl_event_source_timer_update(s->restart_timer, delay > 0 ? delay : 1);
}

static void cancel_restart(struct supervisor *s) {
	s->restart_pending = false;
	wl_event_source_timer_update(s->restart_timer, 0);
}

/* ---- spawning ---- */

static const char *env_path(struct supervisor *s) {
	for (char **e = s->own.env; e && *e; e++) {
		if (strncmp(*e, "PATH=", 5) == 0) {
			return *e + 5;
		}
	}
	return NULL;
}

/*
 * Finds argv[0] on the domain's PATH and starts it with the domain's
 * environment, under a keeper (the program) or plainly (a stop helper).
 * False with the reason in err: "cannot find …", or what (e.g. "cannot
 * start crosvm") and why.
 */
static bool start_child(struct supervisor *s, char **argv, bool keeper,
		struct spawn_child *child, const char *what, char *err, size_t errlen) {
	char *path = spawn_find_program(argv[0], env_path(s));
	if (!path) {
		return errmsg_fail(err, errlen, "cannot find %s: %s", argv[0], strerror(errno));
	}
	char **envp = spawn_build_env(NULL, s->own.env);
	char why[256] = "out of memory";
	bool ok = envp && (keeper ?
		spawn_keeper(path, argv, envp, s->listen_fd > 2 ? s->listen_fd : -1, child,
			why, sizeof(why)) :
		spawn_plain(path, argv, envp, child, why, sizeof(why)));
	free(path);
	strv_free(envp);
	if (!ok) {
		errmsg_fail(err, errlen, "%s: %s", what, why);
	}
	return ok;
}

static void close_main(struct supervisor *s) {
	if (s->pidfd_source) {
		wl_event_source_remove(s->pidfd_source);
		s->pidfd_source = NULL;
	}
	if (s->status_source) {
		wl_event_source_remove(s->status_source);
		s->status_source = NULL;
	}
	stream_close(&s->out);
	stream_close(&s->err);
	/* stream_close closed out_fd and err_fd already. */
	s->main.out_fd = -1;
	s->main.err_fd = -1;
	spawn_child_close(&s->main);
	s->main.pid = -1;
}

static int handle_keeper_exit(int fd, uint32_t mask, void *data);

static bool do_spawn(struct supervisor *s) {
	if (s->destroy_pending) {
		return false;
	}
	if (s->cb.prepare && !s->cb.prepare(s, s->cb.data)) {
		set_state(s, SUPERVISOR_FAILED, "could not prepare to start %s", s->own.argv[0]);
		return false;
	}
	s->pid = 0;
	s->started_ms = 0;
	s->exec_failed = false;
	s->have_exit = false;
	s->status_len = 0;
	char what[256], err[512];
	snprintf(what, sizeof(what), "cannot start %s", s->own.argv[0]);
	if (!start_child(s, s->own.argv, true, &s->main, what, err, sizeof(err))) {
		set_state(s, SUPERVISOR_FAILED, "%s", err);
		return false;
	}
	s->pidfd_source = wl_event_loop_add_fd(s->loop, s->main.pidfd,
		WL_EVENT_READABLE, handle_keeper_exit, s);
	s->status_source = wl_event_loop_add_fd(s->loop, s->main.status_fd,
		WL_EVENT_READABLE, handle_status, s);
	bool out_ok = stream_open(s, &s->out, "stdout", s->main.out_fd);
	bool err_ok = stream_open(s, &s->err, "stderr", s->main.err_fd);
	if (!s->pidfd_source || !s->status_source || !out_ok || !err_ok) {
		kill(s->main.pid, SPAWN_SWEEP_SIGNAL);
		waitpid(s->main.pid, NULL, 0);
		close_main(s);
		set_state(s, SUPERVISOR_FAILED, "cannot watch %s: out of memory",
			s->own.argv[0]);
		return false;
	}
	char *cmdline = NULL;
	size_t cmdlen = 0;
	FILE *f = open_memstream(&cmdline, &cmdlen);
	if (f) {
		for (char **a = s->own.argv; *a; a++) {
			fprintf(f, "%s%s", a == s->own.argv ? "" : " ", *a);
		}
		fclose(f);
	}
	set_state(s, SUPERVISOR_STARTING, "starting: %s", cmdline ? cmdline : s->own.argv[0]);
	free(cmdline);
	return true;
}

static int handle_restart_timer(void *data) {
	struct supervisor *s = data;
	enter(s);
	if (s->restart_pending) {
		s->restart_pending = false;
		s->restarts++;
		say(s, SUPERVISOR_LOG_INFO, "restarting (restart %d)", s->restarts);
		do_spawn(s);
	}
	leave(s);
	return 0;
}

/* ---- stopping ---- */

static void kill_helper(struct supervisor *s) {
	if (s->helper.pid > 0) {
		kill(-s->helper.pid, SIGKILL);
		kill(s->helper.pid, SIGKILL);
	}
}

static void close_helper(struct supervisor *s) {
	if (s->helper_source) {
		wl_event_source_remove(s->helper_source);
		s->helper_source = NULL;
	}
	stream_close(&s->helper_out);
	s->helper.out_fd = -1;
	spawn_child_close(&s->helper);
	s->helper.pid = -1;
}

/* Signals the program's process group, unless the program is known gone. */
static void signal_program(struct supervisor *s, int sig) {
	read_status(s);
	if (s->pid > 0 && !s->have_exit) {
		kill(-s->pid, sig);
	}
}

static void arm_stop_timer(struct supervisor *s, int64_t at_ms_since_stop) {
	int64_t left = at_ms_since_stop - (mstime_now() - s->stop_began_ms);
	wl_event_source_timer_update(s->stop_timer, left > 0 ? (int)left : 1);
}

static void phase_kill(struct supervisor *s) {
	s->phase = PHASE_KILL;
	say(s, SUPERVISOR_LOG_INFO, "killing every process (SIGKILL)");
	kill(s->main.pid, SPAWN_SWEEP_SIGNAL);
	wl_event_source_timer_update(s->stop_timer, SWEEP_GRACE_MS);
}

static void phase_term(struct supervisor *s) {
	s->phase = PHASE_TERM;
	say(s, SUPERVISOR_LOG_INFO, "sending SIGTERM; SIGKILL in %d ms",
		(int)(s->stop_timeout_ms - (mstime_now() - s->stop_began_ms)));
	signal_program(s, SIGTERM);
	arm_stop_timer(s, s->stop_timeout_ms);
}

static int handle_stop_timer(void *data) {
	struct supervisor *s = data;
	enter(s);
	if (s->main.pid > 0) {
		switch (s->phase) {
		case PHASE_WAIT_START:
		case PHASE_TERM:
			phase_kill(s);
			break;
		case PHASE_COMMAND:
			phase_term(s);
			break;
		case PHASE_KILL:
			/* The keeper itself is stuck: what the kernel can still do. */
			s->phase = PHASE_LAST;
			say(s, SUPERVISOR_LOG_ERROR, "keeper %d did not finish; killing it",
				(int)s->main.pid);
			signal_program(s, SIGKILL);
			kill(s->main.pid, SIGKILL);
			break;
		case PHASE_NONE:
		case PHASE_LAST:
			break;
		}
	}
	leave(s);
	return 0;
}

static int handle_helper_exit(int fd, uint32_t mask, void *data) {
	struct supervisor *s = data;
	enter(s);
	int status = 0;
	pid_t w = child_wait(s->helper.pid, &status);
	stream_drain(&s->helper_out);
	close_helper(s);
	char desc[128] = "vanished";
	if (w > 0) {
		spawn_describe_status(status, desc, sizeof(desc));
	}
	say(s, SUPERVISOR_LOG_INFO, "stop command %s", desc);
	bool ok = w > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	/* A failed stop command: no reason to wait for it to take effect. */
	if (!ok && s->phase == PHASE_COMMAND && s->main.pid > 0) {
		phase_term(s);
	}
	leave(s);
	return 0;
}

static bool run_stop_command(struct supervisor *s) {
	char err[512];
	if (!start_child(s, s->own.stop_argv, false, &s->helper,
			"cannot run the stop command", err, sizeof(err))) {
		say(s, SUPERVISOR_LOG_ERROR, "%s", err);
		return false;
	}
	s->helper_source = wl_event_loop_add_fd(s->loop, s->helper.pidfd,
		WL_EVENT_READABLE, handle_helper_exit, s);
	bool out_ok = stream_open(s, &s->helper_out, "stop", s->helper.out_fd);
	if (!s->helper_source || !out_ok) {
		kill_helper(s);
		waitpid(s->helper.pid, NULL, 0);
		close_helper(s);
		say(s, SUPERVISOR_LOG_ERROR, "cannot watch the stop command");
		return false;
	}
	return true;
}

/* The stop command if there is one, else SIGTERM at once. */
static void polite_stop(struct supervisor *s) {
	if (s->cb.stop && s->cb.stop(s, s->cb.data)) {
		s->phase = PHASE_COMMAND;
		say(s, SUPERVISOR_LOG_INFO, "asked the program to stop; SIGTERM in %d ms",
			(int)(s->stop_timeout_ms / 2 - (mstime_now() - s->stop_began_ms)));
		arm_stop_timer(s, s->stop_timeout_ms / 2);
	} else if (s->own.stop_argv && run_stop_command(s)) {
		s->phase = PHASE_COMMAND;
		say(s, SUPERVISOR_LOG_INFO, "ran the stop command; SIGTERM in %d ms",
			(int)(s->stop_timeout_ms / 2 - (mstime_now() - s->stop_began_ms)));
		arm_stop_timer(s, s->stop_timeout_ms / 2);
	} else {
		phase_term(s);
	}
}

/* ---- the program's end ---- */

static void handle_exit(struct supervisor *s, int status, bool known,
		int64_t uptime) {
	char desc[128];
	if (known) {
		spawn_describe_status(status, desc, sizeof(desc));
	} else {
		snprintf(desc, sizeof(desc), "ended with unknown status");
	}
	s->last_exit = (struct supervisor_exit){
		.valid = known,
		.signaled = known && WIFSIGNALED(status),
		.code = !known ? -1 : WIFSIGNALED(status) ? WTERMSIG(status) :
			WEXITSTATUS(status),
	};

	if (s->state == SUPERVISOR_STOPPING) {
		bool again = s->restart_after_stop;
		s->restart_after_stop = false;
		set_state(s, SUPERVISOR_STOPPED, "stopped (%s)", desc);
		if (again && s->state == SUPERVISOR_STOPPED) {
			supervisor_start(s);
		}
		return;
	}
	if (s->exec_failed) {
		/* Trying again would fail the same way; say so instead. */
		set_state(s, SUPERVISOR_FAILED, "cannot execute %s: %s", s->own.argv[0],
			strerror(s->exec_errno));
		return;
	}
	/* A run longer than the longest backoff ends the crash loop. */
	if (uptime >= s->backoff_max_ms) {
		s->consecutive = 0;
	}
	bool failure = !known || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	if (!failure) {
		if (s->restart == SUPERVISOR_RESTART_ALWAYS) {
			int delay = backoff_delay(s);
			schedule_restart(s, delay);
			set_state(s, SUPERVISOR_STOPPED, "%s; restarting in %d ms", desc, delay);
		} else {
			set_state(s, SUPERVISOR_STOPPED, "%s", desc);
		}
		return;
	}
	if (s->restart == SUPERVISOR_RESTART_NO) {
		set_state(s, SUPERVISOR_FAILED, "%s", desc);
		return;
	}
	int n = note_failure(s);
	if (n >= s->fail_limit) {
		set_state(s, SUPERVISOR_FAILED, "%s; gave up after %d failures in %d s",
			desc, n, s->fail_window_ms / 1000);
		return;
	}
	int delay = backoff_delay(s);
	schedule_restart(s, delay);
	set_state(s, SUPERVISOR_FAILED, "%s; restarting in %d ms", desc, delay);
}

static int handle_keeper_exit(int fd, uint32_t mask, void *data) {
	struct supervisor *s = data;
	enter(s);
	int kstatus = 0;
	pid_t w = child_wait(s->main.pid, &kstatus);
	read_status(s);
	int64_t uptime = s->started_ms ? mstime_now() - s->started_ms : 0;
	/* Gone before the lines are passed on, so a callback finds nothing to stop. */
	s->main.pid = -1;
	wl_event_source_timer_update(s->stop_timer, 0);
	s->phase = PHASE_NONE;
	/* A program that exec'd and exited at once still passes through running. */
	if (s->state == SUPERVISOR_STARTING && s->pid > 0 && !s->exec_failed) {
		set_state(s, SUPERVISOR_RUNNING, "running, pid %d", (int)s->pid);
	}
	stream_drain(&s->out);
	stream_drain(&s->err);
	close_main(s);
	s->pid = 0;
	s->started_ms = 0;
	if (s->helper.pid > 0) {
		kill_helper(s); /* reaped by its own pidfd source */
	}
	if (s->have_exit) {
		handle_exit(s, s->exit_status, true, uptime);
	} else if (w > 0) {
		/* The keeper died without a report: killed from outside. */
		say(s, SUPERVISOR_LOG_ERROR, "keeper died without reporting");
		handle_exit(s, kstatus, true, uptime);
	} else {
		say(s, SUPERVISOR_LOG_ERROR, "cannot reap keeper: %s "
			"(is SIGCHLD ignored or reaped elsewhere?)", strerror(errno));
		handle_exit(s, 0, false, uptime);
	}
	leave(s);
	return 0;
}

/* ---- public ---- */

static bool copy_options(struct supervisor *s, const struct supervisor_options *o) {
	if (!o->argv || !o->argv[0]) {
		return false;
	}
	struct owned_options own = {
		.name = strdup(o->name ? o->name : o->argv[0]),
		.argv = strv_copy(o->argv),
		.stop_argv = o->stop_argv && o->stop_argv[0] ? strv_copy(o->stop_argv) : NULL,
		.env = o->env ? strv_copy(o->env) : NULL,
		.log_path = o->log_path ? strdup(o->log_path) : NULL,
	};
	if (!own.name || !own.argv || (o->stop_argv && o->stop_argv[0] && !own.stop_argv) ||
			(o->env && !own.env) || (o->log_path && !own.log_path)) {
		owned_options_free(&own);
		return false;
	}
	output_log_close(&s->log);
	owned_options_free(&s->own);
	s->own = own;
	s->restart = o->restart;
	s->listen_fd = o->listen_fd;
	s->stop_timeout_ms = o->stop_timeout_ms > 0 ? o->stop_timeout_ms :
		DEFAULT_STOP_TIMEOUT_MS;
	s->backoff_base_ms = o->backoff_base_ms > 0 ? o->backoff_base_ms :
		DEFAULT_BACKOFF_BASE_MS;
	s->backoff_max_ms = o->backoff_max_ms > 0 ? o->backoff_max_ms :
		DEFAULT_BACKOFF_MAX_MS;
	if (s->backoff_max_ms < s->backoff_base_ms) {
		s->backoff_max_ms = s->backoff_base_ms;
	}
	s->fail_limit = o->fail_limit > 0 ? o->fail_limit : DEFAULT_FAIL_LIMIT;
	if (s->fail_limit > FAIL_LIMIT_MAX) {
		s->fail_limit = FAIL_LIMIT_MAX;
	}
	s->fail_window_ms = o->fail_window_ms > 0 ? o->fail_window_ms :
		DEFAULT_FAIL_WINDOW_MS;
	s->log_max_bytes = o->log_max_bytes > 0 ? o->log_max_bytes :
		DEFAULT_LOG_MAX_BYTES;
	/* Reopened, under the new path if it changed, at the next line. */
	output_log_init(&s->log, s->own.log_path, s->log_max_bytes);
	return true;
}

struct supervisor *supervisor_create(struct wl_event_loop *loop,
		const struct supervisor_options *options,
		const struct supervisor_callbacks *callbacks) {
	struct supervisor *s = calloc(1, sizeof(*s));
	if (!s) {
		return NULL;
	}
	s->loop = loop;
	if (callbacks) {
		s->cb = *callbacks;
	}
	output_log_init(&s->log, NULL, DEFAULT_LOG_MAX_BYTES);
	s->main = (struct spawn_child){ .pid = -1, .pidfd = -1, .out_fd = -1,
		.err_fd = -1, .status_fd = -1 };
	s->helper = s->main;
	s->out.fd = s->err.fd = s->helper_out.fd = -1;
	s->state = SUPERVISOR_STOPPED;
	snprintf(s->reason, sizeof(s->reason), "not started");
	if (!copy_options(s, options)) {
		free(s);
		return NULL;
	}
	s->stop_timer = wl_event_loop_add_timer(loop, handle_stop_timer, s);
	s->restart_timer = wl_event_loop_add_timer(loop, handle_restart_timer, s);
	if (!s->stop_timer || !s->restart_timer) {
		really_destroy(s);
		return NULL;
	}
	return s;
}

bool supervisor_set_options(struct supervisor *s,
		const struct supervisor_options *options) {
	return copy_options(s, options);
}

bool supervisor_start(struct supervisor *s) {
	enter(s);
	bool ok = true;
	switch (s->state) {
	case SUPERVISOR_STARTING:
	case SUPERVISOR_RUNNING:
		break;
	case SUPERVISOR_STOPPING:
		s->restart_after_stop = true;
		break;
	case SUPERVISOR_STOPPED:
	case SUPERVISOR_FAILED:
		cancel_restart(s);
		s->n_failures = 0;
		s->consecutive = 0;
		s->restarts = 0;
		ok = do_spawn(s);
		break;
	}
	leave(s);
	return ok;
}

void supervisor_stop(struct supervisor *s) {
	enter(s);
	s->restart_after_stop = false;
	switch (s->state) {
	case SUPERVISOR_STOPPED:
	case SUPERVISOR_FAILED:
		if (s->restart_pending) {
			cancel_restart(s);
			set_state(s, SUPERVISOR_STOPPED, "stopped while waiting to restart");
		}
		break;
	case SUPERVISOR_STOPPING:
		break;
	case SUPERVISOR_STARTING:
	case SUPERVISOR_RUNNING:
		s->stop_began_ms = mstime_now();
		read_status(s);
		if (s->main.pid < 0) {
			/* Already gone; its exit is being handled right now. */
		} else if (s->pid <= 0) {
			/*
			 * Forked but not exec'd (or its report is still in the pipe):
			 * the polite steps need its pid, so they wait for it; the
			 * timeout still ends it all.
			 */
			s->phase = PHASE_WAIT_START;
			arm_stop_timer(s, s->stop_timeout_ms);
		} else {
			polite_stop(s);
		}
		set_state(s, SUPERVISOR_STOPPING, "stop requested");
		break;
	}
	leave(s);
}

void supervisor_restart(struct supervisor *s) {
	enter(s);
	if (s->state == SUPERVISOR_STARTING || s->state == SUPERVISOR_RUNNING) {
		supervisor_stop(s);
		if (s->state == SUPERVISOR_STOPPING) {
			s->restart_after_stop = true;
		}
	} else {
		/* Stopping: once stopped; stopped or failed: now. */
		supervisor_start(s);
	}
	leave(s);
}

enum supervisor_state supervisor_state(const struct supervisor *s) {
	return s->state;
}

const char *supervisor_state_name(enum supervisor_state state) {
	static const char *const names[] = {
		[SUPERVISOR_STOPPED] = "stopped",
		[SUPERVISOR_STARTING] = "starting",
		[SUPERVISOR_RUNNING] = "running",
		[SUPERVISOR_STOPPING] = "stopping",
		[SUPERVISOR_FAILED] = "failed",
	};
	return (size_t)state < sizeof(names) / sizeof(names[0]) ? names[state] : "unknown";
}

pid_t supervisor_pid(const struct supervisor *s) {
	return s->main.pid > 0 ? s->pid : 0;
}

int64_t supervisor_uptime_ms(const struct supervisor *s) {
	if (s->started_ms == 0 || (s->state != SUPERVISOR_RUNNING &&
			s->state != SUPERVISOR_STOPPING)) {
		return 0;
	}
	return mstime_now() - s->started_ms;
}

int supervisor_restarts(const struct supervisor *s) {
	return s->restarts;
}

struct supervisor_exit supervisor_last_exit(const struct supervisor *s) {
	return s->last_exit;
}

const char *supervisor_reason(const struct supervisor *s) {
	return s->reason;
}

bool supervisor_restart_pending(const struct supervisor *s) {
	return s->restart_pending;
}

/* Waits for a pidfd to turn readable (the process exited), up to ms. */
static bool wait_pidfd(int pidfd, int ms) {
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int64_t end = mstime_now() + ms;
	for (;;) {
		int left = (int)(end - mstime_now());
		if (left < 0) {
			left = 0;
		}
		int n = poll(&p, 1, left);
		if (n > 0) {
			return true;
		}
		if (n == 0 || errno != EINTR) {
			return false;
		}
	}
}

static void really_destroy(struct supervisor *s) {
	if (s->main.pid > 0) {
		kill(s->main.pid, SPAWN_SWEEP_SIGNAL);
		if (!wait_pidfd(s->main.pidfd, SWEEP_GRACE_MS)) {
			signal_program(s, SIGKILL);
			kill(s->main.pid, SIGKILL);
		}
		child_wait(s->main.pid, NULL);
	}
	close_main(s);
	if (s->helper.pid > 0) {
		kill_helper(s);
		child_wait(s->helper.pid, NULL);
	}
	close_helper(s);
	if (s->stop_timer) {
		wl_event_source_remove(s->stop_timer);
	}
	if (s->restart_timer) {
		wl_event_source_remove(s->restart_timer);
	}
	output_log_close(&s->log);
	owned_options_free(&s->own);
	free(s);
}

void supervisor_destroy(struct supervisor *s) {
	if (!s) {
		return;
	}
	/* No callbacks from here on: the caller is tearing down. */
	s->cb = (struct supervisor_callbacks){0};
	if (s->busy > 0) {
		s->destroy_pending = true;
		return;
	}
	really_destroy(s);
}
