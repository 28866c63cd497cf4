/*
 * cordon-agent (vmm/agent/cordon-agent.c), the real binary on a Unix
 * socket, driven through the host-side client (vmm/agent_client.c) and
 * through raw sockets for the requests a correct client never sends.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/fixture.h"
#include "common/mstime.h"
#include "vmm/agent_client.h"

struct agent {
	char dir[64];
	char sock[128];
	char addr[140];
	char marker[128];
	pid_t pid;
};

/* The agent on a->addr; extra: an option that takes the value 100. */
static pid_t start_agent(struct agent *a, const char *extra) {
	char *argv[] = { CORDON_AGENT_BIN, "--listen", a->addr, "--wayland-display",
		"test-display", (char *)extra, extra ? "100" : NULL, NULL };
	return fixture_spawn(argv, NULL);
}

static int setup(void **state) {
	struct agent *a = calloc(1, sizeof(*a));
	assert_non_null(a);
	fixture_mkdtemp(a->dir, sizeof(a->dir), "/tmp/ca.XXXXXX");
	snprintf(a->sock, sizeof(a->sock), "%s/agent.sock", a->dir);
	snprintf(a->addr, sizeof(a->addr), "unix:%s", a->sock);
	snprintf(a->marker, sizeof(a->marker), "%s/marker", a->dir);
	a->pid = start_agent(a, NULL);
	*state = a;
	return 0;
}

static int teardown(void **state) {
	struct agent *a = *state;
	if (a->pid > 0) {
		kill(a->pid, SIGTERM);
		waitpid(a->pid, NULL, 0);
	}
	fixture_rmtree(a->dir);
	free(a);
	return 0;
}

/* ---- raw protocol ---- */

static int raw_connect(struct agent *a) {
	char err[256];
	int fd = agent_client_connect(a->addr, 5000, err, sizeof(err));
	if (fd < 0) {
		fail_msg("%s", err);
	}
	return fd;
}

static void raw_send(int fd, const void *body, size_t len, uint32_t announced) {
	unsigned char hdr[4] = { (unsigned char)(announced >> 24),
		(unsigned char)(announced >> 16), (unsigned char)(announced >> 8),
		(unsigned char)announced };
	assert_int_equal(send(fd, hdr, 4, MSG_NOSIGNAL), 4);
	size_t off = 0;
	while (off < len) {
		ssize_t n = send(fd, (const char *)body + off, len - off, MSG_NOSIGNAL);
		if (n < 0) {
			break; /* the agent may have closed after its error reply */
		}
		off += (size_t)n;
	}
}

static bool read_full(int fd, void *buf, size_t len) {
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n <= 0) {
			return false;
		}
		got += (size_t)n;
	}
	return true;
}

/* Reads one reply; NULL at EOF. */
static struct json_object *raw_reply(int fd) {
	unsigned char hdr[4];
	if (!read_full(fd, hdr, 4)) {
		return NULL;
	}
	uint32_t len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		(uint32_t)hdr[2] << 8 | hdr[3];
	assert_true(len > 0 && len < 65536);
	char *body = calloc(1, len + 1);
	assert_non_null(body);
	assert_true(read_full(fd, body, len));
	struct json_object *o = json_tokener_parse(body);
	free(body);
	assert_non_null(o);
	return o;
}

/* Sends a request text and expects {"ok":false,"error":…} containing needle. */
static void expect_refusal(struct agent *a, const char *body, size_t len,
		uint32_t announced, const char *needle) {
	int fd = raw_connect(a);
	raw_send(fd, body, len, announced);
	struct json_object *o = raw_reply(fd);
	if (!o) {
		fail_msg("no reply to %.60s", body);
	}
	struct json_object *ok, *err;
	assert_true(json_object_object_get_ex(o, "ok", &ok));
	assert_false(json_object_get_boolean(ok));
	assert_true(json_object_object_get_ex(o, "error", &err));
	if (!strstr(json_object_get_string(err), needle)) {
		fail_msg("error '%s' does not mention '%s' (request %.60s)",
			json_object_get_string(err), needle, body);
	}
	json_object_put(o);
	/* One request per connection: the agent closes after refusing. */
	char c;
	assert_int_equal(read(fd, &c, 1), 0);
	close(fd);
}

static void refuse_text(struct agent *a, const char *body, const char *needle) {
	expect_refusal(a, body, strlen(body), (uint32_t)strlen(body), needle);
}

static bool exists(const char *path) {
	struct stat st;
	return stat(path, &st) == 0;
}

/* Runs argv through the client (5 s to connect); fails the test if it cannot. */
static struct agent_result run_ok(struct agent *a, char **argv, char **env,
		const char *cwd, bool wait) {
	struct agent_result res;
	char err[256] = "";
	if (!agent_client_run(a->addr, argv, env, cwd, 5000, wait, &res, err, sizeof(err))) {
		fail_msg("%s", err);
	}
	return res;
}

/* ---- tests ---- */

static void test_run_and_exit_code(void **state) {
	struct agent *a = *state;
	char *argv[] = { "sh", "-c", "exit 7", NULL };
	struct agent_result res = run_ok(a, argv, NULL, NULL, true);
	assert_true(res.pid > 0);
	assert_true(res.finished);
	assert_false(res.signaled);
	assert_int_equal(res.code, 7);
}

static void test_env_cwd_display(void **state) {
	struct agent *a = *state;
	char script[256];
	snprintf(script, sizeof(script),
		"echo \"$WAYLAND_DISPLAY|$FOO|$(pwd)\" > '%s'", a->marker);
	char *argv[] = { "sh", "-c", script, NULL };
	/* WAYLAND_DISPLAY always names the configured display. */
	char *env[] = { "FOO=bar baz", "WAYLAND_DISPLAY=elsewhere", NULL };
	struct agent_result res = run_ok(a, argv, env, a->dir, true);
	assert_int_equal(res.code, 0);
	char want[256];
	snprintf(want, sizeof(want), "test-display|bar baz|%s\n", a->dir);
	fixture_assert_file_is(a->marker, want);
}

static void test_signal_reported(void **state) {
	struct agent *a = *state;
	char *argv[] = { "sh", "-c", "kill -TERM $$", NULL };
	struct agent_result res = run_ok(a, argv, NULL, NULL, true);
	assert_true(res.signaled);
	assert_int_equal(res.code, SIGTERM);
}

static void test_no_wait(void **state) {
	struct agent *a = *state;
	char *argv[] = { "sleep", "5", NULL };
	int64_t t0 = mstime_now();
	struct agent_result res = run_ok(a, argv, NULL, NULL, false);
	/* Not waiting means returning long before the 5 s command ends; the
	 * margin is wide so a loaded machine does not fail it. */
	assert_true(mstime_now() - t0 < 4000);
	assert_true(res.pid > 0);
	assert_false(res.finished);
	/* The agent keeps serving after the client left early. */
	char *argv2[] = { "true", NULL };
	assert_int_equal(run_ok(a, argv2, NULL, NULL, true).code, 0);
}

static void test_concurrent(void **state) {
	struct agent *a = *state;
	const char *slow = "{\"argv\":[\"sh\",\"-c\",\"sleep 0.6; exit 1\"]}";
	const char *fast = "{\"argv\":[\"sh\",\"-c\",\"exit 2\"]}";
	int s = raw_connect(a);
	raw_send(s, slow, strlen(slow), (uint32_t)strlen(slow));
	int f = raw_connect(a);
	raw_send(f, fast, strlen(fast), (uint32_t)strlen(fast));
	int64_t t0 = mstime_now();
	struct json_object *o = raw_reply(s), *v;
	assert_true(json_object_object_get_ex(o, "pid", &v));
	json_object_put(o);
	o = raw_reply(f);
	assert_true(json_object_object_get_ex(o, "pid", &v));
	json_object_put(o);
	/* The fast one's exit comes while the slow one still runs. */
	o = raw_reply(f);
	assert_true(json_object_object_get_ex(o, "exit", &v));
	assert_int_equal(json_object_get_int(v), 2);
	json_object_put(o);
	assert_true(mstime_now() - t0 < 500);
	o = raw_reply(s);
	assert_true(json_object_object_get_ex(o, "exit", &v));
	assert_int_equal(json_object_get_int(v), 1);
	json_object_put(o);
	assert_true(mstime_now() - t0 >= 550);
	close(s);
	close(f);
}

static void test_bad_requests_spawn_nothing(void **state) {
	struct agent *a = *state;
	char req[512];
	/* Each would create the marker if anything ran. */
#define TOUCH "\"argv\":[\"touch\",\"%s\"]"
	refuse_text(a, "{\"argv\":[\"touch\"", "malformed JSON");
	refuse_text(a, "not json at all", "malformed JSON");
	snprintf(req, sizeof(req), "{" TOUCH "} trailing", a->marker);
	refuse_text(a, req, "trailing data");
	snprintf(req, sizeof(req), "[" "\"touch\",\"%s\"]", a->marker);
	refuse_text(a, req, "not a JSON object");
	snprintf(req, sizeof(req), "{\"argv\":\"touch %s\"}", a->marker);
	refuse_text(a, req, "argv must be an array");
	refuse_text(a, "{\"argv\":[1,2]}", "argv must be an array of strings");
	refuse_text(a, "{\"argv\":[]}", "argv is empty");
	refuse_text(a, "{\"argv\":[\"\"]}", "argv[0] is empty");
	refuse_text(a, "{}", "argv must be an array");
	snprintf(req, sizeof(req), "{" TOUCH ",\"env\":{\"A\":1}}", a->marker);
	refuse_text(a, req, "env must be an object of strings");
	snprintf(req, sizeof(req), "{" TOUCH ",\"env\":[\"A=1\"]}", a->marker);
	refuse_text(a, req, "env must be an object");
	snprintf(req, sizeof(req), "{" TOUCH ",\"env\":{\"A=B\":\"1\"}}", a->marker);
	refuse_text(a, req, "without '='");
	snprintf(req, sizeof(req), "{" TOUCH ",\"cwd\":5}", a->marker);
	refuse_text(a, req, "cwd must be a non-empty string");
	snprintf(req, sizeof(req), "{" TOUCH ",\"user\":\"root\"}", a->marker);
	refuse_text(a, req, "unknown key");
	/* An embedded NUL would cut the string in C. */
	snprintf(req, sizeof(req), "{\"argv\":[\"touch\",\"%s\\u0000x\"]}", a->marker);
	refuse_text(a, req, "argv must be an array of strings");
	/* Runs nothing: the directory does not exist. */
	snprintf(req, sizeof(req), "{" TOUCH ",\"cwd\":\"/nonexistent/dir\"}", a->marker);
	refuse_text(a, req, "cannot change directory");
	refuse_text(a, "{\"argv\":[\"cordon-no-such-program\"]}", "cannot execute");
	/* Empty and oversized requests. */
	expect_refusal(a, "", 0, 0, "empty request");
	size_t big = 64 * 1024 + 1;
	char *body = malloc(big);
	assert_non_null(body);
	memset(body, ' ', big);
	int n = snprintf(body, big, "{" TOUCH "}", a->marker);
	body[n] = ' ';
	expect_refusal(a, body, big, (uint32_t)big, "too large");
	/* Announced length only: the agent must not wait for 4 GiB. */
	expect_refusal(a, "", 0, 0xffffffffu, "too large");
	free(body);
#undef TOUCH
	usleep(200000);
	assert_false(exists(a->marker));

	/* The same request, well-formed, does run: the marker test can fail. */
	char *argv[] = { "touch", a->marker, NULL };
	run_ok(a, argv, NULL, NULL, true);
	assert_true(exists(a->marker));
}

static void test_max_request_option(void **state) {
	struct agent *a = *state;
	kill(a->pid, SIGTERM);
	waitpid(a->pid, NULL, 0);
	a->pid = start_agent(a, "--max-request");   /* 100 bytes */
	char *long_argv[] = { "echo", "0123456789012345678901234567890123456789",
		"0123456789012345678901234567890123456789", "0123456789", NULL };
	struct agent_result res;
	char err[256] = "";
	assert_false(agent_client_run(a->addr, long_argv, NULL, NULL, 5000, true, &res,
		err, sizeof(err)));
	assert_non_null(strstr(err, "too large"));
	char *short_argv[] = { "true", NULL };
	run_ok(a, short_argv, NULL, NULL, true);

	/* Larger than the socket buffers: the agent refuses at the header and
	 * closes while the client is still sending, whose send then fails; the
	 * client still reports the agent's reason, not a broken pipe. */
	size_t big = 1 << 20;
	char *arg = malloc(big + 1);
	assert_non_null(arg);
	memset(arg, 'x', big);
	arg[big] = '\0';
	char *huge_argv[] = { "echo", arg, NULL };
	err[0] = '\0';
	assert_false(agent_client_run(a->addr, huge_argv, NULL, NULL, 5000, true, &res,
		err, sizeof(err)));
	free(arg);
	if (strstr(err, "too large") == NULL) {
		fail_msg("a request refused mid-send reads: %s", err);
	}
}

static void test_client_errors(void **state) {
	struct agent *a = *state;
	struct sockaddr_storage ss;
	socklen_t len;
	char err[256];
	assert_true(agent_client_parse_address("vsock:3:5100", &ss, &len, err, sizeof(err)));
	assert_int_equal(ss.ss_family, AF_VSOCK);
	assert_true(agent_client_parse_address("unix:/x", &ss, &len, err, sizeof(err)));
	assert_int_equal(ss.ss_family, AF_UNIX);
	assert_false(agent_client_parse_address("vsock:3", &ss, &len, err, sizeof(err)));
	assert_false(agent_client_parse_address("vsock:x:1", &ss, &len, err, sizeof(err)));
	assert_false(agent_client_parse_address("tcp:1.2.3.4:5", &ss, &len, err, sizeof(err)));
	assert_false(agent_client_parse_address("unix:", &ss, &len, err, sizeof(err)));

	/* Nothing listens: retried until the timeout, then a clear error. */
	char addr[160];
	snprintf(addr, sizeof(addr), "unix:%s/nobody.sock", a->dir);
	char *argv[] = { "true", NULL };
	struct agent_result res;
	int64_t t0 = mstime_now();
	assert_false(agent_client_run(addr, argv, NULL, NULL, 400, true, &res, err,
		sizeof(err)));
	int64_t took = mstime_now() - t0;
	assert_true(took >= 380 && took < 1500);
	assert_non_null(strstr(err, "cannot connect"));
}

static void test_connect_waits_for_agent(void **state) {
	struct agent *a = *state;
	kill(a->pid, SIGTERM);
	waitpid(a->pid, NULL, 0);
	unlink(a->sock);
	/* The agent comes up 300 ms later, as a booting guest's would. */
	pid_t starter = fork();
	if (starter == 0) {
		usleep(300000);
		execl(CORDON_AGENT_BIN, "cordon-agent", "--listen", a->addr, (char *)NULL);
		_exit(127);
	}
	a->pid = starter;
	char *argv[] = { "sh", "-c", "exit 4", NULL };
	assert_int_equal(run_ok(a, argv, NULL, NULL, true).code, 4);
}

static void test_agent_exit_stops_commands(void **state) {
	struct agent *a = *state;
	char *argv[] = { "sleep", "1000", NULL };
	struct agent_result res = run_ok(a, argv, NULL, NULL, false);
	assert_int_equal(kill(res.pid, 0), 0);
	kill(a->pid, SIGTERM);
	int status;
	assert_int_equal(waitpid(a->pid, &status, 0), a->pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	a->pid = -1;
	assert_true(fixture_wait_gone(res.pid, 2000));
}

/* A test with a fresh agent on a socket in a scratch directory. */
#define AGENT_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		AGENT_TEST(test_run_and_exit_code),
		AGENT_TEST(test_env_cwd_display),
		AGENT_TEST(test_signal_reported),
		AGENT_TEST(test_no_wait),
		AGENT_TEST(test_concurrent),
		AGENT_TEST(test_bad_requests_spawn_nothing),
		AGENT_TEST(test_max_request_option),
		AGENT_TEST(test_client_errors),
		AGENT_TEST(test_connect_waits_for_agent),
		AGENT_TEST(test_agent_exit_stops_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
