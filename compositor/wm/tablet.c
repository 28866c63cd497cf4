#include <stdlib.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_input_device.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_tablet_pad.h>
#include <wlr/types/wlr_tablet_tool.h>
#include <wlr/types/wlr_tablet_v2.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "compositor/guard/activation.h"
#include "compositor/guard/globals.h"
#include "compositor/guard/prompt.h"
#include "compositor/guard/session_lock.h"
#include "compositor/server.h"
#include "compositor/wm/tablet.h"
#include "compositor/wm/view.h"

struct cordon_tablet {
	struct cordon_server *server;
	struct wlr_tablet_manager_v2 *manager;
	struct wl_list devices;  /* tablet_device.link */
	struct wl_list tools;    /* tablet_tool.link */
};

/* A tablet or a pad. */
struct tablet_device {
	struct wl_list link;
	struct cordon_tablet *tab;
	struct wlr_input_device *device;
	struct wlr_tablet_v2_tablet *tablet;   /* a tablet's, or NULL */
	struct wlr_tablet_v2_tablet_pad *pad;  /* a pad's, or NULL */
	/* A pad: the surface it entered, followed until it goes. */
	struct wlr_surface *pad_surface;
	struct wl_listener pad_surface_destroy;
	struct wl_listener axis, proximity, tip, button;
	struct wl_listener pad_button, pad_ring, pad_strip;
	struct wl_listener destroy;
};

struct tablet_tool {
	struct wl_list link;
	struct cordon_tablet *tab;
	struct wlr_tablet_tool *wlr_tool;
	struct wlr_tablet_v2_tablet_tool *tool;
	double nx, ny;             /* last position, 0..1 over the tablet's area */
	double origin_x, origin_y; /* layout position of the focused surface's origin */
	struct wl_listener destroy;
};

/* The pointer's rule: a prompt keeps everything, the lock all but the locker. */
static bool tablet_surface_allowed(struct cordon_server *server, struct wlr_surface *surface) {
	if (prompt_active(server)) {
		return false;
	}
	return !session_lock_active(server) || session_lock_owns_surface(server, surface);
}

static void handle_tool_destroy(struct wl_listener *listener, void *data) {
	struct tablet_tool *tool = wl_container_of(listener, tool, destroy);
	wl_list_remove(&tool->destroy.link);
	wl_list_remove(&tool->link);
	tool->wlr_tool->data = NULL;
	free(tool);
}

static struct tablet_tool *tablet_tool_get(struct cordon_tablet *tab,
		struct wlr_tablet_tool *wlr_tool) {
	if (wlr_tool->data != NULL) {
		return wlr_tool->data;
	}
	struct tablet_tool *tool = calloc(1, sizeof(*tool));
	if (tool == NULL) {
		wlr_log(WLR_ERROR, "tablet: out of memory for a tool");
		return NULL;
	}
	tool->tool = wlr_tablet_tool_create(tab->manager, tab->server->seat, wlr_tool);
	if (tool->tool == NULL) {
		wlr_log(WLR_ERROR, "tablet: cannot create a tool of type %d", wlr_tool->type);
		free(tool);
		return NULL;
	}
	tool->tab = tab;
	tool->wlr_tool = wlr_tool;
	wlr_tool->data = tool;
	listener_connect(&wlr_tool->events.destroy, &tool->destroy, handle_tool_destroy);
	wl_list_insert(&tab->tools, &tool->link);
	return tool;
}

/*
 * Sends the tool's position: to the surface under it, or while its tip is
 * down to the surface it went down on. Proximity follows the surface.
 */
static void tablet_tool_move(struct tablet_device *dev, struct tablet_tool *tool) {
	struct cordon_server *server = dev->tab->server;
	struct wlr_tablet_v2_tablet_tool *t = tool->tool;
	double lx, ly;
	wlr_cursor_absolute_to_layout_coords(server->cursor, dev->device, tool->nx, tool->ny,
		&lx, &ly);
	if (t->is_down) {
		/* A stroke a prompt or the lock cut off enters nothing until the pen is up. */
		if (t->focused_surface == NULL) {
			return;
		}
		/* A prompt or the lock that came up during the stroke ends it there. */
		if (!tablet_surface_allowed(server, t->focused_surface)) {
			wlr_tablet_v2_tablet_tool_notify_proximity_out(t);
			return;
		}
		/* The stroke stays with its surface, wherever the pen goes. */
		wlr_tablet_v2_tablet_tool_notify_motion(t, lx - tool->origin_x, ly - tool->origin_y);
		return;
	}
	double sx, sy;
	struct wlr_surface *surface = NULL;
	view_at(server, lx, ly, &surface, &sx, &sy);
	if (surface != NULL && (!tablet_surface_allowed(server, surface) ||
			!wlr_surface_accepts_tablet_v2(dev->tablet, surface))) {
		surface = NULL;
	}
	if (surface != t->focused_surface && t->focused_surface != NULL) {
		wlr_tablet_v2_tablet_tool_notify_proximity_out(t);
	}
	if (surface == NULL) {
		return;
	}
	if (surface != t->focused_surface) {
		wlr_tablet_v2_tablet_tool_notify_proximity_in(t, dev->tablet, surface);
	}
	tool->origin_x = lx - sx;
	tool->origin_y = ly - sy;
	wlr_tablet_v2_tablet_tool_notify_motion(t, sx, sy);
}

static void handle_proximity(struct wl_listener *listener, void *data) {
	struct tablet_device *dev = wl_container_of(listener, dev, proximity);
	struct wlr_tablet_tool_proximity_event *event = data;
	struct tablet_tool *tool = tablet_tool_get(dev->tab, event->tool);
	if (tool == NULL) {
		return;
	}
	if (event->state == WLR_TABLET_TOOL_PROXIMITY_OUT) {
		wlr_tablet_v2_tablet_tool_notify_proximity_out(tool->tool);
		return;
	}
	tool->nx = event->x;
	tool->ny = event->y;
	tablet_tool_move(dev, tool);
}

static void handle_axis(struct wl_listener *listener, void *data) {
	struct tablet_device *dev = wl_container_of(listener, dev, axis);
	struct wlr_tablet_tool_axis_event *event = data;
	struct tablet_tool *tool = tablet_tool_get(dev->tab, event->tool);
	if (tool == NULL) {
		return;
	}
	if (event->updated_axes & WLR_TABLET_TOOL_AXIS_X) {
		tool->nx = event->x;
	}
	if (event->updated_axes & WLR_TABLET_TOOL_AXIS_Y) {
		tool->ny = event->y;
	}
	if (event->updated_axes & (WLR_TABLET_TOOL_AXIS_X | WLR_TABLET_TOOL_AXIS_Y)) {
		tablet_tool_move(dev, tool);
	}
	struct wlr_tablet_v2_tablet_tool *t = tool->tool;
	if (t->focused_surface == NULL) {
		return;
	}
	if (event->updated_axes & WLR_TABLET_TOOL_AXIS_PRESSURE) {
		wlr_tablet_v2_tablet_tool_notify_pressure(t, event->pressure);
	}
	if (event->updated_axes & WLR_TABLET_TOOL_AXIS_DISTANCE) {
		wlr_tablet_v2_tablet_tool_notify_distance(t, event->distance);
	}
	if (event->updated_axes & (WLR_TABLET_TOOL_AXIS_TILT_X | WLR_TABLET_TOOL_AXIS_TILT_Y)) {
		wlr_tablet_v2_tablet_tool_notify_tilt(t, event->tilt_x, event->tilt_y);
	}
	if (event->updated_axes & WLR_TABLET_TOOL_AXIS_ROTATION) {
		wlr_tablet_v2_tablet_tool_notify_rotation(t, event->rotation);
	}
	if (event->updated_axes & WLR_TABLET_TOOL_AXIS_SLIDER) {
		wlr_tablet_v2_tablet_tool_notify_slider(t, event->slider);
	}
	if (event->updated_axes & WLR_TABLET_TOOL_AXIS_WHEEL) {
		wlr_tablet_v2_tablet_tool_notify_wheel(t, event->wheel_delta, 0);
	}
}

static void handle_tip(struct wl_listener *listener, void *data) {
	struct tablet_device *dev = wl_container_of(listener, dev, tip);
	struct wlr_tablet_tool_tip_event *event = data;
	struct cordon_server *server = dev->tab->server;
	struct tablet_tool *tool = tablet_tool_get(dev->tab, event->tool);
	if (tool == NULL) {
		return;
	}
	struct wlr_tablet_v2_tablet_tool *t = tool->tool;
	if (event->state == WLR_TABLET_TOOL_TIP_UP) {
		if (t->is_down) {
			wlr_tablet_v2_tablet_tool_notify_up(t);
		}
		return;
	}
	tool->nx = event->x;
	tool->ny = event->y;
	tablet_tool_move(dev, tool);
	if (t->focused_surface == NULL || t->is_down) {
		return;
	}
	double lx, ly, sx, sy;
	wlr_cursor_absolute_to_layout_coords(server->cursor, dev->device, tool->nx, tool->ny,
		&lx, &ly);
	struct wlr_surface *surface = NULL;
	struct cordon_view *view = view_at(server, lx, ly, &surface, &sx, &sy);
	/* A pen put down on a window is a click on it: the same focus decision. */
	if (view != NULL) {
		view_focus(view);
	}
	wlr_tablet_v2_tablet_tool_notify_down(t);
	if (t->is_down && t->down_serial != 0) {
		activation_note_input(server, wl_resource_get_client(t->focused_surface->resource),
			t->down_serial);
	}
}

static void handle_button(struct wl_listener *listener, void *data) {
	struct tablet_device *dev = wl_container_of(listener, dev, button);
	struct wlr_tablet_tool_button_event *event = data;
	struct tablet_tool *tool = tablet_tool_get(dev->tab, event->tool);
	if (tool == NULL || (tool->tool->focused_surface == NULL)) {
		return;
	}
	wlr_tablet_v2_tablet_tool_notify_button(tool->tool, event->button,
		event->state == WLR_BUTTON_PRESSED ? ZWP_TABLET_PAD_V2_BUTTON_STATE_PRESSED :
		ZWP_TABLET_PAD_V2_BUTTON_STATE_RELEASED);
}

static void handle_pad_surface_destroy(struct wl_listener *listener, void *data) {
	struct tablet_device *dev = wl_container_of(listener, dev, pad_surface_destroy);
	listener_remove(&dev->pad_surface_destroy);
	dev->pad_surface = NULL;
}

/*
 * The pad follows the keyboard focus: entered into the focused surface
 * before each event, so a window that lost the focus hears nothing more.
 * False when nobody may have the event.
 */
static bool tablet_pad_follow(struct tablet_device *dev) {
	struct cordon_server *server = dev->tab->server;
	struct wlr_surface *focused = server->seat->keyboard_state.focused_surface;
	if (focused != NULL && !tablet_surface_allowed(server, focused)) {
		focused = NULL;
	}
	struct tablet_device *tablet = NULL, *d;
	wl_list_for_each(d, &dev->tab->devices, link) {
		if (d->tablet != NULL) {
			tablet = d;
			break;
		}
	}
	if (focused == dev->pad_surface) {
		return focused != NULL;
	}
	if (dev->pad_surface != NULL) {
		wlr_tablet_v2_tablet_pad_notify_leave(dev->pad, dev->pad_surface);
		listener_remove(&dev->pad_surface_destroy);
		dev->pad_surface = NULL;
	}
	if (focused == NULL || tablet == NULL ||
			!wlr_surface_accepts_tablet_v2(tablet->tablet, focused)) {
		return false;
	}
	wlr_tablet_v2_tablet_pad_notify_enter(dev->pad, tablet->tablet, focused);
	dev->pad_surface = focused;
	listener_connect(&focused->events.destroy, &dev->pad_surface_destroy,
		handle_pad_surface_destroy);
	return true;
}

static void handle_pad_button(struct wl_listener *listener, void *data) {
	struct tablet_device *dev = wl_container_of(listener, dev, pad_button);
	struct wlr_tablet_pad_button_event *event = data;
	if (tablet_pad_follow(dev)) {
		wlr_tablet_v2_tablet_pad_notify_button(dev->pad, event->button, event->time_msec,
			event->state == WLR_BUTTON_PRESSED ? ZWP_TABLET_PAD_V2_BUTTON_STATE_PRESSED :
			ZWP_TABLET_PAD_V2_BUTTON_STATE_RELEASED);
	}
}

static void handle_pad_ring(struct wl_listener *listener, void *data) {
	struct tablet_device *dev = wl_container_of(listener, dev, pad_ring);
	struct wlr_tablet_pad_ring_event *event = data;
	if (tablet_pad_follow(dev)) {
		wlr_tablet_v2_tablet_pad_notify_ring(dev->pad, event->ring, event->position,
			event->source == WLR_TABLET_PAD_RING_SOURCE_FINGER, event->time_msec);
	}
}

static void handle_pad_strip(struct wl_listener *listener, void *data) {
	struct tablet_device *dev = wl_container_of(listener, dev, pad_strip);
	struct wlr_tablet_pad_strip_event *event = data;
	if (tablet_pad_follow(dev)) {
		wlr_tablet_v2_tablet_pad_notify_strip(dev->pad, event->strip, event->position,
			event->source == WLR_TABLET_PAD_STRIP_SOURCE_FINGER, event->time_msec);
	}
}

static void tablet_device_free(struct tablet_device *dev) {
	if (dev->tablet != NULL) {
		wl_list_remove(&dev->axis.link);
		wl_list_remove(&dev->proximity.link);
		wl_list_remove(&dev->tip.link);
		wl_list_remove(&dev->button.link);
	} else {
		wl_list_remove(&dev->pad_button.link);
		wl_list_remove(&dev->pad_ring.link);
		wl_list_remove(&dev->pad_strip.link);
		listener_remove(&dev->pad_surface_destroy);
	}
	wl_list_remove(&dev->destroy.link);
	wl_list_remove(&dev->link);
	free(dev);
}

/*
 * wlroots 0.18 never frees a pad's group array (wlr_tablet_pad_create
 * allocates it, its destroy handler forgets it): freed here, where it is
 * still there, and cleared so a wlroots that frees it frees nothing.
 */
static void tablet_pad_free_groups(struct wlr_tablet_v2_tablet_pad *pad) {
	free(pad->groups);
	pad->groups = NULL;
	pad->group_count = 0;
}

static void handle_device_destroy(struct wl_listener *listener, void *data) {
	struct tablet_device *dev = wl_container_of(listener, dev, destroy);
	/* Added before wlroots' own: the pad is still there. */
	if (dev->pad != NULL) {
		tablet_pad_free_groups(dev->pad);
	}
	tablet_device_free(dev);
}

void tablet_add_device(struct cordon_server *server, struct wlr_input_device *device) {
	struct cordon_tablet *tab = server->tablet;
	struct tablet_device *dev = calloc(1, sizeof(*dev));
	if (tab == NULL || dev == NULL) {
		wlr_log(WLR_ERROR, "tablet: out of memory for device '%s'", device->name);
		free(dev);
		return;
	}
	dev->tab = tab;
	dev->device = device;
	/* Before wlroots' listener, so it runs while wlroots' pad still exists. */
	listener_connect(&device->events.destroy, &dev->destroy, handle_device_destroy);
	if (device->type == WLR_INPUT_DEVICE_TABLET) {
		dev->tablet = wlr_tablet_create(tab->manager, server->seat, device);
	} else {
		dev->pad = wlr_tablet_pad_create(tab->manager, server->seat, device);
	}
	if (dev->tablet == NULL && dev->pad == NULL) {
		wlr_log(WLR_ERROR, "tablet: cannot add device '%s' to the seat", device->name);
		wl_list_remove(&dev->destroy.link);
		free(dev);
		return;
	}
	if (dev->tablet != NULL) {
		struct wlr_tablet *t = wlr_tablet_from_input_device(device);
		listener_connect(&t->events.axis, &dev->axis, handle_axis);
		listener_connect(&t->events.proximity, &dev->proximity, handle_proximity);
		listener_connect(&t->events.tip, &dev->tip, handle_tip);
		listener_connect(&t->events.button, &dev->button, handle_button);
	} else {
		struct wlr_tablet_pad *p = wlr_tablet_pad_from_input_device(device);
		listener_connect(&p->events.button, &dev->pad_button, handle_pad_button);
		listener_connect(&p->events.ring, &dev->pad_ring, handle_pad_ring);
		listener_connect(&p->events.strip, &dev->pad_strip, handle_pad_strip);
	}
	wl_list_insert(&tab->devices, &dev->link);
	wlr_log(WLR_INFO, "tablet: %s '%s' on the seat", dev->tablet ? "tablet" : "pad",
		device->name);
}

bool tablet_init(struct cordon_server *server) {
	struct cordon_tablet *tab = calloc(1, sizeof(*tab));
	if (tab == NULL) {
		wlr_log(WLR_ERROR, "tablet: out of memory");
		return false;
	}
	tab->server = server;
	wl_list_init(&tab->devices);
	wl_list_init(&tab->tools);
	tab->manager = wlr_tablet_v2_create(server->display);
	if (tab->manager == NULL) {
		wlr_log(WLR_ERROR, "cannot create zwp_tablet_manager_v2");
		free(tab);
		return false;
	}
	/*
	 * Every domain: a tool reaches only the surface under it and a pad only
	 * the focused window, as the pointer and keyboard do (see cordon(5)).
	 */
	globals_register(server->globals, tab->manager->wl_global, GLOBALS_SPECIAL);
	server->tablet = tab;
	return true;
}

void tablet_finish(struct cordon_server *server) {
	struct cordon_tablet *tab = server->tablet;
	if (tab == NULL) {
		return;
	}
	struct tablet_device *dev, *dtmp;
	wl_list_for_each_safe(dev, dtmp, &tab->devices, link) {
		if (dev->pad != NULL) {
			tablet_pad_free_groups(dev->pad);
		}
		tablet_device_free(dev);
	}
	struct tablet_tool *tool, *ttmp;
	wl_list_for_each_safe(tool, ttmp, &tab->tools, link) {
		wl_list_remove(&tool->destroy.link);
		wl_list_remove(&tool->link);
		tool->wlr_tool->data = NULL;
		free(tool);
	}
	server->tablet = NULL;
	free(tab);
}
