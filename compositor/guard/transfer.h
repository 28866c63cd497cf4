#ifndef CORDON_TRANSFER_H
#define CORDON_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <wayland-server-core.h>

/*
 * One piece of clipboard data crossing cordon: read from the source into a
 * memfd (spliced, bounded by max_bytes, within a timeout), then — only once
 * released — written to the target. Nothing reaches the target before the
 * whole payload is in and the transfer is released, so a denied or
 * oversized paste delivers no byte at all. The timeout bounds the reading
 * and, once released, the writing, not the wait for permission in between
 * (a prompt has its own). Everything is non-blocking on the event loop; a
 * transfer frees itself after calling finished.
 */
struct transfer;

struct transfer_impl {
	/* The source finished writing (ok) or failed (why); may be NULL. */
	void (*read_done)(struct transfer *transfer, bool ok, const char *why);
	/* The end: delivered to the target, or not (why). Called exactly once. */
	void (*finished)(struct transfer *transfer, bool delivered, const char *why);
	/*
	 * The target closed its end before the transfer was released (Qt gives
	 * up after a second). With this set the transfer goes on reading and
	 * waiting for its release, which then ends it undelivered ("the target
	 * stopped waiting"); without it the transfer ends at once. May be NULL.
	 */
	void (*target_gone)(struct transfer *transfer);
};

/* A transfer that reads; the source writes into transfer_input_fd(). */
struct transfer *transfer_create(struct wl_event_loop *loop,
	const struct transfer_impl *impl, void *data, size_t max_bytes, int timeout_ms);
/* A transfer that serves data cordon holds (memfd of len bytes, dup'd). */
struct transfer *transfer_create_from_memfd(struct wl_event_loop *loop,
	const struct transfer_impl *impl, void *data, int memfd, size_t len,
	int timeout_ms);

/* The write end for the source; the caller hands it on and must not close it twice. */
int transfer_take_input_fd(struct transfer *transfer);
/* Where the data goes once released; takes ownership of fd. */
void transfer_set_output(struct transfer *transfer, int fd);
/* Permission to deliver: writing starts as soon as reading is done. */
void transfer_release(struct transfer *transfer);
void transfer_abort(struct transfer *transfer, const char *why);

void *transfer_data(struct transfer *transfer);
size_t transfer_bytes(struct transfer *transfer);
bool transfer_target_gone(struct transfer *transfer);
/* Moves the payload out (a memfd and its length); the transfer keeps nothing. */
int transfer_steal_memfd(struct transfer *transfer, size_t *len);

#endif
