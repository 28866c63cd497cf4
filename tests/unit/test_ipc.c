/*
 * IPC: request framing and validation with a fake dispatcher, the real
 * socket on a bare wl_event_loop, and the compositor's command table on a
 * hand-built server whose view functions are test doubles.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/fixture.h"
#include <wlr/backend/headless.h>
#include <wlr/types/wlr_output_layout.h>
#include "compositor/wm/cursor.h"
#include "compositor/domain/domain.h"
#include "compositor/render/frame.h"
#include "compositor/ipc/ipc.h"
#include "compositor/wm/output.h"
#include "compositor/server.h"
#include "compositor/wm/view.h"
#include "compositor/wm/xwayland.h"
#include "compositor/guard/session_lock.h"

/* --- fake dispatcher ------------------------------------------------------ */

struct fake {
	int calls;
	char cmd[64];
	struct ipc_connection *conn;
	int64_t arg;
};

static struct json_object *fake_dispatch(struct ipc_connection *conn,
		const char *cmd, struct json_object *request, void *data) {
	struct fake *fake = data;
	fake->calls++;
	snprintf(fake->cmd, sizeof(fake->cmd), "%s", cmd);
	fake->conn = conn;
	fake->arg = json_object_get_int64(json_object_object_get(request, "arg"));
	if (strcmp(cmd, "echo") == 0) {
		struct json_object *reply = ipc_ok();
		json_object_object_add(reply, "cmd", json_object_new_string(cmd));
		return reply;
	}
	if (strcmp(cmd, "big") == 0) {
		/* A 2 KiB reply, to fill a client's socket quickly. */
		char pad[2048];
		memset(pad, 'x', sizeof(pad) - 1);
		pad[sizeof(pad) - 1] = '\0';
		struct json_object *reply = ipc_ok();
		json_object_object_add(reply, "pad", json_object_new_string(pad));
		return reply;
	}
	return NULL;
}

/* Runs one request through the framing layer and checks the reply. */
static void expect_reply(struct fake *fake, const char *line, size_t len,
		const char *expected) {
	char *reply = ipc_handle_request(line, len, fake_dispatch, NULL, fake);
	assert_non_null(reply);
	assert_string_equal(reply, expected);
	free(reply);
}

static void expect(struct fake *fake, const char *line, const char *expected) {
	expect_reply(fake, line, strlen(line), expected);
}

/* --- request validation --------------------------------------------------- */

static void test_valid_request(void **state) {
	struct fake fake = { 0 };
	expect(&fake, "{\"cmd\":\"echo\",\"arg\":42}",
		"{\"ok\":true,\"cmd\":\"echo\"}");
	assert_int_equal(fake.calls, 1);
	assert_string_equal(fake.cmd, "echo");
	assert_int_equal(fake.arg, 42);
	assert_null(fake.conn);
	/* Whitespace around the object is JSON, not an error. */
	expect(&fake, "  {\"cmd\" : \"echo\"}  ", "{\"ok\":true,\"cmd\":\"echo\"}");
	assert_int_equal(fake.calls, 2);
}

/* Requests refused before any command runs, each with its reply. */
static void test_refused_requests(void **state) {
#define REFUSED(error) "{\"ok\":false,\"error\":\"" error "\"}"
	static const struct {
		const char *request, *reply;
	} cases[] = {
		{ "", REFUSED("empty request") },
		{ "{\"cmd\":", REFUSED("malformed JSON: unexpected end of data") },
		{ "{\"cmd\":\"echo\"} trailing", REFUSED("malformed JSON: unexpected character") },
		{ "{'cmd':'echo'}", REFUSED("malformed JSON: unexpected character") },
		{ "{\"cmd\":\"echo\",}", REFUSED("malformed JSON: unexpected character") },
		{ "[{\"cmd\":\"echo\"}]", REFUSED("request is not a JSON object") },
		{ "42", REFUSED("request is not a JSON object") },
		{ "null", REFUSED("request is not a JSON object") },
		{ "\"echo\"", REFUSED("request is not a JSON object") },
		{ "true", REFUSED("request is not a JSON object") },
		{ "{}", REFUSED("missing field 'cmd'") },
		{ "{\"command\":\"echo\"}", REFUSED("missing field 'cmd'") },
		{ "{\"cmd\":5}", REFUSED("field 'cmd' must be a string") },
		{ "{\"cmd\":null}", REFUSED("field 'cmd' must be a string") },
		{ "{\"cmd\":[\"echo\"]}", REFUSED("field 'cmd' must be a string") },
	};
#undef REFUSED
	struct fake fake = { 0 };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *reply = ipc_handle_request(cases[i].request, strlen(cases[i].request),
			fake_dispatch, NULL, &fake);
		assert_non_null(reply);
		if (strcmp(reply, cases[i].reply) != 0) {
			fail_msg("request '%s': reply %s, want %s", cases[i].request, reply,
				cases[i].reply);
		}
		free(reply);
	}
	assert_int_equal(fake.calls, 0);
}

static void test_unknown_command(void **state) {
	struct fake fake = { 0 };
	expect(&fake, "{\"cmd\":\"nope\"}",
		"{\"ok\":false,\"error\":\"unknown command 'nope'\"}");
	assert_int_equal(fake.calls, 1);
	/* A quote in the name comes back escaped, still one JSON line. */
	expect(&fake, "{\"cmd\":\"a\\\"b\"}",
		"{\"ok\":false,\"error\":\"unknown command 'a\\\"b'\"}");
}

static void test_bad_utf8_and_nul(void **state) {
	struct fake fake = { 0 };
	/* Invalid UTF-8 is refused, not passed on to the compositor. */
	char *reply = ipc_handle_request("{\"cmd\":\"\xff\"}", 11, fake_dispatch,
		NULL, &fake);
	assert_non_null(reply);
	assert_non_null(strstr(reply, "\"error\":\"malformed JSON: "));
	free(reply);
	static const char with_nul[] = "{\"cmd\":\"echo\"}\0{}";
	expect_reply(&fake, with_nul, sizeof(with_nul) - 1,
		"{\"ok\":false,\"error\":\"request contains a NUL byte\"}");
	assert_int_equal(fake.calls, 0);
}

/* --- line framing --------------------------------------------------------- */

struct lines {
	int n;
	char text[8][128];
	size_t len[8];
	int stop_after;   /* return false after this many lines; 0: never */
};

static bool collect_line(char *line, size_t len, void *data) {
	struct lines *lines = data;
	assert_true(lines->n < 8);
	assert_int_equal(strlen(line), len);
	snprintf(lines->text[lines->n], sizeof(lines->text[0]), "%s", line);
	lines->len[lines->n] = len;
	lines->n++;
	return lines->stop_after == 0 || lines->n < lines->stop_after;
}

static enum ipc_linebuf_result feed(struct ipc_linebuf *lb, const char *data,
		size_t len, struct lines *lines) {
	size_t avail;
	char *space = ipc_linebuf_space(lb, &avail);
	assert_true(len <= avail);
	memcpy(space, data, len);
	return ipc_linebuf_commit(lb, len, collect_line, lines);
}

static void test_several_in_one_read(void **state) {
	struct ipc_linebuf lb;
	assert_true(ipc_linebuf_init(&lb));
	struct lines lines = { 0 };
	const char *data = "{\"cmd\":\"a\"}\n{\"cmd\":\"b\"}\r\n\n{\"cmd\":\"c\"}\n{\"cm";
	assert_int_equal(feed(&lb, data, strlen(data), &lines), IPC_LINEBUF_OK);
	assert_int_equal(lines.n, 4);
	assert_string_equal(lines.text[0], "{\"cmd\":\"a\"}");
	assert_string_equal(lines.text[1], "{\"cmd\":\"b\"}"); /* \r dropped */
	assert_string_equal(lines.text[2], "");
	assert_int_equal(lines.len[2], 0);
	assert_string_equal(lines.text[3], "{\"cmd\":\"c\"}");
	/* The unfinished fourth request waits in the buffer. */
	assert_int_equal(lb.len, 4);
	assert_memory_equal(lb.data, "{\"cm", 4);
	ipc_linebuf_finish(&lb);
}

static void test_split_across_reads(void **state) {
	struct ipc_linebuf lb;
	assert_true(ipc_linebuf_init(&lb));
	struct lines lines = { 0 };
	assert_int_equal(feed(&lb, "{\"cmd\"", 6, &lines), IPC_LINEBUF_OK);
	assert_int_equal(lines.n, 0);
	assert_int_equal(feed(&lb, ":\"ec", 4, &lines), IPC_LINEBUF_OK);
	assert_int_equal(lines.n, 0);
	assert_int_equal(feed(&lb, "ho\"}\n{", 6, &lines), IPC_LINEBUF_OK);
	assert_int_equal(lines.n, 1);
	assert_string_equal(lines.text[0], "{\"cmd\":\"echo\"}");
	assert_int_equal(feed(&lb, "}\n", 2, &lines), IPC_LINEBUF_OK);
	assert_int_equal(lines.n, 2);
	assert_string_equal(lines.text[1], "{}");
	assert_int_equal(lb.len, 0);
	ipc_linebuf_finish(&lb);
}

static void test_oversize_line(void **state) {
	struct ipc_linebuf lb;
	assert_true(ipc_linebuf_init(&lb));
	struct lines lines = { 0 };
	char *big = malloc(IPC_MAX_REQUEST + 1);
	assert_non_null(big);

	/* Exactly the limit, then its newline: accepted. */
	memset(big, 'a', IPC_MAX_REQUEST);
	assert_int_equal(feed(&lb, big, IPC_MAX_REQUEST, &lines), IPC_LINEBUF_OK);
	assert_int_equal(lines.n, 0);
	assert_int_equal(feed(&lb, "\n", 1, &lines), IPC_LINEBUF_OK);
	assert_int_equal(lines.n, 1);
	assert_int_equal(lines.len[0], IPC_MAX_REQUEST);

	/* One byte more and no newline in sight: too large. */
	memset(big, 'b', IPC_MAX_REQUEST + 1);
	assert_int_equal(feed(&lb, big, IPC_MAX_REQUEST, &lines), IPC_LINEBUF_OK);
	assert_int_equal(feed(&lb, big, 1, &lines), IPC_LINEBUF_TOO_LARGE);
	assert_int_equal(lines.n, 1);
	free(big);
	ipc_linebuf_finish(&lb);
}

static void test_stop_and_resume(void **state) {
	struct ipc_linebuf lb;
	assert_true(ipc_linebuf_init(&lb));
	struct lines lines = { .stop_after = 1 };
	assert_int_equal(feed(&lb, "one\ntwo\nthr", 11, &lines),
		IPC_LINEBUF_STOPPED);
	assert_int_equal(lines.n, 1);
	lines.stop_after = 0;
	/* Committing nothing hands over the lines held back. */
	assert_int_equal(ipc_linebuf_commit(&lb, 0, collect_line, &lines),
		IPC_LINEBUF_OK);
	assert_int_equal(lines.n, 2);
	assert_string_equal(lines.text[1], "two");
	assert_int_equal(lb.len, 3);
	ipc_linebuf_finish(&lb);
}

/* --- the real socket ------------------------------------------------------ */

struct sock_env {
	char dir[64];
	char path[128];
	struct wl_event_loop *loop;
	struct fake fake;
	struct cordon_ipc *ipc;
};

static int sock_setup(void **state) {
	struct sock_env *env = calloc(1, sizeof(*env));
	assert_non_null(env);
	fixture_mkdtemp(env->dir, sizeof(env->dir), "/tmp/ipct.XXXXXX");
	snprintf(env->path, sizeof(env->path), "%s/ipc.sock", env->dir);
	env->loop = wl_event_loop_create();
	assert_non_null(env->loop);
	env->ipc = ipc_create(env->loop, env->path, fake_dispatch, &env->fake);
	assert_non_null(env->ipc);
	*state = env;
	return 0;
}

static int sock_teardown(void **state) {
	struct sock_env *env = *state;
	ipc_destroy(env->ipc);
	wl_event_loop_destroy(env->loop);
	fixture_rmtree(env->dir);
	free(env);
	return 0;
}

static int client_connect(const char *path) {
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

static void client_write(int fd, const char *text) {
	size_t len = strlen(text);
	assert_int_equal(send(fd, text, len, MSG_NOSIGNAL), (ssize_t)len);
}

static bool readable(int fd, int timeout_ms) {
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return poll(&pfd, 1, timeout_ms) == 1;
}

/* Runs the loop until fd has something to read (or 3 s pass). */
static void pump(struct wl_event_loop *loop, int fd) {
	for (int i = 0; i < 300 && !readable(fd, 0); i++) {
		wl_event_loop_dispatch(loop, 10);
	}
}

/* Reads one line from the compositor, running its loop meanwhile. Returns
 * false at EOF. */
static bool client_read_line(struct wl_event_loop *loop, int fd, char *buf,
		size_t size) {
	size_t len = 0;
	for (;;) {
		pump(loop, fd);
		char c;
		ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n == 0) {
			return false;
		}
		if (n < 0) {
			fail_msg("recv: %s", strerror(errno));
		}
		if (c == '\n') {
			buf[len] = '\0';
			return true;
		}
		assert_true(len + 1 < size);
		buf[len++] = c;
	}
}

static void expect_line(struct wl_event_loop *loop, int fd,
		const char *expected) {
	char buf[4096];
	assert_true(client_read_line(loop, fd, buf, sizeof(buf)));
	assert_string_equal(buf, expected);
}

static void expect_eof(struct wl_event_loop *loop, int fd) {
	char buf[4096];
	assert_false(client_read_line(loop, fd, buf, sizeof(buf)));
}

/* Connects, sends request (its newline included) and expects reply; returns the fd. */
static int client_ask(struct wl_event_loop *loop, const char *path, const char *request,
		const char *reply) {
	int fd = client_connect(path);
	client_write(fd, request);
	expect_line(loop, fd, reply);
	return fd;
}

#define ECHO_REQUEST "{\"cmd\":\"echo\"}\n"
#define ECHO_REPLY "{\"ok\":true,\"cmd\":\"echo\"}"

static void test_socket_mode(void **state) {
	struct sock_env *env = *state;
	struct stat st;
	assert_int_equal(lstat(env->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
}

static void test_socket_requests(void **state) {
	struct sock_env *env = *state;
	int fd = client_connect(env->path);
	/* Two requests and the start of a third in one write. */
	client_write(fd, "{\"cmd\":\"echo\"}\n{\"cmd\":\"nope\"}\n{\"cmd\":");
	expect_line(env->loop, fd, ECHO_REPLY);
	expect_line(env->loop, fd,
		"{\"ok\":false,\"error\":\"unknown command 'nope'\"}");
	assert_non_null(env->fake.conn);
	client_write(fd, "\"echo\"}\n");
	expect_line(env->loop, fd, ECHO_REPLY);
	/* Malformed JSON is answered and the connection carries on. */
	client_write(fd, "{bad\n{\"cmd\":\"echo\"}\n");
	expect_line(env->loop, fd, "{\"ok\":false,\"error\":\"malformed JSON: "
		"quoted object property name expected\"}");
	expect_line(env->loop, fd, ECHO_REPLY);
	assert_int_equal(env->fake.calls, 4);
	close(fd);
}

static void test_socket_last_line_without_newline(void **state) {
	struct sock_env *env = *state;
	int fd = client_connect(env->path);
	client_write(fd, "{\"cmd\":\"echo\"}");
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	expect_line(env->loop, fd, ECHO_REPLY);
	expect_eof(env->loop, fd);
	close(fd);
}

static void test_socket_oversize(void **state) {
	struct sock_env *env = *state;
	int fd = client_connect(env->path);
	size_t len = IPC_MAX_REQUEST + 100;
	char *big = malloc(len + 1);
	assert_non_null(big);
	memset(big, ' ', len);
	big[len] = '\0';
	client_write(fd, big);
	free(big);
	expect_line(env->loop, fd, "{\"ok\":false,\"error\":"
		"\"request too large (limit 65536 bytes)\"}");
	expect_eof(env->loop, fd);
	assert_int_equal(env->fake.calls, 0);
	close(fd);
}

static void test_socket_subscribe(void **state) {
	struct sock_env *env = *state;
	int sub = client_ask(env->loop, env->path, "{\"cmd\":\"subscribe\"}\n", "{\"ok\":true}");
	int other = client_ask(env->loop, env->path, "{\"cmd\":\"subscribe\",\"filter\":1}\n",
		"{\"ok\":false,\"error\":\"unknown field 'filter' for 'subscribe'\"}");
	assert_int_equal(env->fake.calls, 0);

	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "id", json_object_new_int(3));
	json_object_object_add(body, "path", json_object_new_string("/a/b"));
	/* A body cannot rename the event. */
	json_object_object_add(body, "event", json_object_new_string("forged"));
	ipc_broadcast(env->ipc, "window", body);
	/* The body is still the caller's alone: this put frees it. */
	assert_int_equal(json_object_put(body), 1);

	expect_line(env->loop, sub,
		"{\"event\":\"window\",\"id\":3,\"path\":\"/a/b\"}");
	wl_event_loop_dispatch(env->loop, 50);
	assert_false(readable(other, 50));
	ipc_broadcast(env->ipc, "domain", NULL);
	expect_line(env->loop, sub, "{\"event\":\"domain\"}");
	/* A NULL ipc is a no-op, for events before the socket exists. */
	ipc_broadcast(NULL, "domain", NULL);
	close(sub);
	close(other);
}

static void test_socket_slow_reader(void **state) {
	struct sock_env *env = *state;
	int fd = client_ask(env->loop, env->path, "{\"cmd\":\"subscribe\"}\n", "{\"ok\":true}");

	/* 128 events of 64 KiB: 8 MiB, twice the cap, and never read. */
	size_t pad_len = 64 * 1024;
	char *pad = malloc(pad_len + 1);
	assert_non_null(pad);
	memset(pad, 'e', pad_len);
	pad[pad_len] = '\0';
	struct json_object *body = json_object_new_object();
	json_object_object_add(body, "pad", json_object_new_string(pad));
	free(pad);
	for (int i = 0; i < 128; i++) {
		ipc_broadcast(env->ipc, "flood", body);
	}
	json_object_put(body);

	/* cordon dropped the client: what it got ends in EOF, short of 8 MiB. */
	size_t total = 0;
	char buf[65536];
	for (;;) {
		assert_true(readable(fd, 3000));
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		assert_true(n >= 0);
		if (n == 0) {
			break;
		}
		total += (size_t)n;
	}
	assert_true(total > 0);
	assert_true(total < 128 * pad_len);
	close(fd);
}

static void test_socket_pipelining(void **state) {
	struct sock_env *env = *state;
	int fd = client_connect(env->path);
	/* 3000 requests whose 2 KiB replies add up to 6 MB, over the 4 MiB
	 * cap: cordon must stop reading while they pile up, not drop us. */
	enum { N = 3000 };
	const char *request = "{\"cmd\":\"big\"}\n";
	size_t request_len = strlen(request);
	char *batch = malloc(N * request_len + 1);
	assert_non_null(batch);
	for (int i = 0; i < N; i++) {
		memcpy(batch + i * request_len, request, request_len);
	}
	batch[N * request_len] = '\0';
	client_write(fd, batch);
	free(batch);

	/* Let cordon fill our receive buffer before we read anything. */
	for (int i = 0; i < 50; i++) {
		wl_event_loop_dispatch(env->loop, 1);
	}
	int replies = 0;
	char buf[65536];
	while (replies < N) {
		wl_event_loop_dispatch(env->loop, 1);
		if (!readable(fd, 10)) {
			continue;
		}
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		assert_true(n > 0);
		for (ssize_t i = 0; i < n; i++) {
			replies += buf[i] == '\n';
		}
	}
	assert_int_equal(replies, N);
	assert_int_equal(env->fake.calls, N);
	close(fd);
}

static void test_destroy_removes_socket(void **state) {
	struct sock_env *env = *state;
	int fd = client_ask(env->loop, env->path, ECHO_REQUEST, ECHO_REPLY);
	ipc_destroy(env->ipc);
	env->ipc = NULL;
	struct stat st;
	assert_int_equal(lstat(env->path, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* Its connection is closed too. */
	assert_true(readable(fd, 1000));
	char c;
	assert_int_equal(recv(fd, &c, 1, 0), 0);
	close(fd);
}

static void test_live_socket_refused(void **state) {
	struct sock_env *env = *state;
	struct fake other = { 0 };
	assert_null(ipc_create(env->loop, env->path, fake_dispatch, &other));
	/* The running one is untouched and still answers. */
	close(client_ask(env->loop, env->path, ECHO_REQUEST, ECHO_REPLY));
}

static void test_stale_socket_replaced(void **state) {
	char dir[64], path[96];
	fixture_mkdtemp(dir, sizeof(dir), "/tmp/ipct.XXXXXX");
	snprintf(path, sizeof(path), "%s/ipc.sock", dir);

	/* A socket file nobody listens on, as a crashed cordon leaves it. */
	close(fixture_unix_listener(path, -1));

	struct wl_event_loop *loop = wl_event_loop_create();
	struct fake fake = { 0 };
	struct cordon_ipc *ipc = ipc_create(loop, path, fake_dispatch, &fake);
	assert_non_null(ipc);
	close(client_ask(loop, path, ECHO_REQUEST, ECHO_REPLY));
	ipc_destroy(ipc);

	/* A file that is not a socket is never removed. */
	FILE *file = fopen(path, "w");
	assert_non_null(file);
	fclose(file);
	assert_null(ipc_create(loop, path, fake_dispatch, &fake));
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(path);

	/* A path longer than sun_path holds. */
	char long_path[200];
	memset(long_path, 'x', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_null(ipc_create(loop, long_path, fake_dispatch, &fake));

	wl_event_loop_destroy(loop);
	rmdir(dir);
}

/* --- the command table, on a hand-built server ---------------------------- */

/*
 * Test doubles for what ipc_commands.c calls in view.c and server.c; the
 * pure modules (config, domain_find, the IPC transport) are linked as built.
 */
static struct cordon_view *focused_by_test;
static int switched_to = -1;
static bool terminated;

struct cordon_view *view_from_id(struct cordon_server *server, uint32_t id) {
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		if (view->id == id) {
			return view;
		}
	}
	return NULL;
}

void view_focus(struct cordon_view *view) {
	focused_by_test = view;
	view->server->focused_view = view;
}

void view_switch_workspace(struct cordon_server *server, int workspace) {
	switched_to = workspace;
	server->workspace = workspace;
}

static int rebased;

struct wlr_box view_geometry(struct cordon_view *view) {
	return (struct wlr_box){ view->x, view->y, 640 + (int)view->id, 480 };
}

void server_terminate(struct cordon_server *server) {
	terminated = true;
}

/* The launcher's side: only "work" is started by cordon. */
static char launched[64];

/* The host has an X server here; "work" (a crosvm domain) has none. */
const char *xwayland_display(const struct cordon_domain *domain) {
	return domain->type == DOMAIN_HOST ? ":3" : NULL;
}

void launcher_describe(struct cordon_domain *domain, struct json_object *obj) {
	json_object_object_add(obj, "state", domain->type == DOMAIN_CONFIG ?
		json_object_new_string("running") : NULL);
}

static bool fake_launch(const char *what, struct cordon_domain *domain, char *err,
		size_t errlen) {
	if (domain->type != DOMAIN_CONFIG) {
		snprintf(err, errlen, "domain '%s' is not started by cordon", domain->name);
		return false;
	}
	snprintf(launched, sizeof(launched), "%s %s", what, domain->name);
	return true;
}

bool launcher_start(struct cordon_domain *domain, char *err, size_t errlen) {
	return fake_launch("start", domain, err, errlen);
}

bool launcher_stop(struct cordon_domain *domain, char *err, size_t errlen) {
	return fake_launch("stop", domain, err, errlen);
}

bool launcher_restart(struct cordon_domain *domain, char *err, size_t errlen) {
	return fake_launch("restart", domain, err, errlen);
}

bool launcher_run(struct cordon_domain *domain, char *const *argv,
		struct json_object *reply, char *err, size_t errlen) {
	if (!fake_launch(argv[0], domain, err, errlen)) {
		return false;
	}
	json_object_object_add(reply, "agent", json_object_new_string("unix:/a"));
	return true;
}

/* Reload: fails with two errors until reload_ok is set. */
static bool reload_ok;

bool reload_config(struct cordon_server *server, struct config_errors *errs) {
	if (reload_ok) {
		return true;
	}
	errs->msgs = calloc(2, sizeof(*errs->msgs));
	errs->msgs[0] = strdup("c.conf:3: bad colour 'x'");
	errs->msgs[1] = strdup("c.conf:9: unknown key 'y'");
	errs->len = 2;
	return false;
}

/* The clipboard's side: one pending prompt (id 7), no transfers yet. */
static uint32_t answered_id;
static int answered_allow = -1;

struct json_object *prompt_list(struct cordon_server *server) {
	return json_tokener_parse("[{\"id\":7,\"from\":\"work\",\"to\":\"bank\"}]");
}

bool prompt_answer(struct cordon_server *server, uint32_t id, bool allow) {
	if (id != 7) {
		return false;
	}
	answered_id = id;
	answered_allow = allow;
	return true;
}

/* The session lock's side: a locker is configured only when this is set. */
static const char *fake_locker;
static int lockers_started;

bool session_lock_start_locker(struct cordon_server *server, const char **why) {
	if (fake_locker == NULL) {
		*why = "no locker is configured ([general] locker)";
		return false;
	}
	lockers_started++;
	return true;
}

struct json_object *clipboard_transfers(struct cordon_server *server) {
	return json_object_new_array();
}

struct json_object *clipboard_grants(struct cordon_server *server) {
	return json_object_new_array();
}

/* The attention list (guard/attention.c): one host window. */
struct json_object *attention_list(struct cordon_server *server) {
	struct json_object *list = json_object_new_array();
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "domain", json_object_new_string("host"));
	json_object_object_add(o, "kind", json_object_new_string("toplevel"));
	json_object_array_add(list, o);
	return list;
}

/* The window commands' side: each double records what it was asked. */
static struct {
	struct cordon_view *view;
	const char *what;
	int arg;
	struct wlr_box box;
	bool deny_fullscreen;
	int rebased;
} win_call;

void view_set_maximized(struct cordon_view *view, bool maximized) {
	win_call.view = view;
	win_call.what = "maximize";
	win_call.arg = maximized;
	view->maximized = maximized;
}

void view_set_fullscreen(struct cordon_view *view, bool fullscreen) {
	win_call.view = view;
	win_call.what = "fullscreen";
	win_call.arg = fullscreen;
	if (!fullscreen || !win_call.deny_fullscreen) {
		view->fullscreen = fullscreen;
	}
}

void view_close(struct cordon_view *view) {
	win_call.view = view;
	win_call.what = "close";
}

void view_move_to_workspace(struct cordon_view *view, int workspace) {
	win_call.view = view;
	win_call.what = "to-workspace";
	win_call.arg = workspace;
	view->workspace = workspace;
}

void view_request_geometry(struct cordon_view *view, struct wlr_box box) {
	win_call.view = view;
	win_call.what = "resize";
	win_call.box = box;
}

void view_update_position(struct cordon_view *view) {
	win_call.view = view;
	win_call.what = "move";
	win_call.box = (struct wlr_box){ view->x, view->y, 0, 0 };
}

/* Counted for the focus command and for the window commands alike. */
void cursor_rebase(struct cordon_server *server) {
	rebased++;
	win_call.rebased++;
}

struct frame_extents frame_extents(const struct cordon_frame *frame) {
	return (struct frame_extents){ .left = 4, .right = 4, .top = 28, .bottom = 4 };
}

/* Every output of the tests is 1280x720 at 0,0. */
struct wlr_box output_box(struct cordon_output *output) {
	return (struct wlr_box){ 0, 0, 1280, 720 };
}

struct cmd_env {
	struct cordon_server server;
	struct cordon_domain host, work;
	struct config_domain work_config;
	struct cordon_view views[3];
};

static int cmd_setup(void **state) {
	struct cmd_env *env = calloc(1, sizeof(*env));
	assert_non_null(env);
	struct cordon_server *server = &env->server;
	wl_list_init(&server->views);
	wl_list_init(&server->outputs);
	wl_list_init(&server->domains);
	/* The built-in config: trust, pattern and badge of domains come from it. */
	server->config = config_create_default();
	assert_non_null(server->config);

	env->host = (struct cordon_domain){ .server = server, .type = DOMAIN_HOST,
		.name = "host", .color = 0x3c3c3c, .n_clients = 2, .n_views = 1 };
	env->work_config.kind = CONFIG_DOMAIN_CROSVM;
	env->work = (struct cordon_domain){ .server = server,
		.type = DOMAIN_CONFIG, .name = "work", .color = 0x00a0ff,
		.config = &env->work_config,
		.socket_path = "/run/user/1000/cordon/work/wayland-0",
		.n_clients = 1, .n_views = 2 };
	wl_list_insert(server->domains.prev, &env->host.link);
	wl_list_insert(server->domains.prev, &env->work.link);

	const struct { uint32_t id; struct cordon_domain *domain; const char *title;
			int ws; bool mapped; } specs[] = {
		{ 1, &env->host, "term", 0, true },
		{ 2, &env->work, "mail \"inbox\"", 2, true },
		{ 3, &env->work, "not yet", 0, false },
	};
	for (int i = 0; i < 3; i++) {
		struct cordon_view *view = &env->views[i];
		view->server = server;
		view->id = specs[i].id;
		view->domain = specs[i].domain;
		view->title = (char *)specs[i].title;
		view->app_id = i == 0 ? "foot" : NULL;
		view->x = 10 * i;
		view->y = 20 * i;
		view->workspace = specs[i].ws;
		view->mapped = specs[i].mapped;
		wl_list_insert(server->views.prev, &view->link);
	}
	env->views[1].urgent = true;
	env->views[1].maximized = true;
	server->focused_view = &env->views[0];
	focused_by_test = NULL;
	switched_to = -1;
	terminated = false;
	*state = env;
	return 0;
}

static int cmd_teardown(void **state) {
	struct cmd_env *env = *state;
	config_destroy(env->server.config);
	free(*state);
	return 0;
}

/* Runs a request line through the framing and the real command table. */
static char *run_cmd(struct cmd_env *env, const char *line) {
	char *reply = ipc_handle_request(line, strlen(line),
		ipc_commands_dispatch, NULL, &env->server);
	assert_non_null(reply);
	return reply;
}

static void expect_cmd(struct cmd_env *env, const char *line,
		const char *expected) {
	char *reply = run_cmd(env, line);
	assert_string_equal(reply, expected);
	free(reply);
}

/* The reply to line holds fragment. */
static void expect_cmd_has(struct cmd_env *env, const char *line, const char *fragment) {
	char *reply = run_cmd(env, line);
	if (!strstr(reply, fragment)) {
		fail_msg("reply to %s: %s lacks %s", line, reply, fragment);
	}
	free(reply);
}

static void test_cmd_version(void **state) {
	expect_cmd(*state, "{\"cmd\":\"version\"}",
		"{\"ok\":true,\"version\":\"" CORDON_VERSION "\"}");
	expect_cmd(*state, "{\"cmd\":\"version\",\"verbose\":true}",
		"{\"ok\":false,\"error\":\"unknown field 'verbose' for 'version'\"}");
}

static void test_cmd_windows(void **state) {
	expect_cmd(*state, "{\"cmd\":\"windows\"}",
		"{\"ok\":true,\"windows\":["
		"{\"id\":1,\"domain\":\"host\",\"title\":\"term\",\"app_id\":\"foot\","
		"\"x\":0,\"y\":0,\"width\":641,\"height\":480,\"focused\":true,"
		"\"workspace\":1,\"urgent\":false,\"fullscreen\":false,"
		"\"maximized\":false,\"minimized\":false},"
		"{\"id\":2,\"domain\":\"work\",\"title\":\"mail \\\"inbox\\\"\","
		"\"app_id\":\"\",\"x\":10,\"y\":20,\"width\":642,\"height\":480,"
		"\"focused\":false,\"workspace\":3,\"urgent\":true,"
		"\"fullscreen\":false,\"maximized\":true,\"minimized\":false}]}");
}

static void test_cmd_focus(void **state) {
	struct cmd_env *env = *state;
	/*
	 * A window on another workspace: view_focus shows it in the same step;
	 * a switch first would focus that workspace's last window on the way.
	 */
	rebased = 0;
	expect_cmd(env, "{\"cmd\":\"focus\",\"id\":2}", "{\"ok\":true}");
	assert_ptr_equal(focused_by_test, &env->views[1]);
	assert_int_equal(switched_to, -1);
	assert_int_equal(rebased, 1);

	focused_by_test = NULL;
	expect_cmd(env, "{\"cmd\":\"focus\",\"id\":99}",
		"{\"ok\":false,\"error\":\"no window with id 99\"}");
	expect_cmd(env, "{\"cmd\":\"focus\",\"id\":3}",
		"{\"ok\":false,\"error\":\"no window with id 3\"}"); /* unmapped */
	expect_cmd(env, "{\"cmd\":\"focus\",\"id\":-1}",
		"{\"ok\":false,\"error\":\"no window with id -1\"}");
	expect_cmd(env, "{\"cmd\":\"focus\",\"id\":4294967297}",
		"{\"ok\":false,\"error\":\"no window with id 4294967297\"}");
	const char *not_int =
		"{\"ok\":false,\"error\":\"field 'id' must be an integer\"}";
	expect_cmd(env, "{\"cmd\":\"focus\",\"id\":\"2\"}", not_int);
	expect_cmd(env, "{\"cmd\":\"focus\",\"id\":2.0}", not_int);
	expect_cmd(env, "{\"cmd\":\"focus\",\"id\":null}", not_int);
	expect_cmd(env, "{\"cmd\":\"focus\"}",
		"{\"ok\":false,\"error\":\"missing field 'id' for 'focus'\"}");
	expect_cmd(env, "{\"cmd\":\"focus\",\"id\":2,\"raise\":true}",
		"{\"ok\":false,\"error\":\"unknown field 'raise' for 'focus'\"}");
	assert_null(focused_by_test);
}

static void test_cmd_domains(void **state) {
	expect_cmd(*state, "{\"cmd\":\"domains\"}",
		"{\"ok\":true,\"domains\":["
		"{\"name\":\"host\",\"kind\":\"host\",\"color\":\"#3c3c3c\","
		"\"socket\":null,\"display\":\":3\",\"clients\":2,\"windows\":1,\"trust\":9,"
		"\"pattern\":\"solid\",\"badge\":\"H\",\"apps\":[],\"state\":null},"
		"{\"name\":\"work\",\"kind\":\"crosvm\",\"color\":\"#00a0ff\","
		"\"socket\":\"/run/user/1000/cordon/work/wayland-0\",\"display\":null,"
		"\"clients\":1,\"windows\":2,\"trust\":1,\"pattern\":\"solid\","
		"\"badge\":\"W\",\"apps\":[],\"state\":\"running\"}]}");
}

static void test_cmd_attention(void **state) {
	expect_cmd(*state, "{\"cmd\":\"attention\"}",
		"{\"ok\":true,\"surfaces\":[{\"domain\":\"host\",\"kind\":\"toplevel\"}]}");
}

static void test_cmd_outputs(void **state) {
	struct cmd_env *env = *state;
	expect_cmd(env, "{\"cmd\":\"outputs\"}", "{\"ok\":true,\"outputs\":[]}");

	/* A real wlr_output from the headless backend, placed in a layout. */
	struct wl_display *display = wl_display_create();
	assert_non_null(display);
	struct wlr_backend *backend =
		wlr_headless_backend_create(wl_display_get_event_loop(display));
	assert_non_null(backend);
	struct wlr_output *wlr_output = wlr_headless_add_output(backend, 800, 600);
	assert_non_null(wlr_output);
	env->server.output_layout = wlr_output_layout_create(display);
	assert_non_null(env->server.output_layout);
	assert_non_null(wlr_output_layout_add(env->server.output_layout,
		wlr_output, 100, 50));
	struct cordon_output output = { .server = &env->server,
		.wlr_output = wlr_output };
	wl_list_insert(&env->server.outputs, &output.link);

	/* Headless outputs have no make or model: those become null. */
	assert_null(wlr_output->make);
	assert_null(wlr_output->model);
	char expected[512];
	snprintf(expected, sizeof(expected),
		"{\"ok\":true,\"outputs\":[{\"name\":\"%s\",\"make\":null,"
		"\"model\":null,\"x\":100,\"y\":50,\"width\":800,\"height\":600,"
		"\"scale\":1.0,\"transform\":\"normal\",\"refresh\":%d,"
		"\"enabled\":false,\"power\":\"off\"}]}", wlr_output->name,
		wlr_output->refresh);
	expect_cmd(env, "{\"cmd\":\"outputs\"}", expected);

	/* Scale and transform as cordon sets them through output state. */
	wlr_output->scale = 1.5f;
	wlr_output->transform = WL_OUTPUT_TRANSFORM_FLIPPED_90;
	char *reply = ipc_handle_request("{\"cmd\":\"outputs\"}", 17,
		ipc_commands_dispatch, NULL, &env->server);
	assert_non_null(reply);
	assert_non_null(strstr(reply, "\"scale\":1.5,"));
	assert_non_null(strstr(reply, "\"transform\":\"flipped-90\","));
	free(reply);

	wl_list_remove(&output.link);
	wlr_output_layout_destroy(env->server.output_layout);
	wlr_backend_destroy(backend);
	wl_display_destroy(display);
}

static void test_cmd_clipboard(void **state) {
	expect_cmd(*state, "{\"cmd\":\"prompts\"}",
		"{\"ok\":true,\"prompts\":[{\"id\":7,\"from\":\"work\",\"to\":\"bank\"}]}");
	expect_cmd(*state, "{\"cmd\":\"transfers\"}",
		"{\"ok\":true,\"transfers\":[],\"grants\":[]}");
	expect_cmd(*state, "{\"cmd\":\"answer\",\"id\":7,\"decision\":\"maybe\"}",
		"{\"ok\":false,\"error\":\"field 'decision' must be \\\"allow\\\" or \\\"deny\\\"\"}");
	assert_int_equal(answered_allow, -1);
	expect_cmd(*state, "{\"cmd\":\"answer\",\"id\":8,\"decision\":\"allow\"}",
		"{\"ok\":false,\"error\":\"no pending prompt with id 8\"}");
	expect_cmd(*state, "{\"cmd\":\"answer\",\"id\":7}",
		"{\"ok\":false,\"error\":\"missing field 'decision' for 'answer'\"}");
	assert_int_equal(answered_allow, -1);
	expect_cmd(*state, "{\"cmd\":\"answer\",\"id\":7,\"decision\":\"deny\"}",
		"{\"ok\":true}");
	assert_int_equal(answered_id, 7);
	assert_int_equal(answered_allow, 0);
}

static void test_cmd_launcher(void **state) {
	expect_cmd(*state, "{\"cmd\":\"start\",\"name\":\"nope\"}",
		"{\"ok\":false,\"error\":\"no domain named 'nope'\"}");
	expect_cmd(*state, "{\"cmd\":\"start\",\"name\":\"host\"}",
		"{\"ok\":false,\"error\":\"domain 'host' is not started by cordon\"}");
	assert_string_equal(launched, "");
	expect_cmd(*state, "{\"cmd\":\"stop\",\"name\":\"work\"}", "{\"ok\":true}");
	assert_string_equal(launched, "stop work");
	expect_cmd(*state, "{\"cmd\":\"restart\",\"name\":\"work\"}", "{\"ok\":true}");
	assert_string_equal(launched, "restart work");
	expect_cmd(*state, "{\"cmd\":\"run\",\"name\":\"work\",\"argv\":[]}",
		"{\"ok\":false,\"error\":\"field 'argv' must hold 1 to 1024 strings\"}");
	expect_cmd(*state, "{\"cmd\":\"run\",\"name\":\"work\",\"argv\":[\"foot\",3]}",
		"{\"ok\":false,\"error\":\"field 'argv' must hold only strings (item 1 is not)\"}");
	assert_string_equal(launched, "restart work");
	expect_cmd(*state, "{\"cmd\":\"run\",\"name\":\"work\",\"argv\":[\"foot\"]}",
		"{\"ok\":true,\"agent\":\"unix:/a\"}");
	assert_string_equal(launched, "foot work");
}

static void test_cmd_reload(void **state) {
	reload_ok = false;
	expect_cmd(*state, "{\"cmd\":\"reload\"}",
		"{\"ok\":false,\"error\":\"the configuration has 2 errors; the running "
		"configuration stays\",\"errors\":[\"c.conf:3: bad colour 'x'\","
		"\"c.conf:9: unknown key 'y'\"]}");
	reload_ok = true;
	expect_cmd(*state, "{\"cmd\":\"reload\"}", "{\"ok\":true}");
}

static void test_cmd_lock(void **state) {
	fake_locker = NULL;
	lockers_started = 0;
	expect_cmd(*state, "{\"cmd\":\"lock\"}",
		"{\"ok\":false,\"error\":\"no locker is configured ([general] locker)\"}");
	assert_int_equal(lockers_started, 0);
	fake_locker = "swaylock";
	expect_cmd(*state, "{\"cmd\":\"lock\"}", "{\"ok\":true}");
	assert_int_equal(lockers_started, 1);
	fake_locker = NULL;
}

static void test_cmd_quit_and_unknown(void **state) {
	expect_cmd(*state, "{\"cmd\":\"quit\"}", "{\"ok\":true}");
	assert_true(terminated);
	expect_cmd(*state, "{\"cmd\":\"launch\"}",
		"{\"ok\":false,\"error\":\"unknown command 'launch'\"}");
	/* subscribe belongs to the socket, not to the command table. */
	expect_cmd(*state, "{\"cmd\":\"subscribe\"}",
		"{\"ok\":false,\"error\":\"unknown command 'subscribe'\"}");
}

/* Each window command by id and on the focused window, and its refusals. */
static void test_cmd_window_commands(void **state) {
	struct cmd_env *env = *state;
	struct wlr_xdg_toplevel toplevels[3] = { 0 };
	for (int i = 0; i < 3; i++) {
		env->views[i].toplevel = &toplevels[i];
	}
	int scene_output;
	struct cordon_output output = { .server = &env->server,
		.scene_output = (struct wlr_scene_output *)&scene_output };
	wl_list_insert(&env->server.outputs, &output.link);
	memset(&win_call, 0, sizeof(win_call));

	/* No id: the focused window (1, at 0,0, 641x480). */
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":100,\"y\":-20}",
		"{\"ok\":false,\"error\":\"window 1 at 100,-20 would have its titlebar "
		"on no output (see cordonctl outputs)\"}");
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":100,\"y\":10}",
		"{\"ok\":true,\"window\":{\"id\":1,\"domain\":\"host\",\"title\":\"term\","
		"\"app_id\":\"foot\",\"x\":100,\"y\":10,\"width\":641,\"height\":480,"
		"\"focused\":true,\"workspace\":1,\"urgent\":false,\"fullscreen\":false,"
		"\"maximized\":false,\"minimized\":false}}");
	assert_ptr_equal(win_call.view, &env->views[0]);
	assert_string_equal(win_call.what, "move");
	assert_int_equal(win_call.box.x, 100);
	assert_int_equal(win_call.box.y, 10);
	assert_int_equal(win_call.rebased, 1);
	/* Moving never moves keyboard focus. */
	assert_null(focused_by_test);
	assert_ptr_equal(env->server.focused_view, &env->views[0]);

	/* The titlebar must stay on an output: 28 px above y, 4 px left of x. */
	memset(&win_call, 0, sizeof(win_call));
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":1284,\"y\":100}",
		"{\"ok\":false,\"error\":\"window 1 at 1284,100 would have its titlebar "
		"on no output (see cordonctl outputs)\"}");
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":0,\"y\":748}",
		"{\"ok\":false,\"error\":\"window 1 at 0,748 would have its titlebar "
		"on no output (see cordonctl outputs)\"}");
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":-2000,\"y\":0}",
		"{\"ok\":false,\"error\":\"window 1 at -2000,0 would have its titlebar "
		"on no output (see cordonctl outputs)\"}");
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":0,\"y\":9999999999}",
		"{\"ok\":false,\"error\":\"field 'y' must be from -1048576 to 1048576 "
		"(got 9999999999)\"}");
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":\"10\",\"y\":0}",
		"{\"ok\":false,\"error\":\"field 'x' must be an integer\"}");
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":1.5,\"y\":0}",
		"{\"ok\":false,\"error\":\"field 'x' must be an integer\"}");
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":10}",
		"{\"ok\":false,\"error\":\"missing field 'y' for 'move'\"}");
	expect_cmd(env, "{\"cmd\":\"move\",\"id\":99,\"x\":10,\"y\":10}",
		"{\"ok\":false,\"error\":\"no window with id 99\"}");
	expect_cmd(env, "{\"cmd\":\"move\",\"id\":3,\"x\":10,\"y\":10}",
		"{\"ok\":false,\"error\":\"no window with id 3\"}"); /* unmapped */
	expect_cmd(env, "{\"cmd\":\"move\",\"id\":2,\"x\":10,\"y\":10}",
		"{\"ok\":false,\"error\":\"window 2 is maximized (unmaximize it first)\"}");
	env->server.grab.mode = CURSOR_MOVE;
	expect_cmd(env, "{\"cmd\":\"move\",\"x\":10,\"y\":10}",
		"{\"ok\":false,\"error\":\"a window is being moved or resized with the "
		"pointer; try again when the button is up\"}");
	env->server.grab.mode = CURSOR_PASSTHROUGH;
	assert_null(win_call.what);

	/* Resize by id; the client's minimum size is kept. */
	toplevels[1].current.min_width = 200;
	toplevels[1].current.min_height = 100;
	expect_cmd(env, "{\"cmd\":\"unmaximize\",\"id\":2}",
		"{\"ok\":true,\"window\":{\"id\":2,\"domain\":\"work\",\"title\":\"mail "
		"\\\"inbox\\\"\",\"app_id\":\"\",\"x\":10,\"y\":20,\"width\":642,"
		"\"height\":480,\"focused\":false,\"workspace\":3,\"urgent\":true,"
		"\"fullscreen\":false,\"maximized\":false,\"minimized\":false}}");
	assert_string_equal(win_call.what, "maximize");
	assert_int_equal(win_call.arg, 0);
	memset(&win_call, 0, sizeof(win_call));
	expect_cmd(env, "{\"cmd\":\"resize\",\"id\":2,\"width\":150,\"height\":300}",
		"{\"ok\":false,\"error\":\"window 2 takes sizes from 200x100 to any "
		"(asked for 150x300)\"}");
	expect_cmd(env, "{\"cmd\":\"resize\",\"id\":2,\"width\":0,\"height\":300}",
		"{\"ok\":false,\"error\":\"field 'width' must be from 1 to 16384 (got 0)\"}");
	expect_cmd(env, "{\"cmd\":\"resize\",\"id\":2,\"width\":300,\"height\":16385}",
		"{\"ok\":false,\"error\":\"field 'height' must be from 1 to 16384 (got 16385)\"}");
	assert_null(win_call.what);
	expect_cmd_has(env, "{\"cmd\":\"resize\",\"id\":2,\"width\":300,\"height\":200}",
		"\"requested\":{\"width\":300,\"height\":200}");
	assert_string_equal(win_call.what, "resize");
	assert_int_equal(win_call.box.x, 10);
	assert_int_equal(win_call.box.y, 20);
	assert_int_equal(win_call.box.width, 300);
	assert_int_equal(win_call.box.height, 200);

	/* Fullscreen: only the focused window, and the domain's policy holds. */
	expect_cmd(env, "{\"cmd\":\"fullscreen\",\"id\":2}",
		"{\"ok\":false,\"error\":\"window 2 does not have focus; only the focused "
		"window may go fullscreen (cordonctl focus 2 first)\"}");
	assert_false(env->views[1].fullscreen);
	env->server.focused_view = &env->views[1];
	win_call.deny_fullscreen = true;
	expect_cmd(env, "{\"cmd\":\"fullscreen\"}",
		"{\"ok\":false,\"error\":\"domain work may not go fullscreen "
		"(fullscreen = deny)\"}");
	win_call.deny_fullscreen = false;
	expect_cmd_has(env, "{\"cmd\":\"fullscreen\"}",
		"\"fullscreen\":true");
	expect_cmd(env, "{\"cmd\":\"maximize\"}",
		"{\"ok\":false,\"error\":\"window 2 is fullscreen (unfullscreen it first)\"}");
	expect_cmd(env, "{\"cmd\":\"resize\",\"width\":300,\"height\":200}",
		"{\"ok\":false,\"error\":\"window 2 is fullscreen (unfullscreen it first)\"}");
	expect_cmd_has(env, "{\"cmd\":\"unfullscreen\",\"id\":2}",
		"\"fullscreen\":false");

	/* Workspaces are 1 to 9 for people; view.c counts from 0. */
	expect_cmd(env, "{\"cmd\":\"to-workspace\",\"workspace\":10}",
		"{\"ok\":false,\"error\":\"field 'workspace' must be from 1 to 9 (got 10)\"}");
	expect_cmd(env, "{\"cmd\":\"to-workspace\",\"id\":1}",
		"{\"ok\":false,\"error\":\"missing field 'workspace' for 'to-workspace'\"}");
	expect_cmd_has(env, "{\"cmd\":\"to-workspace\",\"id\":1,\"workspace\":4}",
		"\"workspace\":4");
	assert_ptr_equal(win_call.view, &env->views[0]);
	assert_int_equal(win_call.arg, 3);

	expect_cmd(env, "{\"cmd\":\"close\",\"id\":1,\"force\":true}",
		"{\"ok\":false,\"error\":\"unknown field 'force' for 'close'\"}");
	memset(&win_call, 0, sizeof(win_call));
	expect_cmd_has(env, "{\"cmd\":\"close\",\"id\":1}",
		"{\"ok\":true,\"window\":{\"id\":1,");
	assert_string_equal(win_call.what, "close");
	assert_ptr_equal(win_call.view, &env->views[0]);

	env->server.focused_view = NULL;
	expect_cmd(env, "{\"cmd\":\"close\"}",
		"{\"ok\":false,\"error\":\"no window has focus; name one with \\\"id\\\"\"}");
	wl_list_remove(&output.link);
}

/* A test on the real socket, and one of the command table on a hand-built server. */
#define SOCKET_TEST(f) cmocka_unit_test_setup_teardown(f, sock_setup, sock_teardown)
#define COMMAND_TEST(f) cmocka_unit_test_setup_teardown(f, cmd_setup, cmd_teardown)

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_request),
		cmocka_unit_test(test_refused_requests),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_bad_utf8_and_nul),
		cmocka_unit_test(test_several_in_one_read),
		cmocka_unit_test(test_split_across_reads),
		cmocka_unit_test(test_oversize_line),
		cmocka_unit_test(test_stop_and_resume),
		SOCKET_TEST(test_socket_mode),
		SOCKET_TEST(test_socket_requests),
		SOCKET_TEST(test_socket_last_line_without_newline),
		SOCKET_TEST(test_socket_oversize),
		SOCKET_TEST(test_socket_subscribe),
		SOCKET_TEST(test_socket_slow_reader),
		SOCKET_TEST(test_socket_pipelining),
		SOCKET_TEST(test_destroy_removes_socket),
		SOCKET_TEST(test_live_socket_refused),
		cmocka_unit_test(test_stale_socket_replaced),
		COMMAND_TEST(test_cmd_version),
		COMMAND_TEST(test_cmd_windows),
		COMMAND_TEST(test_cmd_focus),
		COMMAND_TEST(test_cmd_window_commands),
		COMMAND_TEST(test_cmd_attention),
		COMMAND_TEST(test_cmd_domains),
		COMMAND_TEST(test_cmd_outputs),
		COMMAND_TEST(test_cmd_clipboard),
		COMMAND_TEST(test_cmd_launcher),
		COMMAND_TEST(test_cmd_reload),
		COMMAND_TEST(test_cmd_lock),
		COMMAND_TEST(test_cmd_quit_and_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
