#ifndef CORDON_VMM_SUPERVISOR_H
#define CORDON_VMM_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <wayland-server-core.h>

/*
 * Supervises one long-running program in a wl_event_loop: spawning (see
 * spawn.h for how no descendant can outlive it), a pidfd event source for
 * its exit, line-by-line capture of stdout and stderr into a callback and a
 * timestamped log file, a restart policy with exponential backoff, and an
 * asynchronous stop (stop command, SIGTERM, SIGKILL) driven by timers.
 * Nothing here blocks the loop except supervisor_destroy().
 *
 *   STOPPED -> STARTING -> RUNNING -> STOPPING -> STOPPED
 *                  \           \
 *                   `-----------`--> FAILED (-> STARTING after a backoff)
 */

enum supervisor_state {
	SUPERVISOR_STOPPED = 0,
	SUPERVISOR_STARTING,   /* forked; the program has not exec'd yet */
	SUPERVISOR_RUNNING,    /* the program exec'd */
	SUPERVISOR_STOPPING,   /* a stop was asked; escalating */
	SUPERVISOR_FAILED,     /* exited unasked with an error, or could not start */
};

enum supervisor_restart {
	SUPERVISOR_RESTART_NO = 0,
	SUPERVISOR_RESTART_ON_FAILURE,
	SUPERVISOR_RESTART_ALWAYS,
};

enum supervisor_log_level {
	SUPERVISOR_LOG_ERROR = 0,
	SUPERVISOR_LOG_INFO,
	SUPERVISOR_LOG_DEBUG,
};

struct supervisor_exit {
	bool valid;      /* false until the program has exited once */
	bool signaled;
	int code;        /* exit code, or the signal number when signaled */
};

#define SUPERVISOR_LINE_MAX 4096  /* longer output lines are split */

struct supervisor_options {
	const char *name;           /* for messages, e.g. the domain name */
	char *const *argv;          /* argv[0] is looked up in PATH unless it has a '/' */
	char *const *stop_argv;     /* optional polite stop command, e.g. crosvm stop */
	char *const *env;           /* "KEY=VALUE" sets, "KEY" unsets; over cordon's */
	const char *log_path;       /* optional; appended to, rotated to PATH.1 */
	enum supervisor_restart restart;
	int stop_timeout_ms;        /* SIGKILL after this; 0: 20 s */
	/* Restart backoff; 0 takes the default in brackets. */
	int backoff_base_ms;        /* first delay, doubling [1000] */
	int backoff_max_ms;         /* cap [60000] */
	int fail_limit;             /* give up after this many failures … [5] */
	int fail_window_ms;         /* … within this window [300000] */
	size_t log_max_bytes;       /* rotate the log file past this [1 MiB] */
	/* A listening socket the program gets as its fd 3 at every start
	 * (0: none; the caller keeps it open while the supervisor lives). */
	int listen_fd;
};

struct supervisor;

struct supervisor_callbacks {
	/* Every state change, after the supervisor's own bookkeeping. */
	void (*state)(struct supervisor *sup, enum supervisor_state state, void *data);
	/* One line of output; stream is "stdout", "stderr" or "stop". */
	void (*line)(struct supervisor *sup, const char *stream, const char *line,
		void *data);
	/* What the supervisor itself has to say (started, exited, escalating). */
	void (*log)(struct supervisor *sup, enum supervisor_log_level level,
		const char *msg, void *data);
	/* Called before every spawn, restarts included; false cancels it. */
	bool (*prepare)(struct supervisor *sup, void *data);
	/*
	 * Optional polite stop done by the owner instead of a stop command
	 * (e.g. QMP system_powerdown): true when it was asked, and SIGTERM
	 * follows at half the stop timeout as after a stop command.
	 */
	bool (*stop)(struct supervisor *sup, void *data);
	void *data;
};

/*
 * Copies options; callbacks may be NULL or have NULL members. Returns NULL
 * on allocation failure or an empty argv. Starts nothing.
 * Callbacks may call any supervisor function on the same supervisor,
 * supervisor_destroy() included (it is then deferred until they return).
 */
struct supervisor *supervisor_create(struct wl_event_loop *loop,
	const struct supervisor_options *options,
	const struct supervisor_callbacks *callbacks);

/*
 * Starts the program from STOPPED or FAILED (cancelling a pending restart
 * and forgetting earlier failures). Returns false when it could not be
 * spawned (state FAILED, supervisor_reason() says why); true when it is
 * already starting or running.
 */
bool supervisor_start(struct supervisor *sup);
/* Begins the stop sequence; a pending restart is cancelled. */
void supervisor_stop(struct supervisor *sup);
/* Stops if needed, then starts again. */
void supervisor_restart(struct supervisor *sup);

/* Replaces the command lines and policy used by the next start. */
bool supervisor_set_options(struct supervisor *sup,
	const struct supervisor_options *options);

enum supervisor_state supervisor_state(const struct supervisor *sup);
const char *supervisor_state_name(enum supervisor_state state);
/* The program's pid while starting, running or stopping; 0 otherwise. */
pid_t supervisor_pid(const struct supervisor *sup);
/* Milliseconds since the program exec'd, 0 when it is not running. */
int64_t supervisor_uptime_ms(const struct supervisor *sup);
/* Automatic restarts since the last supervisor_start(). */
int supervisor_restarts(const struct supervisor *sup);
struct supervisor_exit supervisor_last_exit(const struct supervisor *sup);
/* Why the last state change happened, e.g. "exited with code 3"; never NULL. */
const char *supervisor_reason(const struct supervisor *sup);
/* True while a restart is scheduled. */
bool supervisor_restart_pending(const struct supervisor *sup);

/*
 * Kills the program and all its descendants (SIGKILL through the keeper),
 * waits for them, and frees everything. Blocks up to about two seconds.
 * No callback is called from here.
 */
void supervisor_destroy(struct supervisor *sup);

#endif
