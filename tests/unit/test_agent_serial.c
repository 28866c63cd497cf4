/*
 * cordon-agent --listen serial:NAME (vmm/agent/serial.c) with ptys standing
 * in for the virtio-serial ports (CORDON_AGENT_VIRTIO_PORTS / _DEV): the
 * line framing of protocol.h, hello, request ids, resynchronisation after
 * garbage, a half line and an overlong line, refusals, and the guest half
 * of the relay (tests/fake-bin/waypipe as waypipe server).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <cmocka.h>
#include "common/mstime.h"

#define FAKE_BIN CORDON_SOURCE_ROOT "/tests/fake-bin"

struct s {
	char dir[64];
	int master;       /* the host end of cordon.agent */
	int app_master;   /* the host end of cordon.wl.3 */
	pid_t agent;
	char in[1 << 17];
	size_t in_len;
};

static int add_port(struct s *s, const char *dev, const char *name) {
	int master, slave;
	assert_int_equal(openpty(&master, &slave, NULL, NULL, NULL), 0);
	struct termios t;
	tcgetattr(slave, &t);
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);
	char path[256], link[256];
	snprintf(path, sizeof(path), "%s/sys/%s", s->dir, dev);
	assert_int_equal(mkdir(path, 0700), 0);
	strcat(path, "/name");
	FILE *f = fopen(path, "w");
	fprintf(f, "%s\n", name);
	fclose(f);
	snprintf(link, sizeof(link), "%s/dev/%s", s->dir, dev);
	assert_int_equal(symlink(ttyname(slave), link), 0);
	/* The slave stays open here too, so the master never sees a hang-up. */
	fcntl(master, F_SETFL, O_NONBLOCK);
	return master;
}

static int start(void **state, bool as_user) {
	struct s *s = calloc(1, sizeof(*s));
	strcpy(s->dir, "/tmp/cas.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	char p[128];
	snprintf(p, sizeof(p), "%s/sys", s->dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/dev", s->dir);
	mkdir(p, 0700);
	s->master = add_port(s, "vport0p1", "cordon.agent");
	s->app_master = add_port(s, "vport1p3", "cordon.wl.3");
	s->agent = fork();
	if (s->agent == 0) {
		char sys[128], dev[128], path[4096];
		snprintf(sys, sizeof(sys), "%s/sys", s->dir);
		snprintf(dev, sizeof(dev), "%s/dev", s->dir);
		snprintf(path, sizeof(path), "%s:%s", FAKE_BIN, getenv("PATH"));
		setenv("CORDON_AGENT_VIRTIO_PORTS", sys, 1);
		setenv("CORDON_AGENT_DEV", dev, 1);
		setenv("PATH", path, 1);
		if (as_user) {
			/* As a guest init starts it: root, switching to a user, no runtime dir. */
			unsetenv("XDG_RUNTIME_DIR");
			execl(CORDON_AGENT_BIN, CORDON_AGENT_BIN, "--listen", "serial:cordon.agent",
				"--user", "root", (char *)NULL);
		}
		execl(CORDON_AGENT_BIN, CORDON_AGENT_BIN, "--listen", "serial:cordon.agent",
			(char *)NULL);
		_exit(127);
	}
	*state = s;
	return 0;
}

static int setup(void **state) {
	return start(state, false);
}

static int setup_user(void **state) {
	return start(state, true);
}

static int teardown(void **state) {
	struct s *s = *state;
	kill(s->agent, SIGTERM);
	waitpid(s->agent, NULL, 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	assert_int_equal(system(cmd), 0);
	free(s);
	return 0;
}

static void put(struct s *s, const char *text, size_t len) {
	size_t off = 0;
	int64_t end = mstime_now() + 10000;
	while (off < len && mstime_now() < end) {
		ssize_t n = write(s->master, text + off, len - off);
		if (n > 0) {
			off += (size_t)n;
		} else {
			struct pollfd p = { .fd = s->master, .events = POLLOUT };
			poll(&p, 1, 50);
		}
	}
	assert_int_equal(off, len);
}

static void say(struct s *s, const char *line) {
	put(s, line, strlen(line));
}

/* The next line from the agent (without its newline), within ms. */
static char *next_line(struct s *s, int ms) {
	static char line[1 << 16];
	int64_t end = mstime_now() + ms;
	for (;;) {
		char *nl = memchr(s->in, '\n', s->in_len);
		if (nl != NULL) {
			size_t n = (size_t)(nl - s->in);
			memcpy(line, s->in, n);
			line[n] = '\0';
			memmove(s->in, nl + 1, s->in_len - n - 1);
			s->in_len -= n + 1;
			return line;
		}
		int left = (int)(end - mstime_now());
		if (left <= 0) {
			return NULL;
		}
		struct pollfd p = { .fd = s->master, .events = POLLIN };
		if (poll(&p, 1, left) > 0) {
			ssize_t r = read(s->master, s->in + s->in_len, sizeof(s->in) - s->in_len);
			if (r > 0) {
				s->in_len += (size_t)r;
			}
		}
	}
}

static void expect(struct s *s, const char *want) {
	char *got = next_line(s, 10000);
	if (got == NULL || strcmp(got, want) != 0) {
		fail_msg("expected %s, got %s", want, got ? got : "(nothing)");
	}
}

static void expect_prefix(struct s *s, const char *want) {
	char *got = next_line(s, 10000);
	if (got == NULL || strncmp(got, want, strlen(want)) != 0) {
		fail_msg("expected %s…, got %s", want, got ? got : "(nothing)");
	}
}

static void test_framing(void **state) {
	struct s *s = *state;
	/* Garbage, a half line ended by the host's leading newline, then hello. */
	say(s, "garbage\n[1,2]\n{\"nothing\":1}\n{\"id\":4,\"ar");
	say(s, "\n{\"hello\":1}\n");
	expect(s, "{\"hello\":1}");
	/* An overlong line is dropped up to its newline, not parsed in pieces. */
	size_t big = 70 * 1024;
	char *junk = malloc(big + 1);
	memset(junk, '{', big);
	junk[big] = '\n';
	put(s, junk, big + 1);
	free(junk);
	say(s, "{\"hello\":1}\n");
	expect(s, "{\"hello\":1}");
	/* A request: ok with the pid, then the exit, both with the id. */
	say(s, "{\"id\":7,\"argv\":[\"sh\",\"-c\",\"exit 4\"]}\n");
	expect_prefix(s, "{\"id\":7,\"ok\":true,\"pid\":");
	expect(s, "{\"id\":7,\"exit\":4}");
	/* Refusals carry the id and start nothing. */
	say(s, "{\"id\":8,\"argv\":[\"true\"],\"relay\":\"cordon.agent\"}\n");
	expect(s, "{\"id\":8,\"ok\":false,\"error\":\"relay must name a port cordon.wl.N\"}");
	say(s, "{\"id\":9,\"argv\":[\"true\"],\"relay\":\"cordon.wl.1/../x\"}\n");
	expect(s, "{\"id\":9,\"ok\":false,\"error\":\"relay must name a port cordon.wl.N\"}");
	say(s, "{\"id\":10,\"argv\":[]}\n");
	expect(s, "{\"id\":10,\"ok\":false,\"error\":\"argv is empty\"}");
	say(s, "{\"id\":11,\"argv\":[\"true\"],\"shell\":true}\n");
	expect(s, "{\"id\":11,\"ok\":false,\"error\":\"unknown key in request (allowed: "
		"argv, env, cwd)\"}");
	say(s, "{\"id\":-1,\"argv\":[\"true\"]}\n{\"hello\":1}\n");
	expect(s, "{\"hello\":1}");
}

static void test_relay(void **state) {
	struct s *s = *state;
	say(s, "\n{\"hello\":1}\n");
	expect(s, "{\"hello\":1}");
	say(s, "{\"id\":21,\"argv\":[\"sh\",\"-c\",\"sleep 1; exit 6\"],"
		"\"relay\":\"cordon.wl.3\"}\n");
	expect_prefix(s, "{\"id\":21,\"ok\":true,\"pid\":");
	/* waypipe server's bytes come out of the app's port. */
	char buf[256] = "";
	size_t len = 0;
	int64_t end = mstime_now() + 10000;
	while (!strstr(buf, "\n") && mstime_now() < end && len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = s->app_master, .events = POLLIN };
		if (poll(&p, 1, 100) > 0) {
			ssize_t r = read(s->app_master, buf + len, sizeof(buf) - 1 - len);
			if (r > 0) {
				len += (size_t)r;
				buf[len] = '\0';
			}
		}
	}
	assert_string_equal(buf, "hello from the guest app\n");
	expect(s, "{\"id\":21,\"exit\":6}");
}

/*
 * Regression: with --user as root and no XDG_RUNTIME_DIR the command's
 * environment gets six extra entries, which overran the list build_env()
 * kept them in (the agent crashed on the first request in a real guest).
 */
static void test_user_env(void **state) {
	struct s *s = *state;
	if (getuid() != 0) {
		skip();
	}
	say(s, "\n{\"hello\":1}\n");
	expect(s, "{\"hello\":1}");
	say(s, "{\"id\":30,\"argv\":[\"sh\",\"-c\",\"test \\\"$XDG_RUNTIME_DIR\\\" = "
		"/run/user/0 && test \\\"$USER\\\" = root && test \\\"$WAYLAND_DISPLAY\\\" = "
		"wayland-0\"]}\n");
	expect_prefix(s, "{\"id\":30,\"ok\":true,\"pid\":");
	expect(s, "{\"id\":30,\"exit\":0}");
}

int main(void) {
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_env, setup_user, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
