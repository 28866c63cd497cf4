#ifndef CORDON_TESTS_UNIT_FIXTURE_H
#define CORDON_TESTS_UNIT_FIXTURE_H

/* What several unit tests set up alike: a scratch directory, a Unix socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

/* Removes a test's scratch directory and all in it; says so if it cannot. */
static inline void fixture_rmtree(const char *dir) {
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "cannot remove %s\n", dir);
	}
}

/*
 * A Unix socket bound at path, listening with backlog; with backlog < 0
 * bound only, what a crashed process leaves behind. Fails the test if not.
 */
static inline int fixture_unix_listener(const char *path, int backlog) {
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	if (backlog >= 0) {
		assert_int_equal(listen(fd, backlog), 0);
	}
	return fd;
}

#endif
