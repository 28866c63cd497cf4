#ifndef CORDON_VMM_QMP_H
#define CORDON_VMM_QMP_H

#include <stdbool.h>
#include <json-c/json.h>
#include <wayland-server-core.h>

/*
 * A QMP client on a wl_event_loop, for the QEMU that cordon supervises.
 * QEMU is as untrusted as the guest that may have taken it over, so:
 * nothing blocks (non-blocking socket, output queued), every line is
 * bounded (QMP_LINE_MAX; a longer one closes the connection), every line
 * must be one JSON object of the shapes QMP defines (greeting first, then
 * replies whose id matches the oldest command in flight, and events), and
 * every wait is bounded: the greeting, the capabilities handshake and each
 * command's reply must come within the timeout, or the connection is
 * closed and every pending command fails. A closed connection is never
 * reopened by this module; the owner creates a new one.
 *
 *   connect (retried every 100 ms until the timeout: QEMU may not listen
 *   yet) -> greeting {"QMP":{…}} -> qmp_capabilities -> ready
 */

#define QMP_LINE_MAX (64 * 1024)
#define QMP_MAX_PENDING 64

struct qmp;

/*
 * The reply to one command: ok with QMP's "return" value, or not ok with
 * error the message (QMP's error desc, or why the connection failed).
 * ret is borrowed for the call.
 */
typedef void (*qmp_reply_fn)(struct qmp *qmp, bool ok, struct json_object *ret,
	const char *error, void *data);

struct qmp_callbacks {
	/* The handshake is done: commands are answered from now on. */
	void (*ready)(struct qmp *qmp, void *data);
	/* The connection ended (why); pending commands have had their failure. */
	void (*closed)(struct qmp *qmp, const char *why, void *data);
	/* An asynchronous event, e.g. "SHUTDOWN" or "DEVICE_DELETED". */
	void (*event)(struct qmp *qmp, const char *name, struct json_object *data_obj,
		void *data);
	void *data;
};

/* Starts connecting to path; NULL on allocation failure. timeout_ms > 0. */
struct qmp *qmp_create(struct wl_event_loop *loop, const char *path, int timeout_ms,
	const struct qmp_callbacks *callbacks);

/*
 * Queues {"execute":NAME,"arguments":ARGS,"id":N} (args may be NULL; it is
 * taken in every case). Sent once the handshake is done. False when the
 * connection is closed or QMP_MAX_PENDING commands wait already; reply is
 * then not called.
 */
bool qmp_command(struct qmp *qmp, const char *name, struct json_object *args,
	qmp_reply_fn reply, void *data);

bool qmp_is_ready(const struct qmp *qmp);
bool qmp_is_closed(const struct qmp *qmp);

/*
 * Closes and frees; pending commands get no callback. Safe from inside any
 * callback of this qmp (the free is then deferred until it returns).
 */
void qmp_destroy(struct qmp *qmp);

#endif
