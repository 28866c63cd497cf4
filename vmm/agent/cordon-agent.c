/*
 * cordon-agent: runs commands inside a guest on behalf of the host's
 * cordon. It listens on vsock (only the host, CID 2, may connect) or, for
 * tests, on a Unix socket, one request per connection as below; or, with
 * --listen serial:NAME, on a virtio-serial port (serial.c, framing in
 * protocol.h):
 *
 *   -> u32 big-endian length, then {"argv":[...], "env":{...}, "cwd":"..."}
 *   <- {"ok":true,"pid":N}            or {"ok":false,"error":"..."}
 *   <- {"exit":CODE} or {"signal":N}   when the command ends, if still connected
 *
 * A bad request (too long, not JSON, wrong types) is answered with an error
 * and starts nothing. Connections are served concurrently from one poll loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <json-c/json.h>
#include <limits.h>
#include <linux/vm_sockets.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "common/execpipe.h"
#include "vmm/agent/protocol.h"
#include "vmm/agent/agent.h"
#include "vmm/agent/json_whole.h"

void logf_(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	fputs("cordon-agent: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void usage(FILE *f) {
	fprintf(f,
		"usage: cordon-agent [--listen vsock:PORT|unix:PATH|serial:NAME] [--user NAME]\n"
		"                    [--wayland-display NAME] [--max-request BYTES]\n"
		"Runs commands for cordon inside a guest. Defaults: vsock:%d,\n"
		"WAYLAND_DISPLAY=%s, requests up to %d bytes.\n",
		DEFAULT_PORT, DEFAULT_DISPLAY, DEFAULT_MAX_REQUEST);
}

/* ---- output ---- */

static bool conn_queue(struct conn *c, struct json_object *obj) {
	size_t len = 0;
	const char *text = json_object_to_json_string_length(obj,
		JSON_C_TO_STRING_PLAIN, &len);
	if (!text) {
		return false;
	}
	char *out = realloc(c->out, c->out_len + 4 + len);
	if (!out) {
		return false;
	}
	c->out = out;
	unsigned char *h = (unsigned char *)out + c->out_len;
	h[0] = (unsigned char)(len >> 24);
	h[1] = (unsigned char)(len >> 16);
	h[2] = (unsigned char)(len >> 8);
	h[3] = (unsigned char)len;
	memcpy(out + c->out_len + 4, text, len);
	c->out_len += 4 + len;
	return true;
}

static void reply_error(struct conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reply_error(struct conn *c, const char *fmt, ...) {
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	struct json_object *o = json_whole_refusal(-1, msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logf_("rejected request: %s", msg);
	if (o) {
		conn_queue(c, o);
		json_object_put(o);
	}
	c->state = CONN_CLOSING;
}

/* ---- requests ---- */

/* A JSON string usable as a C string: json-c allows embedded NULs. */
static const char *plain_string(struct json_object *o) {
	if (!json_object_is_type(o, json_type_string)) {
		return NULL;
	}
	const char *s = json_object_get_string(o);
	if ((size_t)json_object_get_string_len(o) != strlen(s)) {
		return NULL;
	}
	return s;
}

void request_free(struct request *r) {
	free(r->argv);
	for (size_t i = 0; r->env && r->env[i]; i++) {
		free(r->env[i]);
	}
	free(r->env);
	*r = (struct request){0};
}

/* Fills r from the parsed object, or returns an error message. */
const char *request_parse(struct json_object *root, struct request *r) {
	*r = (struct request){0};
	if (!json_object_is_type(root, json_type_object)) {
		return "request is not a JSON object";
	}
	struct json_object *argv = NULL, *env = NULL, *cwd = NULL;
	json_object_object_foreach(root, key, val) {
		if (strcmp(key, "argv") == 0) {
			argv = val;
		} else if (strcmp(key, "env") == 0) {
			env = val;
		} else if (strcmp(key, "cwd") == 0) {
			cwd = val;
		} else {
			return "unknown key in request (allowed: argv, env, cwd)";
		}
	}
	if (!argv || !json_object_is_type(argv, json_type_array)) {
		return "argv must be an array of strings";
	}
	size_t n = json_object_array_length(argv);
	if (n == 0) {
		return "argv is empty";
	}
	if (n > MAX_ARGS) {
		return "argv has too many elements";
	}
	r->argv = calloc(n + 1, sizeof(char *));
	if (!r->argv) {
		return "out of memory";
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = plain_string(json_object_array_get_idx(argv, i));
		if (!s) {
			request_free(r);
			return "argv must be an array of strings";
		}
		r->argv[i] = (char *)s;
	}
	if (r->argv[0][0] == '\0') {
		request_free(r);
		return "argv[0] is empty";
	}
	if (env && !json_object_is_type(env, json_type_null)) {
		if (!json_object_is_type(env, json_type_object)) {
			request_free(r);
			return "env must be an object of strings";
		}
		size_t ne = (size_t)json_object_object_length(env);
		if (ne > MAX_ENV) {
			request_free(r);
			return "env has too many entries";
		}
		r->env = calloc(ne + 1, sizeof(char *));
		if (!r->env) {
			request_free(r);
			return "out of memory";
		}
		size_t i = 0;
		json_object_object_foreach(env, key, val) {
			const char *s = plain_string(val);
			if (!s || key[0] == '\0' || strchr(key, '=')) {
				request_free(r);
				return "env must be an object of strings with names without '='";
			}
			if (asprintf(&r->env[i], "%s=%s", key, s) < 0) {
				r->env[i] = NULL;
				request_free(r);
				return "out of memory";
			}
			i++;
		}
	}
	if (cwd && !json_object_is_type(cwd, json_type_null)) {
		r->cwd = plain_string(cwd);
		if (!r->cwd || r->cwd[0] == '\0') {
			request_free(r);
			return "cwd must be a non-empty string";
		}
	}
	return NULL;
}

static bool env_has(char *const *env, const char *key) {
	size_t klen = strlen(key);
	for (size_t i = 0; env && env[i]; i++) {
		if (strncmp(env[i], key, klen) == 0 && env[i][klen] == '=') {
			return true;
		}
	}
	return false;
}

/*
 * The command's environment: the agent's own, the user's HOME/USER/... when
 * switching user, then the request's, and WAYLAND_DISPLAY last: it always
 * names the guest proxy's socket.
 */
char **build_env(struct agent *a, char *const *req_env) {
	size_t cap = 16;
	for (char **e = environ; *e; e++) {
		cap++;
	}
	for (size_t i = 0; req_env && req_env[i]; i++) {
		cap++;
	}
	char **env = calloc(cap, sizeof(char *));
	if (!env) {
		return NULL;
	}
	size_t n = 0;
	bool ok = true;
	/* Up to six entries and the NULL that env_has() stops at. */
	char *extra[7] = {0};
	size_t n_extra = 0;
	if (a->switch_user) {
		ok &= asprintf(&extra[n_extra++], "HOME=%s", a->home) >= 0;
		ok &= asprintf(&extra[n_extra++], "USER=%s", a->user) >= 0;
		ok &= asprintf(&extra[n_extra++], "LOGNAME=%s", a->user) >= 0;
		ok &= asprintf(&extra[n_extra++], "SHELL=%s", a->shell) >= 0;
		if (!getenv("XDG_RUNTIME_DIR")) {
			ok &= asprintf(&extra[n_extra++], "XDG_RUNTIME_DIR=/run/user/%u",
				(unsigned)a->uid) >= 0;
		}
	}
	ok &= asprintf(&extra[n_extra++], "WAYLAND_DISPLAY=%s", a->display) >= 0;
	if (!ok) {
		for (size_t i = 0; i < n_extra; i++) {
			free(extra[i]);
		}
		free(env);
		return NULL;
	}
	/* Later sources win: skip an earlier entry whose key a later one sets. */
	for (char **e = environ; *e; e++) {
		char key[256];
		size_t klen = strcspn(*e, "=");
		if (klen >= sizeof(key)) {
			continue;
		}
		memcpy(key, *e, klen);
		key[klen] = '\0';
		if (env_has(req_env, key) || env_has(extra, key)) {
			continue;
		}
		env[n++] = strdup(*e);
	}
	for (size_t i = 0; i + 1 < n_extra; i++) {
		char key[32];
		size_t klen = strcspn(extra[i], "=");
		memcpy(key, extra[i], klen);
		key[klen] = '\0';
		if (!env_has(req_env, key)) {
			env[n++] = strdup(extra[i]);
		}
	}
	for (size_t i = 0; req_env && req_env[i]; i++) {
		if (strncmp(req_env[i], "WAYLAND_DISPLAY=", 16) != 0) {
			env[n++] = strdup(req_env[i]);
		}
	}
	env[n++] = strdup(extra[n_extra - 1]);
	for (size_t i = 0; i < n_extra; i++) {
		free(extra[i]);
	}
	for (size_t i = 0; i < n; i++) {
		if (!env[i]) {
			for (size_t j = 0; j < n; j++) {
				free(env[j]);
			}
			free(env);
			return NULL;
		}
	}
	return env;
}

void free_env(char **env) {
	for (size_t i = 0; env && env[i]; i++) {
		free(env[i]);
	}
	free(env);
}

struct spawn_error {
	int stage;   /* 0 user, 1 cwd, 2 exec */
	int err;
};

static _Noreturn void child_main(struct agent *a, struct request *r, char **env,
		int err_fd) {
	struct spawn_error e = {0};
	/* Its own session: a terminal or agent signal is not meant for it. */
	setsid();
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0 && devnull != 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	if (a->switch_user) {
		if (initgroups(a->user, a->gid) < 0 || setgid(a->gid) < 0 ||
				setuid(a->uid) < 0) {
			e = (struct spawn_error){ .stage = 0, .err = errno };
			goto fail;
		}
	}
	const char *dir = r->cwd ? r->cwd : a->switch_user ? a->home : NULL;
	if (dir && chdir(dir) < 0) {
		e = (struct spawn_error){ .stage = 1, .err = errno };
		goto fail;
	}
	environ = env;
	execvp(r->argv[0], r->argv);
	e = (struct spawn_error){ .stage = 2, .err = errno };
fail:
	if (write(err_fd, &e, sizeof(e)) < 0) {
		/* nothing left to tell anyone */
	}
	_exit(127);
}

static bool add_child(struct agent *a, pid_t pid, struct conn *c) {
	if (a->n_children == a->cap_children) {
		size_t cap = a->cap_children ? a->cap_children * 2 : 8;
		struct child *ch = realloc(a->children, cap * sizeof(*ch));
		if (!ch) {
			return false;
		}
		a->children = ch;
		a->cap_children = cap;
	}
	a->children[a->n_children++] = (struct child){ .pid = pid, .conn = c };
	return true;
}

pid_t agent_spawn(struct agent *a, struct request *r, char *err, size_t errlen) {
	char **env = build_env(a, r->env);
	if (!env) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) < 0) {
		free_env(env);
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(ep[0]);
		child_main(a, r, env, ep[1]);
	}
	close(ep[1]);
	free_env(env);
	if (pid < 0) {
		close(ep[0]);
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	/* EOF once exec succeeded (close-on-exec), else the stage that failed. */
	struct spawn_error e;
	if (execpipe_failed(ep[0], &e, sizeof(e))) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
		}
		static const char *stages[] = { "cannot switch to the user",
			"cannot change directory", "cannot execute" };
		snprintf(err, errlen, "%s: %s: %s", stages[e.stage],
			e.stage == 1 ? (r->cwd ? r->cwd : a->home) :
			e.stage == 2 ? r->argv[0] : a->user, strerror(e.err));
		return -1;
	}
	logf_("started %s as pid %d", r->argv[0], (int)pid);
	return pid;
}

static void run_request(struct agent *a, struct conn *c, struct request *r) {
	char msg[512];
	pid_t pid = agent_spawn(a, r, msg, sizeof(msg));
	if (pid < 0) {
		reply_error(c, "%s", msg);
		return;
	}
	if (!add_child(a, pid, c)) {
		/* Cannot track it: do not leave it running unreported. */
		kill(-pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
		}
		reply_error(c, "out of memory");
		return;
	}
	struct json_object *o = json_object_new_object();
	if (o) {
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		json_object_object_add(o, "pid", json_object_new_int(pid));
	}
	if (!o || !conn_queue(c, o)) {
		c->state = CONN_CLOSING;
	} else {
		c->child = pid;
		c->state = CONN_WAITING;
	}
	json_object_put(o);
}

static void handle_request(struct agent *a, struct conn *c) {
	struct json_tokener *tok = json_tokener_new_ex(64);
	if (!tok) {
		reply_error(c, "out of memory");
		return;
	}
	struct json_object *root = json_tokener_parse_ex(tok, c->body, (int)c->body_len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!root || jerr != json_tokener_success) {
		json_object_put(root);
		reply_error(c, "malformed JSON: %s", jerr == json_tokener_continue ?
			"unexpected end of input" : json_tokener_error_desc(jerr));
		return;
	}
	/* Trailing bytes mean a second document or garbage: not one request. */
	for (size_t i = end; i < c->body_len; i++) {
		if (!strchr(" \t\r\n", c->body[i])) {
			json_object_put(root);
			reply_error(c, "malformed JSON: trailing data");
			return;
		}
	}
	struct request r;
	const char *msg = request_parse(root, &r);
	if (msg) {
		reply_error(c, "%s", msg);
	} else {
		run_request(a, c, &r);
		request_free(&r);
	}
	json_object_put(root);
}

/* ---- connections ---- */

static void conn_close(struct agent *a, size_t idx) {
	struct conn *c = a->conns[idx];
	for (size_t i = 0; i < a->n_children; i++) {
		if (a->children[i].conn == c) {
			a->children[i].conn = NULL;
		}
	}
	close(c->fd);
	free(c->body);
	free(c->out);
	free(c);
	a->conns[idx] = a->conns[--a->n_conns];
}

/* Returns false when the connection should be closed now. */
static bool conn_read(struct agent *a, struct conn *c) {
	for (;;) {
		if (c->state != CONN_READING) {
			/* Nothing more is expected; notice a hang-up, drop the rest. */
			char scratch[512];
			ssize_t n = read(c->fd, scratch, sizeof(scratch));
			if (n == 0) {
				/*
				 * A client gone while its command runs wants no exit
				 * message; an error reply is still flushed if it can be.
				 */
				c->peer_eof = true;
				return c->state == CONN_CLOSING;
			}
			if (n < 0) {
				return errno == EAGAIN || errno == EINTR;
			}
			continue;
		}
		ssize_t n;
		if (c->hdr_len < 4) {
			n = read(c->fd, c->hdr + c->hdr_len, 4 - c->hdr_len);
		} else {
			n = read(c->fd, c->body + c->body_len, c->body_need - c->body_len);
		}
		if (n < 0) {
			return errno == EAGAIN || errno == EINTR;
		}
		if (n == 0) {
			return false; /* closed before a whole request */
		}
		if (c->hdr_len < 4) {
			c->hdr_len += (size_t)n;
			if (c->hdr_len < 4) {
				continue;
			}
			uint32_t len = (uint32_t)c->hdr[0] << 24 | (uint32_t)c->hdr[1] << 16 |
				(uint32_t)c->hdr[2] << 8 | c->hdr[3];
			if (len == 0) {
				reply_error(c, "empty request");
				continue;
			}
			if (len > a->max_request) {
				reply_error(c, "request too large (%u bytes, limit %zu)", len,
					a->max_request);
				continue;
			}
			c->body_need = len;
			c->body = malloc(len + 1);
			if (!c->body) {
				reply_error(c, "out of memory");
				continue;
			}
			continue;
		}
		c->body_len += (size_t)n;
		if (c->body_len == c->body_need) {
			c->body[c->body_len] = '\0';
			handle_request(a, c);
		}
	}
}

/* Returns false when the connection should be closed now. */
static bool conn_write(struct conn *c) {
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			MSG_NOSIGNAL);
		if (n < 0) {
			return errno == EAGAIN || errno == EINTR;
		}
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return c->state != CONN_CLOSING;
}

static void accept_conns(struct agent *a) {
	for (;;) {
		struct sockaddr_storage addr;
		socklen_t len = sizeof(addr);
		int fd = accept4(a->listen_fd, (struct sockaddr *)&addr, &len,
			SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR) {
				logf_("accept: %s", strerror(errno));
			}
			return;
		}
		if (a->vsock) {
			struct sockaddr_vm *vm = (struct sockaddr_vm *)&addr;
			if (vm->svm_family != AF_VSOCK || vm->svm_cid != VMADDR_CID_HOST) {
				logf_("refused a connection from CID %u: only the host (CID %u) "
					"may connect", vm->svm_cid, VMADDR_CID_HOST);
				close(fd);
				continue;
			}
		}
		if (a->n_conns == MAX_CONNS) {
			logf_("refused a connection: %d already open", MAX_CONNS);
			close(fd);
			continue;
		}
		struct conn *c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		a->conns[a->n_conns++] = c;
	}
}

static void report_exit(struct agent *a, pid_t pid, int status) {
	for (size_t i = 0; i < a->n_children; i++) {
		if (a->children[i].pid != pid) {
			continue;
		}
		struct conn *c = a->children[i].conn;
		a->children[i] = a->children[--a->n_children];
		if (WIFEXITED(status)) {
			logf_("pid %d exited with code %d", (int)pid, WEXITSTATUS(status));
		} else if (WIFSIGNALED(status)) {
			logf_("pid %d killed by signal %d", (int)pid, WTERMSIG(status));
		}
		if (!c) {
			return;
		}
		struct json_object *o = json_object_new_object();
		if (o) {
			if (WIFSIGNALED(status)) {
				json_object_object_add(o, "signal",
					json_object_new_int(WTERMSIG(status)));
			} else {
				json_object_object_add(o, "exit",
					json_object_new_int(WEXITSTATUS(status)));
			}
			conn_queue(c, o);
			json_object_put(o);
		}
		c->state = CONN_CLOSING;
		return;
	}
}

/* Returns false when the agent should exit. */
static bool handle_signals(struct agent *a) {
	struct signalfd_siginfo si;
	bool quit = false;
	while (read(a->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT ||
				si.ssi_signo == SIGHUP) {
			quit = true;
		}
	}
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		report_exit(a, pid, status);
	}
	return !quit;
}

/* ---- start-up ---- */

static int listen_unix(const char *path) {
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		logf_("socket path too long: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	/* A socket left by an agent that was killed; anything else is kept. */
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		unlink(path);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		logf_("socket: %s", strerror(errno));
		return -1;
	}
	/* Only this user may connect: the socket is made 0600. */
	mode_t old = umask(077);
	int r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (r < 0 || listen(fd, 16) < 0) {
		logf_("cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int listen_vsock(unsigned port) {
	int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		logf_("vsock socket: %s (is the vsock driver loaded?)", strerror(errno));
		return -1;
	}
	struct sockaddr_vm addr = {
		.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = port,
	};
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 16) < 0) {
		logf_("cannot listen on vsock port %u: %s", port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static bool parse_size(const char *s, size_t *out) {
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > UINT32_MAX || s[0] == '-') {
		return false;
	}
	*out = (size_t)v;
	return true;
}

static bool resolve_user(struct agent *a, const char *name) {
	struct passwd *pw = getpwnam(name);
	if (!pw) {
		logf_("unknown user %s", name);
		return false;
	}
	if (getuid() != 0) {
		if (pw->pw_uid != getuid()) {
			logf_("not running as root: commands run as uid %u, not as %s",
				(unsigned)getuid(), name);
		}
		return true;
	}
	a->switch_user = true;
	a->user = strdup(pw->pw_name);
	a->home = strdup(pw->pw_dir);
	a->shell = strdup(pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh");
	a->uid = pw->pw_uid;
	a->gid = pw->pw_gid;
	return a->user && a->home && a->shell;
}

int main(int argc, char *argv[]) {
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "user", required_argument, NULL, 'u' },
		{ "wayland-display", required_argument, NULL, 'w' },
		{ "max-request", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct agent a = { .listen_fd = -1, .sig_fd = -1,
		.max_request = DEFAULT_MAX_REQUEST, .display = DEFAULT_DISPLAY };
	const char *listen_addr = NULL, *user = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			listen_addr = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'w':
			a.display = optarg;
			break;
		case 'm':
			/* The JSON parser takes an int length: stay far below that. */
			if (!parse_size(optarg, &a.max_request) ||
					a.max_request > MAX_REQUEST_LIMIT) {
				logf_("--max-request wants 1 to %d bytes", MAX_REQUEST_LIMIT);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (user && !resolve_user(&a, user)) {
		return 1;
	}

	/* Signals arrive on a signalfd, so the poll loop sees them in order. */
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
			(a.sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		logf_("signalfd: %s", strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);

	if (listen_addr && strncmp(listen_addr, "serial:", 7) == 0) {
		if (listen_addr[7] == '\0') {
			logf_("--listen serial: wants a port name, e.g. serial:%s",
				AGENT_PROTOCOL_SERIAL_PORT);
			return 2;
		}
		int rc = agent_serial_main(&a, listen_addr + 7);
		/* --user's strings, as on the socket path's way out. */
		free(a.user);
		free(a.home);
		free(a.shell);
		return rc;
	}
	if (!listen_addr || strncmp(listen_addr, "vsock:", 6) == 0) {
		size_t port = DEFAULT_PORT;
		if (listen_addr && !parse_size(listen_addr + 6, &port)) {
			logf_("bad vsock port in %s", listen_addr);
			return 2;
		}
		a.vsock = true;
		a.listen_fd = listen_vsock((unsigned)port);
	} else if (strncmp(listen_addr, "unix:", 5) == 0 && listen_addr[5]) {
		a.listen_fd = listen_unix(listen_addr + 5);
	} else {
		logf_("--listen wants vsock:PORT, unix:PATH or serial:NAME, not %s", listen_addr);
		return 2;
	}
	if (a.listen_fd < 0) {
		return 1;
	}
	logf_("listening on %s, WAYLAND_DISPLAY=%s", listen_addr ? listen_addr :
		"vsock:" AGENT_PROTOCOL_PORT_STR, a.display);

	struct pollfd pfds[2 + MAX_CONNS];
	bool running = true;
	while (running) {
		pfds[0] = (struct pollfd){ .fd = a.listen_fd, .events = POLLIN };
		pfds[1] = (struct pollfd){ .fd = a.sig_fd, .events = POLLIN };
		size_t n = a.n_conns;
		for (size_t i = 0; i < n; i++) {
			struct conn *c = a.conns[i];
			pfds[2 + i] = (struct pollfd){ .fd = c->fd,
				.events = (short)((c->peer_eof ? 0 : POLLIN) |
					(c->out_len ? POLLOUT : 0)) };
		}
		if (poll(pfds, 2 + n, -1) < 0) {
			if (errno == EINTR) {
				continue;
			}
			logf_("poll: %s", strerror(errno));
			break;
		}
		if (pfds[1].revents) {
			running = handle_signals(&a);
		}
		/* Backwards, since closing moves the last connection into the slot. */
		for (size_t i = n; i-- > 0;) {
			struct conn *c = a.conns[i];
			short re = pfds[2 + i].revents;
			bool keep = true;
			if ((re & (POLLIN | POLLHUP | POLLERR)) && !c->peer_eof) {
				keep = conn_read(&a, c);
			} else if (re & (POLLHUP | POLLERR)) {
				keep = false;
			}
			if (keep && (c->out_len || c->state == CONN_CLOSING)) {
				keep = conn_write(c);
			}
			if (!keep) {
				conn_close(&a, i);
			}
		}
		/* Exit messages queued by handle_signals for connections without events. */
		for (size_t i = a.n_conns; i-- > 0;) {
			struct conn *c = a.conns[i];
			if (c->out_len && !conn_write(c)) {
				conn_close(&a, i);
			}
		}
		if (pfds[0].revents & POLLIN) {
			accept_conns(&a);
		}
	}

	/* Leaving: the commands go too (as systemd would do with the unit). */
	for (size_t i = 0; i < a.n_children; i++) {
		kill(-a.children[i].pid, SIGTERM);
	}
	while (a.n_conns > 0) {
		conn_close(&a, a.n_conns - 1);
	}
	free(a.children);
	free(a.user);
	free(a.home);
	free(a.shell);
	close(a.listen_fd);
	close(a.sig_fd);
	return 0;
}
