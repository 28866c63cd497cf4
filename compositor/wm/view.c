#include <math.h>
#include <stdlib.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/edges.h>
#include <wlr/util/log.h>
#include <wlr/xwayland.h>
#include "compositor/guard/clipboard.h"
#include "compositor/guard/activation.h"
#include "compositor/domain/domain.h"
#include "compositor/render/frame.h"
#include "compositor/wm/input.h"
#include "compositor/wm/output.h"
#include "compositor/wm/layer_shell.h"
#include "compositor/server.h"
#include "compositor/guard/session_lock.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"
#include "compositor/ipc/events.h"
#include "compositor/render/fullscreen.h"

/* Largest window geometry side cordon reads, in surface-local pixels. */
#define VIEW_GEOMETRY_MAX 32767

struct wlr_box xdg_surface_geometry(struct wlr_xdg_surface *surface) {
	struct wlr_box geo;
	/*
	 * wlroots intersects the geometry the client set with its surfaces'
	 * extents; a box outside them comes back with a negative size.
	 */
	wlr_xdg_surface_get_geometry(surface, &geo);
	if (geo.width < 1) {
		geo.width = 1;
	}
	if (geo.height < 1) {
		geo.height = 1;
	}
	/*
	 * Nor larger than any output: a guest's INT_MAX would overflow every
	 * sum with a frame size or a position (frame_layout, view_fit…).
	 */
	if (geo.width > VIEW_GEOMETRY_MAX) {
		geo.width = VIEW_GEOMETRY_MAX;
	}
	if (geo.height > VIEW_GEOMETRY_MAX) {
		geo.height = VIEW_GEOMETRY_MAX;
	}
	return geo;
}

struct wlr_box view_geometry(struct cordon_view *view) {
	/* Before its first commit a view has no geometry yet: 1x1 all the same. */
	return (struct wlr_box){view->x, view->y,
		view->geo.width > 0 ? view->geo.width : 1,
		view->geo.height > 0 ? view->geo.height : 1};
}

/*
 * Reads the window geometry once per commit: wlroots walks every
 * subsurface to compute it, so everything else uses view->geo.
 */
static void view_read_geometry(struct cordon_view *view) {
	if (view->xsurface != NULL) {
		/* An X window is its surface: what it drew, at least 1x1. */
		struct wlr_surface *surface = view->xsurface->surface;
		int w = surface ? surface->current.width : view->xsurface->width;
		int h = surface ? surface->current.height : view->xsurface->height;
		view->geo = (struct wlr_box){0, 0, w > 0 ? w : 1, h > 0 ? h : 1};
		return;
	}
	view->geo = xdg_surface_geometry(view->toplevel->base);
}

struct wlr_surface *view_surface(struct cordon_view *view) {
	return view->xsurface != NULL ? view->xsurface->surface : view->toplevel->base->surface;
}

/*
 * An X client places its menus from where the X server says its window is:
 * the X server must know the window's layout position.
 */
static void view_sync_x11_position(struct cordon_view *view) {
	struct wlr_xwayland_surface *x = view->xsurface;
	if (x != NULL && (x->x != view->x || x->y != view->y)) {
		wlr_xwayland_surface_configure(x, (int16_t)view->x, (int16_t)view->y,
			x->width, x->height);
	}
}

/*
 * Windows are clipped to their window geometry so nothing a guest draws
 * reaches past cordon's frame (a host's client-side shadow is cut the same
 * way, so every frame looks alike). The clip is in the root surface's
 * coordinates, where the geometry is given. Only a changed geometry
 * re-clips: that walks every subsurface, and a guest may have thousands.
 */
static void view_update_clip(struct cordon_view *view) {
	if (wl_list_empty(&view->surface_tree->children) ||
			(view->clipped && wlr_box_equal(&view->clip, &view->geo))) {
		return;
	}
	/* The subsurface tree is the xdg tree's first child; popups come later. */
	struct wlr_scene_node *surfaces =
		wl_container_of(view->surface_tree->children.next, surfaces, link);
	view->clip = view->geo;
	view->clipped = true;
	wlr_scene_subsurface_tree_set_clip(surfaces, &view->clip);
}

void view_update_position(struct cordon_view *view) {
	struct frame_extents ext = frame_extents(view->frame);
	wlr_scene_node_set_position(&view->tree->node, view->x - ext.left, view->y - ext.top);
	/*
	 * wlroots' xdg tree already draws the surface at -geometry inside it, so
	 * the tree's origin is the geometry's: it goes at the frame's inner corner.
	 */
	wlr_scene_node_set_position(&view->surface_tree->node, ext.left, ext.top);
	wlr_scene_node_set_position(&view->popup_tree->node, ext.left, ext.top);
	view_update_clip(view);
	view_sync_x11_position(view);
	fullscreen_edge_update(view);
}

void view_request_geometry(struct cordon_view *view, struct wlr_box box) {
	/* Whatever the caller computed, a client is never asked for less than 1x1. */
	if (box.width < 1) {
		box.width = 1;
	}
	if (box.height < 1) {
		box.height = 1;
	}
	view->pending = box;
	view->has_pending = true;
	view->pending_edges = view->server->grab.mode == CURSOR_RESIZE ?
		view->server->grab.edges : 0;
	if (view->xsurface != NULL) {
		view->pending_serial = 0;
		wlr_xwayland_surface_configure(view->xsurface, (int16_t)box.x, (int16_t)box.y,
			(uint16_t)box.width, (uint16_t)box.height);
	} else {
		view->pending_serial =
			wlr_xdg_toplevel_set_size(view->toplevel, box.width, box.height);
	}
	if (view->pending_edges == 0) {
		view->x = box.x;
		view->y = box.y;
		view_update_position(view);
	}
}

/* Called on every commit: keeps the frame and the anchored edge in place. */
void view_handle_commit(struct cordon_view *view) {
	view_read_geometry(view);
	struct wlr_box geo = view->geo;
	if (view->has_pending) {
		if (view->pending_edges & WLR_EDGE_LEFT) {
			view->x = view->pending.x + view->pending.width - geo.width;
		}
		if (view->pending_edges & WLR_EDGE_TOP) {
			view->y = view->pending.y + view->pending.height - geo.height;
		}
		/*
		 * Done once the client answered the latest request, whatever size it
		 * chose (its minimum may be larger): later commits must not pull the
		 * window back to an old anchor after the user moved it.
		 */
		/* X has no acks: the first commit after a configure answers it. */
		uint32_t acked = view->xsurface != NULL ? view->pending_serial :
			view->toplevel->base->current.configure_serial;
		if ((int32_t)(acked - view->pending_serial) >= 0 ||
				(geo.width == view->pending.width && geo.height == view->pending.height)) {
			view->has_pending = false;
		}
	}
	frame_update(view->frame, geo.width, geo.height);
	view_update_position(view);
}

static void view_state_maximized(struct cordon_view *view, bool on) {
	if (view->xsurface != NULL) {
		wlr_xwayland_surface_set_maximized(view->xsurface, on);
	} else {
		wlr_xdg_toplevel_set_maximized(view->toplevel, on);
	}
}

static void view_state_fullscreen(struct cordon_view *view, bool on) {
	if (view->xsurface != NULL) {
		wlr_xwayland_surface_set_fullscreen(view->xsurface, on);
	} else {
		wlr_xdg_toplevel_set_fullscreen(view->toplevel, on);
	}
}

static bool view_visible(struct cordon_view *view) {
	return view->mapped && !view->minimized && view->workspace == view->server->workspace;
}

/* Alt+Tab also reaches minimized windows: that is how they come back. */
static bool view_cyclable(struct cordon_view *view) {
	return view->mapped && view->workspace == view->server->workspace;
}

static void view_set_activated(struct cordon_view *view, bool activated) {
	if (view->xsurface != NULL) {
		wlr_xwayland_surface_activate(view->xsurface, activated);
		if (activated) {
			wlr_xwayland_surface_restack(view->xsurface, NULL, XCB_STACK_MODE_ABOVE);
		}
	} else {
		wlr_xdg_toplevel_set_activated(view->toplevel, activated);
	}
	frame_set_active(view->frame, activated);
}

static struct wl_client *view_client(struct cordon_view *view) {
	return wl_resource_get_client(view_surface(view)->resource);
}

/*
 * Ends every seat grab and destroys the popups that held one. A grab
 * swallows focus changes (wlroots' popup grab keeps the keyboard where it
 * was), and popup_done is only a request a hostile guest may ignore.
 */
static void view_dismiss_grab_popups(struct wlr_xdg_popup_grab *grab) {
	/* The topmost first; the grab itself is freed with its last popup. */
	while (!wl_list_empty(&grab->popups)) {
		bool last = grab->popups.next->next == &grab->popups;
		struct wlr_xdg_popup *popup = wl_container_of(grab->popups.next, popup, grab_link);
		wlr_xdg_popup_destroy(popup);
		if (last) {
			break;
		}
	}
}

/* A drag ends too: its grab would swallow the keyboard enter as well. */
void view_end_grabs(struct cordon_server *server) {
	struct wlr_seat *seat = server->seat;
	wlr_seat_keyboard_end_grab(seat);
	wlr_seat_pointer_end_grab(seat);
	wlr_seat_touch_end_grab(seat);
	struct wlr_xdg_popup_grab *grab, *grab_tmp;
	wl_list_for_each_safe(grab, grab_tmp, &server->xdg_shell->popup_grabs, link) {
		if (!wl_list_empty(&grab->popups)) {
			wlr_log(WLR_INFO, "focus change: dismissing grabbing popups");
			view_dismiss_grab_popups(grab);
		}
	}
}

/*
 * xdg_popup.grab takes no valid serial in wlroots: any client may start
 * one at any time and keep the pointer from every other client's surface.
 * Only the client with keyboard focus may hold one; the protocol lets the
 * compositor deny a grab by dismissing the popup.
 */
static void handle_grab_check(void *data) {
	struct cordon_server *server = data;
	server->grab_check = NULL;
	struct wlr_seat_client *focused = server->seat->keyboard_state.focused_client;
	struct wlr_xdg_popup_grab *grab, *grab_tmp;
	wl_list_for_each_safe(grab, grab_tmp, &server->xdg_shell->popup_grabs, link) {
		if (wl_list_empty(&grab->popups) ||
				(focused != NULL && grab->client == focused->client)) {
			continue;
		}
		/* A host panel's menu (a layer surface's popup) may grab: trusted. */
		struct wlr_xdg_popup *first = wl_container_of(grab->popups.next, first, grab_link);
		if (!session_lock_active(server) && layer_shell_owns_surface(first->base->surface)) {
			continue;
		}
		struct cordon_domain *domain = domain_of_client(server, grab->client);
		wlr_log(WLR_INFO, "domain %s: a popup grab without keyboard focus dismissed",
			domain ? domain->name : "?");
		view_dismiss_grab_popups(grab);
	}
}

static void handle_keyboard_grab_begin(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, keyboard_grab_begin);
	/* Not now: wlroots is still starting the pointer and touch halves. */
	if (server->grab_check == NULL) {
		server->grab_check = wl_event_loop_add_idle(server->loop, handle_grab_check, server);
		if (server->grab_check == NULL) {
			wlr_log(WLR_ERROR, "cannot schedule the check of a popup grab; ending it now");
			view_end_grabs(server);
		}
	}
}

/*
 * Whether the seat's keyboard focus is on a surface of view's client, and
 * not on a layer surface (a panel or launcher) the same client made.
 */
static bool view_holds_keyboard(struct cordon_server *server, struct cordon_view *view) {
	struct wlr_surface *surface = server->seat->keyboard_state.focused_surface;
	return surface != NULL && wl_resource_get_client(surface->resource) == view_client(view) &&
		!layer_shell_owns_surface(surface);
}

static void view_keyboard_enter(struct cordon_server *server, struct cordon_view *view) {
	struct wlr_surface *surface = view_surface(view);
	/* The domain's own clipboard view must be the seat's before enter sends it. */
	clipboard_focus_domain(server, view->domain);
	/* Straight to the seat, past any grab still there: focus is cordon's to move. */
	input_keyboard_enter(server, surface);
}

/*
 * The one place keyboard focus moves: to view (mapped, on the shown
 * workspace) or to nobody, in one step, so no third window's domain ever
 * gets an enter, a selection offer or a focus event on the way.
 */
static void view_set_focus(struct cordon_server *server, struct cordon_view *view) {
	struct cordon_view *prev = server->focused_view;
	/*
	 * The lock screen or a launcher holds the keyboard: no window takes it
	 * now; view_refocus hands it back when they let go.
	 */
	if (session_lock_active(server) || layer_shell_keyboard_exclusive(server)) {
		return;
	}
	if (prev == view && view != NULL && view_holds_keyboard(server, view)) {
		return;
	}
	view_end_grabs(server);
	if (prev != NULL && prev != view) {
		view_set_activated(prev, false);
	}
	server->focused_view = view;
	if (view == NULL) {
		wlr_seat_keyboard_clear_focus(server->seat);
		clipboard_focus_domain(server, NULL);
		return;
	}
	if (view->urgent) {
		view->urgent = false;
		frame_set_urgent(view->frame, false);
	}
	view_set_activated(view, true);
	view_keyboard_enter(server, view);
	if (!view_holds_keyboard(server, view)) {
		/* Never report a focus the keyboard does not follow. */
		wlr_log(WLR_ERROR, "domain %s: the keyboard did not follow focus to window %u; "
			"focus cleared", view->domain->name, view->id);
		view_set_activated(view, false);
		server->focused_view = NULL;
		wlr_seat_keyboard_clear_focus(server->seat);
		clipboard_focus_domain(server, NULL);
		return;
	}
	if (prev != view) {
		events_window(view, "focus");
	}
}

/* Shows a workspace's windows and hides the others; moves no focus. */
static void view_show_workspace(struct cordon_server *server, int workspace) {
	server->workspace = workspace;
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		if (view->mapped) {
			wlr_scene_node_set_enabled(&view->tree->node,
				view->workspace == workspace && !view->minimized);
			fullscreen_edge_update(view);
		}
	}
}

void view_focus(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	if (!view->mapped) {
		return;
	}
	if (view->workspace != server->workspace) {
		view_show_workspace(server, view->workspace);
	}
	if (view->minimized) {
		view->minimized = false;
		wlr_scene_node_set_enabled(&view->tree->node, true);
		events_window(view, "state");
	}
	/* Nothing focused may sit hidden under another window's fullscreen. */
	struct cordon_view *other, *tmp;
	wl_list_for_each_safe(other, tmp, &server->views, link) {
		if (other != view && other->fullscreen && other->workspace == view->workspace) {
			view_set_fullscreen(other, false);
		}
	}
	wlr_scene_node_raise_to_top(&view->tree->node);
	if (!server->cycle.active) {
		wl_list_remove(&view->link);
		wl_list_insert(&server->views, &view->link);
	}
	view_set_focus(server, view);
}

/* Gives focus to the most recently used visible view, or to nobody. */
static void view_focus_next(struct cordon_server *server) {
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		/* An urgent window never had the user's focus: it gets none by default. */
		if (view_visible(view) && view != server->focused_view && !view->urgent) {
			view_focus(view);
			return;
		}
	}
	view_set_focus(server, NULL);
}

void view_refocus(struct cordon_server *server) {
	struct cordon_view *view = server->focused_view;
	if (view != NULL && view_visible(view)) {
		view_set_focus(server, view);
		return;
	}
	server->focused_view = NULL;
	view_focus_next(server);
}

void view_close(struct cordon_view *view) {
	if (view->xsurface != NULL) {
		wlr_xwayland_surface_close(view->xsurface);
		return;
	}
	wlr_xdg_toplevel_send_close(view->toplevel);
}

void view_set_minimized(struct cordon_view *view, bool minimized) {
	struct cordon_server *server = view->server;
	if (!view->mapped || view->minimized == minimized) {
		return;
	}
	view->minimized = minimized;
	wlr_scene_node_set_enabled(&view->tree->node,
		!minimized && view->workspace == server->workspace);
	fullscreen_edge_update(view);
	if (minimized && server->cycle.view == view) {
		server->cycle.view = NULL;
	}
	if (minimized && server->focused_view == view) {
		view_focus_next(server);
	}
	events_window(view, "state");
}

struct cordon_output *view_output(struct cordon_view *view) {
	struct wlr_box geo = view_geometry(view);
	return output_at(view->server, geo.x + geo.width / 2.0, geo.y + geo.height / 2.0);
}

/* The usable box of the output the view is (mostly) on: less panels' zones. */
static struct wlr_box view_output_box(struct cordon_view *view) {
	return layer_shell_usable_box(view->server, view_output(view));
}

static void view_fit(struct cordon_view *view, struct wlr_box area, enum frame_mode mode) {
	struct frame_extents ext = frame_extents_for(view, mode);
	struct wlr_box box = {
		.x = area.x + ext.left,
		.y = area.y + ext.top,
		.width = area.width - ext.left - ext.right,
		.height = area.height - ext.top - ext.bottom,
	};
	if (box.width < 1) {
		box.width = 1;
	}
	if (box.height < 1) {
		box.height = 1;
	}
	view_request_geometry(view, box);
}

/*
 * A size the output dictates ends the user's move or resize of the window:
 * a resize would anchor the new box to the dragged edge and leave the
 * window (and its frame) where it was, and the next motion would undo it.
 */
static void view_end_interactive(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	if (server->grab.view == view) {
		server->grab.mode = CURSOR_PASSTHROUGH;
		server->grab.view = NULL;
	}
}

/*
 * A state request refused or with nothing to do: the protocol still wants
 * a configure in reply to every request; an X11 window is told the state
 * it keeps (x11_set(view->xsurface, now)).
 */
static void view_answer_unchanged(struct cordon_view *view,
		void (*x11_set)(struct wlr_xwayland_surface *surface, bool on), bool now) {
	if (view->xsurface != NULL) {
		x11_set(view->xsurface, now);
	} else if (view->toplevel->base->initialized) {
		wlr_xdg_surface_schedule_configure(view->toplevel->base);
	}
}

void view_set_maximized(struct cordon_view *view, bool maximized) {
	if (view->fullscreen || view->maximized == maximized || !view->mapped) {
		view_answer_unchanged(view, wlr_xwayland_surface_set_maximized, view->maximized);
		return;
	}
	view_end_interactive(view);
	if (maximized) {
		view->saved = view_geometry(view);
		view->maximized = true;
		view_state_maximized(view, true);
		view_fit(view, view_output_box(view), FRAME_NORMAL);
	} else {
		view->maximized = false;
		view_state_maximized(view, false);
		view_request_geometry(view, view->saved);
	}
	events_window(view, "state");
}

void view_maximize_initial(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	struct cordon_output *output = output_at(server, server->cursor->x, server->cursor->y);
	struct wlr_box area = layer_shell_usable_box(server, output);
	if (view->fullscreen || wlr_box_empty(&area)) {
		return;
	}
	/* It never had a size of its own: unmaximized, the middle of the area. */
	view->saved = (struct wlr_box){area.x + area.width / 4, area.y + area.height / 4,
		area.width / 2, area.height / 2};
	view->maximized = true;
	view_state_maximized(view, true);
	view_fit(view, area, FRAME_NORMAL);
}

static enum config_fullscreen view_fullscreen_policy(struct cordon_view *view) {
	if (view->domain->config != NULL) {
		return view->domain->config->fullscreen;
	}
	return domain_is_host(view->domain) ? CONFIG_FULLSCREEN_ALLOW : CONFIG_FULLSCREEN_EDGE;
}

void view_set_fullscreen(struct cordon_view *view, bool fullscreen) {
	struct cordon_server *server = view->server;
	enum config_fullscreen policy = view_fullscreen_policy(view);
	if (view->fullscreen == fullscreen || !view->mapped ||
			(fullscreen && policy == CONFIG_FULLSCREEN_DENY)) {
		if (fullscreen && policy == CONFIG_FULLSCREEN_DENY) {
			wlr_log(WLR_INFO, "domain %s: fullscreen refused by policy", view->domain->name);
		}
		view_answer_unchanged(view, wlr_xwayland_surface_set_fullscreen, view->fullscreen);
		return;
	}
	view_end_interactive(view);
	if (fullscreen) {
		if (!view->maximized) {
			view->saved = view_geometry(view);
		}
		view->fullscreen = true;
		enum frame_mode mode = policy == CONFIG_FULLSCREEN_EDGE ? FRAME_EDGE : FRAME_NONE;
		frame_set_mode(view->frame, mode);
		wlr_scene_node_reparent(&view->tree->node, server->layers[LAYER_FULLSCREEN]);
		view_state_fullscreen(view, true);
		view_fit(view, view_output_box(view), mode);
		fullscreen_edge_update(view);
		if (mode == FRAME_EDGE) {
			fullscreen_banner_show(view);
		}
	} else {
		view->fullscreen = false;
		frame_set_mode(view->frame, FRAME_NORMAL);
		wlr_scene_node_reparent(&view->tree->node, server->layers[LAYER_VIEWS]);
		view_state_fullscreen(view, false);
		fullscreen_banner_hide(view);
		fullscreen_edge_update(view);
		if (view->maximized) {
			view_fit(view, view_output_box(view), FRAME_NORMAL);
		} else {
			view_request_geometry(view, view->saved);
		}
	}
	/* Fullscreen never moves focus: a background window may not take it so. */
	if (server->focused_view == view) {
		wlr_scene_node_raise_to_top(&view->tree->node);
	}
	events_window(view, "state");
}

/* Whether any part of the view's content lies on an enabled output. */
static bool view_on_screen(struct cordon_view *view) {
	struct wlr_box geo = view_geometry(view);
	struct cordon_output *output;
	wl_list_for_each(output, &view->server->outputs, link) {
		struct wlr_box box = output_box(output), inter;
		if (output->scene_output != NULL && wlr_box_intersection(&inter, &box, &geo)) {
			return true;
		}
	}
	return false;
}

void view_arrange_output(struct cordon_server *server) {
	struct cordon_output *first = output_at(server, 0, 0);
	struct wlr_box area = layer_shell_usable_box(server, first);
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		if (!view->mapped) {
			continue;
		}
		if (first != NULL && !view->fullscreen && !view->maximized && !view_on_screen(view)) {
			/* Its output went away: bring it back where the user can reach it. */
			struct frame_extents ext = frame_extents(view->frame);
			view->x = area.x + ext.left + 32;
			view->y = area.y + ext.top + 32;
			view_update_position(view);
		}
		if (view->fullscreen) {
			view_fit(view, view_output_box(view), frame_mode_of(view->frame));
		} else if (view->maximized) {
			view_fit(view, view_output_box(view), FRAME_NORMAL);
		}
	}
}

void view_switch_workspace(struct cordon_server *server, int workspace) {
	if (workspace < 0 || workspace >= SERVER_WORKSPACES ||
			workspace == server->workspace) {
		return;
	}
	view_show_workspace(server, workspace);
	/* The user's switch picks the window: straight from the old focus to it. */
	view_focus_next(server);
}

void view_move_to_workspace(struct cordon_view *view, int workspace) {
	struct cordon_server *server = view->server;
	if (workspace < 0 || workspace >= SERVER_WORKSPACES || view->workspace == workspace) {
		return;
	}
	view->workspace = workspace;
	wlr_scene_node_set_enabled(&view->tree->node,
		workspace == server->workspace && !view->minimized);
	fullscreen_edge_update(view);
	if (server->focused_view == view) {
		view_focus_next(server);
	} else if (view->fullscreen && workspace == server->workspace) {
		/* Arriving unfocused, it must not cover the focused window. */
		view_set_fullscreen(view, false);
	}
	events_window(view, "state");
}

void view_cycle(struct cordon_server *server, bool backwards) {
	if (!server->cycle.active) {
		server->cycle.active = true;
		server->cycle.view = server->focused_view;
	}
	struct wl_list *start = server->cycle.view ? &server->cycle.view->link : &server->views;
	struct wl_list *pos = start;
	/* Walk the MRU list, which stays put until the cycle ends. */
	do {
		pos = backwards ? pos->prev : pos->next;
		if (pos == &server->views) {
			continue;
		}
		struct cordon_view *view = wl_container_of(pos, view, link);
		if (view_cyclable(view)) {
			server->cycle.view = view;
			view_focus(view);
			return;
		}
	} while (pos != start);
}

void view_cycle_end(struct cordon_server *server) {
	server->cycle.active = false;
	struct cordon_view *view = server->cycle.view;
	server->cycle.view = NULL;
	if (view != NULL && view == server->focused_view) {
		wl_list_remove(&view->link);
		wl_list_insert(&server->views, &view->link);
	}
}

struct cordon_view *view_from_id(struct cordon_server *server, uint32_t id) {
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		if (view->id == id && view->mapped) {
			return view;
		}
	}
	return NULL;
}

struct cordon_view *view_at(struct cordon_server *server, double lx, double ly,
		struct wlr_surface **surface, double *sx, double *sy) {
	*surface = NULL;
	struct wlr_scene_node *node = wlr_scene_node_at(&server->scene->tree.node, lx, ly,
		sx, sy);
	if (node == NULL) {
		return NULL;
	}
	if (node->type == WLR_SCENE_NODE_BUFFER) {
		struct wlr_scene_surface *scene_surface =
			wlr_scene_surface_try_from_buffer(wlr_scene_buffer_from_node(node));
		if (scene_surface != NULL) {
			*surface = scene_surface->surface;
		}
	}
	/* Only view trees carry data: walk up until one does. */
	for (struct wlr_scene_tree *tree = node->parent; tree != NULL;
			tree = tree->node.parent) {
		if (tree->node.data != NULL) {
			return tree->node.data;
		}
	}
	/* No window: the host's layer and lock surfaces take the pointer too. */
	if (*surface != NULL && !(session_lock_active(server) ?
			session_lock_owns_surface(server, *surface) :
			layer_shell_owns_surface(*surface))) {
		*surface = NULL;
	}
	return NULL;
}

void view_begin_interactive(struct cordon_view *view, enum cursor_mode mode,
		uint32_t edges) {
	struct cordon_server *server = view->server;
	if (view->fullscreen || (view->maximized && mode == CURSOR_RESIZE)) {
		return;
	}
	if (view->maximized) {
		/* Dragging a maximized window restores it under the pointer. */
		view->maximized = false;
		view_state_maximized(view, false);
		struct wlr_box geo = view_geometry(view);
		double fx = (server->cursor->x - geo.x) / (geo.width ? geo.width : 1);
		view->saved.x = (int)lround(server->cursor->x - fx * view->saved.width);
		view->saved.y = (int)lround(server->cursor->y) + 8;
		view_request_geometry(view, view->saved);
	}
	server->grab.view = view;
	server->grab.mode = mode;
	struct wlr_box geo = view_geometry(view);
	if (mode == CURSOR_MOVE) {
		/* A size still on its way must not pull the window back to its old anchor. */
		view->pending_edges = 0;
		server->grab.x = server->cursor->x - view->x;
		server->grab.y = server->cursor->y - view->y;
	} else {
		server->grab.x = server->cursor->x;
		server->grab.y = server->cursor->y;
		server->grab.geobox = geo;
		server->grab.edges = edges;
	}
	wlr_seat_pointer_clear_focus(server->seat);
}

/* The frame's outer box around content box geo with extents ext. */
static struct wlr_box view_outer_box(struct wlr_box geo, struct frame_extents ext) {
	return (struct wlr_box){geo.x - ext.left, geo.y - ext.top,
		geo.width + ext.left + ext.right, geo.height + ext.top + ext.bottom};
}

/*
 * Whether the outer box cand overlaps any of the n others' outer boxes.
 * Each box compared spends one unit of *budget; once it is spent every
 * spot counts as taken (the caller cascades): a screen full of windows
 * must not make each new one cost candidates squared times windows.
 */
static bool view_place_taken(const struct wlr_box *others, size_t n, struct wlr_box cand,
		long *budget) {
	for (size_t i = 0; i < n; i++) {
		if (--*budget < 0) {
			return true;
		}
		struct wlr_box inter;
		if (wlr_box_intersection(&inter, &cand, &others[i])) {
			return true;
		}
	}
	return false;
}

/*
 * Finds the first free spot (top to bottom, then left to right) for an outer
 * box of w x h in area. A free spot, if there is one, can always be slid up
 * and left until its corner is on the area's edge or on another window's
 * right or bottom edge: those are the only candidates tried.
 */
/* Corners tried: the area's and those of the most recently used windows. */
#define PLACE_CANDIDATES 64
/* Box comparisons one placement may make (about a millisecond). */
#define PLACE_BUDGET 200000L

static bool view_place_free(struct cordon_view *view, struct wlr_box area, int w, int h,
		int *out_x, int *out_y) {
	/*
	 * Each candidate pair is checked against every window: bounded, so that
	 * a guest mapping thousands of windows cannot make each map cubic.
	 */
	size_t n = 1;
	struct cordon_view *other;
	wl_list_for_each(other, &view->server->views, link) {
		n += n < PLACE_CANDIDATES && other != view && view_visible(other);
	}
	/* Every other shown window's outer box, read once, not per candidate. */
	size_t n_others = 0;
	wl_list_for_each(other, &view->server->views, link) {
		n_others += other != view && view_visible(other);
	}
	int *xs = calloc(n, sizeof(*xs));
	int *ys = calloc(n, sizeof(*ys));
	struct wlr_box *others = calloc(n_others + 1, sizeof(*others));
	if (xs == NULL || ys == NULL || others == NULL) {
		wlr_log(WLR_ERROR, "placement: out of memory for %zu candidates", n);
		free(xs);
		free(ys);
		free(others);
		return false;
	}
	size_t k = 0;
	wl_list_for_each(other, &view->server->views, link) {
		if (other != view && view_visible(other)) {
			others[k++] = view_outer_box(view_geometry(other), frame_extents(other->frame));
		}
	}
	xs[0] = area.x;
	ys[0] = area.y;
	size_t i = 1;
	wl_list_for_each(other, &view->server->views, link) {
		if (i < n && other != view && view_visible(other)) {
			struct wlr_box ob =
				view_outer_box(view_geometry(other), frame_extents(other->frame));
			xs[i] = ob.x + ob.width;
			ys[i] = ob.y + ob.height;
			i++;
		}
	}
	bool found = false;
	long budget = PLACE_BUDGET;
	for (size_t yi = 0; yi < n && budget > 0; yi++) {
		int y = ys[yi];
		if (y < area.y || y + h > area.y + area.height || (found && y > *out_y)) {
			continue;
		}
		for (size_t xi = 0; xi < n; xi++) {
			int x = xs[xi];
			if (x < area.x || x + w > area.x + area.width ||
					(found && y == *out_y && x >= *out_x)) {
				continue;
			}
			if (!view_place_taken(others, n_others, (struct wlr_box){x, y, w, h},
					&budget)) {
				*out_x = x;
				*out_y = y;
				found = true;
			}
		}
	}
	free(xs);
	free(ys);
	free(others);
	return found;
}

/*
 * Places a new window in the area of the output under the pointer (less
 * what layer surfaces' exclusive zones reserve). A window larger
 * than the area is asked to fit, down to its minimum size; one whose
 * minimum is larger still gets its titlebar and left edge on screen. Then
 * the first free spot without overlap, else a cascade from the corner.
 */
static void view_place(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	view_read_geometry(view);
	struct cordon_output *output = output_at(server, server->cursor->x, server->cursor->y);
	struct wlr_box area = layer_shell_usable_box(server, output);
	struct frame_extents ext = frame_extents(view->frame);
	struct wlr_box geo = view->geo;
	int fit_w = area.width - ext.left - ext.right;
	int fit_h = area.height - ext.top - ext.bottom;
	int min_w = view->toplevel ? view->toplevel->current.min_width : 0;
	int min_h = view->toplevel ? view->toplevel->current.min_height : 0;
	bool resize = false;
	if (geo.width > fit_w && fit_w > 0) {
		geo.width = fit_w > min_w ? fit_w : min_w;
		resize = geo.width != view->geo.width;
	}
	if (geo.height > fit_h && fit_h > 0) {
		geo.height = fit_h > min_h ? fit_h : min_h;
		resize = resize || geo.height != view->geo.height;
	}
	int w = geo.width + ext.left + ext.right;
	int h = geo.height + ext.top + ext.bottom;
	int x = 0, y = 0; /* -O2 cannot see that view_place_free sets them */
	if (w > area.width || h > area.height) {
		x = area.x;
		y = area.y;
	} else if (!view_place_free(view, area, w, h, &x, &y)) {
		int n = 0;
		struct cordon_view *other;
		wl_list_for_each(other, &server->views, link) {
			n += view_visible(other) && other != view;
		}
		/* As many steps as keep the whole frame inside the area. */
		const int step = 32;
		int kx = (area.width - w) / step, ky = (area.height - h) / step;
		int k = (kx < ky ? kx : ky) + 1;
		int offset = (n % k) * step;
		x = area.x + offset;
		y = area.y + offset;
	}
	view->x = x + ext.left;
	view->y = y + ext.top;
	if (view->geo.width > fit_w || view->geo.height > fit_h) {
		wlr_log(WLR_INFO, "domain %s: window %dx%d does not fit %dx%d; %s %dx%d "
			"(its minimum: %dx%d)", view->domain->name, view->geo.width, view->geo.height,
			fit_w, fit_h, resize ? "asking for" : "kept at", geo.width, geo.height,
			min_w, min_h);
	}
	if (resize) {
		geo.x = view->x;
		geo.y = view->y;
		view_request_geometry(view, geo);
	}
}

void view_send_bounds(struct cordon_view *view) {
	if (view->xsurface != NULL ||
			wl_resource_get_version(view->toplevel->resource) <
			XDG_TOPLEVEL_CONFIGURE_BOUNDS_SINCE_VERSION) {
		return;
	}
	struct cordon_server *server = view->server;
	struct wlr_box area = layer_shell_usable_box(server,
		output_at(server, server->cursor->x, server->cursor->y));
	struct frame_extents ext = frame_extents_for(view, FRAME_NORMAL);
	int w = area.width - ext.left - ext.right;
	int h = area.height - ext.top - ext.bottom;
	if (w > 0 && h > 0) {
		wlr_xdg_toplevel_set_bounds(view->toplevel, w, h);
	}
}

void view_map(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	if (view->console && !view->domain->config->console_window) {
		wlr_log(WLR_INFO, "domain %s: console window hidden (console-window = no)",
			view->domain->name);
		view->hidden = true;
		return;
	}
	view->mapped = true;
	view->minimized = false;
	view->workspace = server->workspace;
	if (view->maximized && view->toplevel != NULL && view->toplevel->current.maximized) {
		/* Maximized from its first configure: view_fit has placed it. */
		view_read_geometry(view);
	} else {
		view_place(view);
	}
	view_update_position(view);
	wlr_scene_node_set_enabled(&view->tree->node, true);
	wl_list_remove(&view->link);
	wl_list_insert(&server->views, &view->link);

	/* A window of another domain must not grab the keyboard by appearing. */
	struct cordon_view *focused = server->focused_view;
	bool activated = activation_take(view);
	if (focused == NULL || focused->domain == view->domain || activated) {
		view_focus(view);
	} else {
		view->urgent = true;
		frame_set_urgent(view->frame, true);
		wlr_log(WLR_INFO, "domain %s: new window '%s' marked urgent instead of focused",
			view->domain->name, view->title ? view->title : "");
		/*
		 * Keep the focused window on top so the newcomer cannot cover it.
		 * A fullscreen focused window is in a higher layer already.
		 */
		if (view->tree->node.parent == focused->tree->node.parent) {
			wlr_scene_node_place_below(&view->tree->node, &focused->tree->node);
		}
		/* Behind the focused window in the MRU order too: never next in line. */
		wl_list_remove(&view->link);
		wl_list_insert(&focused->link, &view->link);
	}
	events_window(view, "new");
}

void view_unmap(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	if (view->hidden) {
		view->hidden = false;
		return;
	}
	if (server->grab.view == view) {
		server->grab.mode = CURSOR_PASSTHROUGH;
		server->grab.view = NULL;
	}
	if (server->cycle.view == view) {
		server->cycle.view = NULL;
	}
	view->mapped = false;
	view->minimized = false;
	wlr_scene_node_set_enabled(&view->tree->node, false);
	fullscreen_banner_hide(view);
	fullscreen_edge_update(view);
	/* An activation it did not spend on this map is not kept for the next. */
	activation_take(view);
	if (view->fullscreen) {
		/*
		 * wlroots has reset the toplevel's state (no configure may be sent
		 * now); cordon's must end too, or the window comes back in the
		 * fullscreen layer above whatever has focus then.
		 */
		view->fullscreen = false;
		frame_set_mode(view->frame, FRAME_NORMAL);
		wlr_scene_node_reparent(&view->tree->node, server->layers[LAYER_VIEWS]);
	}
	events_window(view, "close");
	if (server->focused_view == view) {
		/* It is going: nothing to deactivate, the next one is focused in one step. */
		server->focused_view = NULL;
		view_focus_next(server);
	}
}

void view_leave_fullscreen_all(struct cordon_server *server) {
	struct cordon_view *view, *tmp;
	wl_list_for_each_safe(view, tmp, &server->views, link) {
		if (view->fullscreen && view_visible(view)) {
			wlr_log(WLR_INFO, "domain %s: window %u leaves fullscreen (escape key)",
				view->domain->name, view->id);
			view_set_fullscreen(view, false);
		}
	}
}

void view_init(struct cordon_server *server) {
	server->next_view_id = 1;
	listener_connect(&server->seat->events.keyboard_grab_begin, &server->keyboard_grab_begin,
		handle_keyboard_grab_begin);
}

void view_finish(struct cordon_server *server) {
	/* Views go with their clients; nothing is left by now. */
	listener_remove(&server->keyboard_grab_begin);
	if (server->grab_check != NULL) {
		wl_event_source_remove(server->grab_check);
		server->grab_check = NULL;
	}
}
