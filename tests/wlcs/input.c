#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <wayland-server-core.h>
#include <wlr/interfaces/wlr_pointer.h>
#include <wlr/interfaces/wlr_touch.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/util/log.h>
#include "compositor/server.h"
#include "tests/wlcs/input.h"

struct wlcs_pointer {
	WlcsPointer base;
	struct cordon_server *server;
	struct wlr_pointer wlr;
};

struct wlcs_touch {
	WlcsTouch base;
	struct cordon_server *server;
	struct wlr_touch wlr;
	int32_t id;
	bool down;
};

static uint32_t input_now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * v / size, nudged up to the nearest double whose product with size gives v
 * back: wlroots multiplies again, and a touch aimed at a surface's first
 * pixel must not land a hair before it.
 */
static double input_fraction(double v, int size) {
	double f = v / size;
	for (int i = 0; i < 4 && f * size < v; i++) {
		f = nextafter(f, 2.0);
	}
	return f;
}

/* Layout pixels to the 0..1 range an absolute device reports over the layout. */
static void input_normalise(struct cordon_server *server, wl_fixed_t x, wl_fixed_t y,
		double *nx, double *ny) {
	struct wlr_box box;
	wlr_output_layout_get_box(server->output_layout, NULL, &box);
	if (box.width <= 0 || box.height <= 0) {
		*nx = *ny = 0;
		return;
	}
	*nx = input_fraction(wl_fixed_to_double(x) - box.x, box.width);
	*ny = input_fraction(wl_fixed_to_double(y) - box.y, box.height);
}

static const struct wlr_pointer_impl pointer_impl = {
	.name = "wlcs-pointer",
};

static void pointer_frame(struct wlcs_pointer *p) {
	wl_signal_emit_mutable(&p->wlr.events.frame, &p->wlr);
}

/*
 * A move to a layout position, sent as the relative motion that gets there:
 * an absolute device's 0..1 coordinates land a hair off whole pixels
 * (97.999…), and wlcs aims at surface edges to the pixel.
 */
static void pointer_move_absolute(WlcsPointer *base, wl_fixed_t x, wl_fixed_t y) {
	struct wlcs_pointer *p = wl_container_of(base, p, base);
	struct wlr_cursor *cursor = p->server->cursor;
	double dx = wl_fixed_to_double(x) - cursor->x;
	double dy = wl_fixed_to_double(y) - cursor->y;
	struct wlr_pointer_motion_event event = {
		.pointer = &p->wlr,
		.time_msec = input_now_ms(),
		.delta_x = dx,
		.delta_y = dy,
		.unaccel_dx = dx,
		.unaccel_dy = dy,
	};
	wl_signal_emit_mutable(&p->wlr.events.motion, &event);
	pointer_frame(p);
}

static void pointer_move_relative(WlcsPointer *base, wl_fixed_t dx, wl_fixed_t dy) {
	struct wlcs_pointer *p = wl_container_of(base, p, base);
	struct wlr_pointer_motion_event event = {
		.pointer = &p->wlr,
		.time_msec = input_now_ms(),
		.delta_x = wl_fixed_to_double(dx),
		.delta_y = wl_fixed_to_double(dy),
		.unaccel_dx = wl_fixed_to_double(dx),
		.unaccel_dy = wl_fixed_to_double(dy),
	};
	wl_signal_emit_mutable(&p->wlr.events.motion, &event);
	pointer_frame(p);
}

static void pointer_button(struct wlcs_pointer *p, int button,
		enum wl_pointer_button_state state) {
	struct wlr_pointer_button_event event = {
		.pointer = &p->wlr,
		.time_msec = input_now_ms(),
		.button = (uint32_t)button,
		.state = state,
	};
	wl_signal_emit_mutable(&p->wlr.events.button, &event);
	pointer_frame(p);
}

static void pointer_button_down(WlcsPointer *base, int button) {
	struct wlcs_pointer *p = wl_container_of(base, p, base);
	pointer_button(p, button, WL_POINTER_BUTTON_STATE_PRESSED);
}

static void pointer_button_up(WlcsPointer *base, int button) {
	struct wlcs_pointer *p = wl_container_of(base, p, base);
	pointer_button(p, button, WL_POINTER_BUTTON_STATE_RELEASED);
}

static void pointer_destroy(WlcsPointer *base) {
	struct wlcs_pointer *p = wl_container_of(base, p, base);
	/* Emits the device's destroy: cordon and wlr_cursor let go of it. */
	wlr_pointer_finish(&p->wlr);
	free(p);
}

WlcsPointer *wlcs_input_pointer_create(struct cordon_server *server) {
	struct wlcs_pointer *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		wlr_log(WLR_ERROR, "wlcs: out of memory for a pointer");
		return NULL;
	}
	p->server = server;
	p->base = (WlcsPointer){
		.version = WLCS_POINTER_VERSION,
		.move_absolute = pointer_move_absolute,
		.move_relative = pointer_move_relative,
		.button_up = pointer_button_up,
		.button_down = pointer_button_down,
		.destroy = pointer_destroy,
	};
	wlr_pointer_init(&p->wlr, &pointer_impl, "wlcs-pointer");
	wl_signal_emit_mutable(&server->backend->events.new_input, &p->wlr.base);
	return &p->base;
}

static const struct wlr_touch_impl touch_impl = {
	.name = "wlcs-touch",
};

static void touch_frame(struct wlcs_touch *t) {
	wl_signal_emit_mutable(&t->wlr.events.frame, NULL);
}

/*
 * wlcs up to 1.7.0 hands a touch's int coordinates over unconverted, though
 * the header says wl_fixed_t (its pointer converts with wl_fixed_from_int);
 * meson defines WLCS_TOUCH_PASSES_INTS for those versions.
 */
static wl_fixed_t touch_coord(wl_fixed_t v) {
#ifdef WLCS_TOUCH_PASSES_INTS
	return wl_fixed_from_int(v);
#else
	return v;
#endif
}

static void touch_down(WlcsTouch *base, wl_fixed_t x, wl_fixed_t y) {
	struct wlcs_touch *t = wl_container_of(base, t, base);
	struct wlr_touch_down_event event = {
		.touch = &t->wlr,
		.time_msec = input_now_ms(),
		.touch_id = t->id,
	};
	input_normalise(t->server, touch_coord(x), touch_coord(y), &event.x, &event.y);
	t->down = true;
	wl_signal_emit_mutable(&t->wlr.events.down, &event);
	touch_frame(t);
}

static void touch_move(WlcsTouch *base, wl_fixed_t x, wl_fixed_t y) {
	struct wlcs_touch *t = wl_container_of(base, t, base);
	struct wlr_touch_motion_event event = {
		.touch = &t->wlr,
		.time_msec = input_now_ms(),
		.touch_id = t->id,
	};
	input_normalise(t->server, touch_coord(x), touch_coord(y), &event.x, &event.y);
	wl_signal_emit_mutable(&t->wlr.events.motion, &event);
	touch_frame(t);
}

static void touch_up(WlcsTouch *base) {
	struct wlcs_touch *t = wl_container_of(base, t, base);
	struct wlr_touch_up_event event = {
		.touch = &t->wlr,
		.time_msec = input_now_ms(),
		.touch_id = t->id,
	};
	t->down = false;
	wl_signal_emit_mutable(&t->wlr.events.up, &event);
	touch_frame(t);
	/* Each touch is a new contact, as a finger lifted and put down again is. */
	t->id++;
}

static void touch_destroy(WlcsTouch *base) {
	struct wlcs_touch *t = wl_container_of(base, t, base);
	wlr_touch_finish(&t->wlr);
	free(t);
}

WlcsTouch *wlcs_input_touch_create(struct cordon_server *server) {
	struct wlcs_touch *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		wlr_log(WLR_ERROR, "wlcs: out of memory for a touch device");
		return NULL;
	}
	t->server = server;
	t->base = (WlcsTouch){
		.version = WLCS_TOUCH_VERSION,
		.touch_down = touch_down,
		.touch_move = touch_move,
		.touch_up = touch_up,
		.destroy = touch_destroy,
	};
	wlr_touch_init(&t->wlr, &touch_impl, "wlcs-touch");
	wl_signal_emit_mutable(&server->backend->events.new_input, &t->wlr.base);
	return &t->base;
}
