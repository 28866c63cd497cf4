#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <wayland-client.h>
#include "tests/wlcs/cordon_wlcs.h"

int wlcs_client_fd(struct wl_display *display) {
	return wl_display_get_fd(display);
}

uint32_t wlcs_client_surface_id(struct wl_surface *surface) {
	return wl_proxy_get_id((struct wl_proxy *)surface);
}

struct globals {
	struct wlcs_global *list;
	int len, cap;
	bool failed, done;
};

static void handle_global(void *data, struct wl_registry *registry, uint32_t name,
		const char *interface, uint32_t version) {
	struct globals *g = data;
	for (int i = 0; i < g->len; i++) {
		if (strcmp(g->list[i].name, interface) == 0) {
			/* Several outputs or seats: one entry, the highest version. */
			if (version > g->list[i].version) {
				g->list[i].version = version;
			}
			return;
		}
	}
	if (g->len == g->cap) {
		int cap = g->cap ? g->cap * 2 : 32;
		struct wlcs_global *list = realloc(g->list, cap * sizeof(*list));
		if (list == NULL) {
			g->failed = true;
			return;
		}
		g->list = list;
		g->cap = cap;
	}
	char *copy = strdup(interface);
	if (copy == NULL) {
		g->failed = true;
		return;
	}
	g->list[g->len++] = (struct wlcs_global){copy, version};
}

static void handle_global_remove(void *data, struct wl_registry *registry,
		uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
	.global = handle_global,
	.global_remove = handle_global_remove,
};

static void handle_sync_done(void *data, struct wl_callback *callback, uint32_t serial) {
	struct globals *g = data;
	g->done = true;
}

static const struct wl_callback_listener sync_listener = {
	.done = handle_sync_done,
};

int wlcs_client_list_globals(int fd, void (*pump)(void *data), void *data,
		struct wlcs_global **out) {
	struct globals g = {0};
	struct wl_display *display = wl_display_connect_to_fd(fd);
	if (display == NULL) {
		return -1;
	}
	struct wl_registry *registry = wl_display_get_registry(display);
	wl_registry_add_listener(registry, &registry_listener, &g);
	struct wl_callback *sync = wl_display_sync(display);
	wl_callback_add_listener(sync, &sync_listener, &g);
	/* Bounded: a server that never answers fails the descriptor, not the run. */
	for (int i = 0; i < 500 && !g.done && !g.failed; i++) {
		if (wl_display_flush(display) < 0) {
			break;
		}
		pump(data);
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (wl_display_prepare_read(display) == 0) {
			if (poll(&pfd, 1, 0) > 0) {
				wl_display_read_events(display);
			} else {
				wl_display_cancel_read(display);
			}
		}
		if (wl_display_dispatch_pending(display) < 0) {
			break;
		}
	}
	wl_callback_destroy(sync);
	wl_registry_destroy(registry);
	wl_display_disconnect(display);
	if (!g.done || g.failed) {
		for (int i = 0; i < g.len; i++) {
			free(g.list[i].name);
		}
		free(g.list);
		return -1;
	}
	*out = g.list;
	return g.len;
}
