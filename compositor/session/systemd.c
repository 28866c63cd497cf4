#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "common/child.h"
#include "compositor/server.h"
#include "compositor/session/systemd.h"

/*
 * The export goes through the standard tools rather than talking D-Bus
 * ourselves: they are what every distribution ships with the user manager
 * and the bus, they are the documented interface, and a test can stand in
 * for them on PATH without a bus.
 */
#define SYSTEMCTL "systemctl"
#define DBUS_UPDATE "dbus-update-activation-environment"

/* How long the exit waits for the user manager before leaving it be. */
#define SYSTEMD_STOP_WAIT_MS 3000

#define SYSTEMD_MAX_STEPS 4

struct cordon_systemd {
	bool manager;           /* a systemd user manager runs for us */
	bool bus;               /* a D-Bus session bus runs for us */
	bool target_started;
	char **exported;        /* names given to the user manager, NULL-terminated */
	size_t n_exported;
};

static bool systemd_in_path(const char *program) {
	const char *path = getenv("PATH");
	if (path == NULL || path[0] == '\0') {
		path = "/usr/local/bin:/usr/bin:/bin";
	}
	while (*path != '\0') {
		size_t len = strcspn(path, ":");
		char file[4096];
		int n = snprintf(file, sizeof(file), "%.*s/%s", (int)len,
			len > 0 ? path : ".", program);
		if (n > 0 && (size_t)n < sizeof(file) && access(file, X_OK) == 0) {
			return true;
		}
		path += len;
		if (*path == ':') {
			path++;
		}
	}
	return false;
}

static bool systemd_runtime_has(const char *name) {
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (xdg == NULL || xdg[0] != '/') {
		return false;
	}
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s", xdg, name);
	struct stat st;
	return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0;
}

/* The user manager makes $XDG_RUNTIME_DIR/systemd when it starts. */
static bool systemd_manager_present(void) {
	return systemd_runtime_has("systemd");
}

static bool systemd_bus_present(void) {
	const char *addr = getenv("DBUS_SESSION_BUS_ADDRESS");
	return (addr != NULL && addr[0] != '\0') || systemd_runtime_has("bus");
}

static struct cordon_systemd *systemd_state(struct cordon_server *server) {
	if (server->systemd == NULL) {
		server->systemd = calloc(1, sizeof(*server->systemd));
		if (server->systemd == NULL) {
			wlr_log(WLR_ERROR, "systemd: out of memory; the session environment "
				"is not exported");
			return NULL;
		}
		server->systemd->manager = systemd_manager_present();
		server->systemd->bus = systemd_bus_present();
	}
	return server->systemd;
}

/* An argv of fixed words then names; NULL when out of memory. */
static char **systemd_argv(const char *const *words, const char *const *names) {
	size_t n_words = 0, n_names = 0;
	while (words[n_words] != NULL) {
		n_words++;
	}
	while (names != NULL && names[n_names] != NULL) {
		n_names++;
	}
	char **argv = calloc(n_words + n_names + 1, sizeof(char *));
	if (argv == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < n_words; i++) {
		argv[i] = (char *)words[i];
	}
	for (size_t i = 0; i < n_names; i++) {
		argv[n_words + i] = (char *)names[i];
	}
	return argv;
}

static void systemd_describe(char **argv, char *buf, size_t size) {
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; argv[i] != NULL && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? " " : "", argv[i]);
		if (n < 0) {
			break;
		}
		used += (size_t)n;
	}
}

/* In a child: runs each step in turn, logging the ones that fail. */
static void systemd_run_steps(char **steps[], size_t n) {
	for (size_t i = 0; i < n; i++) {
		char what[512];
		systemd_describe(steps[i], what, sizeof(what));
		pid_t pid = fork();
		if (pid < 0) {
			wlr_log_errno(WLR_ERROR, "systemd: cannot fork for '%s'", what);
			continue;
		}
		if (pid == 0) {
			execvp(steps[i][0], steps[i]);
			_exit(127);
		}
		int status;
		child_wait(pid, &status);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			wlr_log(WLR_ERROR, "systemd: '%s' failed (%s %d)", what,
				WIFEXITED(status) ? "status" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		} else {
			wlr_log(WLR_DEBUG, "systemd: '%s' done", what);
		}
	}
}

/* The event loop blocks the signals it watches: children get them back. */
static void systemd_child_setup(void) {
	setsid();
	sigset_t set;
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/* Runs steps in a grandchild the session never waits for. */
static void systemd_run_detached(char **steps[], size_t n) {
	pid_t pid = fork();
	if (pid < 0) {
		wlr_log_errno(WLR_ERROR, "systemd: cannot fork; the session environment "
			"is not exported");
		return;
	}
	if (pid == 0) {
		systemd_child_setup();
		pid_t runner = fork();
		if (runner == 0) {
			systemd_run_steps(steps, n);
			_exit(0);
		}
		_exit(runner < 0 ? 1 : 0);
	}
	int status;
	child_wait(pid, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		wlr_log(WLR_ERROR, "systemd: cannot start the export");
	}
}

static int64_t systemd_now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs steps and waits for them, at most SYSTEMD_STOP_WAIT_MS. */
static void systemd_run_bounded(char **steps[], size_t n) {
	pid_t pid = fork();
	if (pid < 0) {
		wlr_log_errno(WLR_ERROR, "systemd: cannot fork to end the session");
		return;
	}
	if (pid == 0) {
		systemd_child_setup();
		systemd_run_steps(steps, n);
		_exit(0);
	}
	int64_t deadline = systemd_now_ms() + SYSTEMD_STOP_WAIT_MS;
	for (;;) {
		int status;
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR)) {
			return;
		}
		if (systemd_now_ms() >= deadline) {
			wlr_log(WLR_ERROR, "systemd: the user manager did not answer within "
				"%d ms; leaving %s to it", SYSTEMD_STOP_WAIT_MS, SYSTEMD_SESSION_TARGET);
			kill(-pid, SIGKILL);
			child_wait(pid, &status);
			return;
		}
		struct timespec pause = { .tv_nsec = 10 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
}

static bool systemd_remember(struct cordon_systemd *sd, const char *const *names) {
	for (size_t i = 0; names[i] != NULL; i++) {
		bool known = false;
		for (size_t j = 0; j < sd->n_exported; j++) {
			known = known || strcmp(sd->exported[j], names[i]) == 0;
		}
		if (known) {
			continue;
		}
		char *copy = strdup(names[i]);
		char **grown = realloc(sd->exported, (sd->n_exported + 2) * sizeof(char *));
		if (copy == NULL || grown == NULL) {
			free(copy);
			if (grown != NULL) {
				sd->exported = grown;
			}
			return false;
		}
		sd->exported = grown;
		sd->exported[sd->n_exported++] = copy;
		sd->exported[sd->n_exported] = NULL;
	}
	return true;
}

/*
 * Fills steps with the export of names (and the target's start if
 * start_target); returns how many. The argvs are freed by systemd_free_steps.
 */
static size_t systemd_export_steps(struct cordon_systemd *sd, const char *const *names,
		bool start_target, char **steps[SYSTEMD_MAX_STEPS]) {
	size_t n = 0;
	if (sd->bus) {
		if (systemd_in_path(DBUS_UPDATE)) {
			static const char *const words[] = { DBUS_UPDATE, NULL };
			steps[n] = systemd_argv(words, names);
			n += steps[n] != NULL;
		} else {
			wlr_log(WLR_INFO, "systemd: a D-Bus session bus but no %s in PATH: "
				"D-Bus activated programs will not find this session", DBUS_UPDATE);
		}
	}
	if (sd->manager) {
		if (systemd_in_path(SYSTEMCTL)) {
			static const char *const import[] = { SYSTEMCTL, "--user",
				"import-environment", NULL };
			steps[n] = systemd_argv(import, names);
			if (steps[n] != NULL) {
				n++;
				if (!systemd_remember(sd, names)) {
					wlr_log(WLR_ERROR, "systemd: out of memory; the user manager "
						"keeps some variables after the session");
				}
			}
			if (start_target) {
				static const char *const start[] = { SYSTEMCTL, "--user", "start",
					SYSTEMD_SESSION_TARGET, NULL };
				steps[n] = systemd_argv(start, NULL);
				if (steps[n] != NULL) {
					n++;
					sd->target_started = true;
				}
			}
		} else {
			wlr_log(WLR_INFO, "systemd: a user manager but no %s in PATH", SYSTEMCTL);
		}
	}
	return n;
}

static void systemd_free_steps(char **steps[], size_t n) {
	for (size_t i = 0; i < n; i++) {
		free(steps[i]);
	}
}

/*
 * A cordon nested in another desktop, or headless under a test, shares
 * the user manager with that desktop: its WAYLAND_DISPLAY there (and an
 * unset on exit) would break the desktop's own services. So by default
 * only a cordon on a seat is the session.
 */
static bool systemd_wanted(struct cordon_server *server) {
	switch (server->config->user_session) {
	case CONFIG_USER_SESSION_YES:
		return true;
	case CONFIG_USER_SESSION_NO:
		wlr_log(WLR_INFO, "systemd: user-session = no: the session environment "
			"is not exported");
		return false;
	case CONFIG_USER_SESSION_AUTO:
		break;
	}
	if (server->session == NULL) {
		wlr_log(WLR_INFO, "systemd: not on a seat (nested or headless): the user "
			"manager and D-Bus environment are left alone (user-session = yes "
			"exports anyway)");
		return false;
	}
	return true;
}

static void systemd_export_now(struct cordon_server *server, const char *const *names,
		bool start_target) {
	if (!systemd_wanted(server)) {
		return;
	}
	struct cordon_systemd *sd = systemd_state(server);
	if (sd == NULL) {
		return;
	}
	if (!sd->manager && !sd->bus) {
		wlr_log(WLR_INFO, "systemd: no user manager and no D-Bus session bus; "
			"nothing to export");
		return;
	}
	char **steps[SYSTEMD_MAX_STEPS];
	size_t n = systemd_export_steps(sd, names, start_target, steps);
	if (n > 0) {
		systemd_run_detached(steps, n);
	}
	systemd_free_steps(steps, n);
}

/* Keeps a desktop list that already names cordon (a display manager's). */
static void systemd_set_desktop(void) {
	const char *current = getenv("XDG_CURRENT_DESKTOP");
	if (current != NULL) {
		const char *p = current;
		while (*p != '\0') {
			size_t len = strcspn(p, ":");
			if (len == strlen("cordon") && strncmp(p, "cordon", len) == 0) {
				return;
			}
			p += len + (p[len] == ':');
		}
	}
	setenv("XDG_CURRENT_DESKTOP", "cordon", 1);
}

void systemd_session_start(struct cordon_server *server) {
	systemd_set_desktop();
	setenv("XDG_SESSION_TYPE", "wayland", 1);
	static const char *const names[] = { "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP",
		"XDG_SESSION_TYPE", NULL };
	/* The host's own Xwayland (xwayland.c), when it has one. */
	static const char *const names_x[] = { "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP",
		"XDG_SESSION_TYPE", "DISPLAY", NULL };
	systemd_export_now(server, getenv("DISPLAY") != NULL ? names_x : names, true);
}

void systemd_export(struct cordon_server *server, const char *const *names) {
	systemd_export_now(server, names, false);
}

void systemd_session_stop(struct cordon_server *server) {
	struct cordon_systemd *sd = server->systemd;
	if (sd == NULL || !sd->manager || (!sd->target_started && sd->n_exported == 0)) {
		return;
	}
	char **steps[SYSTEMD_MAX_STEPS];
	size_t n = 0;
	if (sd->target_started) {
		/* Not waiting: its units may still be talking to this display. */
		static const char *const stop[] = { SYSTEMCTL, "--user", "--no-block", "stop",
			SYSTEMD_SESSION_TARGET, NULL };
		steps[n] = systemd_argv(stop, NULL);
		n += steps[n] != NULL;
	}
	if (sd->n_exported > 0) {
		static const char *const unset[] = { SYSTEMCTL, "--user", "unset-environment",
			NULL };
		steps[n] = systemd_argv(unset, (const char *const *)sd->exported);
		n += steps[n] != NULL;
	}
	if (n > 0) {
		systemd_run_bounded(steps, n);
	}
	systemd_free_steps(steps, n);
	sd->target_started = false;
}

void systemd_finish(struct cordon_server *server) {
	struct cordon_systemd *sd = server->systemd;
	if (sd == NULL) {
		return;
	}
	for (size_t i = 0; i < sd->n_exported; i++) {
		free(sd->exported[i]);
	}
	free(sd->exported);
	free(sd);
	server->systemd = NULL;
}
