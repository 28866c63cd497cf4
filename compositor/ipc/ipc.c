#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "common/mstime.h"
#include "compositor/accept.h"
#include "compositor/ipc/ipc.h"
#include "compositor/path_watch.h"
#include "compositor/util.h"

/* Room for one full line and its newline. */
#define IPC_LINEBUF_SIZE (IPC_MAX_REQUEST + 1)

/*
 * Past this much queued output a connection stops taking requests until the
 * client has read some: a client that pipelines many requests is slowed
 * down instead of being dropped at IPC_MAX_PENDING.
 */
#define IPC_READ_PAUSE (64 * 1024)

#define IPC_TOO_LARGE_REPLY \
	"{\"ok\":false,\"error\":\"request too large (limit 65536 bytes)\"}"

/*
 * Connections at once. Each holds a 64 KiB line buffer and a file
 * descriptor; past this a new one is told so and closed, which keeps the
 * descriptors for the domains' clients.
 */
#define IPC_MAX_CONNECTIONS 128
#define IPC_TOO_MANY_REPLY \
	"{\"ok\":false,\"error\":\"too many IPC connections (limit 128)\"}\n"

/*
 * A request begun must end within this, and the first one must arrive
 * within this of connecting: a client that trickles a line (slowloris),
 * stops halfway or never says anything would otherwise hold its slot for
 * ever. Idle connections between requests (subscribers, status bars) stay.
 */
#define IPC_REQUEST_TIMEOUT_MS 10000
#define IPC_TIMEOUT_REPLY \
	"{\"ok\":false,\"error\":\"no whole request within 10 s\"}"

struct cordon_ipc {
	struct wl_event_loop *loop;
	char *path;
	int fd;
	/* The socket file we bound, so teardown never removes a successor's. */
	struct sock_watch watch;
	struct wl_event_source *source;
	ipc_dispatch_fn dispatch;
	void *data;
	struct wl_list connections; /* ipc_connection.link */
	int n_connections;
	bool full_logged;             /* at IPC_MAX_CONNECTIONS, said once */
	struct accept_pace pace;      /* accept that pauses when out of room */
	/* One timer for every connection's deadline: no descriptor each. */
	struct wl_event_source *deadline_timer;
	bool deadline_armed;
	/* Watches the socket file, to bind it again if it is removed. */
	struct path_watch *path_watch;
};

struct ipc_connection {
	struct wl_list link;
	struct cordon_ipc *ipc;
	int fd;
	pid_t pid;
	struct wl_event_source *source;
	uint32_t mask;

	struct ipc_linebuf in;
	char *out;
	size_t out_start, out_end, out_cap;
	/* While it owes a request: when it is cut off (CLOCK_MONOTONIC ms). */
	int64_t deadline_ms;          /* 0: owes nothing */

	bool subscribed;
	bool answered; /* a request came in whole: idle from now on is fine */
	bool eof;      /* the client sent everything it will send */
	bool stalled;  /* complete lines wait in `in` until output drains */
	bool closing;  /* take no more requests; close once output is written */
	bool busy;     /* inside its own fd handler, so freeing waits */
	bool dead;     /* closed while busy; freed when the handler returns */
};

struct json_object *ipc_error(const char *fmt, ...) {
	va_list args;
	va_start(args, fmt);
	char *msg = NULL;
	int len = vasprintf(&msg, fmt, args);
	va_end(args);
	if (len < 0) {
		return NULL;
	}
	struct json_object *reply = json_object_new_object();
	struct json_object *ok = json_object_new_boolean(false);
	struct json_object *error = json_object_new_string_len(msg, len);
	free(msg);
	if (!reply || !ok || !error ||
			json_object_object_add(reply, "ok", ok) < 0) {
		json_object_put(ok);
		json_object_put(error);
		json_object_put(reply);
		return NULL;
	}
	if (json_object_object_add(reply, "error", error) < 0) {
		json_object_put(error);
		json_object_put(reply);
		return NULL;
	}
	return reply;
}

struct json_object *ipc_ok(void) {
	struct json_object *reply = json_object_new_object();
	struct json_object *ok = json_object_new_boolean(true);
	if (!reply || !ok || json_object_object_add(reply, "ok", ok) < 0) {
		json_object_put(ok);
		json_object_put(reply);
		return NULL;
	}
	return reply;
}

/* Compact, one line, and paths without json-c's escaped slashes. */
static char *to_line(struct json_object *obj) {
	const char *text = json_object_to_json_string_ext(obj,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	return text ? strdup(text) : NULL;
}

static struct json_object *run_request(const char *line, size_t len,
		ipc_dispatch_fn dispatch, struct ipc_connection *conn, void *data) {
	if (strnlen(line, len) != len) {
		return ipc_error("request contains a NUL byte");
	}
	if (len == 0) {
		return ipc_error("empty request");
	}
	if (len >= INT_MAX) {
		return ipc_error("request too large (limit %d bytes)",
			IPC_MAX_REQUEST);
	}

	struct json_tokener *tok = json_tokener_new();
	if (!tok) {
		return NULL;
	}
	/* Strict: one JSON text, no trailing bytes, valid UTF-8. */
	json_tokener_set_flags(tok,
		JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/*
	 * len + 1 hands json-c the terminating NUL, which tells it the input
	 * ends there; otherwise a request that ends in a bare number or
	 * literal would stay "incomplete" instead of parsing or failing.
	 */
	struct json_object *request = json_tokener_parse_ex(tok, line,
		(int)len + 1);
	enum json_tokener_error err = json_tokener_get_error(tok);
	json_tokener_free(tok);
	if (err != json_tokener_success) {
		json_object_put(request);
		return ipc_error("malformed JSON: %s",
			json_tokener_error_desc(err));
	}

	struct json_object *reply;
	struct json_object *cmd;
	if (!json_object_is_type(request, json_type_object)) {
		reply = ipc_error("request is not a JSON object");
	} else if (!json_object_object_get_ex(request, "cmd", &cmd)) {
		reply = ipc_error("missing field 'cmd'");
	} else if (!json_object_is_type(cmd, json_type_string)) {
		reply = ipc_error("field 'cmd' must be a string");
	} else {
		const char *name = json_object_get_string(cmd);
		reply = dispatch(conn, name, request, data);
		if (!reply) {
			/* The name is the client's: bounded, and escaped by json-c. */
			reply = ipc_error("unknown command '%.64s'", name);
		}
	}
	json_object_put(request);
	return reply;
}

char *ipc_handle_request(const char *line, size_t len,
		ipc_dispatch_fn dispatch, struct ipc_connection *conn, void *data) {
	struct json_object *reply = run_request(line, len, dispatch, conn, data);
	if (!reply) {
		return NULL;
	}
	char *text = to_line(reply);
	json_object_put(reply);
	return text;
}

bool ipc_linebuf_init(struct ipc_linebuf *lb) {
	lb->len = 0;
	lb->data = malloc(IPC_LINEBUF_SIZE);
	return lb->data != NULL;
}

void ipc_linebuf_finish(struct ipc_linebuf *lb) {
	free(lb->data);
	lb->data = NULL;
	lb->len = 0;
}

char *ipc_linebuf_space(struct ipc_linebuf *lb, size_t *avail) {
	*avail = IPC_LINEBUF_SIZE - lb->len;
	return lb->data + lb->len;
}

/* Cuts the line at end (the newline's index, or lb->len) and hands it on. */
static bool take_line(struct ipc_linebuf *lb, size_t start, size_t end,
		ipc_line_fn fn, void *data) {
	lb->data[end] = '\0';
	if (end > start && lb->data[end - 1] == '\r') {
		lb->data[--end] = '\0';
	}
	return fn(lb->data + start, end - start, data);
}

enum ipc_linebuf_result ipc_linebuf_commit(struct ipc_linebuf *lb, size_t n,
		ipc_line_fn fn, void *data) {
	assert(n <= IPC_LINEBUF_SIZE - lb->len);
	lb->len += n;

	enum ipc_linebuf_result result = IPC_LINEBUF_OK;
	size_t start = 0;
	while (start < lb->len) {
		char *newline = memchr(lb->data + start, '\n', lb->len - start);
		if (!newline) {
			break;
		}
		size_t end = (size_t)(newline - lb->data);
		size_t line_start = start;
		start = end + 1;
		if (!take_line(lb, line_start, end, fn, data)) {
			result = IPC_LINEBUF_STOPPED;
			break;
		}
	}
	memmove(lb->data, lb->data + start, lb->len - start);
	lb->len -= start;
	/* A full buffer with no newline holds a line over the limit. */
	if (result == IPC_LINEBUF_OK && lb->len == IPC_LINEBUF_SIZE) {
		result = IPC_LINEBUF_TOO_LARGE;
	}
	return result;
}

/*
 * Hands a last line that ended without a newline to fn (the client closed
 * its side after it), so `printf '{"cmd":"version"}' | nc -U` works.
 */
static enum ipc_linebuf_result linebuf_end(struct ipc_linebuf *lb,
		ipc_line_fn fn, void *data) {
	if (lb->len == 0) {
		return IPC_LINEBUF_OK;
	}
	/* After an OK commit len < IPC_LINEBUF_SIZE: room for the NUL. */
	assert(lb->len < IPC_LINEBUF_SIZE);
	size_t len = lb->len;
	lb->len = 0;
	return take_line(lb, 0, len, fn, data) ?
		IPC_LINEBUF_OK : IPC_LINEBUF_STOPPED;
}

static size_t conn_pending(const struct ipc_connection *conn) {
	return conn->out_end - conn->out_start;
}

static void conn_free(struct ipc_connection *conn) {
	wl_list_remove(&conn->link);
	conn->ipc->n_connections--;
	if (conn->ipc->n_connections < IPC_MAX_CONNECTIONS) {
		conn->ipc->full_logged = false;
	}
	if (conn->source) {
		wl_event_source_remove(conn->source);
	}

	/*
	 * Closing a Unix socket with unread input makes the client's next read
	 * fail with ECONNRESET instead of EOF, which hides the error reply it
	 * was just sent (a request too large). Drop what is already there,
	 * boundedly: a client still sending may well see the reset.
	 */
	char discard[4096];
	for (int i = 0; i < 64 && recv(conn->fd, discard, sizeof(discard),
			MSG_DONTWAIT) > 0; i++) {
	}
	close(conn->fd);
	ipc_linebuf_finish(&conn->in);
	free(conn->out);
	free(conn);
}

/* Closes now, or as soon as the connection's own handler returns. */
static void conn_close(struct ipc_connection *conn) {
	if (conn->busy) {
		conn->dead = true;
		conn->closing = true;
		return;
	}
	conn_free(conn);
}

/* Writes what the socket takes. False when the client is gone. */
static bool conn_flush(struct ipc_connection *conn) {
	while (conn->out_start < conn->out_end) {
		/* MSG_NOSIGNAL: a client that went away must not SIGPIPE cordon. */
		ssize_t n = send(conn->fd, conn->out + conn->out_start,
			conn->out_end - conn->out_start, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				break;
			}
			if (errno != EPIPE && errno != ECONNRESET) {
				wlr_log_errno(WLR_ERROR,
					"IPC: writing to client pid %d on %s failed",
					(int)conn->pid, conn->ipc->path);
			}
			return false;
		}
		conn->out_start += (size_t)n;
	}
	if (conn->out_start == conn->out_end) {
		conn->out_start = conn->out_end = 0;
	}
	return true;
}

/* Appends text and a newline to the output. False when over the cap. */
static bool conn_queue(struct ipc_connection *conn, const char *text,
		size_t len) {
	size_t pending = conn_pending(conn);
	if (len >= IPC_MAX_PENDING || pending + len + 1 > IPC_MAX_PENDING) {
		wlr_log(WLR_ERROR, "IPC: client pid %d on %s is not reading "
			"(%zu bytes pending, limit %d); disconnecting it",
			(int)conn->pid, conn->ipc->path, pending + len + 1,
			IPC_MAX_PENDING);
		return false;
	}
	if (conn->out_start > 0 && conn->out_end + len + 1 > conn->out_cap) {
		memmove(conn->out, conn->out + conn->out_start, pending);
		conn->out_start = 0;
		conn->out_end = pending;
	}
	if (pending + len + 1 > conn->out_cap) {
		size_t cap = conn->out_cap ? conn->out_cap : 4096;
		while (cap < pending + len + 1) {
			cap *= 2;
		}
		char *out = realloc(conn->out, cap);
		if (!out) {
			wlr_log(WLR_ERROR, "IPC: out of memory queueing %zu bytes "
				"for client pid %d", len + 1, (int)conn->pid);
			return false;
		}
		conn->out = out;
		conn->out_cap = cap;
	}
	memcpy(conn->out + conn->out_end, text, len);
	conn->out_end += len;
	conn->out[conn->out_end++] = '\n';
	return true;
}

static void conn_update_mask(struct ipc_connection *conn) {
	uint32_t mask = 0;
	if (!conn->eof && !conn->closing && !conn->stalled &&
			conn_pending(conn) < IPC_READ_PAUSE) {
		mask |= WL_EVENT_READABLE;
	}
	if (conn_pending(conn) > 0) {
		mask |= WL_EVENT_WRITABLE;
	}
	if (mask != conn->mask &&
			wl_event_source_fd_update(conn->source, mask) == 0) {
		conn->mask = mask;
	}
}

/* Queues a line and writes at once; closes the connection on failure. */
static void conn_send(struct ipc_connection *conn, const char *text,
		size_t len) {
	if (conn->dead) {
		return;
	}
	if (!conn_queue(conn, text, len) || !conn_flush(conn)) {
		conn_close(conn);
		return;
	}
	if (!conn->busy) {
		conn_update_mask(conn);
	}
}

static struct json_object *conn_dispatch(struct ipc_connection *conn,
		const char *cmd, struct json_object *request, void *data) {
	struct cordon_ipc *ipc = data;
	/* The event stream is the transport's: it works with any dispatcher. */
	if (strcmp(cmd, "subscribe") == 0) {
		json_object_object_foreach(request, key, value) {
			(void)value;
			if (strcmp(key, "cmd") != 0) {
				return ipc_error("unknown field '%.64s' for 'subscribe'",
					key);
			}
		}
		conn->subscribed = true;
		return ipc_ok();
	}
	return ipc->dispatch(conn, cmd, request, ipc->data);
}

static bool conn_handle_line(char *line, size_t len, void *data) {
	struct ipc_connection *conn = data;
	if (conn->dead || conn->closing) {
		return false;
	}
	conn->answered = true;
	char *reply = ipc_handle_request(line, len, conn_dispatch, conn,
		conn->ipc);
	if (!reply) {
		wlr_log(WLR_ERROR, "IPC: out of memory answering client pid %d",
			(int)conn->pid);
		conn_close(conn);
		return false;
	}
	conn_send(conn, reply, strlen(reply));
	free(reply);
	if (conn->dead) {
		return false;
	}
	if (conn_pending(conn) >= IPC_READ_PAUSE) {
		conn->stalled = true;
		return false;
	}
	return true;
}

/* The sweep runs once a second while any connection owes a request. */
static void ipc_arm_deadlines(struct cordon_ipc *ipc) {
	if (!ipc->deadline_armed &&
			wl_event_source_timer_update(ipc->deadline_timer, 1000) == 0) {
		ipc->deadline_armed = true;
	}
}

/*
 * The clock runs while the client owes its first request or the rest of a
 * line; lines held back by full output (stalled) are complete and wait on
 * cordon, not on the client.
 */
static void conn_update_timer(struct ipc_connection *conn) {
	bool owes = (conn->in.len > 0 || !conn->answered) && !conn->stalled &&
		!conn->closing;
	if (!owes) {
		conn->deadline_ms = 0;
	} else if (conn->deadline_ms == 0) {
		/* From the first byte owed: trickling more does not extend it. */
		conn->deadline_ms = mstime_now() + IPC_REQUEST_TIMEOUT_MS;
		ipc_arm_deadlines(conn->ipc);
	}
}

static void conn_commit(struct ipc_connection *conn, size_t n) {
	enum ipc_linebuf_result result =
		ipc_linebuf_commit(&conn->in, n, conn_handle_line, conn);
	if (result == IPC_LINEBUF_TOO_LARGE && !conn->dead) {
		wlr_log(WLR_ERROR, "IPC: client pid %d sent a request over %d "
			"bytes; disconnecting it", (int)conn->pid, IPC_MAX_REQUEST);
		conn_send(conn, IPC_TOO_LARGE_REPLY, strlen(IPC_TOO_LARGE_REPLY));
		conn->closing = true;
	}
	if (!conn->dead) {
		conn_update_timer(conn);
	}
}

static void conn_timeout(struct ipc_connection *conn) {
	wlr_log(WLR_ERROR, "IPC: client pid %d on %s %s within %d s; "
		"disconnecting it", (int)conn->pid, conn->ipc->path,
		conn->in.len > 0 ? "did not finish its request" : "sent no request",
		IPC_REQUEST_TIMEOUT_MS / 1000);
	/* Busy: a failed send only marks the connection dead. */
	conn->busy = true;
	conn_send(conn, IPC_TIMEOUT_REPLY, strlen(IPC_TIMEOUT_REPLY));
	conn->busy = false;
	conn_free(conn);
}

static int handle_deadlines(void *data) {
	struct cordon_ipc *ipc = data;
	ipc->deadline_armed = false;
	int64_t now = mstime_now();
	bool pending = false;
	struct ipc_connection *conn, *tmp;
	wl_list_for_each_safe(conn, tmp, &ipc->connections, link) {
		if (conn->deadline_ms != 0 && conn->deadline_ms <= now) {
			conn_timeout(conn);
		} else if (conn->deadline_ms != 0) {
			pending = true;
		}
	}
	if (pending) {
		ipc_arm_deadlines(ipc);
	}
	return 0;
}

static void conn_read(struct ipc_connection *conn) {
	size_t avail;
	char *space = ipc_linebuf_space(&conn->in, &avail);
	/* Reading while stalled is never asked for, so there is room. */
	assert(avail > 0);
	/* One read per wakeup: the loop is level-triggered, so a busy client
	 * gets called again and cannot starve the rest of the compositor. */
	ssize_t n = recv(conn->fd, space, avail, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			return;
		}
		if (errno != ECONNRESET) {
			wlr_log_errno(WLR_ERROR, "IPC: reading from client pid %d "
				"on %s failed", (int)conn->pid, conn->ipc->path);
		}
		conn_close(conn);
		return;
	}
	if (n == 0) {
		conn->eof = true;
		return;
	}
	conn_commit(conn, (size_t)n);
}

/*
 * After any I/O: answers lines held back while output was full, finishes a
 * client that has sent EOF, closes once a closing client's output is out.
 */
static void conn_settle(struct ipc_connection *conn) {
	while (!conn->dead && !conn->closing && conn->stalled &&
			conn_pending(conn) < IPC_READ_PAUSE) {
		conn->stalled = false;
		conn_commit(conn, 0);
	}
	if (conn->dead) {
		return;
	}
	if (conn->eof && !conn->stalled && !conn->closing) {
		linebuf_end(&conn->in, conn_handle_line, conn);
		conn->closing = true;
		if (conn->dead) {
			return;
		}
	}
	if (conn->closing && conn_pending(conn) == 0) {
		conn_close(conn);
		return;
	}
	conn_update_timer(conn);
	conn_update_mask(conn);
}

static int handle_connection_fd(int fd, uint32_t mask, void *data) {
	struct ipc_connection *conn = data;
	conn->busy = true;
	if (mask & WL_EVENT_WRITABLE) {
		if (!conn_flush(conn)) {
			conn_close(conn);
		}
	}
	if (!conn->dead && (mask & WL_EVENT_READABLE) &&
			(conn->mask & WL_EVENT_READABLE)) {
		conn_read(conn);
	}
	if (!conn->dead && (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR))) {
		/* Both directions are gone: nobody is left to answer. */
		conn_close(conn);
	}
	if (!conn->dead) {
		conn_settle(conn);
	}
	conn->busy = false;
	if (conn->dead) {
		conn_free(conn);
	}
	return 0;
}

static int handle_listen_fd(int fd, uint32_t mask, void *data) {
	struct cordon_ipc *ipc = data;
	int client = accept_pace_accept(&ipc->pace, fd, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (client < 0) {
		return 0;
	}

	/* The socket's mode already keeps others out; this is the real check. */
	struct ucred cred;
	socklen_t cred_len = sizeof(cred);
	if (getsockopt(client, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) < 0) {
		wlr_log_errno(WLR_ERROR, "IPC: SO_PEERCRED on %s failed", ipc->path);
		close(client);
		return 0;
	}
	if (cred.uid != geteuid()) {
		wlr_log(WLR_ERROR, "IPC: refused pid %d of uid %u on %s: only "
			"uid %u may connect", (int)cred.pid, (unsigned)cred.uid,
			ipc->path, (unsigned)geteuid());
		close(client);
		return 0;
	}

	if (ipc->n_connections >= IPC_MAX_CONNECTIONS) {
		if (!ipc->full_logged) {
			wlr_log(WLR_ERROR, "IPC: %d connections open on %s; refusing "
				"new ones (pid %d first) until one closes",
				ipc->n_connections, ipc->path, (int)cred.pid);
			ipc->full_logged = true;
		}
		/* Best effort: the line fits an empty socket buffer. */
		if (send(client, IPC_TOO_MANY_REPLY, strlen(IPC_TOO_MANY_REPLY),
				MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			wlr_log_errno(WLR_DEBUG, "IPC: telling pid %d it was refused",
				(int)cred.pid);
		}
		close(client);
		return 0;
	}

	struct ipc_connection *conn = calloc(1, sizeof(*conn));
	if (!conn || !ipc_linebuf_init(&conn->in)) {
		wlr_log(WLR_ERROR, "IPC: out of memory accepting pid %d",
			(int)cred.pid);
		free(conn);
		close(client);
		return 0;
	}
	conn->ipc = ipc;
	conn->fd = client;
	conn->pid = cred.pid;
	conn->mask = WL_EVENT_READABLE;
	conn->source = wl_event_loop_add_fd(ipc->loop, client, conn->mask,
		handle_connection_fd, conn);
	if (!conn->source) {
		/* The loop dups the fd: one descriptor short of the limit. */
		int err = errno;
		if (accept_out_of_room(err)) {
			accept_pace_pause(&ipc->pace, err);
		} else {
			wlr_log(WLR_ERROR, "IPC: cannot watch the connection of pid %d",
				(int)cred.pid);
		}
		ipc_linebuf_finish(&conn->in);
		free(conn);
		close(client);
		return 0;
	}
	accept_pace_done(&ipc->pace);
	wl_list_insert(&ipc->connections, &conn->link);
	ipc->n_connections++;
	conn_update_timer(conn);
	wlr_log(WLR_DEBUG, "IPC: client pid %d connected", (int)cred.pid);
	return 0;
}

/* How often cordon looks whether its socket file is still there. */
#define IPC_SOCKET_CHECK_MS 1000

/*
 * A socket file removed under cordon (rm -rf of the runtime directory)
 * leaves its connections running but lets no cordonctl in. Once the file is
 * gone it is bound again at the same path (when its directory is back:
 * domain.c makes it again); connected clients never notice.
 */
static void ipc_socket_rebind(void *data, enum wlr_log_importance level) {
	struct cordon_ipc *ipc = data;
	struct stat st;
	/* Its directory too, if that went: private and ours, as before. */
	char dir[sizeof(((struct sockaddr_un *)NULL)->sun_path)];
	memcpy(dir, ipc->path, strlen(ipc->path) + 1);
	char *slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) == 0) {
			wlr_log(WLR_INFO, "IPC: made %s again", dir);
		}
		if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
			wlr_log(level, "IPC: %s is not a directory of ours", dir);
			return;
		}
	}
	int fd = listen_logged("IPC", ipc->path, 16, &st, level);
	if (fd >= 0 && accept_pace_rebind(&ipc->pace, ipc->loop, fd, &ipc->fd, &ipc->source,
			handle_listen_fd, ipc, level)) {
		sock_watch_bound(&ipc->watch, &st);
	}
}

struct cordon_ipc *ipc_create(struct wl_event_loop *loop, const char *path,
		ipc_dispatch_fn dispatch, void *data) {
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t path_len = strlen(path);
	if (path_len == 0 || path_len >= sizeof(addr.sun_path)) {
		wlr_log(WLR_ERROR, "IPC: socket path '%s' is %zu bytes; a Unix "
			"socket path must be 1 to %zu bytes", path, path_len,
			sizeof(addr.sun_path) - 1);
		return NULL;
	}

	struct cordon_ipc *ipc = calloc(1, sizeof(*ipc));
	if (!ipc || !(ipc->path = strdup(path))) {
		wlr_log(WLR_ERROR, "IPC: out of memory creating %s", path);
		free(ipc);
		return NULL;
	}
	ipc->loop = loop;
	ipc->dispatch = dispatch;
	ipc->data = data;
	wl_list_init(&ipc->connections);
	bool bound = false;

	struct stat st;
	ipc->fd = listen_logged("IPC", path, 16, &st, WLR_ERROR);
	if (ipc->fd < 0) {
		goto fail;
	}
	bound = true;
	sock_watch_bound(&ipc->watch, &st);
	ipc->source = wl_event_loop_add_fd(loop, ipc->fd, WL_EVENT_READABLE,
		handle_listen_fd, ipc);
	ipc->pace = (struct accept_pace){
		.listen = ipc->source, .who = "IPC", .what = "connections", .path = ipc->path,
	};
	bool paced = accept_pace_init(&ipc->pace, loop);
	ipc->deadline_timer = wl_event_loop_add_timer(loop, handle_deadlines, ipc);
	/* Its directory (cordon's runtime directory) and the one above. */
	ipc->path_watch = path_watch_create(loop, ipc->path, 2, IPC_SOCKET_CHECK_MS,
		&ipc->watch, "IPC", ipc_socket_rebind, ipc);
	if (!ipc->source || !paced || !ipc->deadline_timer || !ipc->path_watch) {
		wlr_log(WLR_ERROR, "IPC: cannot add %s to the event loop", path);
		goto fail;
	}
	wlr_log(WLR_INFO, "IPC: listening on %s", path);
	return ipc;

fail:
	if (ipc->source) {
		wl_event_source_remove(ipc->source);
	}
	accept_pace_finish(&ipc->pace);
	if (ipc->deadline_timer) {
		wl_event_source_remove(ipc->deadline_timer);
	}
	path_watch_destroy(ipc->path_watch);
	if (bound) {
		unlink(path);
	}
	if (ipc->fd >= 0) {
		close(ipc->fd);
	}
	free(ipc->path);
	free(ipc);
	return NULL;
}

void ipc_destroy(struct cordon_ipc *ipc) {
	if (!ipc) {
		return;
	}
	struct ipc_connection *conn, *tmp;
	wl_list_for_each_safe(conn, tmp, &ipc->connections, link) {
		/* Called from a connection's own request it would free the
		 * connection under its handler. */
		assert(!conn->busy);
		/* A last try, so a reply queued just before shutdown (quit's
		 * own) still reaches its client. */
		conn_flush(conn);
		conn_free(conn);
	}
	wl_event_source_remove(ipc->source);
	accept_pace_finish(&ipc->pace);
	wl_event_source_remove(ipc->deadline_timer);
	path_watch_destroy(ipc->path_watch);
	close(ipc->fd);
	if (sock_watch_is_ours(&ipc->watch, ipc->path) && unlink(ipc->path) < 0) {
		wlr_log_errno(WLR_ERROR, "IPC: cannot remove %s", ipc->path);
	}
	free(ipc->path);
	free(ipc);
}

void ipc_broadcast(struct cordon_ipc *ipc, const char *type,
		struct json_object *body) {
	if (!ipc) {
		return;
	}
	bool any = false;
	struct ipc_connection *conn, *tmp;
	wl_list_for_each(conn, &ipc->connections, link) {
		any = any || (conn->subscribed && !conn->closing);
	}
	if (!any) {
		return;
	}

	struct json_object *event = json_object_new_object();
	struct json_object *name = json_object_new_string(type);
	if (!event || !name || json_object_object_add(event, "event", name) < 0) {
		json_object_put(name);
		goto oom;
	}
	if (body) {
		json_object_object_foreach(body, key, value) {
			if (strcmp(key, "event") == 0) {
				continue;
			}
			/* The event shares the body's values; the body stays valid. */
			if (json_object_object_add(event, key,
					json_object_get(value)) < 0) {
				json_object_put(value);
				goto oom;
			}
		}
	}
	const char *text = json_object_to_json_string_ext(event,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		goto oom;
	}
	size_t len = strlen(text);
	wl_list_for_each_safe(conn, tmp, &ipc->connections, link) {
		if (conn->subscribed && !conn->closing) {
			conn_send(conn, text, len);
		}
	}
	json_object_put(event);
	return;

oom:
	wlr_log(WLR_ERROR, "IPC: out of memory building a '%s' event", type);
	json_object_put(event);
}
