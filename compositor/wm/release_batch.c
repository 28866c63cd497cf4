#include <stdlib.h>
#include <wlr/types/wlr_buffer.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "common/mstime.h"
#include "compositor/server.h"
#include "compositor/wm/release_batch.h"

/*
 * With no output frame to ride on (the surface is on no output, or nothing
 * on it changed), a held buffer still goes back to its client this soon;
 * long enough that a frame late under load still comes first.
 */
#define RELEASE_BATCH_FALLBACK_MS 100

struct release_batch {
	struct cordon_server *server;
	struct wl_list held;        /* release_surface.held_link */
	struct wl_event_source *fallback;
	/*
	 * Left armed when a frame empties the list: re-arming it at every
	 * frame would cost a system call per frame for a timer that is only
	 * there for surfaces no frame reaches. When it fires it lets go only
	 * of buffers held that long, and waits again for the others.
	 */
	bool fallback_armed;
	struct wl_listener new_surface;
};

/*
 * At most one held buffer per surface: a client committing faster than
 * the outputs refresh gets its other buffers back at once, as before, so
 * what is held never grows beyond one buffer per surface.
 */
struct release_surface {
	struct release_batch *batch;
	struct wlr_surface *surface;
	struct wlr_buffer *held;
	int64_t held_at;            /* mstime_now() */
	struct wl_list held_link;
	struct wl_listener client_commit;
	struct wl_listener destroy;
};

static void release_surface_let_go(struct release_surface *rs) {
	if (rs->held == NULL) {
		return;
	}
	struct wlr_buffer *buffer = rs->held;
	rs->held = NULL;
	wl_list_remove(&rs->held_link);
	wlr_buffer_unlock(buffer);
}

void release_batch_flush(struct release_batch *batch) {
	if (batch == NULL) {
		return;
	}
	struct release_surface *rs, *tmp;
	wl_list_for_each_safe(rs, tmp, &batch->held, held_link) {
		release_surface_let_go(rs);
	}
}

static int handle_fallback(void *data) {
	struct release_batch *batch = data;
	batch->fallback_armed = false;
	int64_t now = mstime_now(), next = -1;
	struct release_surface *rs, *tmp;
	wl_list_for_each_safe(rs, tmp, &batch->held, held_link) {
		int64_t left = rs->held_at + RELEASE_BATCH_FALLBACK_MS - now;
		if (left <= 0) {
			release_surface_let_go(rs);
		} else if (next < 0 || left < next) {
			next = left;
		}
	}
	if (next > 0) {
		wl_event_source_timer_update(batch->fallback, (int)next);
		batch->fallback_armed = true;
	}
	return 0;
}

static void handle_client_commit(struct wl_listener *listener, void *data) {
	struct release_surface *rs = wl_container_of(listener, rs, client_commit);
	struct wlr_surface *surface = rs->surface;
	/* Only a new buffer replaces (and so releases) the one shown now. */
	if (rs->held != NULL || !(surface->pending.committed & WLR_SURFACE_STATE_BUFFER) ||
			surface->buffer == NULL || surface->buffer->source == NULL) {
		return;
	}
	struct release_batch *batch = rs->batch;
	if (!batch->fallback_armed) {
		wl_event_source_timer_update(batch->fallback, RELEASE_BATCH_FALLBACK_MS);
		batch->fallback_armed = true;
	}
	rs->held = wlr_buffer_lock(surface->buffer->source);
	rs->held_at = mstime_now();
	wl_list_insert(batch->held.prev, &rs->held_link);
}

static void handle_surface_destroy(struct wl_listener *listener, void *data) {
	struct release_surface *rs = wl_container_of(listener, rs, destroy);
	release_surface_let_go(rs);
	wl_list_remove(&rs->client_commit.link);
	wl_list_remove(&rs->destroy.link);
	free(rs);
}

static void handle_new_surface(struct wl_listener *listener, void *data) {
	struct release_batch *batch = wl_container_of(listener, batch, new_surface);
	struct wlr_surface *surface = data;
	struct release_surface *rs = calloc(1, sizeof(*rs));
	if (rs == NULL) {
		/* Its releases simply go out at commit, unbatched. */
		wlr_log(WLR_ERROR, "release batch: out of memory for a surface of client %p",
			(void *)wl_resource_get_client(surface->resource));
		return;
	}
	rs->batch = batch;
	rs->surface = surface;
	listener_connect(&surface->events.client_commit, &rs->client_commit, handle_client_commit);
	listener_connect(&surface->events.destroy, &rs->destroy, handle_surface_destroy);
}

struct release_batch *release_batch_create(struct cordon_server *server) {
	struct release_batch *batch = calloc(1, sizeof(*batch));
	if (batch == NULL) {
		wlr_log(WLR_ERROR, "release batch: out of memory");
		return NULL;
	}
	batch->server = server;
	wl_list_init(&batch->held);
	batch->fallback = wl_event_loop_add_timer(server->loop, handle_fallback, batch);
	if (batch->fallback == NULL) {
		wlr_log(WLR_ERROR, "release batch: cannot create its fallback timer");
		free(batch);
		return NULL;
	}
	listener_connect(&server->compositor->events.new_surface, &batch->new_surface,
		handle_new_surface);
	return batch;
}

void release_batch_destroy(struct release_batch *batch) {
	if (batch == NULL) {
		return;
	}
	/* Clients are gone by now, and with them every surface record. */
	release_batch_flush(batch);
	wl_list_remove(&batch->new_surface.link);
	wl_event_source_remove(batch->fallback);
	free(batch);
}
