#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "common/mstime.h"
#include "vmm/qmp.h"

#define QMP_RETRY_MS 100
/* Bytes read per wake-up, so a flooding QEMU cannot starve the loop. */
#define QMP_READ_BUDGET (64 * 1024)
/* Nesting depth accepted in a reply; our commands return flat objects. */
#define QMP_JSON_DEPTH 16

enum qmp_phase {
	QMP_CONNECTING = 0,
	QMP_GREETING,      /* connected; waiting for {"QMP":…} */
	QMP_HANDSHAKE,     /* qmp_capabilities sent */
	QMP_READY,
	QMP_CLOSED,
};

struct qmp_pending {
	unsigned id;
	char *line;        /* the command, until written */
	qmp_reply_fn reply;
	void *data;
};

struct qmp {
	struct wl_event_loop *loop;
	struct qmp_callbacks cb;
	char *path;
	int timeout_ms;
	int fd;
	enum qmp_phase phase;
	int64_t began_ms;
	struct wl_event_source *fd_source;
	struct wl_event_source *timer;

	char in[QMP_LINE_MAX + 1];
	size_t in_len;
	char *out;
	size_t out_len;

	struct qmp_pending pending[QMP_MAX_PENDING];
	size_t n_pending;
	size_t n_sent;     /* pending[0..n_sent) are on the wire */
	unsigned next_id;

	int busy;
	bool destroy_pending;
};

static void qmp_free(struct qmp *q) {
	if (q->fd_source) {
		wl_event_source_remove(q->fd_source);
	}
	if (q->timer) {
		wl_event_source_remove(q->timer);
	}
	if (q->fd >= 0) {
		close(q->fd);
	}
	for (size_t i = 0; i < q->n_pending; i++) {
		free(q->pending[i].line);
	}
	free(q->out);
	free(q->path);
	free(q);
}

static void qmp_enter(struct qmp *q) {
	q->busy++;
}

static void qmp_leave(struct qmp *q) {
	if (--q->busy == 0 && q->destroy_pending) {
		qmp_free(q);
	}
}

static void qmp_close(struct qmp *q, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends the connection: every pending command fails, then closed() is told. */
static void qmp_close(struct qmp *q, const char *fmt, ...) {
	if (q->phase == QMP_CLOSED) {
		return;
	}
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	q->phase = QMP_CLOSED;
	if (q->fd_source) {
		wl_event_source_remove(q->fd_source);
		q->fd_source = NULL;
	}
	wl_event_source_timer_update(q->timer, 0);
	if (q->fd >= 0) {
		close(q->fd);
		q->fd = -1;
	}
	while (q->n_pending > 0 && !q->destroy_pending) {
		struct qmp_pending p = q->pending[0];
		memmove(q->pending, q->pending + 1, --q->n_pending * sizeof(p));
		free(p.line);
		if (p.reply) {
			p.reply(q, false, NULL, why, p.data);
		}
	}
	if (!q->destroy_pending && q->cb.closed) {
		q->cb.closed(q, why, q->cb.data);
	}
}

/* The deadline of what we wait for now: greeting, handshake or oldest reply. */
static void qmp_arm(struct qmp *q) {
	bool waiting = q->phase == QMP_CONNECTING || q->phase == QMP_GREETING ||
		q->phase == QMP_HANDSHAKE || q->n_sent > 0;
	if (!waiting) {
		wl_event_source_timer_update(q->timer, 0);
		return;
	}
	if (q->phase == QMP_CONNECTING) {
		wl_event_source_timer_update(q->timer, QMP_RETRY_MS);
		return;
	}
	int64_t left = q->timeout_ms - (mstime_now() - q->began_ms);
	wl_event_source_timer_update(q->timer, left > 0 ? (int)left : 1);
}

static bool qmp_queue_out(struct qmp *q, const char *line, size_t len) {
	char *grown = realloc(q->out, q->out_len + len);
	if (grown == NULL) {
		return false;
	}
	memcpy(grown + q->out_len, line, len);
	q->out = grown;
	q->out_len += len;
	return true;
}

static void qmp_flush(struct qmp *q) {
	while (q->out_len > 0) {
		ssize_t n = send(q->fd, q->out, q->out_len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			break;
		}
		if (n <= 0) {
			qmp_close(q, "QMP write failed: %s", strerror(errno));
			return;
		}
		memmove(q->out, q->out + n, q->out_len - (size_t)n);
		q->out_len -= (size_t)n;
	}
	if (q->fd_source) {
		wl_event_source_fd_update(q->fd_source, WL_EVENT_READABLE |
			(q->out_len > 0 ? WL_EVENT_WRITABLE : 0));
	}
}

/* Puts the queued commands on the wire (only once the handshake is done). */
static void qmp_send_pending(struct qmp *q) {
	if (q->phase != QMP_READY) {
		return;
	}
	bool was_idle = q->n_sent == 0;
	while (q->n_sent < q->n_pending) {
		struct qmp_pending *p = &q->pending[q->n_sent];
		if (!qmp_queue_out(q, p->line, strlen(p->line))) {
			qmp_close(q, "out of memory queueing a QMP command");
			return;
		}
		free(p->line);
		p->line = NULL;
		q->n_sent++;
	}
	if (was_idle && q->n_sent > 0) {
		q->began_ms = mstime_now();
	}
	qmp_arm(q);
	qmp_flush(q);
}

static bool qmp_is_object_with(struct json_object *o, const char *key, json_type type) {
	struct json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, type);
}

static void qmp_handle_reply(struct qmp *q, struct json_object *o) {
	struct json_object *idv, *ret = NULL, *error = NULL;
	bool has_return = json_object_object_get_ex(o, "return", &ret);
	bool has_error = json_object_object_get_ex(o, "error", &error);
	if (!json_object_object_get_ex(o, "id", &idv) || !json_object_is_type(idv, json_type_int)) {
		qmp_close(q, "QMP reply without a numeric id");
		return;
	}
	int64_t id = json_object_get_int64(idv);
	if (q->n_sent == 0 || id != (int64_t)q->pending[0].id) {
		qmp_close(q, "QMP reply with unexpected id %lld", (long long)id);
		return;
	}
	const char *desc = NULL;
	if (has_error) {
		struct json_object *d;
		if (!json_object_is_type(error, json_type_object) ||
				!json_object_object_get_ex(error, "desc", &d) ||
				!json_object_is_type(d, json_type_string)) {
			qmp_close(q, "malformed QMP error reply");
			return;
		}
		desc = json_object_get_string(d);
	}
	struct qmp_pending p = q->pending[0];
	memmove(q->pending, q->pending + 1, --q->n_pending * sizeof(p));
	q->n_sent--;
	q->began_ms = mstime_now();
	qmp_arm(q);
	if (p.reply) {
		p.reply(q, has_return, has_return ? ret : NULL, desc, p.data);
	}
}

static void qmp_handle_line(struct qmp *q, char *line, size_t len) {
	if (len > 0 && line[len - 1] == '\r') {
		line[--len] = '\0';
	}
	if (len == 0) {
		return;
	}
	struct json_tokener *tok = json_tokener_new_ex(QMP_JSON_DEPTH);
	if (tok == NULL) {
		qmp_close(q, "out of memory parsing QMP");
		return;
	}
	struct json_object *o = json_tokener_parse_ex(tok, line, (int)len);
	bool whole = o != NULL && json_tokener_get_error(tok) == json_tokener_success &&
		(size_t)json_tokener_get_parse_end(tok) == len;
	json_tokener_free(tok);
	if (!whole || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		qmp_close(q, "QMP sent something that is not one JSON object per line");
		return;
	}
	struct json_object *ev;
	if (q->phase == QMP_GREETING) {
		if (!qmp_is_object_with(o, "QMP", json_type_object)) {
			qmp_close(q, "QMP greeting missing");
		} else {
			q->phase = QMP_HANDSHAKE;
			q->began_ms = mstime_now();
			static const char caps[] = "{\"execute\":\"qmp_capabilities\",\"id\":0}\n";
			if (!qmp_queue_out(q, caps, strlen(caps))) {
				qmp_close(q, "out of memory");
			} else {
				qmp_arm(q);
				qmp_flush(q);
			}
		}
	} else if (json_object_object_get_ex(o, "event", &ev)) {
		if (!json_object_is_type(ev, json_type_string)) {
			qmp_close(q, "QMP event without a name");
		} else if (q->cb.event) {
			struct json_object *d = NULL;
			json_object_object_get_ex(o, "data", &d);
			q->cb.event(q, json_object_get_string(ev), d, q->cb.data);
		}
	} else if (q->phase == QMP_HANDSHAKE) {
		struct json_object *idv;
		if (!qmp_is_object_with(o, "return", json_type_object) ||
				!json_object_object_get_ex(o, "id", &idv) ||
				!json_object_is_type(idv, json_type_int) || json_object_get_int(idv) != 0) {
			qmp_close(q, "QMP refused qmp_capabilities");
		} else {
			q->phase = QMP_READY;
			qmp_arm(q);
			if (q->cb.ready) {
				q->cb.ready(q, q->cb.data);
			}
			if (q->phase == QMP_READY && !q->destroy_pending) {
				qmp_send_pending(q);
			}
		}
	} else {
		qmp_handle_reply(q, o);
	}
	json_object_put(o);
}

static void qmp_read(struct qmp *q) {
	size_t budget = QMP_READ_BUDGET;
	while (budget > 0 && q->phase != QMP_CLOSED && !q->destroy_pending) {
		size_t room = QMP_LINE_MAX - q->in_len;
		if (room == 0) {
			qmp_close(q, "QMP line longer than %d bytes", QMP_LINE_MAX);
			return;
		}
		ssize_t n = recv(q->fd, q->in + q->in_len, room < budget ? room : budget, 0);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			return;
		}
		if (n <= 0) {
			qmp_close(q, n == 0 ? "QEMU closed the QMP socket" : "QMP read failed: %s",
				strerror(errno));
			return;
		}
		budget -= (size_t)n;
		size_t start = 0;
		size_t end = q->in_len + (size_t)n;
		for (size_t i = q->in_len; i < end; i++) {
			if (q->in[i] == '\n') {
				q->in[i] = '\0';
				qmp_handle_line(q, q->in + start, i - start);
				if (q->phase == QMP_CLOSED || q->destroy_pending) {
					return;
				}
				start = i + 1;
			}
		}
		memmove(q->in, q->in + start, end - start);
		q->in_len = end - start;
	}
}

static int qmp_handle_fd(int fd, uint32_t mask, void *data) {
	struct qmp *q = data;
	qmp_enter(q);
	if (mask & WL_EVENT_WRITABLE) {
		qmp_flush(q);
	}
	if (q->phase != QMP_CLOSED && (mask & (WL_EVENT_READABLE | WL_EVENT_HANGUP |
			WL_EVENT_ERROR))) {
		qmp_read(q);
	}
	qmp_leave(q);
	return 0;
}

static bool qmp_try_connect(struct qmp *q) {
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(q->path) >= sizeof(sun.sun_path)) {
		qmp_close(q, "QMP socket path too long: %s", q->path);
		return false;
	}
	strcpy(sun.sun_path, q->path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		qmp_close(q, "socket: %s", strerror(errno));
		return false;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 && errno != EINPROGRESS) {
		close(fd);
		return false;
	}
	q->fd = fd;
	q->fd_source = wl_event_loop_add_fd(q->loop, fd, WL_EVENT_READABLE, qmp_handle_fd, q);
	if (q->fd_source == NULL) {
		qmp_close(q, "out of memory watching the QMP socket");
		return false;
	}
	q->phase = QMP_GREETING;
	q->began_ms = mstime_now();
	qmp_arm(q);
	return true;
}

static int qmp_handle_timer(void *data) {
	struct qmp *q = data;
	qmp_enter(q);
	int64_t waited = mstime_now() - q->began_ms;
	switch (q->phase) {
	case QMP_CONNECTING:
		if (!qmp_try_connect(q) && q->phase == QMP_CONNECTING) {
			if (waited >= q->timeout_ms) {
				qmp_close(q, "cannot connect to QMP at %s within %d ms", q->path,
					q->timeout_ms);
			} else {
				qmp_arm(q);
			}
		}
		break;
	case QMP_GREETING:
		qmp_close(q, "no QMP greeting within %d ms", q->timeout_ms);
		break;
	case QMP_HANDSHAKE:
		qmp_close(q, "no answer to qmp_capabilities within %d ms", q->timeout_ms);
		break;
	case QMP_READY:
		if (q->n_sent > 0) {
			qmp_close(q, "no QMP reply within %d ms", q->timeout_ms);
		}
		break;
	case QMP_CLOSED:
		break;
	}
	qmp_leave(q);
	return 0;
}

struct qmp *qmp_create(struct wl_event_loop *loop, const char *path, int timeout_ms,
		const struct qmp_callbacks *callbacks) {
	struct qmp *q = calloc(1, sizeof(*q));
	if (q == NULL) {
		return NULL;
	}
	q->loop = loop;
	q->fd = -1;
	q->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
	q->next_id = 1;
	if (callbacks) {
		q->cb = *callbacks;
	}
	q->path = strdup(path);
	q->timer = wl_event_loop_add_timer(loop, qmp_handle_timer, q);
	if (q->path == NULL || q->timer == NULL) {
		qmp_free(q);
		return NULL;
	}
	q->began_ms = mstime_now();
	wl_event_source_timer_update(q->timer, 1);
	return q;
}

bool qmp_command(struct qmp *q, const char *name, struct json_object *args,
		qmp_reply_fn reply, void *data) {
	if (q->phase == QMP_CLOSED || q->n_pending == QMP_MAX_PENDING) {
		json_object_put(args);
		return false;
	}
	struct json_object *cmd = json_object_new_object();
	unsigned id = q->next_id++;
	if (q->next_id == 0 || q->next_id > 0x7fffffff) {
		q->next_id = 1;
	}
	if (cmd == NULL) {
		json_object_put(args);
		return false;
	}
	json_object_object_add(cmd, "execute", json_object_new_string(name));
	if (args != NULL) {
		json_object_object_add(cmd, "arguments", args);
	}
	json_object_object_add(cmd, "id", json_object_new_int64(id));
	char *line = NULL;
	bool ok = asprintf(&line, "%s\n",
		json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN)) >= 0;
	json_object_put(cmd);
	if (!ok) {
		return false;
	}
	q->pending[q->n_pending++] = (struct qmp_pending){
		.id = id, .line = line, .reply = reply, .data = data,
	};
	qmp_enter(q);
	qmp_send_pending(q);
	qmp_leave(q);
	return true;
}

bool qmp_is_ready(const struct qmp *q) {
	return q->phase == QMP_READY;
}

bool qmp_is_closed(const struct qmp *q) {
	return q->phase == QMP_CLOSED;
}

void qmp_destroy(struct qmp *q) {
	if (q == NULL) {
		return;
	}
	q->cb = (struct qmp_callbacks){0};
	if (q->busy > 0) {
		q->destroy_pending = true;
		for (size_t i = 0; i < q->n_pending; i++) {
			q->pending[i].reply = NULL;
		}
		return;
	}
	qmp_free(q);
}
