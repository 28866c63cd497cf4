/*
 * common/: the helpers every layer links. sock_listen is the one stale
 * check for every socket cordon listens on (domains, IPC); the case that
 * drifted before it was shared is a live listener whose backlog is full.
 */
#include <errno.h>
#include <fcntl.h>
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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/fixture.h"
#include "common/child.h"
#include "common/colour.h"
#include "common/mstime.h"
#include "common/sock.h"
#include "common/strv.h"
#include "common/array.h"
#include "common/execpipe.h"

struct dir {
	char path[32];
	char sock[64];
};

static int dir_setup(void **state) {
	struct dir *d = calloc(1, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "/tmp/commont.XXXXXX");
	assert_non_null(mkdtemp(d->path));
	snprintf(d->sock, sizeof(d->sock), "%s/s", d->path);
	*state = d;
	return 0;
}

static int dir_teardown(void **state) {
	struct dir *d = *state;
	unlink(d->sock);
	rmdir(d->path);
	free(d);
	return 0;
}

static void test_sock_fresh(void **state) {
	struct dir *d = *state;
	struct stat st, now;
	bool replaced = true;
	char err[256] = "";
	int fd = sock_listen(d->sock, 4, &st, &replaced, err, sizeof(err));
	assert_true(fd >= 0);
	assert_false(replaced);
	assert_int_equal(lstat(d->sock, &now), 0);
	assert_true(S_ISSOCK(now.st_mode));
	assert_int_equal(now.st_mode & 0777, 0600);
	assert_int_equal(now.st_ino, st.st_ino);
	close(fd);
}

static void test_sock_stale_replaced(void **state) {
	struct dir *d = *state;
	/* Bound, never listening: what a crashed process leaves. */
	close(fixture_unix_listener(d->sock, -1));
	struct stat before, st;
	assert_int_equal(lstat(d->sock, &before), 0);
	bool replaced = false;
	char err[256] = "";
	int fd = sock_listen(d->sock, 4, &st, &replaced, err, sizeof(err));
	assert_true(fd >= 0);
	assert_true(replaced);
	close(fd);
}

static void test_sock_live_full_backlog_kept(void **state) {
	struct dir *d = *state;
	int live = fixture_unix_listener(d->sock, 0);
	struct stat before;
	assert_int_equal(lstat(d->sock, &before), 0);
	/* Fill its backlog until a non-blocking connect says EAGAIN. */
	int clients[64];
	int n = 0;
	bool full = false;
	while (n < 64) {
		clients[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		struct sockaddr_un addr = {.sun_family = AF_UNIX};
		snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", d->sock);
		int rc = connect(clients[n], (struct sockaddr *)&addr, sizeof(addr));
		int e = errno;
		n++;
		if (rc < 0 && e == EAGAIN) {
			full = true;
			break;
		}
	}
	assert_true(full);
	struct stat st, after;
	bool replaced = false;
	char err[256] = "";
	assert_int_equal(sock_listen(d->sock, 4, &st, &replaced, err, sizeof(err)), -1);
	assert_false(replaced);
	assert_non_null(strstr(err, "in use"));
	/* The live listener's file is the same one, not unlinked and rebound. */
	assert_int_equal(lstat(d->sock, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	for (int i = 0; i < n; i++) {
		close(clients[i]);
	}
	close(live);
}

static void test_sock_not_a_socket(void **state) {
	struct dir *d = *state;
	FILE *f = fopen(d->sock, "w");
	assert_non_null(f);
	fclose(f);
	struct stat st;
	bool replaced = false;
	char err[256] = "";
	assert_int_equal(sock_listen(d->sock, 4, &st, &replaced, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a socket"));
	assert_int_equal(lstat(d->sock, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void test_sock_path_too_long(void **state) {
	char path[200];
	memset(path, 'x', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	struct stat st;
	bool replaced = false;
	char err[256] = "";
	assert_int_equal(sock_listen(path, 4, &st, &replaced, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
}

/* A removed socket file is noticed once; a successor's is never ours. */
static void test_sock_watch(void **state) {
	struct dir *d = *state;
	struct stat st;
	bool replaced, first = false;
	char err[256] = "";
	int fd = sock_listen(d->sock, 4, &st, &replaced, err, sizeof(err));
	assert_true(fd >= 0);
	struct sock_watch watch;
	sock_watch_bound(&watch, &st);
	assert_true(sock_watch_check(&watch, d->sock, &first));
	assert_true(sock_watch_is_ours(&watch, d->sock));
	assert_int_equal(unlink(d->sock), 0);
	assert_false(sock_watch_check(&watch, d->sock, &first));
	assert_true(first);
	assert_false(sock_watch_check(&watch, d->sock, &first));
	assert_false(first);
	/* Another file at the path: not ours, still lost. */
	int other = sock_listen(d->sock, 4, &st, &replaced, err, sizeof(err));
	assert_true(other >= 0);
	assert_false(sock_watch_is_ours(&watch, d->sock));
	assert_false(sock_watch_check(&watch, d->sock, &first));
	assert_false(first);
	/* Bound again: watched afresh. */
	sock_watch_bound(&watch, &st);
	assert_true(sock_watch_check(&watch, d->sock, &first));
	close(other);
	close(fd);
}

/* A child's status once it ends; a pid already reaped is no child. */
static void test_child_wait(void **state) {
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		_exit(3);
	}
	int status = 0;
	assert_int_equal(child_wait(pid, &status), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	errno = 0;
	assert_int_equal(child_wait(pid, NULL), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_strv(void **state) {
	struct strv sv = {0};
	strv_push(&sv, "a");
	strv_pushn(&sv, "bcdef", 2);
	strv_pushf(&sv, "%d", 42);
	char **v = strv_finish(&sv);
	assert_non_null(v);
	assert_int_equal(strv_len(v), 3);
	assert_string_equal(v[1], "bc");
	assert_string_equal(v[2], "42");
	assert_null(v[3]);
	char **copy = strv_copy(v);
	assert_string_equal(copy[0], "a");
	strv_free(v);
	strv_free(copy);
	char **empty = strv_new();
	assert_non_null(empty);
	assert_int_equal(strv_len(empty), 0);
	strv_free(empty);
	/* A NULL push fails the whole vector, checked once at the end. */
	strv_push(&sv, "x");
	strv_push_take(&sv, NULL);
	assert_null(strv_finish(&sv));
}

static void test_array_grow(void **state) {
	int *v = NULL;
	size_t len = 0, cap = 0;
	for (int i = 0; i < 20; i++) {
		int *grown = array_grow(v, len, &cap, sizeof(*grown));
		assert_non_null(grown);
		v = grown;
		v[len++] = i;
		assert_true(len <= cap);
	}
	assert_int_equal(cap, 32);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(v[i], i);
	}
	/* Room left: the same array back, capacity unchanged. */
	len = 30;
	assert_ptr_equal(array_grow(v, len, &cap, sizeof(*v)), v);
	assert_int_equal(cap, 32);
	/* A size that would overflow: refused, the array and cap kept. */
	size_t huge = SIZE_MAX / 2;
	assert_null(array_grow(v, huge, &huge, sizeof(*v)));
	assert_int_equal(huge, SIZE_MAX / 2);
	free(v);
}

static void test_execpipe(void **state) {
	int p[2], report = 0;
	/* A whole report: the exec failed. */
	assert_int_equal(pipe(p), 0);
	int e = ENOENT;
	assert_int_equal(write(p[1], &e, sizeof(e)), sizeof(e));
	close(p[1]);
	assert_true(execpipe_failed(p[0], &report, sizeof(report)));
	assert_int_equal(report, ENOENT);
	/* EOF: the exec went through; fd is closed either way. */
	assert_int_equal(pipe(p), 0);
	close(p[1]);
	assert_false(execpipe_failed(p[0], &report, sizeof(report)));
	assert_int_equal(fcntl(p[0], F_GETFD), -1);
	/* A short report is not one. */
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	close(p[1]);
	assert_false(execpipe_failed(p[0], &report, sizeof(report)));
}

static void test_colour(void **state) {
	float c[4];
	colour_to_float(0xff8000, c);
	assert_true(c[0] == 1.0f);
	assert_true(c[1] > 0.50f && c[1] < 0.51f);
	assert_true(c[2] == 0.0f);
	assert_true(c[3] == 1.0f);
}

static void test_mstime(void **state) {
	int64_t a = mstime_now();
	usleep(20000);
	int64_t b = mstime_now();
	assert_true(b - a >= 20 && b - a < 2000);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sock_fresh, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_sock_stale_replaced, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_sock_live_full_backlog_kept, dir_setup,
			dir_teardown),
		cmocka_unit_test_setup_teardown(test_sock_not_a_socket, dir_setup, dir_teardown),
		cmocka_unit_test(test_sock_path_too_long),
		cmocka_unit_test_setup_teardown(test_sock_watch, dir_setup, dir_teardown),
		cmocka_unit_test(test_child_wait),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_array_grow),
		cmocka_unit_test(test_execpipe),
		cmocka_unit_test(test_colour),
		cmocka_unit_test(test_mstime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
