/*
 * cordon-agent's virtio-serial transport (--listen serial:NAME) and the
 * guest half of the per-app Wayland relay. The framing (one JSON object per
 * line, host-chosen request ids, resynchronisation at the next newline) is
 * in protocol.h. The host is trusted more than the guest, but a line is
 * still bounded and validated: whatever arrives on the port must not make
 * the agent run something it was not asked to, or open a port other than
 * an app's relay port.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "vmm/agent/agent.h"
#include "vmm/agent/json_whole.h"

#define SERIAL_MAX_CHILDREN 64
#define SERIAL_OUT_MAX (1024 * 1024)
#define BRIDGE_BUF (64 * 1024)
/* waypipe server must connect to its socket within this: a fresh guest
 * under TCG on a loaded host takes tens of seconds for its first app. */
#define BRIDGE_ACCEPT_MS 60000
/* A hot-added port appears in sysfs and /dev shortly after device_add. */
#define PORT_WAIT_MS 5000
/* How long to leave a port alone whose host end is not connected. */
#define HUP_PAUSE_MS 200

struct bridge {
	int port_fd;      /* the app's cordon.wl.N port */
	int listen_fd;    /* private socket waypipe server connects to; -1 once it did */
	int conn_fd;      /* waypipe server's connection, -1 until accepted */
	char *dir, *sock;
	int64_t accept_deadline;
	char to_conn[BRIDGE_BUF], to_port[BRIDGE_BUF];
	size_t to_conn_len, to_port_len;
	bool port_eof, conn_eof;
};

struct schild {
	pid_t pid;
	int64_t id;
	struct bridge *br;
};

struct serial {
	struct agent *a;
	int fd;
	char in[AGENT_PROTOCOL_MAX_MESSAGE + 1];
	size_t in_len;
	bool skipping;
	char *out;
	size_t out_len;
	int64_t hup_until;
	struct schild children[SERIAL_MAX_CHILDREN];
	size_t n_children;
};

static int64_t now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *env_or(const char *name, const char *fallback) {
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : fallback;
}

/* The device of the virtio-serial port called name, found once. */
static bool find_port_once(const char *name, char *path, size_t len) {
	const char *sys = env_or("CORDON_AGENT_VIRTIO_PORTS", "/sys/class/virtio-ports");
	const char *dev = env_or("CORDON_AGENT_DEV", "/dev");
	DIR *d = opendir(sys);
	if (d == NULL) {
		return false;
	}
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') {
			continue;
		}
		char file[512], buf[128];
		snprintf(file, sizeof(file), "%s/%s/name", sys, e->d_name);
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			continue;
		}
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0) {
			continue;
		}
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (strcmp(buf, name) == 0) {
			found = (size_t)snprintf(path, len, "%s/%s", dev, e->d_name) < len;
		}
	}
	closedir(d);
	return found;
}

static int open_port(const char *name, int wait_ms) {
	char path[600];
	int64_t deadline = now_ms() + wait_ms;
	for (;;) {
		if (find_port_once(name, path, sizeof(path))) {
			int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
			if (fd >= 0) {
				/* A pty standing in for the port in tests: no line discipline. */
				struct termios t;
				if (isatty(fd) && tcgetattr(fd, &t) == 0) {
					cfmakeraw(&t);
					tcsetattr(fd, TCSANOW, &t);
				}
				return fd;
			}
		}
		if (now_ms() >= deadline) {
			return -1;
		}
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

/* ---- output to the host ---- */

static void serial_flush(struct serial *s) {
	while (s->out_len > 0) {
		ssize_t n = write(s->fd, s->out, s->out_len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			return;
		}
		if (n <= 0) {
			/* No host on the other end: what it would have read is lost. */
			s->out_len = 0;
			return;
		}
		memmove(s->out, s->out + n, s->out_len - (size_t)n);
		s->out_len -= (size_t)n;
	}
}

static void serial_send(struct serial *s, struct json_object *o) {
	if (o == NULL) {
		return;
	}
	size_t len = 0;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	if (text != NULL && len + 1 <= AGENT_PROTOCOL_MAX_MESSAGE &&
			s->out_len + len + 1 <= SERIAL_OUT_MAX) {
		char *grown = realloc(s->out, s->out_len + len + 1);
		if (grown != NULL) {
			s->out = grown;
			memcpy(s->out + s->out_len, text, len);
			s->out[s->out_len + len] = '\n';
			s->out_len += len + 1;
		}
	}
	json_object_put(o);
	serial_flush(s);
}

static void serial_reply_error(struct serial *s, int64_t id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void serial_reply_error(struct serial *s, int64_t id, const char *fmt, ...) {
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	struct json_object *o = json_whole_refusal(id, msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logf_("request %lld refused: %s", (long long)id, msg);
	serial_send(s, o);
}

/* ---- bridges ---- */

static void bridge_close_fds(struct bridge *b) {
	if (b->port_fd >= 0) {
		close(b->port_fd);
		b->port_fd = -1;
	}
	if (b->listen_fd >= 0) {
		close(b->listen_fd);
		b->listen_fd = -1;
	}
	if (b->conn_fd >= 0) {
		close(b->conn_fd);
		b->conn_fd = -1;
	}
	if (b->sock) {
		unlink(b->sock);
	}
	if (b->dir) {
		rmdir(b->dir);
	}
}

static void bridge_free(struct bridge *b) {
	if (b == NULL) {
		return;
	}
	bridge_close_fds(b);
	free(b->sock);
	free(b->dir);
	free(b);
}

/* The relay port (cordon.wl.N only) and a private socket for waypipe server. */
static struct bridge *bridge_new(struct serial *s, const char *port, char *err,
		size_t errlen) {
	struct bridge *b = calloc(1, sizeof(*b));
	if (b == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->port_fd = b->listen_fd = b->conn_fd = -1;
	b->port_fd = open_port(port, PORT_WAIT_MS);
	if (b->port_fd < 0) {
		snprintf(err, errlen, "no virtio-serial port named %s", port);
		bridge_free(b);
		return NULL;
	}
	char tmpl[] = "/tmp/cordon-agent-XXXXXX";
	const char *tmp = mkdtemp(tmpl);
	b->dir = tmp ? strdup(tmp) : NULL;
	if (b->dir == NULL || asprintf(&b->sock, "%s/wl.sock", b->dir) < 0) {
		b->sock = NULL;
		snprintf(err, errlen, "cannot make a private directory: %s", strerror(errno));
		bridge_free(b);
		return NULL;
	}
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", b->sock);
	b->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (b->listen_fd < 0 || bind(b->listen_fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
			listen(b->listen_fd, 1) < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", b->sock, strerror(errno));
		bridge_free(b);
		return NULL;
	}
	/* The app runs as the agent's user: only it may use the directory. */
	if (s->a->switch_user && (chown(b->dir, s->a->uid, s->a->gid) < 0 ||
			chown(b->sock, s->a->uid, s->a->gid) < 0)) {
		snprintf(err, errlen, "cannot hand %s to %s: %s", b->dir, s->a->user,
			strerror(errno));
		bridge_free(b);
		return NULL;
	}
	b->accept_deadline = now_ms() + BRIDGE_ACCEPT_MS;
	return b;
}

enum bridge_way { BRIDGE_FILL, BRIDGE_DRAIN };

/*
 * Moves bytes between fd and buf until fd would block: BRIDGE_FILL reads
 * into the room buf has left, BRIDGE_DRAIN writes out what it holds. False
 * at EOF or on an error.
 */
static bool bridge_move(int fd, char *buf, size_t *len, enum bridge_way way) {
	bool fill = way == BRIDGE_FILL;
	while (fill ? *len < BRIDGE_BUF : *len > 0) {
		ssize_t n = fill ? read(fd, buf + *len, BRIDGE_BUF - *len) : write(fd, buf, *len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			return true;
		}
		if (n <= 0) {
			return false;
		}
		if (fill) {
			*len += (size_t)n;
		} else {
			memmove(buf, buf + n, *len - (size_t)n);
			*len -= (size_t)n;
		}
	}
	return true;
}

static void bridge_io(struct bridge *b, short port_re, short conn_re, short listen_re) {
	if (b->listen_fd >= 0 && (listen_re & POLLIN)) {
		int fd = accept4(b->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd >= 0) {
			b->conn_fd = fd;
			close(b->listen_fd);
			b->listen_fd = -1;
			unlink(b->sock);
		}
	}
	if (b->listen_fd >= 0 && now_ms() >= b->accept_deadline) {
		logf_("waypipe server did not connect to %s; closing its relay", b->sock);
		bridge_close_fds(b);
		return;
	}
	if (b->conn_fd < 0 || b->port_fd < 0) {
		return;
	}
	if ((port_re & (POLLIN | POLLHUP | POLLERR)) &&
			!bridge_move(b->port_fd, b->to_conn, &b->to_conn_len, BRIDGE_FILL)) {
		b->port_eof = true;
	}
	if ((conn_re & (POLLIN | POLLHUP | POLLERR)) &&
			!bridge_move(b->conn_fd, b->to_port, &b->to_port_len, BRIDGE_FILL)) {
		b->conn_eof = true;
	}
	bool ok = bridge_move(b->conn_fd, b->to_conn, &b->to_conn_len, BRIDGE_DRAIN) &&
		bridge_move(b->port_fd, b->to_port, &b->to_port_len, BRIDGE_DRAIN);
	/* Either end gone: the Wayland connection is over; waypipe then exits. */
	if (!ok || (b->port_eof && b->to_conn_len == 0) ||
			(b->conn_eof && b->to_port_len == 0)) {
		bridge_close_fds(b);
	}
}

/* ---- requests ---- */

/* cordon.wl.N with N 1..99: the only ports a request may name. */
static bool is_relay_port(const char *p) {
	size_t plen = strlen(AGENT_PROTOCOL_RELAY_PREFIX);
	if (strncmp(p, AGENT_PROTOCOL_RELAY_PREFIX, plen) != 0) {
		return false;
	}
	const char *n = p + plen;
	size_t digits = strspn(n, "0123456789");
	return digits >= 1 && digits <= 2 && n[digits] == '\0' && n[0] != '0';
}

static void serial_run(struct serial *s, int64_t id, struct json_object *root) {
	struct json_object *relay = NULL;
	const char *port = NULL;
	if (json_object_object_get_ex(root, "relay", &relay)) {
		if (!json_object_is_type(relay, json_type_string) ||
				!is_relay_port(json_object_get_string(relay))) {
			serial_reply_error(s, id, "relay must name a port %sN",
				AGENT_PROTOCOL_RELAY_PREFIX);
			return;
		}
		port = json_object_get_string(relay);
	}
	/* What is left must be a plain request. */
	struct json_object *rest = json_object_new_object();
	if (rest == NULL) {
		serial_reply_error(s, id, "out of memory");
		return;
	}
	json_object_object_foreach(root, key, val) {
		if (strcmp(key, "id") != 0 && strcmp(key, "relay") != 0) {
			json_object_object_add(rest, key, json_object_get(val));
		}
	}
	struct request r;
	const char *msg = request_parse(rest, &r);
	if (msg != NULL) {
		serial_reply_error(s, id, "%s", msg);
		json_object_put(rest);
		return;
	}
	if (s->n_children == SERIAL_MAX_CHILDREN) {
		serial_reply_error(s, id, "%d commands run already", SERIAL_MAX_CHILDREN);
		request_free(&r);
		json_object_put(rest);
		return;
	}
	char err[512];
	struct bridge *b = NULL;
	char **orig = r.argv;
	char **wrapped = NULL;
	if (port != NULL) {
		b = bridge_new(s, port, err, sizeof(err));
		size_t n = 0;
		while (orig[n]) {
			n++;
		}
		wrapped = b ? calloc(n + 8, sizeof(char *)) : NULL;
		if (wrapped == NULL) {
			serial_reply_error(s, id, "%s", b ? "out of memory" : err);
			bridge_free(b);
			request_free(&r);
			json_object_put(rest);
			return;
		}
		const char *pre[] = { "waypipe", "--oneshot", "--no-gpu", "--socket", b->sock,
			"server", "--" };
		for (size_t i = 0; i < 7; i++) {
			wrapped[i] = (char *)pre[i];
		}
		memcpy(wrapped + 7, orig, (n + 1) * sizeof(char *));
		r.argv = wrapped;
	}
	pid_t pid = agent_spawn(s->a, &r, err, sizeof(err));
	r.argv = orig;
	free(wrapped);
	request_free(&r);
	json_object_put(rest);
	if (pid < 0) {
		serial_reply_error(s, id, "%s", err);
		bridge_free(b);
		return;
	}
	s->children[s->n_children++] = (struct schild){ .pid = pid, .id = id, .br = b };
	struct json_object *o = json_object_new_object();
	if (o) {
		json_object_object_add(o, "id", json_object_new_int64(id));
		json_object_object_add(o, "ok", json_object_new_boolean(1));
		json_object_object_add(o, "pid", json_object_new_int(pid));
	}
	serial_send(s, o);
}

static void serial_line(struct serial *s, const char *line, size_t len) {
	if (len > 0 && line[len - 1] == '\r') {
		len--;
	}
	if (len == 0) {
		return;
	}
	struct json_object *o = json_whole_object(line, len, 16);
	if (o == NULL) {
		logf_("dropped a line that is not a JSON object");
		return;
	}
	struct json_object *v;
	if (json_object_object_get_ex(o, "hello", &v)) {
		struct json_object *h = json_object_new_object();
		if (h) {
			json_object_object_add(h, "hello",
				json_object_new_int(AGENT_PROTOCOL_SERIAL_VERSION));
		}
		serial_send(s, h);
	} else if (json_object_object_get_ex(o, "id", &v) &&
			json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0) {
		serial_run(s, json_object_get_int64(v), o);
	} else {
		logf_("dropped a message without a hello or an id");
	}
	json_object_put(o);
}

static bool serial_take_line(void *data, const char *line, size_t len) {
	serial_line(data, line, len);
	return true;
}

static void serial_read(struct serial *s) {
	for (;;) {
		size_t room = sizeof(s->in) - 1 - s->in_len;
		ssize_t n = read(s->fd, s->in + s->in_len, room);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			return;
		}
		if (n <= 0) {
			/* The host end is not connected (vport: EOF; pty: EIO): wait a little. */
			s->hup_until = now_ms() + HUP_PAUSE_MS;
			return;
		}
		if (json_whole_lines(s->in, sizeof(s->in) - 1, &s->in_len, (size_t)n,
				&s->skipping, serial_take_line, s)) {
			logf_("dropped a line longer than %d bytes", AGENT_PROTOCOL_MAX_MESSAGE);
		}
	}
}

static void serial_reap(struct serial *s, pid_t pid, int status) {
	for (size_t i = 0; i < s->n_children; i++) {
		struct schild *c = &s->children[i];
		if (c->pid != pid) {
			continue;
		}
		struct json_object *o = json_object_new_object();
		if (o) {
			json_object_object_add(o, "id", json_object_new_int64(c->id));
			if (WIFSIGNALED(status)) {
				json_object_object_add(o, "signal", json_object_new_int(WTERMSIG(status)));
			} else {
				json_object_object_add(o, "exit", json_object_new_int(WEXITSTATUS(status)));
			}
		}
		logf_("pid %d (request %lld) ended", (int)pid, (long long)c->id);
		bridge_free(c->br);
		*c = s->children[--s->n_children];
		serial_send(s, o);
		return;
	}
}

int agent_serial_main(struct agent *a, const char *name) {
	struct serial *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		logf_("out of memory");
		return 1;
	}
	s->a = a;
	s->fd = open_port(name, PORT_WAIT_MS);
	if (s->fd < 0) {
		logf_("no virtio-serial port named %s", name);
		free(s);
		return 1;
	}
	logf_("listening on serial:%s, WAYLAND_DISPLAY=%s", name, a->display);
	bool running = true;
	struct pollfd pfds[2 + 3 * SERIAL_MAX_CHILDREN];
	while (running) {
		int64_t now = now_ms();
		bool paused = now < s->hup_until;
		size_t n = 0;
		pfds[n++] = (struct pollfd){ .fd = a->sig_fd, .events = POLLIN };
		pfds[n++] = (struct pollfd){ .fd = paused ? -1 : s->fd,
			.events = (short)(POLLIN | (s->out_len ? POLLOUT : 0)) };
		int timeout = paused ? (int)(s->hup_until - now) : -1;
		for (size_t i = 0; i < s->n_children; i++) {
			struct bridge *b = s->children[i].br;
			int pfd = -1, cfd = -1, lfd = -1;
			short pev = 0, cev = 0;
			if (b != NULL) {
				pfd = b->conn_fd >= 0 ? b->port_fd : -1;
				cfd = b->port_fd >= 0 ? b->conn_fd : -1;
				lfd = b->listen_fd;
				pev = (short)((b->to_conn_len < BRIDGE_BUF ? POLLIN : 0) |
					(b->to_port_len ? POLLOUT : 0));
				cev = (short)((b->to_port_len < BRIDGE_BUF ? POLLIN : 0) |
					(b->to_conn_len ? POLLOUT : 0));
				if (lfd >= 0) {
					int left = (int)(b->accept_deadline - now);
					left = left > 0 ? left : 0;
					timeout = timeout < 0 || left < timeout ? left : timeout;
				}
			}
			pfds[n++] = (struct pollfd){ .fd = pfd, .events = pev };
			pfds[n++] = (struct pollfd){ .fd = cfd, .events = cev };
			pfds[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		}
		if (poll(pfds, n, timeout) < 0 && errno != EINTR) {
			logf_("poll: %s", strerror(errno));
			break;
		}
		for (size_t i = 0; i < s->n_children; i++) {
			if (s->children[i].br != NULL) {
				bridge_io(s->children[i].br, pfds[2 + 3 * i].revents,
					pfds[3 + 3 * i].revents, pfds[4 + 3 * i].revents);
			}
		}
		if (pfds[1].revents & POLLOUT) {
			serial_flush(s);
		}
		if (pfds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			serial_read(s);
		}
		if (pfds[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(a->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo != SIGCHLD) {
					running = false;
				}
			}
			int status;
			pid_t pid;
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
				serial_reap(s, pid, status);
			}
		}
	}
	for (size_t i = 0; i < s->n_children; i++) {
		kill(-s->children[i].pid, SIGTERM);
		bridge_free(s->children[i].br);
	}
	close(s->fd);
	free(s->out);
	free(s);
	return 0;
}
