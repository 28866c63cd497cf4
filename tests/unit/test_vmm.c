/*
 * The launcher as the compositor drives it (vmm/vmm.h), from a parsed
 * config, with the fake crosvm (tests/fake-crosvm) and the real
 * cordon-agent: start, run a command through the agent, stop through
 * "crosvm stop", a crash and its restart, escalation, kind = command.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "tests/unit/fixture_vm.h"
#include "vmm/agent_client.h"
#include "common/strv.h"

#define FAKE_CROSVM CORDON_SOURCE_ROOT "/tests/fake-crosvm"

static int setup(void **state) {
	*state = vm_fixture_setup("/tmp/cm.XXXXXX", "FAKE_CROSVM_RECORD");
	unsetenv("FAKE_CROSVM_IGNORE_STOP");
	unsetenv("FAKE_CROSVM_IGNORE_TERM");
	return 0;
}

static struct config_domain *load_vm(struct vm_fixture *t, const char *extra) {
	return vm_fixture_load(t, "[domain vm]\nkind = crosvm\ncrosvm = %s\nkernel = %s\n"
		"agent = unix:%s/agent.sock\n%s", FAKE_CROSVM, t->kernel, t->domdir,
		extra ? extra : "");
}

static void create(struct vm_fixture *t, struct config_domain *d) {
	vm_fixture_create(t, d, ":7");
}

/* Runs a command in the "guest" while the loop keeps supervising. */
static int agent_run(struct vm_fixture *t, const char *script, char *out, size_t outlen) {
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
	char *text = fixture_slurp(file);
	snprintf(out, outlen, "%s", text ? text : "");
	free(text);
	return res.code;
}

static void test_validate(void **state) {
	struct vm_fixture *t = *state;
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
	struct vm_fixture *t = *state;
	struct config_domain *d = load_vm(t, "restart = no\nstop-timeout = 10\n");
	create(t, d);
	char agent[200];
	snprintf(agent, sizeof(agent), "unix:%s/agent.sock", t->domdir);
	assert_string_equal(vmm_agent_address(t->vmm), agent);
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 5000));
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
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_STOPPED, 8000));
	/* Well before half the 10 s timeout: crosvm stop did it, not SIGTERM. */
	assert_true(mstime_now() - t0 < 4000);
	struct supervisor_exit e = vmm_last_exit(t->vmm);
	assert_true(e.valid);
	assert_false(e.signaled);
	assert_int_equal(e.code, 0);
	assert_true(fixture_events_saw(&t->ev, "stdout: fake-crosvm: stop requested"));
	assert_true(fixture_process_gone(pid));

	char *rec = fixture_slurp(t->record);
	assert_non_null(rec);
	assert_true(strncmp(rec, "[\"run\", \"--mem\", \"2048\"", 23) == 0);
	free(rec);
	char path[160];
	snprintf(want, sizeof(want), "[\"stop\", \"%s/crosvm.sock\"]", t->domdir);
	fixture_assert_file_has(t->record, want);
	snprintf(path, sizeof(path), "%s/serial.log", t->domdir);
	fixture_assert_file_has(path, "fake-crosvm: booting");
	snprintf(path, sizeof(path), "%s/log", t->domdir);
	fixture_assert_file_has(path, "stdout: fake-crosvm: running pid");
}

static void test_crash_and_restart(void **state) {
	struct vm_fixture *t = *state;
	struct config_domain *d = load_vm(t, "restart = on-failure\n");
	create(t, d);
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 5000));
	char out[256];
	assert_int_equal(agent_run(t, "exit 0", out, sizeof(out)), 0);
	pid_t pid = vmm_pid(t->vmm);
	int before = t->ev.n_states;
	int64_t killed = mstime_now();
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_FAILED, 2000));
	int64_t failed = t->ev.state_ms[t->ev.n_states - 1];
	assert_true(t->ev.n_states > before);
	struct supervisor_exit e = vmm_last_exit(t->vmm);
	assert_true(e.signaled);
	assert_int_equal(e.code, SIGKILL);
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 5000));
	int64_t running = t->ev.state_ms[t->ev.n_states - 1];
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
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_STOPPED, 8000));
}

static void test_stop_escalation(void **state) {
	struct vm_fixture *t = *state;
	setenv("FAKE_CROSVM_IGNORE_STOP", "1", 1);
	setenv("FAKE_CROSVM_IGNORE_TERM", "1", 1);
	struct config_domain *d = load_vm(t, "stop-timeout = 1\nrestart = always\n");
	create(t, d);
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 5000));
	/* Wait until the fake has its signal handler. */
	assert_true(vm_fixture_wait_line(t, "fake-crosvm: running", 5000));
	int64_t t0 = mstime_now();
	vmm_stop(t->vmm);
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_STOPPED, 5000));
	int64_t took = mstime_now() - t0;
	/* At least the 1 s stop-timeout; the upper bound only says "then
	 * SIGKILL, not never", with room for a loaded machine. */
	assert_true(took >= 950 && took < 4500);
	assert_true(fixture_events_saw(&t->ev, "fake-crosvm: ignoring stop request"));
	assert_true(fixture_events_saw(&t->ev, "fake-crosvm: ignoring SIGTERM"));
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
	struct vm_fixture *t = *state;
	struct config_domain *d = load_vm(t, NULL);
	create(t, d);
	assert_true(vmm_start(t->vmm));
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_RUNNING, 5000));
	/* Leaves a command running in the guest. */
	char *argv[] = { "sleep", "1000", NULL };
	struct agent_result res;
	char err[256];
	assert_true(agent_client_run(vmm_agent_address(t->vmm), argv, NULL, NULL, 10000,
		false, &res, err, sizeof(err)));
	pid_t pid = vmm_pid(t->vmm);
	vmm_destroy(t->vmm);
	t->vmm = NULL;
	assert_true(fixture_wait_gone(pid, 3000));
	assert_true(fixture_wait_gone(res.pid, 3000));
}

static void test_command_kind(void **state) {
	struct vm_fixture *t = *state;
	struct config_domain *d = vm_fixture_load(t, "[domain vm]\nkind = command\n"
		"command = echo sock={socket} dir={dir} name={name} wd=$WAYLAND_DISPLAY "
		"dom=$CORDON_DOMAIN x={display} xd=$DISPLAY; exec sleep 100\n"
		"exec = env X=1 {cmd}\nstop-timeout = 2\n");
	create(t, d);
	assert_null(vmm_agent_address(t->vmm));
	assert_true(vmm_start(t->vmm));
	vm_fixture_wait_line(t, "stdout: sock=", 5000);
	char want[512];
	snprintf(want, sizeof(want), "stdout: sock=%s dir=%s name=vm wd=%s dom=vm x=:7 xd=:7",
		t->socket, t->domdir, t->socket);
	assert_true(fixture_events_saw(&t->ev, want));
	vmm_stop(t->vmm);
	assert_true(vm_fixture_wait_state(t, SUPERVISOR_STOPPED, 5000));
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
	struct vm_fixture *t = *state;
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
	d = vm_fixture_load(t, "[domain vm]\nkind = socket\n");
	char err[256] = "";
	struct vmm_callbacks cb = {0};
	assert_null(vmm_create(t->loop, d, t->socket, NULL, t->domdir, &cb, err, sizeof(err)));
	assert_non_null(strstr(err, "nothing to launch"));
}

/* A test with a fresh domain "vm" set up (fixture_vm.h). */
#define VM_TEST(f) cmocka_unit_test_setup_teardown(f, setup, vm_fixture_teardown)

int main(void) {
	signal(SIGPIPE, SIG_IGN);
	/* Orphans from killed fakes are reaped here, not left as zombies. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (access("/usr/bin/python3", X_OK) != 0) {
		fprintf(stderr, "python3 missing: the fake crosvm cannot run\n");
		return 77;
	}
	const struct CMUnitTest tests[] = {
		VM_TEST(test_validate),
		VM_TEST(test_run_agent_and_stop),
		VM_TEST(test_crash_and_restart),
		VM_TEST(test_stop_escalation),
		VM_TEST(test_destroy_leaves_nothing),
		VM_TEST(test_command_kind),
		VM_TEST(test_bad_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
