#include <math.h>
#include <stdlib.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_cursor_shape_v1.h>
#include <wlr/types/wlr_pointer.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xcursor_manager.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/edges.h>
#include <wlr/util/log.h>
#include <linux/input-event-codes.h>
#include "compositor/guard/dnd.h"
#include "compositor/guard/activation.h"
#include "compositor/wm/cursor.h"
#include "compositor/guard/attention.h"
#include "compositor/domain/domain.h"
#include "compositor/render/frame.h"
#include "compositor/wm/idle.h"
#include "compositor/wm/input.h"
#include "compositor/guard/prompt.h"
#include "compositor/wm/constraints.h"
#include "compositor/wm/layer_shell.h"
#include "compositor/server.h"
#include "compositor/guard/session_lock.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"

static void cursor_process_move(struct cordon_server *server) {
	struct cordon_view *view = server->grab.view;
	/* Rounded: absolute motion lands a hair below whole pixels (97.999…). */
	view->x = (int)lround(server->cursor->x - server->grab.x);
	view->y = (int)lround(server->cursor->y - server->grab.y);
	view_update_position(view);
}

/*
 * One axis of a resize: from a box edge at start, size long, the grabbed
 * edge (low or high) follows the pointer's delta, never closer than a
 * pixel to the other one.
 */
static void cursor_resize_axis(bool low, bool high, int start, int size, double delta,
		int *lo, int *hi) {
	*lo = start;
	*hi = start + size;
	if (low) {
		*lo = (int)lround(start + delta);
		if (*lo >= *hi) {
			*lo = *hi - 1;
		}
	} else if (high) {
		*hi = (int)lround(start + size + delta);
		if (*hi <= *lo) {
			*hi = *lo + 1;
		}
	}
}

static void cursor_process_resize(struct cordon_server *server) {
	struct cordon_view *view = server->grab.view;
	struct wlr_box box = server->grab.geobox;
	uint32_t edges = server->grab.edges;
	int left, right, top, bottom;
	cursor_resize_axis(edges & WLR_EDGE_TOP, edges & WLR_EDGE_BOTTOM, box.y, box.height,
		server->cursor->y - server->grab.y, &top, &bottom);
	cursor_resize_axis(edges & WLR_EDGE_LEFT, edges & WLR_EDGE_RIGHT, box.x, box.width,
		server->cursor->x - server->grab.x, &left, &right);
	view_request_geometry(view, (struct wlr_box){left, top, right - left, bottom - top});
}

/*
 * A guest's cursor image must stay in a box around the pointer: the hotspot
 * inside the image and the image at most this big, so it reaches at most
 * GUEST_CURSOR_MAX pixels from the pointer in any direction (a 256x256 box).
 */
#define GUEST_CURSOR_MAX 128

static void cursor_set_default(struct cordon_server *server) {
	wlr_cursor_set_xcursor(server->cursor, server->cursor_mgr, "default");
}

static void cursor_untrack_guest(struct cordon_server *server) {
	if (server->guest_cursor != NULL) {
		wl_list_remove(&server->guest_cursor_commit.link);
		wl_list_remove(&server->guest_cursor_destroy.link);
		server->guest_cursor = NULL;
		server->guest_cursor_shown = false;
	}
}

/* The image fits the box around the pointer (hotspot within it). */
static bool cursor_guest_shape_ok(struct cordon_server *server) {
	struct wlr_surface *surface = server->guest_cursor;
	int w = surface->current.width, h = surface->current.height;
	int hx = server->guest_hotspot_x, hy = server->guest_hotspot_y;
	if (w > GUEST_CURSOR_MAX || h > GUEST_CURSOR_MAX || hx < 0 || hy < 0) {
		return false;
	}
	/* An image with no buffer draws nothing; its hotspot must be 0,0. */
	return (hx < w || (w == 0 && hx == 0)) && (hy < h || (h == 0 && hy == 0));
}

/*
 * Whether image overlaps a mapped popup in popups (a wlr_xdg_surface's
 * list), or one of theirs: another domain's menus reach past its frame.
 */
static bool cursor_popups_overlap(struct wl_list *popups, const struct wlr_box *image) {
	struct wlr_xdg_popup *popup;
	wl_list_for_each(popup, popups, link) {
		struct wlr_scene_tree *tree = popup->base->data;
		int lx, ly;
		if (tree != NULL && popup->base->surface->mapped &&
				wlr_scene_node_coords(&tree->node, &lx, &ly)) {
			/* With the 2 px frame popup.c draws around guests' popups. */
			struct wlr_box box = {
				.x = lx - 2, .y = ly - 2,
				.width = popup->base->surface->current.width + 4,
				.height = popup->base->surface->current.height + 4,
			};
			struct wlr_box overlap;
			if (wlr_box_intersection(&overlap, image, &box)) {
				return true;
			}
		}
		if (cursor_popups_overlap(&popup->base->popups, image)) {
			return true;
		}
	}
	return false;
}

/* The image, where it would be drawn, covers no window of another domain. */
static bool cursor_guest_place_ok(struct cordon_server *server) {
	struct wlr_surface *surface = server->guest_cursor;
	struct cordon_domain *owner = domain_of_client(server,
		wl_resource_get_client(surface->resource));
	struct wlr_box image = {
		.x = (int)floor(server->cursor->x) - server->guest_hotspot_x,
		.y = (int)floor(server->cursor->y) - server->guest_hotspot_y,
		.width = surface->current.width > 0 ? surface->current.width : 1,
		.height = surface->current.height > 0 ? surface->current.height : 1,
	};
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		if (!view->mapped || view->hidden || view->domain == owner ||
				!view->tree->node.enabled) {
			continue;
		}
		struct frame_extents e = frame_extents(view->frame);
		struct wlr_box geo = view_geometry(view);
		struct wlr_box outer = {
			.x = view->tree->node.x,
			.y = view->tree->node.y,
			.width = (geo.width > 0 ? geo.width : 1) + e.left + e.right,
			.height = (geo.height > 0 ? geo.height : 1) + e.top + e.bottom,
		};
		struct wlr_box overlap;
		if (wlr_box_intersection(&overlap, &image, &outer) ||
				(view->toplevel != NULL &&
				cursor_popups_overlap(&view->toplevel->base->popups, &image))) {
			return false;
		}
	}
	return true;
}

/*
 * Shows the guest's cursor image only while it fits its box, covers no
 * other domain's window (frame, tag and popups included) and no prompt is up;
 * otherwise cordon's own cursor. Runs on every motion and cursor commit.
 */
void cursor_guest_refresh(struct cordon_server *server) {
	if (server->guest_cursor == NULL) {
		return;
	}
	bool show = cursor_guest_shape_ok(server) && !prompt_active(server) &&
		!session_lock_active(server) && cursor_guest_place_ok(server);
	if (show == server->guest_cursor_shown) {
		return;
	}
	server->guest_cursor_shown = show;
	if (show) {
		wlr_cursor_set_surface(server->cursor, server->guest_cursor,
			server->guest_hotspot_x, server->guest_hotspot_y);
	} else {
		cursor_set_default(server);
	}
}

static void handle_guest_cursor_commit(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, guest_cursor_commit);
	/* An attach offset moves the hotspot, as wlr_cursor applies it too. */
	server->guest_hotspot_x -= server->guest_cursor->current.dx;
	server->guest_hotspot_y -= server->guest_cursor->current.dy;
	if (server->guest_cursor_shown && !cursor_guest_shape_ok(server)) {
		wlr_log(WLR_INFO, "a guest's cursor is %dx%d with its hotspot at %d,%d; "
			"using the default", server->guest_cursor->current.width,
			server->guest_cursor->current.height, server->guest_hotspot_x,
			server->guest_hotspot_y);
	}
	cursor_guest_refresh(server);
}

static void handle_guest_cursor_destroy(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, guest_cursor_destroy);
	cursor_untrack_guest(server);
}

static void cursor_process_motion(struct cordon_server *server, uint32_t time) {
	if (server->grab.mode == CURSOR_MOVE) {
		cursor_process_move(server);
		return;
	}
	if (server->grab.mode == CURSOR_RESIZE) {
		cursor_process_resize(server);
		return;
	}
	struct wlr_seat_pointer_state *ps = &server->seat->pointer_state;
	if (ps->button_count > 0 && ps->focused_surface != NULL &&
			ps->focused_surface == server->press.surface &&
			!wlr_seat_pointer_has_grab(server->seat)) {
		/* The implicit grab: a held button keeps the pointer with its surface. */
		wlr_seat_pointer_notify_motion(server->seat, time,
			server->cursor->x - server->press.ox, server->cursor->y - server->press.oy);
		return;
	}
	double sx, sy;
	struct wlr_surface *surface = NULL;
	struct cordon_view *view = view_at(server, server->cursor->x, server->cursor->y,
		&surface, &sx, &sy);
	if (surface == NULL) {
		/* Over cordon's own frame or the background: cordon owns the cursor. */
		const char *shape = "default";
		if (view != NULL) {
			uint32_t edges = frame_edges_at(view->frame,
				server->cursor->x - view->tree->node.x,
				server->cursor->y - view->tree->node.y);
			shape = frame_cursor_name(edges);
		}
		cursor_untrack_guest(server);
		wlr_cursor_set_xcursor(server->cursor, server->cursor_mgr, shape);
		/* Through the grab: a drag released here must not drop elsewhere. */
		wlr_seat_pointer_notify_clear_focus(server->seat);
		return;
	}
	if (!dnd_may_enter(server, surface)) {
		/* A drag of another domain's data gets no offer into this surface. */
		wlr_seat_pointer_notify_clear_focus(server->seat);
		return;
	}
	wlr_seat_pointer_notify_enter(server->seat, surface, sx, sy);
	wlr_seat_pointer_notify_motion(server->seat, time, sx, sy);
	cursor_guest_refresh(server);
}

void cursor_refresh(struct cordon_server *server) {
	if (server->grab.mode != CURSOR_PASSTHROUGH) {
		return;
	}
	double sx, sy;
	struct wlr_surface *surface = NULL;
	view_at(server, server->cursor->x, server->cursor->y, &surface, &sx, &sy);
	const struct wlr_seat_pointer_state *state = &server->seat->pointer_state;
	/* Unchanged: a motion per commit would flood the client under the pointer. */
	if (surface == state->focused_surface &&
			(surface == NULL || (sx == state->sx && sy == state->sy))) {
		return;
	}
	cursor_process_motion(server, 0);
	/* No device sends the frame that ends this motion: cordon does. */
	wlr_seat_pointer_notify_frame(server->seat);
}

void cursor_rebase(struct cordon_server *server) {
	if (server->grab.mode == CURSOR_PASSTHROUGH) {
		cursor_process_motion(server, 0);
		wlr_seat_pointer_notify_frame(server->seat);
	}
}

static void handle_cursor_motion(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, cursor_motion);
	struct wlr_pointer_motion_event *event = data;
	constraints_pointer_motion(server, event);
	cursor_process_motion(server, event->time_msec);
	idle_notify_activity(server);
}

static void handle_cursor_motion_absolute(struct wl_listener *listener, void *data) {
	struct cordon_server *server =
		wl_container_of(listener, server, cursor_motion_absolute);
	struct wlr_pointer_motion_absolute_event *event = data;
	wlr_cursor_warp_absolute(server->cursor, &event->pointer->base, event->x, event->y);
	cursor_process_motion(server, event->time_msec);
	idle_notify_activity(server);
}

static void cursor_button(struct cordon_server *server,
		struct wlr_pointer_button_event *event) {
	/* A click ends the secure-attention overlay and reaches nobody. */
	if (attention_handle_button(server, event->button,
			event->state == WL_POINTER_BUTTON_STATE_PRESSED)) {
		return;
	}
	if (event->state == WL_POINTER_BUTTON_STATE_RELEASED &&
			server->grab.mode != CURSOR_PASSTHROUGH) {
		/* End of a cordon grab: the client never saw the press either. */
		server->grab.mode = CURSOR_PASSTHROUGH;
		server->grab.view = NULL;
		cursor_rebase(server);
		return;
	}
	if (event->state == WL_POINTER_BUTTON_STATE_PRESSED) {
		double sx, sy;
		struct wlr_surface *surface = NULL;
		struct cordon_view *view = view_at(server, server->cursor->x, server->cursor->y,
			&surface, &sx, &sy);
		if (view == NULL && surface != NULL) {
			/* A layer or lock surface: an interactive one takes the keyboard. */
			layer_shell_pointer_pressed(server, surface);
			session_lock_pointer_pressed(server, surface);
		}
		if (view != NULL) {
			view_focus(view);
			/*
			 * A focus change ends every grab: a popup grab kept the pointer
			 * from this surface, and the press must reach it.
			 */
			if (surface != NULL && server->seat->pointer_state.focused_surface != surface) {
				cursor_process_motion(server, event->time_msec);
			}
			uint32_t mods = input_modifiers(server);
			if (mods == WLR_MODIFIER_LOGO && event->button == BTN_LEFT) {
				view_begin_interactive(view, CURSOR_MOVE, 0);
				return;
			}
			if (mods == WLR_MODIFIER_LOGO && event->button == BTN_RIGHT) {
				struct wlr_box geo = view_geometry(view);
				uint32_t edges = 0;
				edges |= server->cursor->x < geo.x + geo.width / 2.0 ?
					WLR_EDGE_LEFT : WLR_EDGE_RIGHT;
				edges |= server->cursor->y < geo.y + geo.height / 2.0 ?
					WLR_EDGE_TOP : WLR_EDGE_BOTTOM;
				view_begin_interactive(view, CURSOR_RESIZE, edges);
				return;
			}
			if (surface == NULL && event->button == BTN_LEFT) {
				/* A press on cordon's frame: titlebar moves, border resizes. */
				uint32_t edges = frame_edges_at(view->frame,
					server->cursor->x - view->tree->node.x,
					server->cursor->y - view->tree->node.y);
				if (edges != 0) {
					view_begin_interactive(view, CURSOR_RESIZE, edges);
				} else if (frame_titlebar_at(view->frame,
						server->cursor->x - view->tree->node.x,
						server->cursor->y - view->tree->node.y)) {
					view_begin_interactive(view, CURSOR_MOVE, 0);
				}
				return;
			}
		}
	}
	uint32_t serial = wlr_seat_pointer_notify_button(server->seat, event->time_msec,
		event->button, event->state);
	struct wlr_seat_client *focused = server->seat->pointer_state.focused_client;
	if (focused != NULL && serial != 0) {
		activation_note_input(server, focused->client, serial);
	}
	struct wlr_seat_pointer_state *ps = &server->seat->pointer_state;
	if (event->state == WL_POINTER_BUTTON_STATE_PRESSED && ps->button_count == 1) {
		server->press.surface = ps->focused_surface;
		server->press.ox = server->cursor->x - ps->sx;
		server->press.oy = server->cursor->y - ps->sy;
	} else if (event->state == WL_POINTER_BUTTON_STATE_RELEASED &&
			ps->button_count == 0 && server->press.surface != NULL) {
		/* The grab ends: focus goes to whatever is under the pointer now. */
		server->press.surface = NULL;
		cursor_rebase(server);
	}
}

static void handle_cursor_button(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, cursor_button);
	cursor_button(server, data);
	idle_notify_activity(server);
}

static void handle_cursor_axis(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, cursor_axis);
	struct wlr_pointer_axis_event *event = data;
	wlr_seat_pointer_notify_axis(server->seat, event->time_msec, event->orientation,
		event->delta, event->delta_discrete, event->source, event->relative_direction);
	idle_notify_activity(server);
}

static void handle_cursor_frame(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, cursor_frame);
	wlr_seat_pointer_notify_frame(server->seat);
}

static void handle_request_cursor(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, request_cursor);
	struct wlr_seat_pointer_request_set_cursor_event *event = data;
	/* Only the client under the pointer may change it. */
	if (server->seat->pointer_state.focused_client != event->seat_client ||
			server->grab.mode != CURSOR_PASSTHROUGH) {
		return;
	}
	cursor_untrack_guest(server);
	struct cordon_domain *domain = domain_of_client(server, event->seat_client->client);
	bool guest = domain == NULL || !domain_is_host(domain);
	if (!guest || event->surface == NULL) {
		wlr_cursor_set_surface(server->cursor, event->surface, event->hotspot_x,
			event->hotspot_y);
		return;
	}
	server->guest_cursor = event->surface;
	server->guest_hotspot_x = event->hotspot_x;
	server->guest_hotspot_y = event->hotspot_y;
	listener_connect(&event->surface->events.commit, &server->guest_cursor_commit,
		handle_guest_cursor_commit);
	listener_connect(&event->surface->events.destroy, &server->guest_cursor_destroy,
		handle_guest_cursor_destroy);
	/* Shown by the refresh only if it passes; cordon's cursor until then. */
	server->guest_cursor_shown = false;
	cursor_set_default(server);
	cursor_guest_refresh(server);
}

static void handle_request_set_shape(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, request_set_shape);
	struct wlr_cursor_shape_manager_v1_request_set_shape_event *event = data;
	if (server->seat->pointer_state.focused_client == event->seat_client &&
			server->grab.mode == CURSOR_PASSTHROUGH) {
		cursor_untrack_guest(server);
		/* While a prompt is up the cursor is cordon's plain arrow. */
		wlr_cursor_set_xcursor(server->cursor, server->cursor_mgr,
			prompt_active(server) ? "default" : wlr_cursor_shape_v1_name(event->shape));
	}
}

void cursor_init_shape(struct cordon_server *server,
		struct wlr_cursor_shape_manager_v1 *manager) {
	listener_connect(&manager->events.request_set_shape, &server->request_set_shape,
		handle_request_set_shape);
}

bool cursor_init(struct cordon_server *server) {
	server->cursor = wlr_cursor_create();
	server->cursor_mgr = wlr_xcursor_manager_create(server->config->cursor_theme,
		server->config->cursor_size);
	if (server->cursor == NULL || server->cursor_mgr == NULL) {
		wlr_log(WLR_ERROR, "cannot create the cursor (theme '%s', size %d)",
			server->config->cursor_theme ? server->config->cursor_theme : "default",
			server->config->cursor_size);
		return false;
	}
	wlr_cursor_attach_output_layout(server->cursor, server->output_layout);

	listener_connect(&server->cursor->events.motion, &server->cursor_motion,
		handle_cursor_motion);
	listener_connect(&server->cursor->events.motion_absolute, &server->cursor_motion_absolute,
		handle_cursor_motion_absolute);
	listener_connect(&server->cursor->events.button, &server->cursor_button,
		handle_cursor_button);
	listener_connect(&server->cursor->events.axis, &server->cursor_axis,
		handle_cursor_axis);
	listener_connect(&server->cursor->events.frame, &server->cursor_frame,
		handle_cursor_frame);
	listener_connect(&server->seat->events.request_set_cursor, &server->request_cursor,
		handle_request_cursor);
	cursor_set_default(server);
	return true;
}

void cursor_finish(struct cordon_server *server) {
	cursor_untrack_guest(server);
	listener_remove(&server->cursor_motion);
	listener_remove(&server->cursor_motion_absolute);
	listener_remove(&server->cursor_button);
	listener_remove(&server->cursor_axis);
	listener_remove(&server->cursor_frame);
	listener_remove(&server->request_cursor);
	listener_remove(&server->request_set_shape);
	if (server->cursor_mgr != NULL) {
		wlr_xcursor_manager_destroy(server->cursor_mgr);
		server->cursor_mgr = NULL;
	}
	if (server->cursor != NULL) {
		wlr_cursor_destroy(server->cursor);
		server->cursor = NULL;
	}
}
