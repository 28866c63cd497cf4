#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "common/mstime.h"
#include "vmm/errmsg.h"
#include "vmm/agent_client.h"

/* Milliseconds left until deadline for poll(); -1 (forever) for deadline -1. */
static int left_ms(int64_t deadline) {
	if (deadline < 0) {
		return -1;
	}
	int64_t left = deadline - mstime_now();
	return left > 0 ? (int)(left > INT32_MAX ? INT32_MAX : left) : 0;
}

static bool parse_uint(const char *s, size_t n, unsigned long max,
		unsigned long *out) {
	if (n == 0 || n > 10) {
		return false;
	}
	unsigned long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max) {
		return false;
	}
	*out = v;
	return true;
}

bool agent_client_parse_address(const char *address, struct sockaddr_storage *addr,
		socklen_t *len, char *err, size_t errlen) {
	memset(addr, 0, sizeof(*addr));
	if (strncmp(address, "unix:", 5) == 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *)addr;
		const char *path = address + 5;
		if (!path[0] || strlen(path) >= sizeof(sun->sun_path)) {
			return errmsg_fail(err, errlen, "bad unix socket path in '%s'", address);
		}
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, path);
		*len = sizeof(*sun);
		return true;
	}
	if (strncmp(address, "vsock:", 6) == 0) {
		const char *cid = address + 6;
		const char *colon = strchr(cid, ':');
		unsigned long c, p;
		if (!colon || !parse_uint(cid, (size_t)(colon - cid), UINT32_MAX, &c) ||
				!parse_uint(colon + 1, strlen(colon + 1), UINT32_MAX, &p)) {
			return errmsg_fail(err, errlen, "bad vsock address '%s' (want vsock:CID:PORT)",
				address);
		}
		struct sockaddr_vm *vm = (struct sockaddr_vm *)addr;
		vm->svm_family = AF_VSOCK;
		vm->svm_cid = (unsigned)c;
		vm->svm_port = (unsigned)p;
		*len = sizeof(*vm);
		return true;
	}
	return errmsg_fail(err, errlen, "unknown agent address '%s' (want unix:PATH or "
		"vsock:CID:PORT)", address);
}

/* One non-blocking connect attempt bounded by deadline; errno on failure. */
static int try_connect(const struct sockaddr_storage *addr, socklen_t len,
		int64_t deadline) {
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)addr, len) < 0) {
		if (errno != EINPROGRESS && errno != EAGAIN) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int n;
		do {
			n = poll(&p, 1, left_ms(deadline));
		} while (n < 0 && errno == EINTR);
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (n == 0) {
			soerr = ETIMEDOUT;
		} else if (n < 0) {
			soerr = errno;
		} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0) {
			soerr = errno;
		}
		if (soerr) {
			close(fd);
			errno = soerr;
			return -1;
		}
	}
	/* Blocking from here; reads and writes poll with deadlines themselves. */
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int agent_client_connect(const char *address, int timeout_ms, char *err,
		size_t errlen) {
	struct sockaddr_storage addr;
	socklen_t len;
	if (!agent_client_parse_address(address, &addr, &len, err, errlen)) {
		return -1;
	}
	int64_t deadline = mstime_now() + (timeout_ms > 0 ? timeout_ms : 0);
	for (;;) {
		int fd = try_connect(&addr, len, deadline);
		if (fd >= 0) {
			return fd;
		}
		int e = errno;
		/* Not listening yet (socket not bound, guest still booting): retry. */
		bool transient = e == ENOENT || e == ECONNREFUSED || e == ECONNRESET ||
			e == ENODEV || e == ETIMEDOUT || e == EHOSTUNREACH || e == EAGAIN;
		if (!transient || mstime_now() >= deadline) {
			errmsg_fail(err, errlen, "cannot connect to the agent at %s: %s", address,
				strerror(e));
			return -1;
		}
		int pause = left_ms(deadline);
		struct timespec ts = { 0, (pause < 100 ? pause : 100) * 1000000L };
		nanosleep(&ts, NULL);
	}
}

static bool io_wait(int fd, short events, int64_t deadline, char *err,
		size_t errlen) {
	struct pollfd p = { .fd = fd, .events = events };
	for (;;) {
		int n = poll(&p, 1, left_ms(deadline));
		if (n > 0) {
			return true;
		}
		if (n == 0) {
			return errmsg_fail(err, errlen, "timed out waiting for the agent");
		}
		if (errno != EINTR) {
			return errmsg_fail(err, errlen, "poll: %s", strerror(errno));
		}
	}
}

static bool write_all(int fd, const void *data, size_t len, int64_t deadline,
		char *err, size_t errlen) {
	const char *p = data;
	while (len > 0) {
		if (!io_wait(fd, POLLOUT, deadline, err, errlen)) {
			return false;
		}
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				continue;
			}
			return errmsg_fail(err, errlen, "cannot send to the agent: %s", strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Returns 1 on success, 0 on a clean EOF before any byte, -1 on error. */
static int read_all(int fd, void *data, size_t len, int64_t deadline, char *err,
		size_t errlen) {
	char *p = data;
	size_t got = 0;
	while (got < len) {
		if (!io_wait(fd, POLLIN, deadline, err, errlen)) {
			return -1;
		}
		ssize_t n = recv(fd, p + got, len - got, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				continue;
			}
			errmsg_fail(err, errlen, "cannot read from the agent: %s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			if (got == 0) {
				return 0;
			}
			errmsg_fail(err, errlen, "the agent closed the connection mid-message");
			return -1;
		}
		got += (size_t)n;
	}
	return 1;
}

/* Reads one framed message; NULL with err (and *eof on a clean close). */
static struct json_object *read_message(int fd, int64_t deadline, bool *eof,
		char *err, size_t errlen) {
	*eof = false;
	unsigned char hdr[4];
	int r = read_all(fd, hdr, sizeof(hdr), deadline, err, errlen);
	if (r == 0) {
		*eof = true;
		errmsg_fail(err, errlen, "the agent closed the connection");
		return NULL;
	}
	if (r < 0) {
		return NULL;
	}
	uint32_t len = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
		(uint32_t)hdr[2] << 8 | hdr[3];
	if (len == 0 || len > AGENT_CLIENT_MAX_MESSAGE) {
		errmsg_fail(err, errlen, "the agent sent a message of %u bytes", len);
		return NULL;
	}
	char *body = malloc(len + 1);
	if (!body) {
		errmsg_fail(err, errlen, "out of memory");
		return NULL;
	}
	if (read_all(fd, body, len, deadline, err, errlen) != 1) {
		free(body);
		return NULL;
	}
	body[len] = '\0';
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj = tok ? json_tokener_parse_ex(tok, body, (int)len) : NULL;
	if (tok && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	free(body);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		errmsg_fail(err, errlen, "the agent sent malformed JSON");
		return NULL;
	}
	return obj;
}

static struct json_object *build_request(char *const *argv, char *const *env,
		const char *cwd) {
	struct json_object *req = json_object_new_object();
	struct json_object *a = json_object_new_array();
	if (!req || !a) {
		json_object_put(req);
		json_object_put(a);
		return NULL;
	}
	json_object_object_add(req, "argv", a);
	for (size_t i = 0; argv[i]; i++) {
		if (json_object_array_add(a, json_object_new_string(argv[i])) < 0) {
			json_object_put(req);
			return NULL;
		}
	}
	if (env && env[0]) {
		struct json_object *e = json_object_new_object();
		if (!e) {
			json_object_put(req);
			return NULL;
		}
		json_object_object_add(req, "env", e);
		for (size_t i = 0; env[i]; i++) {
			const char *eq = strchr(env[i], '=');
			if (!eq || eq == env[i]) {
				continue;
			}
			char *key = strndup(env[i], (size_t)(eq - env[i]));
			if (!key) {
				json_object_put(req);
				return NULL;
			}
			json_object_object_add(e, key, json_object_new_string(eq + 1));
			free(key);
		}
	}
	if (cwd) {
		json_object_object_add(req, "cwd", json_object_new_string(cwd));
	}
	return req;
}

bool agent_client_run(const char *address, char *const *argv, char *const *env,
		const char *cwd, int timeout_ms, bool wait, struct agent_result *result,
		char *err, size_t errlen) {
	return agent_client_run_notify(address, argv, env, cwd, timeout_ms, wait, NULL, NULL,
		result, err, errlen);
}

bool agent_client_run_notify(const char *address, char *const *argv, char *const *env,
		const char *cwd, int timeout_ms, bool wait,
		void (*started)(pid_t pid, void *data), void *data,
		struct agent_result *result, char *err, size_t errlen) {
	*result = (struct agent_result){0};
	if (!argv || !argv[0]) {
		return errmsg_fail(err, errlen, "no command given");
	}
	int64_t deadline = mstime_now() + (timeout_ms > 0 ? timeout_ms : 0);
	int fd = agent_client_connect(address, timeout_ms, err, errlen);
	if (fd < 0) {
		return false;
	}
	bool ok = false;
	struct json_object *req = build_request(argv, env, cwd);
	struct json_object *reply = NULL;
	if (!req) {
		errmsg_fail(err, errlen, "out of memory");
		goto out;
	}
	size_t len = 0;
	const char *text = json_object_to_json_string_length(req,
		JSON_C_TO_STRING_PLAIN, &len);
	if (!text) {
		errmsg_fail(err, errlen, "out of memory");
		goto out;
	}
	unsigned char hdr[4] = { (unsigned char)(len >> 24), (unsigned char)(len >> 16),
		(unsigned char)(len >> 8), (unsigned char)len };
	bool sent = write_all(fd, hdr, 4, deadline, err, errlen) &&
		write_all(fd, text, len, deadline, err, errlen);
	/*
	 * The agent refuses a request it will not read whole (too large) as
	 * soon as it has the header, and closes: the send then fails, but the
	 * reason may be there to read. Without one, the send's error stands.
	 */
	char send_err[256] = "";
	if (!sent) {
		snprintf(send_err, sizeof(send_err), "%s", err);
	}
	bool eof;
	reply = read_message(fd, deadline, &eof, err, errlen);
	if (!reply) {
		if (!sent) {
			snprintf(err, errlen, "%s", send_err);
		}
		goto out;
	}
	struct json_object *okv, *pid, *msg;
	if (!json_object_object_get_ex(reply, "ok", &okv) ||
			!json_object_is_type(okv, json_type_boolean)) {
		errmsg_fail(err, errlen, "the agent sent an unexpected reply");
		goto out;
	}
	if (!sent && json_object_get_boolean(okv)) {
		/* Nothing can have started from half a request. */
		snprintf(err, errlen, "%s", send_err);
		goto out;
	}
	if (!json_object_get_boolean(okv)) {
		errmsg_fail(err, errlen, "the agent refused: %s",
			json_object_object_get_ex(reply, "error", &msg) ?
			json_object_get_string(msg) : "no reason given");
		goto out;
	}
	if (!json_object_object_get_ex(reply, "pid", &pid) ||
			!json_object_is_type(pid, json_type_int) || json_object_get_int(pid) <= 0) {
		errmsg_fail(err, errlen, "the agent sent no pid");
		goto out;
	}
	result->pid = json_object_get_int(pid);
	if (started != NULL) {
		started(result->pid, data);
	}
	if (!wait) {
		ok = true;
		goto out;
	}
	json_object_put(reply);
	reply = read_message(fd, -1, &eof, err, errlen);
	if (!reply) {
		if (eof) {
			errmsg_fail(err, errlen, "the connection to the agent closed before pid %d "
				"exited (did the guest stop?)", (int)result->pid);
		}
		goto out;
	}
	struct json_object *v;
	if (json_object_object_get_ex(reply, "exit", &v) &&
			json_object_is_type(v, json_type_int)) {
		result->code = json_object_get_int(v);
	} else if (json_object_object_get_ex(reply, "signal", &v) &&
			json_object_is_type(v, json_type_int)) {
		result->signaled = true;
		result->code = json_object_get_int(v);
	} else {
		errmsg_fail(err, errlen, "the agent sent an unexpected exit message");
		goto out;
	}
	result->finished = true;
	ok = true;
out:
	json_object_put(req);
	json_object_put(reply);
	close(fd);
	return ok;
}
