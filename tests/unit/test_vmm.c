/*
 * The launcher as the compositor drives it (vmm/vmm.h), from a parsed
 * config, with the fake crosvm (tests/fake-crosvm) and the real
 * cordon-agent: start, run a command through the agent, stop through
 * "crosvm stop", a crash and its restart, escalation, kind = command.
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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/fixture.h"
#include <wayland-server-core.h>
#include "common/mstime.h"
#include "config/config.h"
#include "vmm/agent_client.h"
#include "common/strv.h"
#include "vmm/vmm.h"

#define FAKE_CROSVM CORDON_SOURCE_ROOT "/tests/fake-crosvm"
#define MAX_EVENTS 64

struct t {
	struct wl_event_loop *loop;
	char dir[64];        /* like $XDG_RUNTIME_DIR/cordon */
	char domdir[96];     /* like $XDG_RUNTIME_DIR/cordon/NAME */
	char socket[128];
	char kernel[128];
	char record[128];
	int listen_fd;
	struct cordon_config *config;
	struct vmm *vmm;
	enum supervisor_state states[MAX_EVENTS];
	int64_t state_ms[MAX_EVENTS];
	int n_states;
	char lines[MAX_EVENTS][512];
	int n_lines;
};

static void on_state(struct vmm *v, enum supervisor_state state, void *data) {
	struct t *t = data;
	if (t->n_states < MAX_EVENTS) {
		t->states[t->n_states] = state;
		t->state_ms[t->n_states++] = mstime_now();
	}
}

static void on_line(struct vmm *v, const char *stream, const char *line, void *data) {
	struct t *t = data;
	if (t->n_lines < MAX_EVENTS) {
		snprintf(t->lines[t->n_lines++], sizeof(t->lines[0]), "%s: %s", stream, line);
	}
	if (getenv("TEST_VERBOSE")) {
		fprintf(stderr, "%s: %s: %s\n", vmm_name(v), stream, line);
	}
}

static void on_log(struct vmm *v, enum supervisor_log_level level, const char *msg,
		void *data) {
	if (getenv("TEST_VERBOSE")) {
		fprintf(stderr, "log: %s\n", msg);
	}
}

static int setup(void **state) {
	struct t *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	t->loop = wl_event_loop_create();
	assert_non_null(t->loop);
	strcpy(t->dir, "/tmp/cm.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->domdir, sizeof(t->domdir), "%s/vm", t->dir);
	assert_int_equal(mkdir(t->domdir, 0700), 0);
	snprintf(t->socket, sizeof(t->socket), "%s/wayland-0", t->domdir);
	snprintf(t->kernel, sizeof(t->kernel), "%s/vmlinuz", t->dir);
	snprintf(t->record, sizeof(t->record), "%s/record", t->dir);
	int fd = open(t->kernel, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* The domain socket, bound as the compositor does before any start. */
	t->listen_fd = fixture_unix_listener(t->socket, 8);
	setenv("CORDON_AGENT_BIN", CORDON_AGENT_BIN, 1);
	setenv("FAKE_CROSVM_RECORD", t->record, 1);
	unsetenv("FAKE_CROSVM_IGNORE_STOP");
	unsetenv("FAKE_CROSVM_IGNORE_TERM");
	*state = t;
	return 0;
}

static int teardown(void **state) {
	struct t *t = *state;
	vmm_destroy(t->vmm);
	config_destroy(t->config);
	close(t->listen_fd);
	wl_event_loop_destroy(t->loop);
	fixture_rmtree(t->dir);
	free(t);
	return 0;
}

static struct config_domain *load(struct t *t, const char *fmt, ...) {
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	struct config_errors errs = {0};
	t->config = config_load_string(text, "test.conf", &errs);
	for (size_t i = 0; i < errs.len; i++) {
		fprintf(stderr, "%s\n", errs.msgs[i]);
	}
	config_errors_finish(&errs);
	assert_non_null(t->config);
	struct config_domain *d = config_find_domain(t->config, "vm");
	assert_non_null(d);
	return d;
}

static struct config_domain *load_vm(struct t *t, const char *extra) {
	return load(t, "[domain vm]\nkind = crosvm\ncrosvm = %s\nkernel = %s\n"
		"agent = unix:%s/agent.sock\n%s", FAKE_CROSVM, t->kernel, t->domdir,
		extra ? extra : "");
}

static void create(struct t *t, struct config_domain *d) {
	struct vmm_callbacks cb = { .state = on_state, .line = on_line, .log = on_log,
		.data = t };
	char err[256] = "";
	t->vmm = vmm_create(t->loop, d, t->socket, ":7", t->domdir, &cb, err, sizeof(err));
	if (!t->vmm) {
		fail_msg("%s", err);
	}
}

static bool wait_state(struct t *t, enum supervisor_state state, int ms) {
	int64_t end = mstime_now() + ms;
	while (vmm_state(t->vmm) != state) {
		int64_t left = end - mstime_now();
		if (left <= 0) {
			return false;
		}
		wl_event_loop_dispatch(t->loop, left < 20 ? (int)left : 20);
	}
	return true;
}

static bool saw_line(struct t *t, const char *text) {
	for (int i = 0; i < t->n_lines; i++) {
		if (strstr(t->lines[i], text)) {
			return true;
		}
	}
	return false;
}

static bool gone(pid_t pid) {
	while (waitpid(-1, NULL, WNOHANG) > 0) {
	}
	if (kill(pid, 0) < 0 && errno == ESRCH) {
		return true;
	}
	char path[64], buf[512] = "";
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f) {
		return true;
	}
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	char *paren = strrchr(buf, ')');
	return paren && paren[2] == 'Z';
}

static char *slurp(const char *path) {
	FILE *f = fopen(path, "r");
	if (!f) {
		return NULL;
	}
	char *buf = calloc(1, 65536);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Runs a command in the "guest" while the loop keeps supervising. */
static int agent_run(struct t *t, const char *script, char *out, size_t outlen) {
	char file[160];
	snprintf(file, sizeof(file), "%s/agent-out", t->dir);
	unlink(file);
	char full[512];
	snprintf(full, sizeof(full), "(%s) > %s", script, file);
	char *argv[] = { "sh", "-c", full, NULL };
	struct agent_result res;
	char err[256] = "";
	/* The agent answers from its own process; the loop is not needed meanwhile. */
	if (!agent_client_run(vmm_agent_address(t->vmm), argv, NULL, NULL, 10000, true,
			&res, err, sizeof(err))) {
		fail_msg("%s", err);
	}
	char *text = slurp(file);
	snprintf(out, outlen, "%s", text ? text : "");
	free(text);
	return res.code;
}

static void test_validate(void **state) {
	struct t *t = *state;
	struct config_domain *d = load_vm(t, NULL);
	char err[256];
	assert_true(vmm_validate(d, err, sizeof(err)));
	free(d->crosvm);
	d->crosvm = strdup("cordon-no-such-crosvm");
	assert_false(vmm_validate(d, err, sizeof(err)));
	assert_non_null(strstr(err, "crosvm binary 'cordon-no-such-crosvm' not found"));
	/* cordon starts without it: for --validate only a warning. */
	assert_int_equal(vmm_check(d, NULL, NULL), VMM_CHECK_WARNING);
	free(d->crosvm);
	d->crosvm = strdup(FAKE_CROSVM);
	unlink(t->kernel);
	assert_false(vmm_validate(d, err, sizeof(err)));
	assert_non_null(strstr(err, "kernel"));
	assert_int_equal(vmm_check(d, NULL, NULL), VMM_CHECK_WARNING);
}

static void test_run_agent_and_stop(void **state) {
	struct t *t = *state;
	struct config_domain *d = load_vm(t, "restart = no\nstop-timeout = 10\n");
	create(t, d);
	char agent[200];
	snprintf(agent, sizeof(agent), "unix:%s/agent.sock", t->domdir);
	assert_string_equal(vmm_agent_address(t->vmm), agent);
	assert_true(vmm_start(t->vmm));
	assert_true(wait_state(t, SUPERVISOR_RUNNING, 5000));
	pid_t pid = vmm_pid(t->vmm);
	assert_true(pid > 0);

	char out[512];
	assert_int_equal(agent_run(t, "echo \"$WAYLAND_DISPLAY\"; exit 5", out,
		sizeof(out)), 5);
	char want[200];
	snprintf(want, sizeof(want), "%s\n", t->socket);
	assert_string_equal(out, want);

	int64_t t0 = mstime_now();
	vmm_stop(t->vmm);
	assert_true(wait_state(t, SUPERVISOR_STOPPED, 8000));
	/* Well before half the 10 s timeout: crosvm stop did it, not SIGTERM. */
	assert_true(mstime_now() - t0 < 4000);
	struct supervisor_exit e = vmm_last_exit(t->vmm);
	assert_true(e.valid);
	assert_false(e.signaled);
	assert_int_equal(e.code, 0);
	assert_true(saw_line(t, "stdout: fake-crosvm: stop requested"));
	assert_true(gone(pid));

	char *rec = slurp(t->record);
	assert_non_null(rec);
	assert_true(strncmp(rec, "[\"run\", \"--mem\", \"2048\"", 23) == 0);
	char stop[256];
	snprintf(stop, sizeof(stop), "[\"stop\", \"%s/crosvm.sock\"]", t->domdir);
	assert_non_null(strstr(rec, stop));
	free(rec);
	char serial[160];
	snprintf(serial, sizeof(serial), "%s/serial.log", t->domdir);
	rec = slurp(serial);
	assert_non_null(rec);
	assert_non_null(strstr(rec, "fake-crosvm: booting"));
	free(rec);
	char log[160];
	snprintf(log, sizeof(log), "%s/log", t->domdir);
	rec = slurp(log);
	assert_non_null(rec);
	assert_non_null(strstr(rec, "stdout: fake-crosvm: running pid"));
	free(rec);
}

static void test_crash_and_restart(void **state) {
	struct t *t = *state;
	struct config_domain *d = load_vm(t, "restart = on-failure\n");
	create(t, d);
	assert_true(vmm_start(t->vmm));
	assert_true(wait_state(t, SUPERVISOR_RUNNING, 5000));
	char out[256];
	assert_int_equal(agent_run(t, "exit 0", out, sizeof(out)), 0);
	pid_t pid = vmm_pid(t->vmm);
	int before = t->n_states;
	int64_t killed = mstime_now();
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_true(wait_state(t, SUPERVISOR_FAILED, 2000));
	int64_t failed = t->state_ms[t->n_states - 1];
	assert_true(t->n_states > before);
	struct supervisor_exit e = vmm_last_exit(t->vmm);
	assert_true(e.signaled);
	assert_int_equal(e.code, SIGKILL);
	assert_true(wait_state(t, SUPERVISOR_RUNNING, 5000));
	int64_t running = t->state_ms[t->n_states - 1];
	assert_int_equal(vmm_restarts(t->vmm), 1);
	assert_true(vmm_pid(t->vmm) != pid);
	/* The new guest's agent answers (the killed one's agent went with it). */
	assert_int_equal(agent_run(t, "exit 3", out, sizeof(out)), 3);
	fprintf(stderr, "timing: SIGKILL -> failed %lld ms, failed -> running "
		"again %lld ms (backoff 1000 ms)\n", (long long)(failed - killed),
		(long long)(running - failed));
	assert_true(failed - killed < 100);
	assert_true(running - failed >= 990);
	vmm_stop(t->vmm);
	assert_true(wait_state(t, SUPERVISOR_STOPPED, 8000));
}

static void test_stop_escalation(void **state) {
	struct t *t = *state;
	setenv("FAKE_CROSVM_IGNORE_STOP", "1", 1);
	setenv("FAKE_CROSVM_IGNORE_TERM", "1", 1);
	struct config_domain *d = load_vm(t, "stop-timeout = 1\nrestart = always\n");
	create(t, d);
	assert_true(vmm_start(t->vmm));
	assert_true(wait_state(t, SUPERVISOR_RUNNING, 5000));
	/* Wait until the fake has its signal handler. */
	int64_t end = mstime_now() + 5000;
	while (!saw_line(t, "fake-crosvm: running") && mstime_now() < end) {
		wl_event_loop_dispatch(t->loop, 20);
	}
	int64_t t0 = mstime_now();
	vmm_stop(t->vmm);
	assert_true(wait_state(t, SUPERVISOR_STOPPED, 5000));
	int64_t took = mstime_now() - t0;
	/* At least the 1 s stop-timeout; the upper bound only says "then
	 * SIGKILL, not never", with room for a loaded machine. */
	assert_true(took >= 950 && took < 4500);
	assert_true(saw_line(t, "fake-crosvm: ignoring stop request"));
	assert_true(saw_line(t, "fake-crosvm: ignoring SIGTERM"));
	struct supervisor_exit e = vmm_last_exit(t->vmm);
	assert_true(e.signaled);
	assert_int_equal(e.code, SIGKILL);
	/* restart = always does not undo an asked-for stop. */
	for (int i = 0; i < 10; i++) {
		wl_event_loop_dispatch(t->loop, 20);
	}
	assert_int_equal(vmm_state(t->vmm), SUPERVISOR_STOPPED);
}

static void test_destroy_leaves_nothing(void **state) {
	struct t *t = *state;
	struct config_domain *d = load_vm(t, NULL);
	create(t, d);
	assert_true(vmm_start(t->vmm));
	assert_true(wait_state(t, SUPERVISOR_RUNNING, 5000));
	char out[64];
	/* Leaves a command running in the guest. */
	char *argv[] = { "sleep", "1000", NULL };
	struct agent_result res;
	char err[256];
	assert_true(agent_client_run(vmm_agent_address(t->vmm), argv, NULL, NULL, 10000,
		false, &res, err, sizeof(err)));
	(void)out;
	pid_t pid = vmm_pid(t->vmm);
	vmm_destroy(t->vmm);
	t->vmm = NULL;
	int64_t end = mstime_now() + 3000;
	while ((!gone(pid) || !gone(res.pid)) && mstime_now() < end) {
		usleep(10000);
	}
	assert_true(gone(pid));
	assert_true(gone(res.pid));
}

static void test_command_kind(void **state) {
	struct t *t = *state;
	struct config_domain *d = load(t, "[domain vm]\nkind = command\n"
		"command = echo sock={socket} dir={dir} name={name} wd=$WAYLAND_DISPLAY "
		"dom=$CORDON_DOMAIN x={display} xd=$DISPLAY; exec sleep 100\n"
		"exec = env X=1 {cmd}\nstop-timeout = 2\n");
	create(t, d);
	assert_null(vmm_agent_address(t->vmm));
	assert_true(vmm_start(t->vmm));
	int64_t end = mstime_now() + 5000;
	while (!saw_line(t, "stdout: sock=") && mstime_now() < end) {
		wl_event_loop_dispatch(t->loop, 20);
	}
	char want[512];
	snprintf(want, sizeof(want), "stdout: sock=%s dir=%s name=vm wd=%s dom=vm x=:7 xd=:7",
		t->socket, t->domdir, t->socket);
	assert_true(saw_line(t, want));
	vmm_stop(t->vmm);
	assert_true(wait_state(t, SUPERVISOR_STOPPED, 5000));
	assert_int_equal(vmm_last_exit(t->vmm).code, SIGTERM);

	char *cmd[] = { "foot", "--title", "a b", NULL };
	char **argv = vmm_exec_argv(d, t->socket, ":7", t->domdir, cmd);
	assert_non_null(argv);
	assert_string_equal(argv[2], "env X=1 foot --title 'a b'");
	strv_free(argv);
	char **env = vmm_child_env(d, t->socket, ":7");
	assert_non_null(env);
	bool found = false;
	for (char **e = env; *e; e++) {
		assert_true(strncmp(*e, "WAYLAND_SOCKET=", 15) != 0);
		found |= strncmp(*e, "WAYLAND_DISPLAY=", 16) == 0 &&
			strcmp(*e + 16, t->socket) == 0;
		/* The domain's X display, never the host's. */
		assert_true(strncmp(*e, "DISPLAY=", 8) != 0 || strcmp(*e, "DISPLAY=:7") == 0);
	}
	assert_true(found);
	strv_free(env);
}

static void test_bad_config(void **state) {
	struct t *t = *state;
	struct config_domain *d = load_vm(t, NULL);
	free(d->crosvm);
	d->crosvm = strdup("cordon-no-such-crosvm");
	create(t, d);
	assert_false(vmm_start(t->vmm));
	assert_int_equal(vmm_state(t->vmm), SUPERVISOR_FAILED);
	assert_non_null(strstr(vmm_reason(t->vmm), "cannot find cordon-no-such-crosvm"));
	vmm_destroy(t->vmm);
	t->vmm = NULL;
	/* A socket kind has nothing to launch. */
	config_destroy(t->config);
	t->config = NULL;
	d = load(t, "[domain vm]\nkind = socket\n");
	char err[256] = "";
	struct vmm_callbacks cb = {0};
	assert_null(vmm_create(t->loop, d, t->socket, NULL, t->domdir, &cb, err, sizeof(err)));
	assert_non_null(strstr(err, "nothing to launch"));
}

int main(void) {
	signal(SIGPIPE, SIG_IGN);
	/* Orphans from killed fakes are reaped here, not left as zombies. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "python3 missing: the fake crosvm cannot run\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_validate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_agent_and_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_and_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_escalation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_command_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_config, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
