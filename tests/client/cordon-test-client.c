/*
 * cordon-test-client: a minimal xdg-shell client for cordon's integration
 * tests. It draws one solid colour, reports every event it receives as one
 * line on stdout and takes commands, one per line, on stdin. See
 * tests/client/README or `cordon-test-client --help` for both lists.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>
#include "input-method-unstable-v2-client-protocol.h"
#include "keyboard-shortcuts-inhibit-unstable-v1-client-protocol.h"
#include "pointer-constraints-unstable-v1-client-protocol.h"
#include "relative-pointer-unstable-v1-client-protocol.h"
#include "tablet-v2-client-protocol.h"
#include "text-input-unstable-v3-client-protocol.h"
#include "xdg-activation-v1-client-protocol.h"
#include "xdg-decoration-unstable-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#define EXIT_PROTOCOL_ERROR 3
#define EXIT_DISCONNECTED 4

struct buffer {
	struct wl_list link; /* client.buffers */
	struct wl_buffer *wl_buffer;
	void *data;
	size_t size;
};

struct popup {
	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_popup *xdg_popup;
	uint32_t color;
	int width, height;
	bool mapped;
};

struct client {
	struct wl_display *display;
	struct wl_registry *registry;
	struct wl_compositor *compositor;
	struct wl_shm *shm;
	struct xdg_wm_base *wm_base;
	struct wl_seat *seat;
	struct wl_keyboard *keyboard;
	struct wl_pointer *pointer;
	struct zxdg_decoration_manager_v1 *decoration_manager;
	struct xdg_activation_v1 *activation;
	/* lock-pointer: a persistent lock on the window, and relative motion. */
	struct zwp_pointer_constraints_v1 *pointer_constraints;
	struct zwp_relative_pointer_manager_v1 *relative_manager;
	struct zwp_locked_pointer_v1 *locked_pointer;
	struct zwp_relative_pointer_v1 *relative_pointer;
	/* inhibit-shortcuts */
	struct zwp_keyboard_shortcuts_inhibit_manager_v1 *inhibit_manager;
	struct zwp_keyboard_shortcuts_inhibitor_v1 *inhibitor;
	const char *activation_token;  /* --activation-token: presented before mapping */
	/* text-input: a field; preedit and commit wait for done. */
	struct zwp_text_input_manager_v3 *ti_manager;
	struct zwp_text_input_v3 *text_input;
	int ti_cursor[4];
	char *ti_preedit, *ti_commit;
	/* input-method: the host's input method; done events counted for commit. */
	struct zwp_input_method_manager_v2 *im_manager;
	struct zwp_input_method_v2 *input_method;
	struct zwp_input_method_keyboard_grab_v2 *im_grab;
	struct zwp_input_popup_surface_v2 *im_popup;
	struct wl_surface *im_popup_surface;
	char *im_text;
	uint32_t im_dones;
	bool im_pending_active, im_active;
	/* tablet: the seat's tablets as a drawing program sees them. */
	struct zwp_tablet_manager_v2 *tablet_manager;
	struct zwp_tablet_seat_v2 *tablet_seat;

	struct wl_surface *surface;
	struct xdg_surface *xdg_surface;
	struct xdg_toplevel *toplevel;
	struct zxdg_toplevel_decoration_v1 *decoration;
	struct wl_callback *ready_callback;
	struct popup *popup;
	struct wl_list buffers; /* buffer.link: attached, not yet released */
	struct wl_list syncs;   /* pending_sync.link */

	/* Geometry tests: a shadow margin outside the window geometry, extra
	 * subsurfaces, and a churn that moves them on every commit. */
	struct wl_subcompositor *subcompositor;
	int geo_x, geo_y;        /* --geometry-offset: shadow margin */
	int min_width, min_height; /* --min-size */
	uint32_t shadow_color;
	int n_subsurfaces;       /* --subsurfaces N */
	struct wl_surface **sub_surfaces;
	struct wl_subsurface **subsurfaces;
	bool poke;               /* --poke: subsurfaces reaching outside the buffer */
	bool churn;              /* moving the subsurfaces on every commit */
	bool churn_grow;         /* ...and the last one outwards, changing the extents */
	bool churn_still;        /* commit on every round trip, moving nothing */
	long churn_step;
	struct wl_callback *churn_callback;

	/* Options. */
	const char *title, *app_id;
	int want_width, want_height;
	uint32_t color;
	bool csd, start_maximized, start_fullscreen, stay;

	/* Pending toplevel configure, applied on xdg_surface.configure. */
	int pending_width, pending_height;
	int width, height;
	bool mapped, ready;
	uint32_t last_serial; /* latest input serial usable for a popup grab */
	bool have_grab_serial;

	/* Globals bound by number with the bind command (generic proxies). */
	struct bound {
		struct wl_proxy *proxy;
		struct wl_interface interface;
		char *name;
	} bound[8];
	int n_bound;

	/* Clipboard source (copy commands); the manager is bound on first use. */
	uint32_t ddm_name, ddm_version;
	struct wl_data_device_manager *data_device_manager;
	struct wl_data_device *data_device;
	struct wl_data_source *data_source;
	char *copy_text;
	bool copy_hang;       /* write the text but never close the fd */
	int held_fds[16];     /* fds kept open by copy-hang */
	int n_held_fds;
	uint32_t input_serial; /* latest keyboard or pointer enter, key or button */
	bool have_input_serial;
	bool keep_serial;      /* --keep-serial: copy and token use the first one */
	uint32_t first_serial;
	bool hold_map;         /* --no-map / unmap: no buffer until the map command */
	bool configured;       /* a configure was acked since the last (re)map began */
	struct wl_surface *pointer_surface; /* the surface the pointer is in, if ours */

	/* Drag-and-drop source (drag-source): armed until the next press. */
	char *drag_text;
	bool drag_armed;
	struct wl_data_source *drag_source;

	/* Drag-and-drop target (accept-drops). */
	bool accept_drops;
	struct wl_data_offer *selection_offer; /* the latest selection offer */
	struct wl_data_offer *drag_offer;      /* offered by the current enter */
	struct wl_data_offer *drop_offer;      /* dropped here, being read */
	bool pasting;                          /* drop_fd reads the selection instead */
	int drop_fd;                           /* its read end, or -1 */
	char *drop_data;
	size_t drop_len;
	struct timespec drop_deadline;

	char line[4096];
	size_t line_len;
	bool stdin_open;
	bool running;
	int exit_code;
};

static void say(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Every input serial the client gets; --keep-serial keeps the first for good. */
static void note_input_serial(struct client *c, uint32_t serial) {
	if (!c->have_input_serial) {
		c->first_serial = serial;
	}
	c->input_serial = serial;
	c->have_input_serial = true;
}

/* The serial copy and token present: the latest, or the first one kept. */
static uint32_t use_serial(struct client *c) {
	return c->keep_serial ? c->first_serial : c->input_serial;
}

static void buffer_destroy(struct buffer *buffer) {
	wl_list_remove(&buffer->link);
	wl_buffer_destroy(buffer->wl_buffer);
	munmap(buffer->data, buffer->size);
	free(buffer);
}

static void buffer_handle_release(void *data, struct wl_buffer *wl_buffer) {
	buffer_destroy(data);
}

static const struct wl_buffer_listener buffer_listener = {
	.release = buffer_handle_release,
};

/*
 * A new XRGB8888 buffer filled with color, but for a margin of mx, my pixels
 * on each side painted in margin_color (a client-side shadow); freed when
 * the compositor releases it.
 */
static struct wl_buffer *buffer_create_margin(struct client *c, int width, int height,
		uint32_t color, int mx, int my, uint32_t margin_color) {
	int stride = width * 4;
	size_t size = (size_t)stride * (size_t)height;
	int fd = memfd_create("cordon-test-client", MFD_CLOEXEC);
	if (fd < 0) {
		perror("memfd_create");
		return NULL;
	}
	if (ftruncate(fd, (off_t)size) < 0) {
		perror("ftruncate");
		close(fd);
		return NULL;
	}
	void *data = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (data == MAP_FAILED) {
		perror("mmap");
		close(fd);
		return NULL;
	}
	uint32_t *px = data;
	for (int y = 0; y < height; y++) {
		for (int x = 0; x < width; x++) {
			bool margin = x < mx || x >= width - mx || y < my || y >= height - my;
			px[(size_t)y * (size_t)width + (size_t)x] =
				0xff000000u | (margin ? margin_color : color);
		}
	}
	struct wl_shm_pool *pool = wl_shm_create_pool(c->shm, fd, (int32_t)size);
	struct wl_buffer *wl_buffer = wl_shm_pool_create_buffer(pool, 0, width,
		height, stride, WL_SHM_FORMAT_XRGB8888);
	wl_shm_pool_destroy(pool);
	close(fd);

	struct buffer *buffer = calloc(1, sizeof(*buffer));
	if (buffer == NULL) {
		wl_buffer_destroy(wl_buffer);
		munmap(data, size);
		return NULL;
	}
	buffer->wl_buffer = wl_buffer;
	buffer->data = data;
	buffer->size = size;
	wl_list_insert(&c->buffers, &buffer->link);
	wl_buffer_add_listener(wl_buffer, &buffer_listener, buffer);
	return wl_buffer;
}

static struct wl_buffer *buffer_create(struct client *c, int width, int height,
		uint32_t color) {
	return buffer_create_margin(c, width, height, color, 0, 0, 0);
}

/* ---- popups ---- */

static void popup_destroy(struct popup *popup) {
	if (popup == NULL) {
		return;
	}
	xdg_popup_destroy(popup->xdg_popup);
	xdg_surface_destroy(popup->xdg_surface);
	wl_surface_destroy(popup->surface);
	free(popup);
}

/* Out of memory or another failure the client cannot go on after: it ends, status 1. */
static void client_fail(struct client *c) {
	c->running = false;
	c->exit_code = 1;
}

/* Replaces *field with a copy of text; false (the client fails) when out of memory. */
static bool client_set_text(struct client *c, char **field, const char *text) {
	char *dup = strdup(text);
	if (dup == NULL) {
		client_fail(c);
		return false;
	}
	free(*field);
	*field = dup;
	return true;
}

static void popup_surface_handle_configure(void *data,
		struct xdg_surface *xdg_surface, uint32_t serial) {
	struct client *c = data;
	struct popup *popup = c->popup;
	xdg_surface_ack_configure(xdg_surface, serial);
	/* With --geometry-offset, popups get a shadow too, as GTK's menus do. */
	struct wl_buffer *buffer = buffer_create_margin(c, popup->width + 2 * c->geo_x,
		popup->height + 2 * c->geo_y, popup->color, c->geo_x, c->geo_y, c->shadow_color);
	if (buffer == NULL) {
		client_fail(c);
		return;
	}
	if (c->geo_x > 0 || c->geo_y > 0) {
		xdg_surface_set_window_geometry(xdg_surface, c->geo_x, c->geo_y,
			popup->width, popup->height);
	}
	wl_surface_attach(popup->surface, buffer, 0, 0);
	wl_surface_damage_buffer(popup->surface, 0, 0, INT32_MAX, INT32_MAX);
	wl_surface_commit(popup->surface);
	if (!popup->mapped) {
		popup->mapped = true;
		say("popup-ready");
	}
}

static const struct xdg_surface_listener popup_surface_listener = {
	.configure = popup_surface_handle_configure,
};

static void popup_handle_configure(void *data, struct xdg_popup *xdg_popup,
		int32_t x, int32_t y, int32_t width, int32_t height) {
	struct client *c = data;
	if (width > 0 && height > 0) {
		c->popup->width = width;
		c->popup->height = height;
	}
	say("popup-configure %d %d %d %d", x, y, width, height);
}

static void popup_handle_done(void *data, struct xdg_popup *xdg_popup) {
	struct client *c = data;
	say("popup-done");
	popup_destroy(c->popup);
	c->popup = NULL;
}

static void popup_handle_repositioned(void *data, struct xdg_popup *xdg_popup,
		uint32_t token) {
}

static const struct xdg_popup_listener popup_listener = {
	.configure = popup_handle_configure,
	.popup_done = popup_handle_done,
	.repositioned = popup_handle_repositioned,
};

static void popup_open(struct client *c, int x, int y, int width, int height,
		uint32_t color, bool grab) {
	if (!c->mapped || width <= 0 || height <= 0) {
		say("error popup needs a mapped window and a positive size");
		return;
	}
	popup_destroy(c->popup);
	struct popup *popup = calloc(1, sizeof(*popup));
	if (popup == NULL) {
		client_fail(c);
		return;
	}
	c->popup = popup;
	popup->color = color;
	popup->width = width;
	popup->height = height;

	struct xdg_positioner *positioner = xdg_wm_base_create_positioner(c->wm_base);
	xdg_positioner_set_size(positioner, width, height);
	xdg_positioner_set_anchor_rect(positioner, x, y, 1, 1);
	xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_TOP_LEFT);
	xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
	xdg_positioner_set_constraint_adjustment(positioner,
		XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X |
		XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y);

	popup->surface = wl_compositor_create_surface(c->compositor);
	popup->xdg_surface = xdg_wm_base_get_xdg_surface(c->wm_base, popup->surface);
	xdg_surface_add_listener(popup->xdg_surface, &popup_surface_listener, c);
	popup->xdg_popup = xdg_surface_get_popup(popup->xdg_surface,
		c->xdg_surface, positioner);
	xdg_popup_add_listener(popup->xdg_popup, &popup_listener, c);
	xdg_positioner_destroy(positioner);
	if (grab && c->have_grab_serial && c->seat != NULL) {
		xdg_popup_grab(popup->xdg_popup, c->seat, c->last_serial);
	}
	wl_surface_commit(popup->surface);
}

/* ---- subsurfaces: clip tests and a hostile churn ---- */

/* Where subsurface i goes on churn step: inside the buffer, or (the last
 * one, when growing) ever further out, so the surface extents change. */
static void subsurface_position(struct client *c, int i, long step, int *x, int *y) {
	int bw = c->width + 2 * c->geo_x, bh = c->height + 2 * c->geo_y;
	if (bw < 1) {
		bw = 1;
	}
	if (bh < 1) {
		bh = 1;
	}
	if (c->churn_grow && i == c->n_subsurfaces - 1) {
		*x = bw + (int)(step % 64);
		*y = bh + (int)(step % 64);
		return;
	}
	*x = (int)(((long)i * 7 + step) % bw);
	*y = (int)(((long)i * 13 + step / 3) % bh);
}

/*
 * Creates --subsurfaces N 1x1 subsurfaces in the shadow colour, spread over
 * the buffer, and with --poke two 30x30 ones outside it (top-left and
 * bottom-right): what must never show outside cordon's frame.
 */
static bool subsurfaces_create(struct client *c) {
	int n = c->n_subsurfaces + (c->poke ? 2 : 0);
	if (n == 0) {
		return true;
	}
	if (c->subcompositor == NULL) {
		fprintf(stderr, "the compositor lacks wl_subcompositor\n");
		return false;
	}
	c->sub_surfaces = calloc((size_t)n, sizeof(*c->sub_surfaces));
	c->subsurfaces = calloc((size_t)n, sizeof(*c->subsurfaces));
	if (c->sub_surfaces == NULL || c->subsurfaces == NULL) {
		return false;
	}
	for (int i = 0; i < n; i++) {
		bool poke = i >= c->n_subsurfaces;
		int size = poke ? 30 : 1;
		c->sub_surfaces[i] = wl_compositor_create_surface(c->compositor);
		c->subsurfaces[i] = wl_subcompositor_get_subsurface(c->subcompositor,
			c->sub_surfaces[i], c->surface);
		struct wl_buffer *buffer = buffer_create(c, size, size, c->shadow_color);
		if (buffer == NULL) {
			return false;
		}
		int x, y;
		if (poke) {
			x = i == c->n_subsurfaces ? -size : c->want_width + 2 * c->geo_x;
			y = i == c->n_subsurfaces ? -size : c->want_height + 2 * c->geo_y;
		} else {
			c->width = c->want_width;
			c->height = c->want_height;
			subsurface_position(c, i, 0, &x, &y);
		}
		wl_subsurface_set_position(c->subsurfaces[i], x, y);
		wl_surface_attach(c->sub_surfaces[i], buffer, 0, 0);
		wl_surface_damage_buffer(c->sub_surfaces[i], 0, 0, size, size);
		wl_surface_commit(c->sub_surfaces[i]);
	}
	return true;
}

static void subsurfaces_destroy(struct client *c) {
	int n = c->n_subsurfaces + (c->poke ? 2 : 0);
	for (int i = 0; c->subsurfaces != NULL && i < n; i++) {
		if (c->subsurfaces[i] != NULL) {
			wl_subsurface_destroy(c->subsurfaces[i]);
		}
		if (c->sub_surfaces[i] != NULL) {
			wl_surface_destroy(c->sub_surfaces[i]);
		}
	}
	free(c->subsurfaces);
	free(c->sub_surfaces);
	if (c->churn_callback != NULL) {
		wl_callback_destroy(c->churn_callback);
	}
}

static const struct wl_callback_listener churn_listener;

/* One churn step: every subsurface moves, then the parent commits. */
static void churn_step(struct client *c) {
	c->churn_step++;
	for (int i = 0; i < c->n_subsurfaces && !c->churn_still; i++) {
		int x, y;
		subsurface_position(c, i, c->churn_step, &x, &y);
		wl_subsurface_set_position(c->subsurfaces[i], x, y);
	}
	wl_surface_commit(c->surface);
	/* One commit per round trip: the compositor is kept busy, not flooded. */
	c->churn_callback = wl_display_sync(c->display);
	wl_callback_add_listener(c->churn_callback, &churn_listener, c);
}

static void churn_handle_done(void *data, struct wl_callback *callback, uint32_t time) {
	struct client *c = data;
	wl_callback_destroy(callback);
	c->churn_callback = NULL;
	if (c->churn) {
		churn_step(c);
	} else {
		say("churned %ld", c->churn_step);
	}
}

static const struct wl_callback_listener churn_listener = {
	.done = churn_handle_done,
};

/* Round-trip timing: rtt N measures N wl_display.sync round trips in a row. */
struct rtt_run {
	struct client *c;
	int n, done;
	long *us;
	struct timespec start;
};

static long rtt_elapsed_us(const struct timespec *start) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000000L + (now.tv_nsec - start->tv_nsec) / 1000;
}

static int rtt_compare(const void *a, const void *b) {
	long x = *(const long *)a, y = *(const long *)b;
	return x < y ? -1 : x > y;
}

static const struct wl_callback_listener rtt_listener;

static void rtt_next(struct rtt_run *run) {
	clock_gettime(CLOCK_MONOTONIC, &run->start);
	struct wl_callback *cb = wl_display_sync(run->c->display);
	wl_callback_add_listener(cb, &rtt_listener, run);
}

static void rtt_handle_done(void *data, struct wl_callback *callback, uint32_t time) {
	struct rtt_run *run = data;
	wl_callback_destroy(callback);
	run->us[run->done++] = rtt_elapsed_us(&run->start);
	if (run->done < run->n) {
		rtt_next(run);
		return;
	}
	qsort(run->us, (size_t)run->n, sizeof(*run->us), rtt_compare);
	say("rtt %d median-us %ld p90-us %ld max-us %ld", run->n, run->us[run->n / 2],
		run->us[run->n * 9 / 10], run->us[run->n - 1]);
	free(run->us);
	free(run);
}

static const struct wl_callback_listener rtt_listener = {
	.done = rtt_handle_done,
};

static void rtt_start(struct client *c, const char *arg) {
	int n = atoi(arg);
	if (n < 1 || n > 100000) {
		say("error usage: rtt N (1..100000)");
		return;
	}
	struct rtt_run *run = calloc(1, sizeof(*run));
	long *us = calloc((size_t)n, sizeof(*us));
	if (run == NULL || us == NULL) {
		free(run);
		free(us);
		client_fail(c);
		return;
	}
	run->c = c;
	run->n = n;
	run->us = us;
	rtt_next(run);
}

/* ---- toplevel ---- */

static void ready_handle_done(void *data, struct wl_callback *callback,
		uint32_t time) {
	struct client *c = data;
	wl_callback_destroy(callback);
	c->ready_callback = NULL;
	c->ready = true;
	say("ready");
}

static const struct wl_callback_listener ready_listener = {
	.done = ready_handle_done,
};

static void toplevel_attach(struct client *c);

static void xdg_surface_handle_configure(void *data,
		struct xdg_surface *xdg_surface, uint32_t serial) {
	struct client *c = data;
	xdg_surface_ack_configure(xdg_surface, serial);
	c->configured = true;
	if (c->hold_map) {
		/* Acked, so the surface stays configured; the buffer waits for map. */
		wl_surface_commit(c->surface);
		return;
	}
	toplevel_attach(c);
}

/* Draws at the configured size and commits: maps the window the first time. */
static void toplevel_attach(struct client *c) {
	int width = c->pending_width > 0 ? c->pending_width : c->want_width;
	int height = c->pending_height > 0 ? c->pending_height : c->want_height;
	/* As toolkits do: never smaller than the minimum it declared. */
	width = width < c->min_width ? c->min_width : width;
	height = height < c->min_height ? c->min_height : height;
	struct wl_buffer *buffer = buffer_create_margin(c, width + 2 * c->geo_x,
		height + 2 * c->geo_y, c->color, c->geo_x, c->geo_y, c->shadow_color);
	if (buffer == NULL) {
		client_fail(c);
		return;
	}
	c->width = width;
	c->height = height;
	if (c->geo_x > 0 || c->geo_y > 0) {
		/* What GTK does: the shadow is outside the window geometry. */
		xdg_surface_set_window_geometry(c->xdg_surface, c->geo_x, c->geo_y, width, height);
	}
	if (c->poke && c->subsurfaces != NULL) {
		/* The bottom-right poke stays just outside the buffer as it grows. */
		wl_subsurface_set_position(c->subsurfaces[c->n_subsurfaces + 1],
			width + 2 * c->geo_x, height + 2 * c->geo_y);
	}
	wl_surface_attach(c->surface, buffer, 0, 0);
	wl_surface_damage_buffer(c->surface, 0, 0, INT32_MAX, INT32_MAX);
	wl_surface_commit(c->surface);
	if (!c->mapped) {
		c->mapped = true;
		/*
		 * Requests are handled in order: when the sync comes back the
		 * compositor has processed the commit that maps the window.
		 */
		c->ready_callback = wl_display_sync(c->display);
		wl_callback_add_listener(c->ready_callback, &ready_listener, c);
	}
}

static const struct xdg_surface_listener xdg_surface_listener = {
	.configure = xdg_surface_handle_configure,
};

static const char *state_name(uint32_t state) {
	switch (state) {
	case XDG_TOPLEVEL_STATE_MAXIMIZED: return "maximized";
	case XDG_TOPLEVEL_STATE_FULLSCREEN: return "fullscreen";
	case XDG_TOPLEVEL_STATE_RESIZING: return "resizing";
	case XDG_TOPLEVEL_STATE_ACTIVATED: return "activated";
	case XDG_TOPLEVEL_STATE_TILED_LEFT: return "tiled-left";
	case XDG_TOPLEVEL_STATE_TILED_RIGHT: return "tiled-right";
	case XDG_TOPLEVEL_STATE_TILED_TOP: return "tiled-top";
	case XDG_TOPLEVEL_STATE_TILED_BOTTOM: return "tiled-bottom";
	case XDG_TOPLEVEL_STATE_SUSPENDED: return "suspended";
	default: return NULL;
	}
}

static void toplevel_handle_configure(void *data, struct xdg_toplevel *toplevel,
		int32_t width, int32_t height, struct wl_array *states) {
	struct client *c = data;
	char text[256];
	int n = snprintf(text, sizeof(text), "configure %d %d", width, height);
	uint32_t *state;
	wl_array_for_each(state, states) {
		const char *name = state_name(*state);
		char unknown[32];
		if (name == NULL) {
			snprintf(unknown, sizeof(unknown), "state-%u", *state);
			name = unknown;
		}
		if (n > 0 && (size_t)n < sizeof(text)) {
			n += snprintf(text + n, sizeof(text) - (size_t)n, " %s", name);
		}
	}
	say("%s", text);
	c->pending_width = width;
	c->pending_height = height;
}

static void toplevel_handle_close(void *data, struct xdg_toplevel *toplevel) {
	struct client *c = data;
	say("close");
	if (!c->stay) {
		c->running = false;
		c->exit_code = 0;
	}
}

static void toplevel_handle_configure_bounds(void *data,
		struct xdg_toplevel *toplevel, int32_t width, int32_t height) {
	say("bounds %d %d", width, height);
}

static void toplevel_handle_wm_capabilities(void *data,
		struct xdg_toplevel *toplevel, struct wl_array *caps) {
}

static const struct xdg_toplevel_listener toplevel_listener = {
	.configure = toplevel_handle_configure,
	.close = toplevel_handle_close,
	.configure_bounds = toplevel_handle_configure_bounds,
	.wm_capabilities = toplevel_handle_wm_capabilities,
};

static void decoration_handle_configure(void *data,
		struct zxdg_toplevel_decoration_v1 *decoration, uint32_t mode) {
	say("decoration %s",
		mode == ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE ? "server" : "client");
}

static const struct zxdg_toplevel_decoration_v1_listener decoration_listener = {
	.configure = decoration_handle_configure,
};

/* ---- input ---- */

static void keyboard_handle_keymap(void *data, struct wl_keyboard *keyboard,
		uint32_t format, int32_t fd, uint32_t size) {
	close(fd);
}

static void keyboard_handle_enter(void *data, struct wl_keyboard *keyboard,
		uint32_t serial, struct wl_surface *surface, struct wl_array *keys) {
	struct client *c = data;
	note_input_serial(c, serial);
	say("keyboard-enter");
}

static void keyboard_handle_leave(void *data, struct wl_keyboard *keyboard,
		uint32_t serial, struct wl_surface *surface) {
	say("keyboard-leave");
}

static void keyboard_handle_key(void *data, struct wl_keyboard *keyboard,
		uint32_t serial, uint32_t time, uint32_t key, uint32_t state) {
	struct client *c = data;
	c->last_serial = serial;
	c->have_grab_serial = true;
	note_input_serial(c, serial);
	say("key %u %s", key,
		state == WL_KEYBOARD_KEY_STATE_PRESSED ? "pressed" : "released");
}

static void keyboard_handle_modifiers(void *data, struct wl_keyboard *keyboard,
		uint32_t serial, uint32_t depressed, uint32_t latched, uint32_t locked,
		uint32_t group) {
}

static void keyboard_handle_repeat_info(void *data, struct wl_keyboard *keyboard,
		int32_t rate, int32_t delay) {
}

static const struct wl_keyboard_listener keyboard_listener = {
	.keymap = keyboard_handle_keymap,
	.enter = keyboard_handle_enter,
	.leave = keyboard_handle_leave,
	.key = keyboard_handle_key,
	.modifiers = keyboard_handle_modifiers,
	.repeat_info = keyboard_handle_repeat_info,
};

static void drag_start(struct client *c, uint32_t serial);

static void pointer_handle_enter(void *data, struct wl_pointer *pointer,
		uint32_t serial, struct wl_surface *surface, wl_fixed_t sx, wl_fixed_t sy) {
	struct client *c = data;
	note_input_serial(c, serial);
	c->pointer_surface = surface;
	say("pointer-enter %d %d%s", wl_fixed_to_int(sx), wl_fixed_to_int(sy),
		c->popup != NULL && surface == c->popup->surface ? " popup" : "");
}

static void pointer_handle_leave(void *data, struct wl_pointer *pointer,
		uint32_t serial, struct wl_surface *surface) {
	struct client *c = data;
	c->pointer_surface = NULL;
	say("pointer-leave");
}

static void pointer_handle_motion(void *data, struct wl_pointer *pointer,
		uint32_t time, wl_fixed_t sx, wl_fixed_t sy) {
}

static void pointer_handle_button(void *data, struct wl_pointer *pointer,
		uint32_t serial, uint32_t time, uint32_t button, uint32_t state) {
	struct client *c = data;
	c->last_serial = serial;
	c->have_grab_serial = true;
	note_input_serial(c, serial);
	say("button %u %s", button,
		state == WL_POINTER_BUTTON_STATE_PRESSED ? "pressed" : "released");
	if (state == WL_POINTER_BUTTON_STATE_PRESSED && c->drag_armed &&
			c->pointer_surface != NULL && c->pointer_surface == c->surface) {
		drag_start(c, serial);
	}
}

static void pointer_handle_axis(void *data, struct wl_pointer *pointer,
		uint32_t time, uint32_t axis, wl_fixed_t value) {
}

static void pointer_handle_frame(void *data, struct wl_pointer *pointer) {
}

static void pointer_handle_axis_source(void *data, struct wl_pointer *pointer,
		uint32_t source) {
}

static void pointer_handle_axis_stop(void *data, struct wl_pointer *pointer,
		uint32_t time, uint32_t axis) {
}

static void pointer_handle_axis_discrete(void *data, struct wl_pointer *pointer,
		uint32_t axis, int32_t discrete) {
}

static void pointer_handle_axis_value120(void *data, struct wl_pointer *pointer,
		uint32_t axis, int32_t value120) {
}

static void pointer_handle_axis_relative_direction(void *data,
		struct wl_pointer *pointer, uint32_t axis, uint32_t direction) {
}

static const struct wl_pointer_listener pointer_listener = {
	.enter = pointer_handle_enter,
	.leave = pointer_handle_leave,
	.motion = pointer_handle_motion,
	.button = pointer_handle_button,
	.axis = pointer_handle_axis,
	.frame = pointer_handle_frame,
	.axis_source = pointer_handle_axis_source,
	.axis_stop = pointer_handle_axis_stop,
	.axis_discrete = pointer_handle_axis_discrete,
	.axis_value120 = pointer_handle_axis_value120,
	.axis_relative_direction = pointer_handle_axis_relative_direction,
};

static void seat_handle_capabilities(void *data, struct wl_seat *seat,
		uint32_t caps) {
	struct client *c = data;
	bool has_keyboard = caps & WL_SEAT_CAPABILITY_KEYBOARD;
	bool has_pointer = caps & WL_SEAT_CAPABILITY_POINTER;
	if (has_keyboard && c->keyboard == NULL) {
		c->keyboard = wl_seat_get_keyboard(seat);
		wl_keyboard_add_listener(c->keyboard, &keyboard_listener, c);
	} else if (!has_keyboard && c->keyboard != NULL) {
		wl_keyboard_release(c->keyboard);
		c->keyboard = NULL;
	}
	if (has_pointer && c->pointer == NULL) {
		c->pointer = wl_seat_get_pointer(seat);
		wl_pointer_add_listener(c->pointer, &pointer_listener, c);
	} else if (!has_pointer && c->pointer != NULL) {
		wl_pointer_release(c->pointer);
		c->pointer = NULL;
	}
}

static void seat_handle_name(void *data, struct wl_seat *seat, const char *name) {
}

static const struct wl_seat_listener seat_listener = {
	.capabilities = seat_handle_capabilities,
	.name = seat_handle_name,
};

/* ---- globals ---- */

static void wm_base_handle_ping(void *data, struct xdg_wm_base *wm_base,
		uint32_t serial) {
	xdg_wm_base_pong(wm_base, serial);
}

static const struct xdg_wm_base_listener wm_base_listener = {
	.ping = wm_base_handle_ping,
};

static uint32_t min_version(uint32_t a, uint32_t b) {
	return a < b ? a : b;
}

static void registry_handle_global(void *data, struct wl_registry *registry,
		uint32_t name, const char *interface, uint32_t version) {
	struct client *c = data;
	if (strcmp(interface, wl_compositor_interface.name) == 0) {
		c->compositor = wl_registry_bind(registry, name,
			&wl_compositor_interface, min_version(version, 4));
	} else if (strcmp(interface, wl_subcompositor_interface.name) == 0) {
		c->subcompositor = wl_registry_bind(registry, name, &wl_subcompositor_interface, 1);
	} else if (strcmp(interface, wl_shm_interface.name) == 0) {
		c->shm = wl_registry_bind(registry, name, &wl_shm_interface, 1);
	} else if (strcmp(interface, xdg_wm_base_interface.name) == 0) {
		c->wm_base = wl_registry_bind(registry, name, &xdg_wm_base_interface,
			min_version(version, 5));
		xdg_wm_base_add_listener(c->wm_base, &wm_base_listener, c);
	} else if (strcmp(interface, wl_seat_interface.name) == 0 && c->seat == NULL) {
		c->seat = wl_registry_bind(registry, name, &wl_seat_interface,
			min_version(version, 8));
		wl_seat_add_listener(c->seat, &seat_listener, c);
	} else if (strcmp(interface, xdg_activation_v1_interface.name) == 0) {
		c->activation = wl_registry_bind(registry, name, &xdg_activation_v1_interface, 1);
	} else if (strcmp(interface,
			zwp_keyboard_shortcuts_inhibit_manager_v1_interface.name) == 0) {
		c->inhibit_manager = wl_registry_bind(registry, name,
			&zwp_keyboard_shortcuts_inhibit_manager_v1_interface, 1);
	} else if (strcmp(interface, zwp_tablet_manager_v2_interface.name) == 0) {
		c->tablet_manager = wl_registry_bind(registry, name,
			&zwp_tablet_manager_v2_interface, 1);
	} else if (strcmp(interface, zwp_text_input_manager_v3_interface.name) == 0) {
		c->ti_manager = wl_registry_bind(registry, name,
			&zwp_text_input_manager_v3_interface, 1);
	} else if (strcmp(interface, zwp_input_method_manager_v2_interface.name) == 0) {
		c->im_manager = wl_registry_bind(registry, name,
			&zwp_input_method_manager_v2_interface, 1);
	} else if (strcmp(interface, zwp_pointer_constraints_v1_interface.name) == 0) {
		c->pointer_constraints = wl_registry_bind(registry, name,
			&zwp_pointer_constraints_v1_interface, 1);
	} else if (strcmp(interface, zwp_relative_pointer_manager_v1_interface.name) == 0) {
		c->relative_manager = wl_registry_bind(registry, name,
			&zwp_relative_pointer_manager_v1_interface, 1);
	} else if (strcmp(interface, zxdg_decoration_manager_v1_interface.name) == 0) {
		c->decoration_manager = wl_registry_bind(registry, name,
			&zxdg_decoration_manager_v1_interface, 1);
	} else if (strcmp(interface, wl_data_device_manager_interface.name) == 0) {
		/* Bound only by a copy command, so other tests see no data device. */
		c->ddm_name = name;
		c->ddm_version = version;
	}
}

static void registry_handle_global_remove(void *data,
		struct wl_registry *registry, uint32_t name) {
}

static const struct wl_registry_listener registry_listener = {
	.global = registry_handle_global,
	.global_remove = registry_handle_global_remove,
};

/* ---- commands on stdin ---- */

struct pending_sync {
	struct wl_list link; /* client.syncs */
	struct wl_callback *callback;
	const char *what;
};

static void pending_sync_destroy(struct pending_sync *sync) {
	wl_list_remove(&sync->link);
	wl_callback_destroy(sync->callback);
	free(sync);
}

static void sync_handle_done(void *data, struct wl_callback *callback,
		uint32_t serial) {
	struct pending_sync *sync = data;
	say("%s", sync->what);
	pending_sync_destroy(sync);
}

static const struct wl_callback_listener sync_listener = {
	.done = sync_handle_done,
};

/* Prints what once every request sent so far has been processed. */
static void sync_say(struct client *c, const char *what) {
	struct pending_sync *sync = calloc(1, sizeof(*sync));
	if (sync == NULL) {
		client_fail(c);
		return;
	}
	sync->what = what;
	sync->callback = wl_display_sync(c->display);
	wl_callback_add_listener(sync->callback, &sync_listener, sync);
	wl_list_insert(&c->syncs, &sync->link);
}

/*
 * Binds global number name as interface, whatever the registry offered:
 * what a hostile client would try for a global hidden from it.
 */
static void bind_by_name(struct client *c, const char *arg) {
	unsigned name, version;
	char interface[128];
	if (sscanf(arg, "%u %127s %u", &name, interface, &version) != 3 ||
			version == 0) {
		say("error usage: bind NAME INTERFACE VERSION");
		return;
	}
	if (c->n_bound == (int)(sizeof(c->bound) / sizeof(c->bound[0]))) {
		say("error too many binds");
		return;
	}
	struct bound *b = &c->bound[c->n_bound];
	b->name = strdup(interface);
	if (b->name == NULL) {
		client_fail(c);
		return;
	}
	b->interface = (struct wl_interface){
		.name = b->name,
		.version = (int)version,
	};
	b->proxy = wl_registry_bind(c->registry, name, &b->interface, version);
	c->n_bound++;
	sync_say(c, "bind-done");
}

/* ---- clipboard source ---- */

static void data_source_handle_target(void *data, struct wl_data_source *source,
		const char *mime) {
}

static void data_source_handle_send(void *data, struct wl_data_source *source,
		const char *mime, int32_t fd) {
	struct client *c = data;
	say("source-send %s", mime);
	size_t len = strlen(c->copy_text), off = 0;
	while (off < len) {
		ssize_t n = write(fd, c->copy_text + off, len - off);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			say("source-write-error %s", n < 0 ? strerror(errno) : "short write");
			break;
		}
		off += (size_t)n;
	}
	if (c->copy_hang && c->n_held_fds <
			(int)(sizeof(c->held_fds) / sizeof(c->held_fds[0]))) {
		/* A source that never finishes: the reader never sees EOF. */
		c->held_fds[c->n_held_fds++] = fd;
		say("source-holding");
		return;
	}
	close(fd);
}

static void data_source_handle_cancelled(void *data, struct wl_data_source *source) {
	struct client *c = data;
	say("source-cancelled");
	if (c->data_source == source) {
		c->data_source = NULL;
	}
	wl_data_source_destroy(source);
}

static const struct wl_data_source_listener data_source_listener = {
	.target = data_source_handle_target,
	.send = data_source_handle_send,
	.cancelled = data_source_handle_cancelled,
};

/* ---- data device: selection offers, drag and drop ---- */

#define DROP_MIME "text/plain;charset=utf-8"
#define DROP_MAX_BYTES (1u << 20)
#define DROP_TIMEOUT_S 60

/* What an offer (selection or drag) says about itself. */
struct offer_info {
	bool has_text; /* DROP_MIME is on offer */
};

static void offer_handle_offer(void *data, struct wl_data_offer *offer,
		const char *mime) {
	struct offer_info *info = data;
	if (info != NULL && strcmp(mime, DROP_MIME) == 0) {
		info->has_text = true;
	}
}

static void offer_handle_source_actions(void *data, struct wl_data_offer *offer,
		uint32_t actions) {
}

static void offer_handle_action(void *data, struct wl_data_offer *offer,
		uint32_t action) {
}

static const struct wl_data_offer_listener offer_listener = {
	.offer = offer_handle_offer,
	.source_actions = offer_handle_source_actions,
	.action = offer_handle_action,
};

static void offer_destroy(struct wl_data_offer *offer) {
	if (offer != NULL) {
		free(wl_data_offer_get_user_data(offer));
		wl_data_offer_destroy(offer);
	}
}

static void data_device_handle_data_offer(void *data, struct wl_data_device *device,
		struct wl_data_offer *offer) {
	struct client *c = data;
	struct offer_info *info = calloc(1, sizeof(*info));
	if (info == NULL) {
		/* Out of memory: the loop ends; until then the offer has no info. */
		client_fail(c);
	}
	wl_data_offer_add_listener(offer, &offer_listener, info);
}

static void data_device_handle_enter(void *data, struct wl_data_device *device,
		uint32_t serial, struct wl_surface *surface, wl_fixed_t x, wl_fixed_t y,
		struct wl_data_offer *offer) {
	struct client *c = data;
	offer_destroy(c->drag_offer);
	c->drag_offer = offer;
	if (!c->accept_drops) {
		return;
	}
	if (offer != NULL) {
		struct offer_info *info = wl_data_offer_get_user_data(offer);
		wl_data_offer_accept(offer, serial,
			info != NULL && info->has_text ? DROP_MIME : NULL);
		if (wl_data_offer_get_version(offer) >= WL_DATA_OFFER_SET_ACTIONS_SINCE_VERSION) {
			wl_data_offer_set_actions(offer, WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY,
				WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY);
		}
	}
	say("drop-enter%s", offer == NULL ? " no-offer" : "");
}

static void data_device_handle_leave(void *data, struct wl_data_device *device) {
	struct client *c = data;
	/* A dropped offer stays until its data is read: only this one goes. */
	offer_destroy(c->drag_offer);
	c->drag_offer = NULL;
	if (c->accept_drops) {
		say("drop-leave");
	}
}

static void data_device_handle_motion(void *data, struct wl_data_device *device,
		uint32_t time, wl_fixed_t x, wl_fixed_t y) {
}

static void drop_reset(struct client *c) {
	if (c->drop_fd >= 0) {
		close(c->drop_fd);
		c->drop_fd = -1;
	}
	free(c->drop_data);
	c->drop_data = NULL;
	c->drop_len = 0;
	offer_destroy(c->drop_offer);
	c->drop_offer = NULL;
}

static void data_device_handle_drop(void *data, struct wl_data_device *device) {
	struct client *c = data;
	if (!c->accept_drops || c->drag_offer == NULL) {
		return;
	}
	if (c->drop_offer != NULL) {
		say("error a drop while the previous one is still being read");
		return;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		say("error pipe: %s", strerror(errno));
		return;
	}
	c->drop_offer = c->drag_offer;
	c->drag_offer = NULL;
	wl_data_offer_receive(c->drop_offer, DROP_MIME, fds[1]);
	close(fds[1]);
	c->drop_fd = fds[0];
	clock_gettime(CLOCK_MONOTONIC, &c->drop_deadline);
	c->drop_deadline.tv_sec += DROP_TIMEOUT_S;
	say("drop");
}

/* The drop's data so far has ended: why is NULL at EOF, else what went wrong. */
static void drop_done(struct client *c, const char *why) {
	if (c->pasting) {
		c->pasting = false;
		if (why != NULL) {
			say("pasted-%s", why);
		} else if (c->drop_len == 0) {
			say("pasted-empty");
		} else {
			say("pasted %.*s", (int)c->drop_len, c->drop_data);
		}
		drop_reset(c);
		return;
	}
	if (why != NULL) {
		say("dropped-%s", why);
	} else if (c->drop_len == 0) {
		say("dropped-empty");
	} else {
		say("dropped %.*s", (int)c->drop_len, c->drop_data);
	}
	if (why == NULL && wl_data_offer_get_version(c->drop_offer) >=
			WL_DATA_OFFER_FINISH_SINCE_VERSION) {
		wl_data_offer_finish(c->drop_offer);
	}
	drop_reset(c);
}

static void drop_read(struct client *c) {
	char chunk[4096];
	for (;;) {
		ssize_t n = read(c->drop_fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno != EAGAIN) {
				drop_done(c, "error");
			}
			return;
		}
		if (n == 0) {
			drop_done(c, NULL);
			return;
		}
		if (c->drop_len + (size_t)n > DROP_MAX_BYTES) {
			drop_done(c, "too-long");
			return;
		}
		char *grown = realloc(c->drop_data, c->drop_len + (size_t)n);
		if (grown == NULL) {
			client_fail(c);
			return;
		}
		memcpy(grown + c->drop_len, chunk, (size_t)n);
		c->drop_data = grown;
		c->drop_len += (size_t)n;
		if (!c->pasting) {
			say("drop-progress %zu", c->drop_len);
		}
	}
}

/* Milliseconds until the drop being read times out (-1: none is). */
static int drop_timeout_ms(struct client *c) {
	if (c->drop_fd < 0) {
		return -1;
	}
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (c->drop_deadline.tv_sec - now.tv_sec) * 1000LL +
		(c->drop_deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

static void data_device_handle_selection(void *data, struct wl_data_device *device,
		struct wl_data_offer *offer) {
	struct client *c = data;
	offer_destroy(c->selection_offer);
	c->selection_offer = offer;
	say("selection %s", offer != NULL ? "offer" : "none");
}

static const struct wl_data_device_listener data_device_listener = {
	.data_offer = data_device_handle_data_offer,
	.enter = data_device_handle_enter,
	.leave = data_device_handle_leave,
	.motion = data_device_handle_motion,
	.drop = data_device_handle_drop,
	.selection = data_device_handle_selection,
};

/* Binds the data device manager (version 3 at most) on first use. */
static bool ensure_data_device(struct client *c) {
	if (c->ddm_name == 0 || c->seat == NULL) {
		say("error no wl_data_device_manager or wl_seat");
		return false;
	}
	if (c->data_device_manager == NULL) {
		/* A reader that gives up must not kill the client mid-write. */
		signal(SIGPIPE, SIG_IGN);
		c->data_device_manager = wl_registry_bind(c->registry, c->ddm_name,
			&wl_data_device_manager_interface, min_version(c->ddm_version, 3));
		c->data_device = wl_data_device_manager_get_data_device(
			c->data_device_manager, c->seat);
		wl_data_device_add_listener(c->data_device, &data_device_listener, c);
	}
	return true;
}

/* ---- drag source ---- */

static void drag_source_handle_target(void *data, struct wl_data_source *source,
		const char *mime) {
	say("drag-target %s", mime != NULL ? mime : "none");
}

static void drag_source_handle_send(void *data, struct wl_data_source *source,
		const char *mime, int32_t fd) {
	struct client *c = data;
	say("drag-send %s", mime);
	size_t len = c->drag_text ? strlen(c->drag_text) : 0, off = 0;
	while (off < len) {
		ssize_t n = write(fd, c->drag_text + off, len - off);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			say("drag-write-error %s", n < 0 ? strerror(errno) : "short write");
			break;
		}
		off += (size_t)n;
	}
	close(fd);
}

static void drag_source_forget(struct client *c, struct wl_data_source *source) {
	if (c->drag_source == source) {
		c->drag_source = NULL;
	}
	wl_data_source_destroy(source);
}

static void drag_source_handle_cancelled(void *data, struct wl_data_source *source) {
	struct client *c = data;
	say("drag-cancelled");
	drag_source_forget(c, source);
}

static void drag_source_handle_dnd_drop_performed(void *data,
		struct wl_data_source *source) {
	say("drag-dropped");
}

static void drag_source_handle_dnd_finished(void *data, struct wl_data_source *source) {
	struct client *c = data;
	say("drag-finished");
	/* Done with: anything the compositor says about it after this is moot. */
	drag_source_forget(c, source);
}

static void drag_source_handle_action(void *data, struct wl_data_source *source,
		uint32_t action) {
	say("drag-action %u", action);
}

static const struct wl_data_source_listener drag_source_listener = {
	.target = drag_source_handle_target,
	.send = drag_source_handle_send,
	.cancelled = drag_source_handle_cancelled,
	.dnd_drop_performed = drag_source_handle_dnd_drop_performed,
	.dnd_finished = drag_source_handle_dnd_finished,
	.action = drag_source_handle_action,
};

/* On the armed press: drags the text with the press's serial, from our surface. */
static void drag_start(struct client *c, uint32_t serial) {
	c->drag_armed = false;
	if (c->drag_source != NULL) {
		wl_data_source_destroy(c->drag_source);
	}
	c->drag_source = wl_data_device_manager_create_data_source(c->data_device_manager);
	wl_data_source_add_listener(c->drag_source, &drag_source_listener, c);
	wl_data_source_offer(c->drag_source, DROP_MIME);
	wl_data_source_offer(c->drag_source, "text/plain");
	if (wl_data_source_get_version(c->drag_source) >=
			WL_DATA_SOURCE_SET_ACTIONS_SINCE_VERSION) {
		wl_data_source_set_actions(c->drag_source, WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY);
	}
	wl_data_device_start_drag(c->data_device, c->drag_source, c->surface, NULL, serial);
	sync_say(c, "drag-started");
}

static void drag_arm(struct client *c, const char *text) {
	if (!ensure_data_device(c)) {
		return;
	}
	if (!client_set_text(c, &c->drag_text, text)) {
		return;
	}
	c->drag_armed = true;
	sync_say(c, "drag-armed");
}

/*
 * Gives up the seat (pointer and keyboard with it) and keeps everything
 * else, a drag under way included: what a hostile drag source may do to
 * lose the compositor's track of where its drag came from.
 */
static void release_seat(struct client *c) {
	if (c->pointer != NULL) {
		wl_pointer_release(c->pointer);
		c->pointer = NULL;
	}
	if (c->keyboard != NULL) {
		wl_keyboard_release(c->keyboard);
		c->keyboard = NULL;
	}
	if (c->seat != NULL) {
		if (wl_seat_get_version(c->seat) >= WL_SEAT_RELEASE_SINCE_VERSION) {
			wl_seat_release(c->seat);
		} else {
			wl_seat_destroy(c->seat);
		}
		c->seat = NULL;
	}
	c->pointer_surface = NULL;
	sync_say(c, "seat-released");
}

static void accept_drops(struct client *c) {
	if (!ensure_data_device(c)) {
		return;
	}
	c->accept_drops = true;
	sync_say(c, "accepting-drops");
}

/*
 * Offers text as the clipboard selection with the latest input serial this
 * client got (keyboard or pointer), whether or not it has keyboard focus:
 * what a background client trying to replace the clipboard would do.
 */
static void copy_text(struct client *c, const char *text, bool hang) {
	if (!ensure_data_device(c)) {
		return;
	}
	if (!c->have_input_serial) {
		say("error no input serial yet");
		return;
	}
	if (!client_set_text(c, &c->copy_text, text)) {
		return;
	}
	c->copy_hang = hang;
	/* The old source stays ours until the compositor cancels it. */
	c->data_source = wl_data_device_manager_create_data_source(c->data_device_manager);
	wl_data_source_add_listener(c->data_source, &data_source_listener, c);
	wl_data_source_offer(c->data_source, "text/plain;charset=utf-8");
	wl_data_source_offer(c->data_source, "text/plain");
	wl_data_device_set_selection(c->data_device, c->data_source, use_serial(c));
	sync_say(c, "copy-done");
}

static bool parse_color(const char *text, uint32_t *out) {
	char *end;
	if (strlen(text) != 6) {
		return false;
	}
	unsigned long v = strtoul(text, &end, 16);
	if (*end != '\0') {
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

static void handle_token_done(void *data, struct xdg_activation_token_v1 *token,
		const char *text) {
	say("token %s", text);
	xdg_activation_token_v1_destroy(token);
}

static const struct xdg_activation_token_v1_listener token_listener = {
	.done = handle_token_done,
};

/* An activation token from this client's surface and latest input serial. */
static void token_request(struct client *c) {
	if (c->activation == NULL) {
		say("error no xdg_activation_v1");
		return;
	}
	struct xdg_activation_token_v1 *token =
		xdg_activation_v1_get_activation_token(c->activation);
	xdg_activation_token_v1_add_listener(token, &token_listener, c);
	if (c->have_input_serial && c->seat != NULL) {
		xdg_activation_token_v1_set_serial(token, use_serial(c), c->seat);
	}
	xdg_activation_token_v1_set_surface(token, c->surface);
	xdg_activation_token_v1_commit(token);
}

/*
 * Reads the current selection offer as text (what a paste does), through
 * the drop reader: pasted TEXT | pasted-empty | pasted-timeout | ... or
 * paste-none when no offer is there.
 */
static void paste_start(struct client *c) {
	if (!ensure_data_device(c)) {
		return;
	}
	if (c->selection_offer == NULL) {
		say("paste-none");
		return;
	}
	if (c->drop_fd >= 0) {
		say("error a drop or paste is still being read");
		return;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		say("error pipe: %s", strerror(errno));
		return;
	}
	wl_data_offer_receive(c->selection_offer, DROP_MIME, fds[1]);
	close(fds[1]);
	c->pasting = true;
	c->drop_fd = fds[0];
	clock_gettime(CLOCK_MONOTONIC, &c->drop_deadline);
	c->drop_deadline.tv_sec += 3;
}

static void locked_handle_locked(void *data, struct zwp_locked_pointer_v1 *locked) {
	say("pointer-locked");
}

static void locked_handle_unlocked(void *data, struct zwp_locked_pointer_v1 *locked) {
	say("pointer-unlocked");
}

static const struct zwp_locked_pointer_v1_listener locked_listener = {
	.locked = locked_handle_locked,
	.unlocked = locked_handle_unlocked,
};

static void relative_handle_motion(void *data, struct zwp_relative_pointer_v1 *rel,
		uint32_t utime_hi, uint32_t utime_lo, wl_fixed_t dx, wl_fixed_t dy,
		wl_fixed_t dx_unaccel, wl_fixed_t dy_unaccel) {
	say("relative %d %d", (int)wl_fixed_to_double(dx_unaccel),
		(int)wl_fixed_to_double(dy_unaccel));
}

static const struct zwp_relative_pointer_v1_listener relative_listener = {
	.relative_motion = relative_handle_motion,
};

static void inhibitor_handle_active(void *data,
		struct zwp_keyboard_shortcuts_inhibitor_v1 *inhibitor) {
	say("shortcuts-inhibited");
}

static void inhibitor_handle_inactive(void *data,
		struct zwp_keyboard_shortcuts_inhibitor_v1 *inhibitor) {
	say("shortcuts-restored");
}

static const struct zwp_keyboard_shortcuts_inhibitor_v1_listener inhibitor_listener = {
	.active = inhibitor_handle_active,
	.inactive = inhibitor_handle_inactive,
};

/* Asks for cordon's shortcuts on this window: -> inhibit-requested. */
static void inhibit_shortcuts(struct client *c) {
	if (c->inhibit_manager == NULL || c->seat == NULL) {
		say("error inhibit-shortcuts needs zwp_keyboard_shortcuts_inhibit_manager_v1");
		return;
	}
	if (c->inhibitor == NULL) {
		c->inhibitor = zwp_keyboard_shortcuts_inhibit_manager_v1_inhibit_shortcuts(
			c->inhibit_manager, c->surface, c->seat);
		zwp_keyboard_shortcuts_inhibitor_v1_add_listener(c->inhibitor,
			&inhibitor_listener, c);
	}
	sync_say(c, "inhibit-requested");
}

/* A persistent pointer lock on the window: -> pointer-lock-requested. */
static void lock_pointer(struct client *c) {
	if (c->pointer_constraints == NULL || c->relative_manager == NULL ||
			c->pointer == NULL) {
		say("error lock-pointer needs zwp_pointer_constraints_v1, "
			"zwp_relative_pointer_manager_v1 and a pointer");
		return;
	}
	if (c->locked_pointer == NULL) {
		c->locked_pointer = zwp_pointer_constraints_v1_lock_pointer(c->pointer_constraints,
			c->surface, c->pointer, NULL, ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_PERSISTENT);
		zwp_locked_pointer_v1_add_listener(c->locked_pointer, &locked_listener, c);
	}
	if (c->relative_pointer == NULL) {
		c->relative_pointer = zwp_relative_pointer_manager_v1_get_relative_pointer(
			c->relative_manager, c->pointer);
		zwp_relative_pointer_v1_add_listener(c->relative_pointer, &relative_listener, c);
	}
	sync_say(c, "pointer-lock-requested");
}

/* ---- text input (a field) and input method (the host's) ---- */

static void text_input_handle_enter(void *data, struct zwp_text_input_v3 *ti,
		struct wl_surface *surface) {
	struct client *c = data;
	say("text-input-enter");
	/* A focused field asks for the input method, with its cursor rectangle. */
	zwp_text_input_v3_enable(ti);
	zwp_text_input_v3_set_content_type(ti, ZWP_TEXT_INPUT_V3_CONTENT_HINT_NONE,
		ZWP_TEXT_INPUT_V3_CONTENT_PURPOSE_NORMAL);
	zwp_text_input_v3_set_surrounding_text(ti, "", 0, 0);
	zwp_text_input_v3_set_cursor_rectangle(ti, c->ti_cursor[0], c->ti_cursor[1],
		c->ti_cursor[2], c->ti_cursor[3]);
	zwp_text_input_v3_commit(ti);
}

static void text_input_handle_leave(void *data, struct zwp_text_input_v3 *ti,
		struct wl_surface *surface) {
	say("text-input-leave");
	zwp_text_input_v3_disable(ti);
	zwp_text_input_v3_commit(ti);
}

static void text_input_handle_preedit(void *data, struct zwp_text_input_v3 *ti,
		const char *text, int32_t begin, int32_t end) {
	struct client *c = data;
	client_set_text(c, &c->ti_preedit, text ? text : "");
}

static void text_input_handle_commit_string(void *data, struct zwp_text_input_v3 *ti,
		const char *text) {
	struct client *c = data;
	client_set_text(c, &c->ti_commit, text ? text : "");
}

static void text_input_handle_delete(void *data, struct zwp_text_input_v3 *ti,
		uint32_t before, uint32_t after) {
	say("delete-surrounding %u %u", before, after);
}

/* Applies what came since the last done, in the protocol's order. */
static void text_input_handle_done(void *data, struct zwp_text_input_v3 *ti,
		uint32_t serial) {
	struct client *c = data;
	if (c->ti_commit != NULL) {
		say("commit-string %s", c->ti_commit);
	}
	if (c->ti_preedit != NULL) {
		say("preedit %s", c->ti_preedit);
	}
	free(c->ti_commit);
	free(c->ti_preedit);
	c->ti_commit = c->ti_preedit = NULL;
	say("text-input-done %u", serial);
}

static const struct zwp_text_input_v3_listener text_input_listener = {
	.enter = text_input_handle_enter,
	.leave = text_input_handle_leave,
	.preedit_string = text_input_handle_preedit,
	.commit_string = text_input_handle_commit_string,
	.delete_surrounding_text = text_input_handle_delete,
	.done = text_input_handle_done,
};

/* A text input on the window's seat, enabled whenever it is focused. */
static void text_input_start(struct client *c, const char *arg) {
	if (c->ti_manager == NULL || c->seat == NULL) {
		say("error text-input needs zwp_text_input_manager_v3");
		return;
	}
	if (arg[0] != '\0' && sscanf(arg, "%d %d %d %d", &c->ti_cursor[0], &c->ti_cursor[1],
			&c->ti_cursor[2], &c->ti_cursor[3]) != 4) {
		say("error usage: text-input [X Y W H]");
		return;
	}
	if (c->text_input == NULL) {
		c->text_input = zwp_text_input_manager_v3_get_text_input(c->ti_manager, c->seat);
		zwp_text_input_v3_add_listener(c->text_input, &text_input_listener, c);
	}
	sync_say(c, "text-input-ready");
}

static void im_handle_activate(void *data, struct zwp_input_method_v2 *im) {
	struct client *c = data;
	c->im_pending_active = true;
}

static void im_handle_deactivate(void *data, struct zwp_input_method_v2 *im) {
	struct client *c = data;
	c->im_pending_active = false;
}

static void im_handle_surrounding(void *data, struct zwp_input_method_v2 *im,
		const char *text, uint32_t cursor, uint32_t anchor) {
	say("im-surrounding %u %u %s", cursor, anchor, text);
}

static void im_handle_cause(void *data, struct zwp_input_method_v2 *im, uint32_t cause) {
}

static void im_handle_content_type(void *data, struct zwp_input_method_v2 *im,
		uint32_t hint, uint32_t purpose) {
	say("im-content-type %u %u", hint, purpose);
}

static void im_commit_text(struct client *c, const char *text, bool preedit) {
	if (preedit) {
		zwp_input_method_v2_set_preedit_string(c->input_method, text, 0, (int32_t)strlen(text));
	} else {
		zwp_input_method_v2_commit_string(c->input_method, text);
	}
	zwp_input_method_v2_commit(c->input_method, c->im_dones);
}

static void im_handle_done(void *data, struct zwp_input_method_v2 *im) {
	struct client *c = data;
	c->im_dones++;
	if (c->im_pending_active != c->im_active) {
		c->im_active = c->im_pending_active;
		say(c->im_active ? "im-activate" : "im-deactivate");
		if (c->im_active && c->im_text != NULL && c->im_text[0] != '\0') {
			/* What a real one does after keys: commits the composed text. */
			im_commit_text(c, c->im_text, false);
			sync_say(c, "im-committed");
		}
	}
}

static void im_handle_unavailable(void *data, struct zwp_input_method_v2 *im) {
	say("im-unavailable");
}

static const struct zwp_input_method_v2_listener im_listener = {
	.activate = im_handle_activate,
	.deactivate = im_handle_deactivate,
	.surrounding_text = im_handle_surrounding,
	.text_change_cause = im_handle_cause,
	.content_type = im_handle_content_type,
	.done = im_handle_done,
	.unavailable = im_handle_unavailable,
};

static void im_popup_handle_rect(void *data, struct zwp_input_popup_surface_v2 *popup,
		int32_t x, int32_t y, int32_t w, int32_t h) {
	say("im-popup-rect %d %d %d %d", x, y, w, h);
}

static const struct zwp_input_popup_surface_v2_listener im_popup_listener = {
	.text_input_rectangle = im_popup_handle_rect,
};

static void im_grab_handle_keymap(void *data, struct zwp_input_method_keyboard_grab_v2 *g,
		uint32_t format, int32_t fd, uint32_t size) {
	close(fd);
	say("im-keymap");
}

static void im_grab_handle_key(void *data, struct zwp_input_method_keyboard_grab_v2 *g,
		uint32_t serial, uint32_t time, uint32_t key, uint32_t state) {
	say("im-key %u %s", key, state == WL_KEYBOARD_KEY_STATE_PRESSED ? "pressed" : "released");
}

static void im_grab_handle_modifiers(void *data, struct zwp_input_method_keyboard_grab_v2 *g,
		uint32_t serial, uint32_t depressed, uint32_t latched, uint32_t locked,
		uint32_t group) {
}

static void im_grab_handle_repeat(void *data, struct zwp_input_method_keyboard_grab_v2 *g,
		int32_t rate, int32_t delay) {
}

static const struct zwp_input_method_keyboard_grab_v2_listener im_grab_listener = {
	.keymap = im_grab_handle_keymap,
	.key = im_grab_handle_key,
	.modifiers = im_grab_handle_modifiers,
	.repeat_info = im_grab_handle_repeat,
};

/* Becomes the seat's input method; TEXT, if any, is committed on each activation. */
static void input_method_start(struct client *c, const char *arg) {
	if (c->im_manager == NULL || c->seat == NULL) {
		say("error input-method needs zwp_input_method_manager_v2");
		return;
	}
	if (!client_set_text(c, &c->im_text, arg)) {
		return;
	}
	if (c->input_method == NULL) {
		c->input_method = zwp_input_method_manager_v2_get_input_method(c->im_manager,
			c->seat);
		zwp_input_method_v2_add_listener(c->input_method, &im_listener, c);
	}
	sync_say(c, "input-method-ready");
}

/* A popup surface of the input method in one colour: shown while active. */
static void im_popup_start(struct client *c, const char *arg) {
	int w, h;
	char color_text[16];
	uint32_t color;
	if (c->input_method == NULL || sscanf(arg, "%dx%d %15s", &w, &h, color_text) != 3 ||
			w <= 0 || h <= 0 || w > 4096 || h > 4096 || !parse_color(color_text, &color)) {
		say("error usage: im-popup WxH RRGGBB (after input-method)");
		return;
	}
	if (c->im_popup == NULL) {
		c->im_popup_surface = wl_compositor_create_surface(c->compositor);
		c->im_popup = zwp_input_method_v2_get_input_popup_surface(c->input_method,
			c->im_popup_surface);
		zwp_input_popup_surface_v2_add_listener(c->im_popup, &im_popup_listener, c);
	}
	wl_surface_attach(c->im_popup_surface, buffer_create(c, w, h, color), 0, 0);
	wl_surface_damage_buffer(c->im_popup_surface, 0, 0, w, h);
	wl_surface_commit(c->im_popup_surface);
	sync_say(c, "im-popup-ready");
}

static void im_grab_start(struct client *c) {
	if (c->input_method == NULL) {
		say("error im-grab needs input-method first");
		return;
	}
	if (c->im_grab == NULL) {
		c->im_grab = zwp_input_method_v2_grab_keyboard(c->input_method);
		zwp_input_method_keyboard_grab_v2_add_listener(c->im_grab, &im_grab_listener, c);
	}
	sync_say(c, "im-grabbed");
}

static void text_input_finish(struct client *c) {
	free(c->ti_commit);
	free(c->ti_preedit);
	free(c->im_text);
	if (c->text_input != NULL) {
		zwp_text_input_v3_destroy(c->text_input);
	}
	if (c->ti_manager != NULL) {
		zwp_text_input_manager_v3_destroy(c->ti_manager);
	}
	if (c->im_grab != NULL) {
		zwp_input_method_keyboard_grab_v2_release(c->im_grab);
	}
	if (c->im_popup != NULL) {
		zwp_input_popup_surface_v2_destroy(c->im_popup);
	}
	if (c->im_popup_surface != NULL) {
		wl_surface_destroy(c->im_popup_surface);
	}
	if (c->input_method != NULL) {
		zwp_input_method_v2_destroy(c->input_method);
	}
	if (c->im_manager != NULL) {
		zwp_input_method_manager_v2_destroy(c->im_manager);
	}
}

/* ---- tablet (a drawing program's view of the pen) ---- */

static void tool_handle_type(void *data, struct zwp_tablet_tool_v2 *tool, uint32_t type) {
}

static void tool_handle_serial(void *data, struct zwp_tablet_tool_v2 *tool,
		uint32_t hi, uint32_t lo) {
}

static void tool_handle_wacom(void *data, struct zwp_tablet_tool_v2 *tool,
		uint32_t hi, uint32_t lo) {
}

static void tool_handle_capability(void *data, struct zwp_tablet_tool_v2 *tool,
		uint32_t capability) {
}

static void tool_handle_done(void *data, struct zwp_tablet_tool_v2 *tool) {
	say("tablet-tool");
}

static void tool_handle_removed(void *data, struct zwp_tablet_tool_v2 *tool) {
	say("tablet-tool-removed");
}

static void tool_handle_proximity_in(void *data, struct zwp_tablet_tool_v2 *tool,
		uint32_t serial, struct zwp_tablet_v2 *tablet, struct wl_surface *surface) {
	say("tablet-proximity-in");
}

static void tool_handle_proximity_out(void *data, struct zwp_tablet_tool_v2 *tool) {
	say("tablet-proximity-out");
}

static void tool_handle_down(void *data, struct zwp_tablet_tool_v2 *tool, uint32_t serial) {
	struct client *c = data;
	note_input_serial(c, serial);
	say("tablet-down");
}

static void tool_handle_up(void *data, struct zwp_tablet_tool_v2 *tool) {
	say("tablet-up");
}

static void tool_handle_motion(void *data, struct zwp_tablet_tool_v2 *tool,
		wl_fixed_t x, wl_fixed_t y) {
	say("tablet-motion %d %d", wl_fixed_to_int(x), wl_fixed_to_int(y));
}

static void tool_handle_pressure(void *data, struct zwp_tablet_tool_v2 *tool,
		uint32_t pressure) {
	say("tablet-pressure %u", pressure);
}

static void tool_handle_distance(void *data, struct zwp_tablet_tool_v2 *tool,
		uint32_t distance) {
}

static void tool_handle_tilt(void *data, struct zwp_tablet_tool_v2 *tool,
		wl_fixed_t x, wl_fixed_t y) {
}

static void tool_handle_rotation(void *data, struct zwp_tablet_tool_v2 *tool,
		wl_fixed_t degrees) {
}

static void tool_handle_slider(void *data, struct zwp_tablet_tool_v2 *tool, int32_t position) {
}

static void tool_handle_wheel(void *data, struct zwp_tablet_tool_v2 *tool,
		wl_fixed_t degrees, int32_t clicks) {
}

static void tool_handle_button(void *data, struct zwp_tablet_tool_v2 *tool,
		uint32_t serial, uint32_t button, uint32_t state) {
	say("tablet-button %u %s", button,
		state == ZWP_TABLET_TOOL_V2_BUTTON_STATE_PRESSED ? "pressed" : "released");
}

static void tool_handle_frame(void *data, struct zwp_tablet_tool_v2 *tool, uint32_t time) {
}

static const struct zwp_tablet_tool_v2_listener tool_listener = {
	.type = tool_handle_type,
	.hardware_serial = tool_handle_serial,
	.hardware_id_wacom = tool_handle_wacom,
	.capability = tool_handle_capability,
	.done = tool_handle_done,
	.removed = tool_handle_removed,
	.proximity_in = tool_handle_proximity_in,
	.proximity_out = tool_handle_proximity_out,
	.down = tool_handle_down,
	.up = tool_handle_up,
	.motion = tool_handle_motion,
	.pressure = tool_handle_pressure,
	.distance = tool_handle_distance,
	.tilt = tool_handle_tilt,
	.rotation = tool_handle_rotation,
	.slider = tool_handle_slider,
	.wheel = tool_handle_wheel,
	.button = tool_handle_button,
	.frame = tool_handle_frame,
};

static void tablet_handle_name(void *data, struct zwp_tablet_v2 *tablet, const char *name) {
}

static void tablet_handle_id(void *data, struct zwp_tablet_v2 *tablet,
		uint32_t vid, uint32_t pid) {
}

static void tablet_handle_path(void *data, struct zwp_tablet_v2 *tablet, const char *path) {
}

static void tablet_handle_done(void *data, struct zwp_tablet_v2 *tablet) {
	say("tablet-added");
}

static void tablet_handle_removed(void *data, struct zwp_tablet_v2 *tablet) {
	zwp_tablet_v2_destroy(tablet);
}

static void tablet_handle_bustype(void *data, struct zwp_tablet_v2 *tablet, uint32_t bustype) {
}

static const struct zwp_tablet_v2_listener tablet_listener = {
	.name = tablet_handle_name,
	.id = tablet_handle_id,
	.path = tablet_handle_path,
	.done = tablet_handle_done,
	.removed = tablet_handle_removed,
	.bustype = tablet_handle_bustype,
};

static void pad_handle_group(void *data, struct zwp_tablet_pad_v2 *pad,
		struct zwp_tablet_pad_group_v2 *group) {
	/* Not followed: its events go to a proxy with no listener, unread. */
}

static void pad_handle_path(void *data, struct zwp_tablet_pad_v2 *pad, const char *path) {
}

static void pad_handle_buttons(void *data, struct zwp_tablet_pad_v2 *pad, uint32_t buttons) {
}

static void pad_handle_done(void *data, struct zwp_tablet_pad_v2 *pad) {
}

static void pad_handle_button(void *data, struct zwp_tablet_pad_v2 *pad, uint32_t time,
		uint32_t button, uint32_t state) {
	say("pad-button %u %s", button,
		state == ZWP_TABLET_PAD_V2_BUTTON_STATE_PRESSED ? "pressed" : "released");
}

static void pad_handle_enter(void *data, struct zwp_tablet_pad_v2 *pad, uint32_t serial,
		struct zwp_tablet_v2 *tablet, struct wl_surface *surface) {
	say("pad-enter");
}

static void pad_handle_leave(void *data, struct zwp_tablet_pad_v2 *pad, uint32_t serial,
		struct wl_surface *surface) {
	say("pad-leave");
}

static void pad_handle_removed(void *data, struct zwp_tablet_pad_v2 *pad) {
	zwp_tablet_pad_v2_destroy(pad);
}

static const struct zwp_tablet_pad_v2_listener pad_listener = {
	.group = pad_handle_group,
	.path = pad_handle_path,
	.buttons = pad_handle_buttons,
	.done = pad_handle_done,
	.button = pad_handle_button,
	.enter = pad_handle_enter,
	.leave = pad_handle_leave,
	.removed = pad_handle_removed,
};

static void tablet_seat_handle_tablet(void *data, struct zwp_tablet_seat_v2 *seat,
		struct zwp_tablet_v2 *tablet) {
	zwp_tablet_v2_add_listener(tablet, &tablet_listener, data);
}

static void tablet_seat_handle_tool(void *data, struct zwp_tablet_seat_v2 *seat,
		struct zwp_tablet_tool_v2 *tool) {
	zwp_tablet_tool_v2_add_listener(tool, &tool_listener, data);
}

static void tablet_seat_handle_pad(void *data, struct zwp_tablet_seat_v2 *seat,
		struct zwp_tablet_pad_v2 *pad) {
	zwp_tablet_pad_v2_add_listener(pad, &pad_listener, data);
}

static const struct zwp_tablet_seat_v2_listener tablet_seat_listener = {
	.tablet_added = tablet_seat_handle_tablet,
	.tool_added = tablet_seat_handle_tool,
	.pad_added = tablet_seat_handle_pad,
};

/* The seat's tablets, tools and pads, their events reported as they come. */
static void tablet_start(struct client *c) {
	if (c->tablet_manager == NULL || c->seat == NULL) {
		say("error tablet needs zwp_tablet_manager_v2");
		return;
	}
	if (c->tablet_seat == NULL) {
		c->tablet_seat = zwp_tablet_manager_v2_get_tablet_seat(c->tablet_manager, c->seat);
		zwp_tablet_seat_v2_add_listener(c->tablet_seat, &tablet_seat_listener, c);
	}
	sync_say(c, "tablet-ready");
}

static void handle_command(struct client *c, char *line) {
	char *arg = strchr(line, ' ');
	if (arg != NULL) {
		*arg++ = '\0';
	} else {
		arg = "";
	}
	if (strcmp(line, "title") == 0) {
		xdg_toplevel_set_title(c->toplevel, arg);
	} else if (strcmp(line, "app-id") == 0) {
		xdg_toplevel_set_app_id(c->toplevel, arg);
	} else if (strcmp(line, "popup") == 0 || strcmp(line, "popup-nograb") == 0) {
		int x, y, w, h;
		char color_text[16] = "";
		int n = sscanf(arg, "%d %d %d %d %15s", &x, &y, &w, &h, color_text);
		uint32_t color = (~c->color) & 0xffffffu;
		if (n < 4 || (n == 5 && !parse_color(color_text, &color))) {
			say("error usage: popup X Y W H [RRGGBB]");
			return;
		}
		popup_open(c, x, y, w, h, color, strcmp(line, "popup") == 0);
	} else if (strcmp(line, "close-popup") == 0) {
		popup_destroy(c->popup);
		c->popup = NULL;
	} else if (strcmp(line, "maximize") == 0) {
		xdg_toplevel_set_maximized(c->toplevel);
	} else if (strcmp(line, "unmaximize") == 0) {
		xdg_toplevel_unset_maximized(c->toplevel);
	} else if (strcmp(line, "minimize") == 0) {
		xdg_toplevel_set_minimized(c->toplevel);
	} else if (strcmp(line, "fullscreen") == 0) {
		xdg_toplevel_set_fullscreen(c->toplevel, NULL);
	} else if (strcmp(line, "unfullscreen") == 0) {
		xdg_toplevel_unset_fullscreen(c->toplevel);
	} else if (strcmp(line, "sync") == 0) {
		sync_say(c, "synced");
	} else if (strcmp(line, "geometry") == 0) {
		int x, y, w, h;
		if (sscanf(arg, "%d %d %d %d", &x, &y, &w, &h) != 4) {
			say("error usage: geometry X Y W H");
			return;
		}
		/* Whatever it says, even a box outside the buffer: a hostile guest's. */
		xdg_surface_set_window_geometry(c->xdg_surface, x, y, w, h);
		wl_surface_commit(c->surface);
		sync_say(c, "geometry-set");
	} else if (strcmp(line, "churn") == 0 || strcmp(line, "churn-grow") == 0 ||
			strcmp(line, "churn-still") == 0) {
		if (c->n_subsurfaces == 0 || !c->mapped) {
			say("error churn needs --subsurfaces and a mapped window");
			return;
		}
		c->churn_grow = strcmp(line, "churn-grow") == 0;
		c->churn_still = strcmp(line, "churn-still") == 0;
		if (!c->churn) {
			c->churn = true;
			churn_step(c);
		}
		say("churning");
	} else if (strcmp(line, "churn-stop") == 0) {
		c->churn = false;
	} else if (strcmp(line, "rtt") == 0) {
		rtt_start(c, arg);
	} else if (strcmp(line, "token") == 0) {
		token_request(c);
	} else if (strcmp(line, "activate") == 0) {
		/* Presents a token for this (mapped or not) window: -> activate-sent. */
		if (c->activation == NULL || arg[0] == '\0') {
			say("error usage: activate TOKEN (and xdg_activation_v1)");
			return;
		}
		xdg_activation_v1_activate(c->activation, arg, c->surface);
		sync_say(c, "activate-sent");
	} else if (strcmp(line, "bind") == 0) {
		bind_by_name(c, arg);
	} else if (strcmp(line, "lock-pointer") == 0) {
		lock_pointer(c);
	} else if (strcmp(line, "inhibit-shortcuts") == 0) {
		inhibit_shortcuts(c);
	} else if (strcmp(line, "tablet") == 0) {
		tablet_start(c);
	} else if (strcmp(line, "text-input") == 0) {
		text_input_start(c, arg);
	} else if (strcmp(line, "input-method") == 0) {
		input_method_start(c, arg);
	} else if (strcmp(line, "im-popup") == 0) {
		im_popup_start(c, arg);
	} else if (strcmp(line, "im-grab") == 0) {
		im_grab_start(c);
	} else if (strcmp(line, "im-commit") == 0 || strcmp(line, "im-preedit") == 0) {
		if (c->input_method == NULL) {
			say("error %s needs input-method first", line);
			return;
		}
		im_commit_text(c, arg, strcmp(line, "im-preedit") == 0);
		sync_say(c, "im-committed");
	} else if (strcmp(line, "copy") == 0 || strcmp(line, "copy-hang") == 0) {
		copy_text(c, arg, strcmp(line, "copy-hang") == 0);
	} else if (strcmp(line, "drag-source") == 0) {
		drag_arm(c, arg);
	} else if (strcmp(line, "accept-drops") == 0) {
		accept_drops(c);
	} else if (strcmp(line, "watch-selection") == 0) {
		if (ensure_data_device(c)) {
			sync_say(c, "watching-selection");
		}
	} else if (strcmp(line, "paste") == 0) {
		paste_start(c);
	} else if (strcmp(line, "unmap") == 0) {
		/* A null buffer unmaps; mapping again needs a fresh initial commit. */
		c->hold_map = true;
		c->configured = false;
		c->mapped = false;
		wl_surface_attach(c->surface, NULL, 0, 0);
		wl_surface_commit(c->surface);
		sync_say(c, "unmapped");
	} else if (strcmp(line, "map") == 0) {
		if (c->mapped) {
			say("error already mapped");
			return;
		}
		c->hold_map = false;
		if (c->configured) {
			toplevel_attach(c);
		} else {
			wl_surface_commit(c->surface);
		}
	} else if (strcmp(line, "release-seat") == 0) {
		release_seat(c);
	} else if (strcmp(line, "quit") == 0) {
		c->running = false;
		c->exit_code = 0;
	} else if (line[0] != '\0') {
		say("error unknown command %s", line);
	}
}

static void read_stdin(struct client *c) {
	ssize_t n = read(STDIN_FILENO, c->line + c->line_len,
		sizeof(c->line) - 1 - c->line_len);
	if (n < 0) {
		if (errno != EINTR && errno != EAGAIN) {
			c->stdin_open = false;
		}
		return;
	}
	if (n == 0) {
		/* No more commands; keep serving the compositor. */
		c->stdin_open = false;
		return;
	}
	c->line_len += (size_t)n;
	char *start = c->line;
	char *nl;
	while (c->running &&
			(nl = memchr(start, '\n', c->line_len - (size_t)(start - c->line)))) {
		*nl = '\0';
		handle_command(c, start);
		start = nl + 1;
	}
	c->line_len -= (size_t)(start - c->line);
	memmove(c->line, start, c->line_len);
	if (c->line_len == sizeof(c->line) - 1) {
		say("error command line too long");
		c->line_len = 0;
	}
}

/* ---- main ---- */

static void report_display_error(struct client *c) {
	int err = wl_display_get_error(c->display);
	if (err == EPROTO) {
		const struct wl_interface *interface = NULL;
		uint32_t id = 0;
		uint32_t code = wl_display_get_protocol_error(c->display, &interface, &id);
		say("protocol-error %s %u %u", interface ? interface->name : "unknown",
			id, code);
		c->exit_code = EXIT_PROTOCOL_ERROR;
	} else {
		say("disconnected %s", strerror(err));
		c->exit_code = EXIT_DISCONNECTED;
	}
	c->running = false;
}

static void usage(FILE *out) {
	fprintf(out,
		"usage: cordon-test-client [--title T] [--app-id A] [--size WxH]\n"
		"         [--color RRGGBB] [--csd] [--maximized] [--fullscreen] [--stay]\n"
		"         [--activation-token T] [--keep-serial] [--no-map]\n"
		"events (stdout): configure W H [states...] | bounds W H | ready\n"
		"  decoration server|client\n"
		"  keyboard-enter | keyboard-leave | key CODE pressed|released\n"
		"  pointer-enter SX SY [popup] | pointer-leave | button BTN pressed|released\n"
		"  close | popup-configure X Y W H | popup-ready | popup-done\n"
		"  protocol-error IFACE ID CODE (exit 3) | disconnected (exit 4)\n"
		"commands (stdin): title T | app-id A | popup X Y W H [RRGGBB]\n"
		"  popup-nograb X Y W H [RRGGBB] | close-popup | maximize | unmaximize | minimize\n"
		"  fullscreen | unfullscreen | sync (-> synced)\n"
		"  geometry X Y W H (-> geometry-set): set_window_geometry and commit\n"
		"  churn | churn-grow | churn-still (-> churning): move every subsurface\n"
		"    on every commit, one commit per round trip (grow: the last one ever\n"
		"    further out; still: move none); churn-stop (-> churned STEPS)\n"
		"  rtt N (-> rtt N median-us U p90-us U max-us U): N round trips\n"
		"options: --geometry-offset X,Y draws a shadow margin (--shadow-color,\n"
		"  default ff00ff) around the content, outside its window geometry;\n"
		"  --subsurfaces N adds N 1x1 subsurfaces in the shadow colour;\n"
		"  --poke adds two 30x30 ones outside the buffer; --min-size WxH sets\n"
		"  the toplevel's minimum size\n"
		"  token (-> token TEXT): an xdg-activation token from this surface and\n"
		"    the latest input serial; --activation-token TEXT presents one\n"
		"    before the window first maps\n"
		"  bind NAME INTERFACE VERSION (-> bind-done, or protocol-error) | quit\n"
		"  lock-pointer (-> pointer-lock-requested): a persistent pointer lock\n"
		"    and relative motion; pointer-locked | pointer-unlocked |\n"
		"    relative DX DY (unaccelerated) as they come\n"
		"  inhibit-shortcuts (-> inhibit-requested): a keyboard shortcuts\n"
		"    inhibitor; shortcuts-inhibited | shortcuts-restored as they come\n"
		"  text-input [X Y W H] (-> text-input-ready): a text input, enabled on\n"
		"    every enter with that cursor rectangle; then text-input-enter,\n"
		"    text-input-leave, commit-string T, preedit T, delete-surrounding B A\n"
		"    and text-input-done SERIAL as they are applied\n"
		"  input-method [TEXT] (-> input-method-ready): become the seat's input\n"
		"    method (host); im-activate | im-deactivate | im-unavailable |\n"
		"    im-content-type H P | im-surrounding C A T as they come; on each\n"
		"    activation TEXT is committed (-> im-committed)\n"
		"  im-commit TEXT | im-preedit TEXT (-> im-committed): commit now, with\n"
		"    the serial of the done events seen\n"
		"  im-popup WxH RRGGBB (-> im-popup-ready): an input popup surface in\n"
		"    that colour; im-popup-rect X Y W H as told\n"
		"  im-grab (-> im-grabbed): grab the keyboard; im-keymap, im-key CODE\n"
		"    pressed|released as they come\n"
		"  tablet (-> tablet-ready): the seat's tablets; tablet-added, tablet-tool,\n"
		"    tablet-proximity-in | -out, tablet-motion X Y, tablet-down, tablet-up,\n"
		"    tablet-pressure P, tablet-button B pressed|released, pad-enter,\n"
		"    pad-leave, pad-button B pressed|released as they come\n"
		"  copy TEXT | copy-hang TEXT: set the clipboard selection (text/plain)\n"
		"    with the latest input serial (-> copy-done); on a paste the\n"
		"    source says source-send MIME and writes TEXT, then closes the fd\n"
		"    (copy-hang: keeps it open, source-holding); source-cancelled\n"
		"  drag-source TEXT (-> drag-armed): the next button press on the window\n"
		"    starts a drag of TEXT (text/plain;charset=utf-8, text/plain; action\n"
		"    copy) with the press's serial (-> drag-started); then drag-target\n"
		"    MIME|none, drag-action N, drag-send MIME, drag-dropped,\n"
		"    drag-finished, drag-cancelled as the compositor reports them\n"
		"  accept-drops (-> accepting-drops): accept text drops: drop-enter,\n"
		"    drop-leave, drop, drop-progress BYTES-SO-FAR, then dropped TEXT |\n"
		"    dropped-empty | dropped-timeout | dropped-too-long | dropped-error\n"
		"  release-seat (-> seat-released): drop wl_seat, wl_pointer and\n"
		"    wl_keyboard, keep the rest (a drag under way included)\n"
		"  watch-selection (-> watching-selection): bind the data device; then\n"
		"    selection offer|none for every selection event\n"
		"  paste: read the selection offer as text: pasted TEXT | pasted-empty |\n"
		"    pasted-timeout | pasted-error | paste-none (no offer)\n"
		"  activate TOKEN (-> activate-sent): present a token for this window\n"
		"  unmap (-> unmapped): attach a null buffer | map: map again (-> ready)\n"
		"options: --keep-serial: copy and token use the first input serial ever\n"
		"  received, not the latest; --no-map: do not map until the map command\n");
}

static bool parse_options(struct client *c, int argc, char **argv) {
	static const struct option options[] = {
		{"title", required_argument, NULL, 't'},
		{"app-id", required_argument, NULL, 'a'},
		{"size", required_argument, NULL, 's'},
		{"color", required_argument, NULL, 'c'},
		{"csd", no_argument, NULL, 'D'},
		{"maximized", no_argument, NULL, 'M'},
		{"fullscreen", no_argument, NULL, 'F'},
		{"stay", no_argument, NULL, 'S'},
		{"activation-token", required_argument, NULL, 'T'},
		{"keep-serial", no_argument, NULL, 'K'},
		{"no-map", no_argument, NULL, 'N'},
		{"geometry-offset", required_argument, NULL, 'G'},
		{"shadow-color", required_argument, NULL, 'H'},
		{"subsurfaces", required_argument, NULL, 'U'},
		{"poke", no_argument, NULL, 'P'},
		{"min-size", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 't': c->title = optarg; break;
		case 'a': c->app_id = optarg; break;
		case 's':
			if (sscanf(optarg, "%dx%d", &c->want_width, &c->want_height) != 2 ||
					c->want_width <= 0 || c->want_height <= 0 ||
					c->want_width > 16384 || c->want_height > 16384) {
				fprintf(stderr, "bad --size %s (want WxH)\n", optarg);
				return false;
			}
			break;
		case 'c':
			if (!parse_color(optarg, &c->color)) {
				fprintf(stderr, "bad --color %s (want RRGGBB)\n", optarg);
				return false;
			}
			break;
		case 'D': c->csd = true; break;
		case 'M': c->start_maximized = true; break;
		case 'F': c->start_fullscreen = true; break;
		case 'S': c->stay = true; break;
		case 'T': c->activation_token = optarg; break;
		case 'K': c->keep_serial = true; break;
		case 'N': c->hold_map = true; break;
		case 'G':
			if (sscanf(optarg, "%d,%d", &c->geo_x, &c->geo_y) != 2 ||
					c->geo_x < 0 || c->geo_y < 0 || c->geo_x > 1024 || c->geo_y > 1024) {
				fprintf(stderr, "bad --geometry-offset %s (want X,Y)\n", optarg);
				return false;
			}
			break;
		case 'H':
			if (!parse_color(optarg, &c->shadow_color)) {
				fprintf(stderr, "bad --shadow-color %s (want RRGGBB)\n", optarg);
				return false;
			}
			break;
		case 'U':
			c->n_subsurfaces = atoi(optarg);
			if (c->n_subsurfaces < 0 || c->n_subsurfaces > 100000) {
				fprintf(stderr, "bad --subsurfaces %s (0..100000)\n", optarg);
				return false;
			}
			break;
		case 'P': c->poke = true; break;
		case 'm':
			if (sscanf(optarg, "%dx%d", &c->min_width, &c->min_height) != 2 ||
					c->min_width < 0 || c->min_height < 0) {
				fprintf(stderr, "bad --min-size %s (want WxH)\n", optarg);
				return false;
			}
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return false;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return false;
	}
	return true;
}

static void client_finish(struct client *c) {
	for (int i = 0; i < c->n_held_fds; i++) {
		close(c->held_fds[i]);
	}
	if (c->data_source != NULL) {
		wl_data_source_destroy(c->data_source);
	}
	if (c->drag_source != NULL) {
		wl_data_source_destroy(c->drag_source);
	}
	drop_reset(c);
	offer_destroy(c->drag_offer);
	offer_destroy(c->selection_offer);
	free(c->drag_text);
	if (c->data_device != NULL) {
		if (wl_data_device_get_version(c->data_device) >=
				WL_DATA_DEVICE_RELEASE_SINCE_VERSION) {
			wl_data_device_release(c->data_device);
		} else {
			wl_data_device_destroy(c->data_device);
		}
	}
	if (c->data_device_manager != NULL) {
		wl_data_device_manager_destroy(c->data_device_manager);
	}
	free(c->copy_text);
	struct pending_sync *sync, *sync_tmp;
	wl_list_for_each_safe(sync, sync_tmp, &c->syncs, link) {
		pending_sync_destroy(sync);
	}
	for (int i = 0; i < c->n_bound; i++) {
		if (c->bound[i].proxy != NULL) {
			wl_proxy_destroy(c->bound[i].proxy);
		}
		free(c->bound[i].name);
	}
	text_input_finish(c);
	if (c->tablet_seat != NULL) {
		zwp_tablet_seat_v2_destroy(c->tablet_seat);
	}
	if (c->tablet_manager != NULL) {
		zwp_tablet_manager_v2_destroy(c->tablet_manager);
	}
	if (c->inhibitor != NULL) {
		zwp_keyboard_shortcuts_inhibitor_v1_destroy(c->inhibitor);
	}
	if (c->inhibit_manager != NULL) {
		zwp_keyboard_shortcuts_inhibit_manager_v1_destroy(c->inhibit_manager);
	}
	if (c->locked_pointer != NULL) {
		zwp_locked_pointer_v1_destroy(c->locked_pointer);
	}
	if (c->relative_pointer != NULL) {
		zwp_relative_pointer_v1_destroy(c->relative_pointer);
	}
	if (c->relative_manager != NULL) {
		zwp_relative_pointer_manager_v1_destroy(c->relative_manager);
	}
	if (c->pointer_constraints != NULL) {
		zwp_pointer_constraints_v1_destroy(c->pointer_constraints);
	}
	popup_destroy(c->popup);
	subsurfaces_destroy(c);
	if (c->subcompositor != NULL) {
		wl_subcompositor_destroy(c->subcompositor);
	}
	if (c->ready_callback != NULL) {
		wl_callback_destroy(c->ready_callback);
	}
	if (c->decoration != NULL) {
		zxdg_toplevel_decoration_v1_destroy(c->decoration);
	}
	if (c->toplevel != NULL) {
		xdg_toplevel_destroy(c->toplevel);
	}
	if (c->xdg_surface != NULL) {
		xdg_surface_destroy(c->xdg_surface);
	}
	if (c->surface != NULL) {
		wl_surface_destroy(c->surface);
	}
	if (c->keyboard != NULL) {
		wl_keyboard_release(c->keyboard);
	}
	if (c->pointer != NULL) {
		wl_pointer_release(c->pointer);
	}
	if (c->seat != NULL) {
		if (wl_seat_get_version(c->seat) >= WL_SEAT_RELEASE_SINCE_VERSION) {
			wl_seat_release(c->seat);
		} else {
			wl_seat_destroy(c->seat);
		}
	}
	if (c->activation != NULL) {
		xdg_activation_v1_destroy(c->activation);
	}
	if (c->decoration_manager != NULL) {
		zxdg_decoration_manager_v1_destroy(c->decoration_manager);
	}
	if (c->wm_base != NULL) {
		xdg_wm_base_destroy(c->wm_base);
	}
	if (c->shm != NULL) {
		wl_shm_destroy(c->shm);
	}
	if (c->compositor != NULL) {
		wl_compositor_destroy(c->compositor);
	}
	if (c->registry != NULL) {
		wl_registry_destroy(c->registry);
	}
	struct buffer *buffer, *tmp;
	wl_list_for_each_safe(buffer, tmp, &c->buffers, link) {
		buffer_destroy(buffer);
	}
	wl_display_flush(c->display);
	wl_display_disconnect(c->display);
}

int main(int argc, char **argv) {
	struct client c = {
		.title = "cordon-test-client",
		.app_id = "cordon-test-client",
		.want_width = 400,
		.want_height = 300,
		.color = 0x3366cc,
		.shadow_color = 0xff00ff,
		.stdin_open = true,
		.running = true,
		.drop_fd = -1,
	};
	if (!parse_options(&c, argc, argv)) {
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	c.display = wl_display_connect(NULL);
	if (c.display == NULL) {
		fprintf(stderr, "cannot connect to the Wayland display %s\n",
			getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") : "(unset)");
		return 1;
	}
	c.registry = wl_display_get_registry(c.display);
	wl_registry_add_listener(c.registry, &registry_listener, &c);
	wl_list_init(&c.buffers);
	wl_list_init(&c.syncs);
	if (wl_display_roundtrip(c.display) < 0) {
		report_display_error(&c);
		client_finish(&c);
		return c.exit_code;
	}
	if (c.compositor == NULL || c.shm == NULL || c.wm_base == NULL) {
		fprintf(stderr, "the compositor lacks wl_compositor, wl_shm or xdg_wm_base\n");
		client_finish(&c);
		return 1;
	}

	c.surface = wl_compositor_create_surface(c.compositor);
	c.xdg_surface = xdg_wm_base_get_xdg_surface(c.wm_base, c.surface);
	xdg_surface_add_listener(c.xdg_surface, &xdg_surface_listener, &c);
	c.toplevel = xdg_surface_get_toplevel(c.xdg_surface);
	xdg_toplevel_add_listener(c.toplevel, &toplevel_listener, &c);
	xdg_toplevel_set_title(c.toplevel, c.title);
	xdg_toplevel_set_app_id(c.toplevel, c.app_id);
	if (c.decoration_manager != NULL) {
		c.decoration = zxdg_decoration_manager_v1_get_toplevel_decoration(
			c.decoration_manager, c.toplevel);
		zxdg_toplevel_decoration_v1_add_listener(c.decoration,
			&decoration_listener, &c);
		zxdg_toplevel_decoration_v1_set_mode(c.decoration, c.csd ?
			ZXDG_TOPLEVEL_DECORATION_V1_MODE_CLIENT_SIDE :
			ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
	}
	if (c.min_width > 0 || c.min_height > 0) {
		xdg_toplevel_set_min_size(c.toplevel, c.min_width, c.min_height);
	}
	if (c.start_maximized) {
		xdg_toplevel_set_maximized(c.toplevel);
	}
	if (c.start_fullscreen) {
		xdg_toplevel_set_fullscreen(c.toplevel, NULL);
	}
	if (!subsurfaces_create(&c)) {
		client_finish(&c);
		return 1;
	}
	if (c.activation_token != NULL && c.activation != NULL) {
		xdg_activation_v1_activate(c.activation, c.activation_token, c.surface);
	}
	wl_surface_commit(c.surface);

	struct pollfd fds[3] = {
		{.fd = wl_display_get_fd(c.display), .events = POLLIN},
		{.fd = STDIN_FILENO, .events = POLLIN},
		{.fd = -1, .events = POLLIN},
	};
	while (c.running) {
		while (wl_display_prepare_read(c.display) != 0) {
			if (wl_display_dispatch_pending(c.display) < 0) {
				report_display_error(&c);
				break;
			}
		}
		if (!c.running) {
			break;
		}
		if (wl_display_flush(c.display) < 0 && errno != EAGAIN) {
			wl_display_cancel_read(c.display);
			report_display_error(&c);
			break;
		}
		fds[1].fd = c.stdin_open ? STDIN_FILENO : -1;
		fds[2].fd = c.drop_fd;
		fds[2].revents = 0;
		if (poll(fds, 3, drop_timeout_ms(&c)) < 0) {
			wl_display_cancel_read(c.display);
			if (errno == EINTR) {
				continue;
			}
			perror("poll");
			c.exit_code = 1;
			break;
		}
		if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			if (wl_display_read_events(c.display) < 0) {
				report_display_error(&c);
				break;
			}
		} else {
			wl_display_cancel_read(c.display);
		}
		if (wl_display_dispatch_pending(c.display) < 0) {
			report_display_error(&c);
			break;
		}
		if (c.running && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			read_stdin(&c);
			wl_display_flush(c.display);
		}
		if (c.running && c.drop_fd >= 0) {
			if (fds[2].fd == c.drop_fd &&
					(fds[2].revents & (POLLIN | POLLHUP | POLLERR))) {
				drop_read(&c);
			} else if (drop_timeout_ms(&c) == 0) {
				drop_done(&c, "timeout");
			}
			wl_display_flush(c.display);
		}
	}

	client_finish(&c);
	return c.exit_code;
}
