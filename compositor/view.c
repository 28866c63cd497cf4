#include <math.h>
#include <stdlib.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/edges.h>
#include <wlr/util/log.h>
#include "compositor/clipboard.h"
#include "compositor/cursor.h"
#include "compositor/domain.h"
#include "compositor/frame.h"
#include "compositor/input.h"
#include "compositor/output.h"
#include "compositor/server.h"
#include "compositor/view.h"
#include "compositor/events.h"
#include "compositor/fullscreen.h"

struct wlr_box view_geometry(struct cordon_view *view) {
	struct wlr_box geo;
	wlr_xdg_surface_get_geometry(view->toplevel->base, &geo);
	return (struct wlr_box){view->x, view->y, geo.width, geo.height};
}

void view_update_position(struct cordon_view *view) {
	struct frame_extents ext = frame_extents(view->frame);
	struct wlr_box geo;
	wlr_xdg_surface_get_geometry(view->toplevel->base, &geo);
	/* The surface's own geometry offset hides client-side shadows. */
	wlr_scene_node_set_position(&view->tree->node, view->x - ext.left, view->y - ext.top);
	wlr_scene_node_set_position(&view->surface_tree->node, ext.left - geo.x,
		ext.top - geo.y);
	/*
	 * Guests are clipped to their window geometry so nothing they draw
	 * reaches past cordon's frame. The subsurface tree is the xdg tree's
	 * first child; popups, added later, stay unclipped and get their own frame.
	 */
	if (!domain_is_host(view->domain) && !wl_list_empty(&view->surface_tree->children)) {
		struct wlr_scene_node *surfaces =
			wl_container_of(view->surface_tree->children.next, surfaces, link);
		struct wlr_box clip = geo;
		wlr_scene_subsurface_tree_set_clip(surfaces, &clip);
	}
}

void view_request_geometry(struct cordon_view *view, struct wlr_box box) {
	view->pending = box;
	view->has_pending = true;
	view->pending_edges = view->server->cursor_mode == CURSOR_RESIZE ?
		view->server->resize_edges : 0;
	wlr_xdg_toplevel_set_size(view->toplevel, box.width, box.height);
	if (view->pending_edges == 0) {
		view->x = box.x;
		view->y = box.y;
		view_update_position(view);
	}
}

/* Called on every commit: keeps the frame and the anchored edge in place. */
void view_handle_commit(struct cordon_view *view) {
	struct wlr_box geo;
	wlr_xdg_surface_get_geometry(view->toplevel->base, &geo);
	if (view->has_pending) {
		if (view->pending_edges & WLR_EDGE_LEFT) {
			view->x = view->pending.x + view->pending.width - geo.width;
		}
		if (view->pending_edges & WLR_EDGE_TOP) {
			view->y = view->pending.y + view->pending.height - geo.height;
		}
		if (geo.width == view->pending.width && geo.height == view->pending.height) {
			view->has_pending = false;
		}
	}
	frame_update(view->frame, geo.width, geo.height);
	view_update_position(view);
}

static bool view_visible(struct cordon_view *view) {
	return view->mapped && view->workspace == view->server->workspace;
}

static void view_set_activated(struct cordon_view *view, bool activated) {
	wlr_xdg_toplevel_set_activated(view->toplevel, activated);
	frame_set_active(view->frame, activated);
}

static void view_keyboard_enter(struct cordon_server *server, struct cordon_view *view) {
	struct wlr_surface *surface = view->toplevel->base->surface;
	/* The domain's own clipboard view must be the seat's before enter sends it. */
	clipboard_focus_domain(server, view->domain);
	input_keyboard_enter(server, surface);
}

void view_focus(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	if (!view->mapped) {
		return;
	}
	if (view->workspace != server->workspace) {
		view_switch_workspace(server, view->workspace);
	}
	struct cordon_view *prev = server->focused_view;
	/* Nothing focused may sit hidden under another window's fullscreen. */
	struct cordon_view *other, *tmp;
	wl_list_for_each_safe(other, tmp, &server->views, link) {
		if (other != view && other->fullscreen && other->workspace == view->workspace) {
			view_set_fullscreen(other, false);
		}
	}
	wlr_scene_node_raise_to_top(&view->tree->node);
	if (!server->cycling) {
		wl_list_remove(&view->link);
		wl_list_insert(&server->views, &view->link);
	}
	if (prev == view) {
		return;
	}
	if (prev != NULL) {
		view_set_activated(prev, false);
	}
	server->focused_view = view;
	if (view->urgent) {
		view->urgent = false;
		frame_set_urgent(view->frame, false);
	}
	view_set_activated(view, true);
	view_keyboard_enter(server, view);
	events_window(view, "focus");
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
	server->focused_view = NULL;
	wlr_seat_keyboard_notify_clear_focus(server->seat);
	clipboard_focus_domain(server, NULL);
}

void view_close(struct cordon_view *view) {
	wlr_xdg_toplevel_send_close(view->toplevel);
}

/* The box of the output the view is (mostly) on. */
static struct wlr_box view_output_box(struct cordon_view *view) {
	struct wlr_box geo = view_geometry(view);
	struct cordon_output *output = output_at(view->server, geo.x + geo.width / 2.0,
		geo.y + geo.height / 2.0);
	return output_box(output);
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

void view_set_maximized(struct cordon_view *view, bool maximized) {
	if (view->fullscreen || view->maximized == maximized || !view->mapped) {
		/* The protocol still wants a configure in reply to every request. */
		if (view->toplevel->base->initialized) {
			wlr_xdg_surface_schedule_configure(view->toplevel->base);
		}
		return;
	}
	if (maximized) {
		view->saved = view_geometry(view);
		view->maximized = true;
		wlr_xdg_toplevel_set_maximized(view->toplevel, true);
		view_fit(view, view_output_box(view), FRAME_NORMAL);
	} else {
		view->maximized = false;
		wlr_xdg_toplevel_set_maximized(view->toplevel, false);
		view_request_geometry(view, view->saved);
	}
	events_window(view, "state");
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
		if (view->toplevel->base->initialized) {
			wlr_xdg_surface_schedule_configure(view->toplevel->base);
		}
		return;
	}
	if (fullscreen) {
		if (!view->maximized) {
			view->saved = view_geometry(view);
		}
		view->fullscreen = true;
		enum frame_mode mode = policy == CONFIG_FULLSCREEN_EDGE ? FRAME_EDGE : FRAME_NONE;
		frame_set_mode(view->frame, mode);
		wlr_scene_node_reparent(&view->tree->node, server->layers[LAYER_FULLSCREEN]);
		wlr_xdg_toplevel_set_fullscreen(view->toplevel, true);
		view_fit(view, view_output_box(view), mode);
		if (mode == FRAME_EDGE) {
			fullscreen_banner_show(view);
		}
	} else {
		view->fullscreen = false;
		frame_set_mode(view->frame, FRAME_NORMAL);
		wlr_scene_node_reparent(&view->tree->node, server->layers[LAYER_VIEWS]);
		wlr_xdg_toplevel_set_fullscreen(view->toplevel, false);
		fullscreen_banner_hide(view);
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
	struct wlr_box area = output_box(first);
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
	server->workspace = workspace;
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		if (view->mapped) {
			wlr_scene_node_set_enabled(&view->tree->node, view->workspace == workspace);
		}
	}
	if (server->focused_view != NULL && server->focused_view->workspace != workspace) {
		view_set_activated(server->focused_view, false);
		server->focused_view = NULL;
	}
	view_focus_next(server);
	cursor_rebase(server);
}

void view_move_to_workspace(struct cordon_view *view, int workspace) {
	struct cordon_server *server = view->server;
	if (workspace < 0 || workspace >= SERVER_WORKSPACES || view->workspace == workspace) {
		return;
	}
	view->workspace = workspace;
	wlr_scene_node_set_enabled(&view->tree->node, workspace == server->workspace);
	if (server->focused_view == view) {
		view_set_activated(view, false);
		server->focused_view = NULL;
		view_focus_next(server);
	}
	events_window(view, "state");
	cursor_rebase(server);
}

void view_cycle(struct cordon_server *server, bool backwards) {
	if (!server->cycling) {
		server->cycling = true;
		server->cycle_view = server->focused_view;
	}
	struct wl_list *start = server->cycle_view ? &server->cycle_view->link : &server->views;
	struct wl_list *pos = start;
	/* Walk the MRU list, which stays put until the cycle ends. */
	do {
		pos = backwards ? pos->prev : pos->next;
		if (pos == &server->views) {
			continue;
		}
		struct cordon_view *view = wl_container_of(pos, view, link);
		if (view_visible(view)) {
			server->cycle_view = view;
			view_focus(view);
			return;
		}
	} while (pos != start);
}

void view_cycle_end(struct cordon_server *server) {
	server->cycling = false;
	struct cordon_view *view = server->cycle_view;
	server->cycle_view = NULL;
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
	*surface = NULL;
	return NULL;
}

void view_begin_interactive(struct cordon_view *view, int mode, uint32_t edges) {
	struct cordon_server *server = view->server;
	if (view->fullscreen || (view->maximized && mode == CURSOR_RESIZE)) {
		return;
	}
	if (view->maximized) {
		/* Dragging a maximized window restores it under the pointer. */
		view->maximized = false;
		wlr_xdg_toplevel_set_maximized(view->toplevel, false);
		struct wlr_box geo = view_geometry(view);
		double fx = (server->cursor->x - geo.x) / (geo.width ? geo.width : 1);
		view->saved.x = (int)lround(server->cursor->x - fx * view->saved.width);
		view->saved.y = (int)lround(server->cursor->y) + 8;
		view_request_geometry(view, view->saved);
	}
	server->grabbed_view = view;
	server->cursor_mode = mode;
	struct wlr_box geo = view_geometry(view);
	if (mode == CURSOR_MOVE) {
		server->grab_x = server->cursor->x - view->x;
		server->grab_y = server->cursor->y - view->y;
	} else {
		server->grab_x = server->cursor->x;
		server->grab_y = server->cursor->y;
		server->grab_geobox = geo;
		server->resize_edges = edges;
	}
	wlr_seat_pointer_clear_focus(server->seat);
}

/* First fit on a 32 px grid of the output, else a cascade from its corner. */
static void view_place(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	struct cordon_output *output = output_at(server, server->cursor->x, server->cursor->y);
	struct wlr_box area = output_box(output);
	struct wlr_box geo = view_geometry(view);
	struct frame_extents ext = frame_extents(view->frame);
	int w = geo.width + ext.left + ext.right;
	int h = geo.height + ext.top + ext.bottom;
	const int step = 32;
	for (int y = area.y; y + h <= area.y + area.height; y += step) {
		for (int x = area.x; x + w <= area.x + area.width; x += step) {
			struct wlr_box cand = {x, y, w, h};
			bool free = true;
			struct cordon_view *other;
			wl_list_for_each(other, &server->views, link) {
				if (other == view || !view_visible(other)) {
					continue;
				}
				struct wlr_box og = view_geometry(other);
				struct frame_extents oe = frame_extents(other->frame);
				struct wlr_box ob = {og.x - oe.left, og.y - oe.top,
					og.width + oe.left + oe.right, og.height + oe.top + oe.bottom};
				struct wlr_box inter;
				if (wlr_box_intersection(&inter, &cand, &ob)) {
					free = false;
					break;
				}
			}
			if (free) {
				view->x = x + ext.left;
				view->y = y + ext.top;
				return;
			}
		}
	}
	int n = 0;
	struct cordon_view *other;
	wl_list_for_each(other, &server->views, link) {
		n += view_visible(other) && other != view;
	}
	int offset = (n % 10) * step;
	view->x = area.x + ext.left + offset;
	view->y = area.y + ext.top + offset;
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
	view->workspace = server->workspace;
	view_place(view);
	view_update_position(view);
	wlr_scene_node_set_enabled(&view->tree->node, true);
	wl_list_remove(&view->link);
	wl_list_insert(&server->views, &view->link);

	/* A window of another domain must not grab the keyboard by appearing. */
	struct cordon_view *focused = server->focused_view;
	if (focused == NULL || focused->domain == view->domain || view->activation_ok) {
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
	cursor_rebase(server);
}

void view_unmap(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	if (view->hidden) {
		view->hidden = false;
		return;
	}
	if (server->grabbed_view == view) {
		server->cursor_mode = CURSOR_PASSTHROUGH;
		server->grabbed_view = NULL;
	}
	if (server->cycle_view == view) {
		server->cycle_view = NULL;
	}
	view->mapped = false;
	wlr_scene_node_set_enabled(&view->tree->node, false);
	fullscreen_banner_hide(view);
	events_window(view, "close");
	if (server->focused_view == view) {
		server->focused_view = NULL;
		view_focus_next(server);
	}
	cursor_rebase(server);
}

void view_init(struct cordon_server *server) {
	server->next_view_id = 1;
}

void view_finish(struct cordon_server *server) {
	/* Views go with their clients; nothing is left by now. */
}
