#ifndef CORDON_TESTS_UNIT_FIXTURE_H
#define CORDON_TESTS_UNIT_FIXTURE_H

/*
 * What several unit tests set up alike: a scratch directory, a Unix
 * socket, a file read whole, a child program, waiting for a process to go.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

/* A fresh scratch directory made from template ("/tmp/cs.XXXXXX") into dir. */
static inline void fixture_mkdtemp(char *dir, size_t len, const char *template) {
	snprintf(dir, len, "%s", template);
	assert_non_null(mkdtemp(dir));
}

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

/* The whole file as a string to free, or NULL if it cannot be opened. */
static inline char *fixture_slurp(const char *path) {
	FILE *f = fopen(path, "r");
	if (!f) {
		return NULL;
	}
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* Fails the test unless the file at path holds text. */
static inline void fixture_assert_file_has(const char *path, const char *text) {
	char *content = fixture_slurp(path);
	if (!content || !strstr(content, text)) {
		fail_msg("%s does not hold '%s'", path, text);
	}
	free(content);
}

/* Fails the test unless the file at path holds exactly want. */
static inline void fixture_assert_file_is(const char *path, const char *want) {
	char *content = fixture_slurp(path);
	if (!content) {
		fail_msg("cannot read %s", path);
	}
	assert_string_equal(content, want);
	free(content);
}

/* Dead: no such process, or a zombie nobody reaped (pid 1 in a namespace). */
static inline bool fixture_process_gone(pid_t pid) {
	if (kill(pid, 0) < 0 && errno == ESRCH) {
		return true;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	char *stat = fixture_slurp(path);
	if (!stat) {
		return true;
	}
	char *paren = strrchr(stat, ')');
	bool zombie = paren && paren[1] == ' ' && paren[2] == 'Z';
	free(stat);
	return zombie;
}

/* Milliseconds on CLOCK_MONOTONIC (fixture.h needs nothing but libc). */
static inline int64_t fixture_now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits up to ms for pid to be gone, reaping what was reparented to us. */
static inline bool fixture_wait_gone(pid_t pid, int ms) {
	int64_t end = fixture_now_ms() + ms;
	while (!fixture_process_gone(pid)) {
		if (fixture_now_ms() > end) {
			return false;
		}
		while (waitpid(-1, NULL, WNOHANG) > 0) {
		}
		usleep(10000);
	}
	return true;
}

/*
 * Starts argv[0] with argv and envp (NULL: ours), its stderr silenced
 * unless TEST_VERBOSE is set; returns its pid.
 */
static inline pid_t fixture_spawn(char *const argv[], char *const envp[]) {
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!getenv("TEST_VERBOSE")) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 2);
		}
		if (envp) {
			execve(argv[0], argv, envp);
		} else {
			execv(argv[0], argv);
		}
		_exit(127);
	}
	return pid;
}

#endif
