#ifndef CORDON_IPC_H
#define CORDON_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include <wayland-server-core.h>

/*
 * The control socket: newline-delimited JSON, one request object per line,
 * one reply object per line, plus an event stream for subscribers. The
 * transport (this header, ipc.c) knows nothing of the compositor: it is
 * given an event loop and a dispatch callback, so it can be tested with a
 * bare wl_event_loop. ipc_commands.c holds the compositor's command table.
 */

/* Longest request line, newline not counted. */
#define IPC_MAX_REQUEST 65536
/* Output queued for a client that does not read; past this it is dropped. */
#define IPC_MAX_PENDING (4 * 1024 * 1024)

struct cordon_server;
struct cordon_ipc;
struct ipc_connection;

/*
 * Runs one request whose "cmd" is a string. Returns the reply object (the
 * caller takes the reference), or NULL when cmd is not a known command.
 * conn is NULL when the request did not come from a socket (tests).
 */
typedef struct json_object *(*ipc_dispatch_fn)(struct ipc_connection *conn,
	const char *cmd, struct json_object *request, void *data);

/*
 * Binds a Unix stream socket at path (mode 0600; its directory must exist)
 * and serves it on loop. A stale socket file is replaced; a live one, a
 * non-socket file or a path too long for sun_path is an error. "subscribe"
 * is handled here; every other command goes to dispatch(…, data).
 * Returns NULL and logs why on failure.
 */
struct cordon_ipc *ipc_create(struct wl_event_loop *loop, const char *path,
	ipc_dispatch_fn dispatch, void *data);
/* Closes every connection, removes the socket file. NULL is a no-op. */
void ipc_destroy(struct cordon_ipc *ipc);

/*
 * Sends {"event":type, …body's fields} to every subscriber. body (may be
 * NULL) stays the caller's. ipc may be NULL, so subsystems can report
 * events before the socket exists or after it is gone.
 */
void ipc_broadcast(struct cordon_ipc *ipc, const char *type,
	struct json_object *body);

/*
 * Parses one request line and returns its reply as a malloc'd JSON string
 * without the newline, or NULL when out of memory. line must be
 * NUL-terminated at len; a NUL byte before len is an error.
 */
char *ipc_handle_request(const char *line, size_t len,
	ipc_dispatch_fn dispatch, struct ipc_connection *conn, void *data);

/* {"ok":false,"error":<printf-formatted message>}; NULL when out of memory. */
struct json_object *ipc_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* {"ok":true}; NULL when out of memory. */
struct json_object *ipc_ok(void);

/*
 * Line framing of a connection's input, kept apart so it can be tested
 * without a socket. Read into ipc_linebuf_space(), then ipc_linebuf_commit()
 * the bytes read.
 */
struct ipc_linebuf {
	char *data;   /* IPC_MAX_REQUEST + 1 bytes: a full line and its newline */
	size_t len;
};

/* Called with each complete line, NUL-terminated in place of its newline
 * (and of a '\r' before it). Returns false to stop taking lines. */
typedef bool (*ipc_line_fn)(char *line, size_t len, void *data);

enum ipc_linebuf_result {
	IPC_LINEBUF_OK = 0,      /* all complete lines taken */
	IPC_LINEBUF_STOPPED,     /* the callback returned false */
	IPC_LINEBUF_TOO_LARGE,   /* a line longer than IPC_MAX_REQUEST */
};

bool ipc_linebuf_init(struct ipc_linebuf *lb);
void ipc_linebuf_finish(struct ipc_linebuf *lb);
/* Where the next read goes; *avail is never 0 after a commit returned OK. */
char *ipc_linebuf_space(struct ipc_linebuf *lb, size_t *avail);
enum ipc_linebuf_result ipc_linebuf_commit(struct ipc_linebuf *lb, size_t n,
	ipc_line_fn fn, void *data);

/* The command table of the compositor; data is the cordon_server. Wire it
 * as ipc_create(server->loop, path, ipc_commands_dispatch, server). */
struct json_object *ipc_commands_dispatch(struct ipc_connection *conn,
	const char *cmd, struct json_object *request, void *data);

#endif
