#include <stdlib.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_input_device.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_touch.h>
#include <wlr/util/log.h>
#include "common/mstime.h"
#include "compositor/guard/activation.h"
#include "compositor/server.h"
#include "compositor/wm/touch.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"

/* Contacts at once; more are ignored (no touchscreen reports this many). */
#define TOUCH_POINTS 16

/* Where a contact's surface had its origin when the contact began. */
struct touch_point {
	bool used;
	int32_t id;
	double origin_x, origin_y;
	struct cordon_touch *touch;
	/* A contact whose surface goes ends there: its client sees it lifted. */
	struct wl_listener surface_destroy;
};

struct touch_device {
	struct wl_list link;         /* cordon_touch.devices */
	struct cordon_touch *touch;
	struct wlr_input_device *device;
	struct wl_listener destroy;
};

struct cordon_touch {
	struct cordon_server *server;
	struct wl_list devices;      /* touch_device.link */
	struct touch_point points[TOUCH_POINTS];
	struct wl_listener down;
	struct wl_listener up;
	struct wl_listener motion;
	struct wl_listener cancel;
	struct wl_listener frame;
};

static struct touch_point *touch_point_find(struct cordon_touch *touch, int32_t id) {
	for (int i = 0; i < TOUCH_POINTS; i++) {
		if (touch->points[i].used && touch->points[i].id == id) {
			return &touch->points[i];
		}
	}
	return NULL;
}

static void touch_point_release(struct touch_point *point) {
	point->used = false;
	wl_list_remove(&point->surface_destroy.link);
}

static void handle_point_surface_destroy(struct wl_listener *listener, void *data) {
	struct touch_point *point = wl_container_of(listener, point, surface_destroy);
	int32_t id = point->id;
	struct cordon_touch *touch = point->touch;
	touch_point_release(point);
	wlr_seat_touch_notify_up(touch->server->seat, (uint32_t)mstime_now(), id);
	wlr_seat_touch_notify_frame(touch->server->seat);
}

static void touch_update_capability(struct cordon_touch *touch) {
	struct wlr_seat *seat = touch->server->seat;
	uint32_t caps = seat->capabilities & ~WL_SEAT_CAPABILITY_TOUCH;
	if (!wl_list_empty(&touch->devices)) {
		caps |= WL_SEAT_CAPABILITY_TOUCH;
	}
	if (caps != seat->capabilities) {
		wlr_seat_set_capabilities(seat, caps);
	}
}

static void handle_touch_down(struct wl_listener *listener, void *data) {
	struct cordon_touch *touch = wl_container_of(listener, touch, down);
	struct cordon_server *server = touch->server;
	struct wlr_touch_down_event *event = data;
	double lx, ly, sx, sy;
	wlr_cursor_absolute_to_layout_coords(server->cursor, &event->touch->base,
		event->x, event->y, &lx, &ly);
	struct wlr_surface *surface = NULL;
	struct cordon_view *view = view_at(server, lx, ly, &surface, &sx, &sy);
	if (view == NULL || surface == NULL || touch_point_find(touch, event->touch_id)) {
		return;
	}
	struct touch_point *point = NULL;
	for (int i = 0; i < TOUCH_POINTS && point == NULL; i++) {
		if (!touch->points[i].used) {
			point = &touch->points[i];
		}
	}
	if (point == NULL) {
		return;
	}
	/* A touch on a window is a click on it: the same focus decision. */
	view_focus(view);
	uint32_t serial = wlr_seat_touch_notify_down(server->seat, surface,
		event->time_msec, event->touch_id, sx, sy);
	if (serial == 0) {
		return;
	}
	*point = (struct touch_point){true, event->touch_id, lx - sx, ly - sy, touch};
	listener_connect(&surface->events.destroy, &point->surface_destroy,
		handle_point_surface_destroy);
	activation_note_input(server, wl_resource_get_client(surface->resource), serial);
}

static void handle_touch_motion(struct wl_listener *listener, void *data) {
	struct cordon_touch *touch = wl_container_of(listener, touch, motion);
	struct cordon_server *server = touch->server;
	struct wlr_touch_motion_event *event = data;
	struct touch_point *point = touch_point_find(touch, event->touch_id);
	if (point == NULL) {
		return;
	}
	double lx, ly;
	wlr_cursor_absolute_to_layout_coords(server->cursor, &event->touch->base,
		event->x, event->y, &lx, &ly);
	/* The contact stays with its surface, wherever the finger goes. */
	wlr_seat_touch_notify_motion(server->seat, event->time_msec, event->touch_id,
		lx - point->origin_x, ly - point->origin_y);
}

static void handle_touch_up(struct wl_listener *listener, void *data) {
	struct cordon_touch *touch = wl_container_of(listener, touch, up);
	struct wlr_touch_up_event *event = data;
	struct touch_point *point = touch_point_find(touch, event->touch_id);
	if (point == NULL) {
		return;
	}
	touch_point_release(point);
	wlr_seat_touch_notify_up(touch->server->seat, event->time_msec, event->touch_id);
}

static void handle_touch_cancel(struct wl_listener *listener, void *data) {
	struct cordon_touch *touch = wl_container_of(listener, touch, cancel);
	struct wlr_touch_cancel_event *event = data;
	struct touch_point *point = touch_point_find(touch, event->touch_id);
	if (point == NULL) {
		return;
	}
	touch_point_release(point);
	struct wlr_touch_point *wlr_point =
		wlr_seat_touch_get_point(touch->server->seat, event->touch_id);
	if (wlr_point != NULL && wlr_point->client != NULL) {
		wlr_seat_touch_notify_cancel(touch->server->seat, wlr_point->client);
	}
}

static void handle_touch_frame(struct wl_listener *listener, void *data) {
	struct cordon_touch *touch = wl_container_of(listener, touch, frame);
	wlr_seat_touch_notify_frame(touch->server->seat);
}

static void handle_device_destroy(struct wl_listener *listener, void *data) {
	struct touch_device *dev = wl_container_of(listener, dev, destroy);
	struct cordon_touch *touch = dev->touch;
	wl_list_remove(&dev->destroy.link);
	wl_list_remove(&dev->link);
	free(dev);
	touch_update_capability(touch);
}

void touch_add_device(struct cordon_server *server, struct wlr_input_device *device) {
	struct cordon_touch *touch = server->touch;
	struct touch_device *dev = calloc(1, sizeof(*dev));
	if (touch == NULL || dev == NULL) {
		wlr_log(WLR_ERROR, "touch: out of memory for device '%s'", device->name);
		free(dev);
		return;
	}
	dev->touch = touch;
	dev->device = device;
	listener_connect(&device->events.destroy, &dev->destroy, handle_device_destroy);
	wl_list_insert(&touch->devices, &dev->link);
	wlr_cursor_attach_input_device(server->cursor, device);
	touch_update_capability(touch);
}

bool touch_init(struct cordon_server *server) {
	struct cordon_touch *touch = calloc(1, sizeof(*touch));
	if (touch == NULL) {
		wlr_log(WLR_ERROR, "touch: out of memory");
		return false;
	}
	touch->server = server;
	wl_list_init(&touch->devices);
	struct wlr_cursor *cursor = server->cursor;
	listener_connect(&cursor->events.touch_down, &touch->down, handle_touch_down);
	listener_connect(&cursor->events.touch_up, &touch->up, handle_touch_up);
	listener_connect(&cursor->events.touch_motion, &touch->motion, handle_touch_motion);
	listener_connect(&cursor->events.touch_cancel, &touch->cancel, handle_touch_cancel);
	listener_connect(&cursor->events.touch_frame, &touch->frame, handle_touch_frame);
	server->touch = touch;
	return true;
}

void touch_finish(struct cordon_server *server) {
	struct cordon_touch *touch = server->touch;
	if (touch == NULL) {
		return;
	}
	for (int i = 0; i < TOUCH_POINTS; i++) {
		if (touch->points[i].used) {
			touch_point_release(&touch->points[i]);
		}
	}
	struct touch_device *dev, *tmp;
	wl_list_for_each_safe(dev, tmp, &touch->devices, link) {
		wl_list_remove(&dev->destroy.link);
		wl_list_remove(&dev->link);
		free(dev);
	}
	wl_list_remove(&touch->down.link);
	wl_list_remove(&touch->up.link);
	wl_list_remove(&touch->motion.link);
	wl_list_remove(&touch->cancel.link);
	wl_list_remove(&touch->frame.link);
	free(touch);
	server->touch = NULL;
}
