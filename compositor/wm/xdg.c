#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_activation_v1.h>
#include <wlr/types/wlr_xdg_decoration_v1.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/log.h>
#include "compositor/guard/activation.h"
#include "compositor/wm/cursor.h"
#include "compositor/domain/domain.h"
#include "compositor/ipc/events.h"
#include "compositor/render/frame.h"
#include "compositor/wm/foreign_toplevel.h"
#include "compositor/wm/output.h"
#include "compositor/wm/popup.h"
#include "compositor/guard/sanitize.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"
#include "compositor/wm/xdg.h"

static void xdg_apply_fullscreen_request(struct cordon_view *view);

static void handle_toplevel_map(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, map);
	view_map(view);
	/*
	 * Programs that start fullscreen (players, games, kiosks) ask before
	 * their first commit, when no configure may be sent yet: the request
	 * is answered now, under the same rule as a later one.
	 */
	if (view->mapped && view->toplevel->requested.fullscreen) {
		xdg_apply_fullscreen_request(view);
	}
	cursor_rebase(view->server);
}

static void handle_toplevel_unmap(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, unmap);
	view_unmap(view);
	cursor_rebase(view->server);
}

static void xdg_set_decoration_mode(struct cordon_view *view) {
	/* Always server side: cordon's frame is drawn whatever the client asks. */
	if (view->decoration != NULL && view->toplevel->base->initialized) {
		wlr_xdg_toplevel_decoration_v1_set_mode(view->decoration,
			WLR_XDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
	}
}

static void handle_toplevel_commit(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, commit);
	if (view->toplevel->base->initial_commit) {
		/* Let the client pick its size; cordon only places it. */
		xdg_set_decoration_mode(view);
		wlr_xdg_toplevel_set_wm_capabilities(view->toplevel,
			WLR_XDG_TOPLEVEL_WM_CAPABILITIES_MAXIMIZE |
			WLR_XDG_TOPLEVEL_WM_CAPABILITIES_FULLSCREEN);
		wlr_xdg_toplevel_set_size(view->toplevel, 0, 0);
		view_send_bounds(view);
		if (view->toplevel->requested.maximized) {
			view_maximize_initial(view);
		}
		return;
	}
	view_handle_commit(view);
	/*
	 * What lies under a still pointer may have changed (a resize, a moved
	 * or restacked subsurface): only this window's surfaces or the focused
	 * one can. Now, before a later request of the batch (a sync) is
	 * answered; the scene tree made before this listener has already
	 * applied the commit.
	 */
	struct cordon_server *server = view->server;
	struct wlr_surface *focused = server->seat->pointer_state.focused_surface;
	struct wlr_box box = view_geometry(view);
	if (view->mapped && ((focused != NULL && wl_resource_get_client(focused->resource) ==
			wl_resource_get_client(view->toplevel->base->resource)) ||
			wlr_box_contains_point(&box, server->cursor->x, server->cursor->y))) {
		cursor_refresh(server);
	}
}

/* A move or resize the client asks for: only for a button it really has pressed. */
static void xdg_request_grab(struct cordon_view *view, uint32_t serial,
		enum cursor_mode mode, uint32_t edges) {
	if (view->server->focused_view == view &&
			wlr_seat_validate_pointer_grab_serial(view->server->seat,
				view->toplevel->base->surface, serial)) {
		view_begin_interactive(view, mode, edges);
	}
}

static void handle_toplevel_request_move(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, request_move);
	struct wlr_xdg_toplevel_move_event *event = data;
	xdg_request_grab(view, event->serial, CURSOR_MOVE, 0);
}

static void handle_toplevel_request_resize(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, request_resize);
	struct wlr_xdg_toplevel_resize_event *event = data;
	xdg_request_grab(view, event->serial, CURSOR_RESIZE, event->edges);
}

static void handle_toplevel_request_maximize(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, request_maximize);
	if (!view->toplevel->base->initialized) {
		return;
	}
	view_set_maximized(view, view->toplevel->requested.maximized);
}

static void handle_toplevel_request_fullscreen(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, request_fullscreen);
	if (!view->toplevel->base->initialized) {
		/* Remembered in requested.fullscreen; answered at map. */
		return;
	}
	xdg_apply_fullscreen_request(view);
}

static void xdg_apply_fullscreen_request(struct cordon_view *view) {
	bool want = view->toplevel->requested.fullscreen;
	if (want && view->mapped && view != view->server->focused_view) {
		/* Going fullscreen would cover the focused window: a user's click first. */
		wlr_log(WLR_INFO, "domain %s: fullscreen refused for a window without focus",
			view->domain->name);
		wlr_xdg_surface_schedule_configure(view->toplevel->base);
		if (!view->urgent) {
			view->urgent = true;
			frame_set_urgent(view->frame, true);
			events_window(view, "urgent");
		}
		return;
	}
	view_set_fullscreen(view, want);
}

static void handle_toplevel_request_minimize(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, request_minimize);
	/* A window may hide itself (its own minimize button); it cannot show itself again. */
	view_set_minimized(view, true);
	if (view->toplevel->base->initialized) {
		wlr_xdg_surface_schedule_configure(view->toplevel->base);
	}
}

/*
 * crosvm's own display backend shows the guest's framebuffer console in a
 * toplevel titled "crosvm". It is the VM's, so it keeps the domain's frame;
 * cordon names it "console" and hides it when console-window = no.
 */
static bool xdg_is_crosvm_console(struct cordon_view *view) {
	const struct config_domain *cfg = view->domain->config;
	return cfg != NULL && cfg->kind == CONFIG_DOMAIN_CROSVM &&
		view->toplevel->title != NULL && strcmp(view->toplevel->title, "crosvm") == 0;
}

static void handle_toplevel_set_title(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, set_title);
	view->console = xdg_is_crosvm_console(view);
	char *title = sanitize_text(view->console ? "console" : view->toplevel->title,
		(size_t)view->server->config->title_max);
	if (title == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory for a title", view->domain->name);
		return;
	}
	if (view->title != NULL && strcmp(view->title, title) == 0) {
		free(title);
		return;
	}
	free(view->title);
	view->title = title;
	frame_set_title(view->frame, title);
	if (view->mapped) {
		events_window(view, "title");
	}
}

static void handle_toplevel_set_app_id(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, set_app_id);
	char *app_id = sanitize_text(view->toplevel->app_id,
		(size_t)view->server->config->title_max);
	if (app_id == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory for an app id", view->domain->name);
		return;
	}
	free(view->app_id);
	view->app_id = app_id;
	foreign_toplevel_update(view);
}

static void handle_toplevel_destroy(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, destroy);
	foreign_toplevel_forget(view);
	/* Unmap took it out of focus, cycles, grabs and prompts' view. */
	wl_list_remove(&view->map.link);
	wl_list_remove(&view->unmap.link);
	wl_list_remove(&view->commit.link);
	wl_list_remove(&view->destroy.link);
	wl_list_remove(&view->request_move.link);
	wl_list_remove(&view->request_resize.link);
	wl_list_remove(&view->request_maximize.link);
	wl_list_remove(&view->request_fullscreen.link);
	wl_list_remove(&view->request_minimize.link);
	wl_list_remove(&view->set_title.link);
	wl_list_remove(&view->set_app_id.link);
	if (view->decoration != NULL) {
		wl_list_remove(&view->decoration_request_mode.link);
		wl_list_remove(&view->decoration_destroy.link);
	}
	view_free(view);
}

static bool xdg_make_surfaces(struct cordon_view *view, void *data) {
	struct wlr_xdg_toplevel *toplevel = data;
	view->surface_tree = wlr_scene_xdg_surface_create(view->tree, toplevel->base);
	return view->surface_tree != NULL;
}

static void handle_new_xdg_toplevel(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, new_xdg_toplevel);
	struct wlr_xdg_toplevel *toplevel = data;
	struct wl_client *client = wl_resource_get_client(toplevel->resource);
	struct cordon_domain *domain = domain_of_client(server, client);
	if (domain == NULL) {
		wl_client_post_no_memory(client);
		return;
	}
	/* Sandboxes have no section of their own: they get a guest's default. */
	int limit = domain->config ? domain->config->max_windows :
		domain->type == DOMAIN_SANDBOX ? CONFIG_DEFAULT_MAX_WINDOWS : 0;
	if (limit > 0 && domain->n_views >= limit) {
		wlr_log(WLR_ERROR, "domain %s: max-windows %d reached; disconnecting the client",
			domain->name, limit);
		wl_resource_post_error(toplevel->resource, XDG_WM_BASE_ERROR_ROLE,
			"cordon: domain window limit (%d) reached", limit);
		return;
	}

	struct cordon_view *view = view_create(domain, "a window", xdg_make_surfaces,
		toplevel);
	if (view == NULL) {
		wl_client_post_no_memory(client);
		return;
	}
	view->toplevel = toplevel;
	toplevel->base->data = view->surface_tree;

	struct wlr_surface *surface = toplevel->base->surface;
	listener_connect(&surface->events.map, &view->map, handle_toplevel_map);
	listener_connect(&surface->events.unmap, &view->unmap, handle_toplevel_unmap);
	listener_connect(&surface->events.commit, &view->commit, handle_toplevel_commit);
	listener_connect(&toplevel->events.destroy, &view->destroy, handle_toplevel_destroy);
	listener_connect(&toplevel->events.request_move, &view->request_move,
		handle_toplevel_request_move);
	listener_connect(&toplevel->events.request_resize, &view->request_resize,
		handle_toplevel_request_resize);
	listener_connect(&toplevel->events.request_maximize, &view->request_maximize,
		handle_toplevel_request_maximize);
	listener_connect(&toplevel->events.request_fullscreen, &view->request_fullscreen,
		handle_toplevel_request_fullscreen);
	listener_connect(&toplevel->events.request_minimize, &view->request_minimize,
		handle_toplevel_request_minimize);
	listener_connect(&toplevel->events.set_title, &view->set_title,
		handle_toplevel_set_title);
	listener_connect(&toplevel->events.set_app_id, &view->set_app_id,
		handle_toplevel_set_app_id);
}

static void handle_decoration_request_mode(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, decoration_request_mode);
	xdg_set_decoration_mode(view);
}

static void handle_decoration_destroy(struct wl_listener *listener, void *data) {
	struct cordon_view *view = wl_container_of(listener, view, decoration_destroy);
	wl_list_remove(&view->decoration_request_mode.link);
	wl_list_remove(&view->decoration_destroy.link);
	view->decoration = NULL;
}

static void handle_new_decoration(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, new_decoration);
	struct wlr_xdg_toplevel_decoration_v1 *decoration = data;
	struct wlr_scene_tree *tree = decoration->toplevel->base->data;
	struct cordon_view *view = tree ? tree->node.parent->node.data : NULL;
	if (view == NULL || view->decoration != NULL) {
		return;
	}
	view->decoration = decoration;
	listener_connect(&decoration->events.request_mode, &view->decoration_request_mode,
		handle_decoration_request_mode);
	listener_connect(&decoration->events.destroy, &view->decoration_destroy,
		handle_decoration_destroy);
	xdg_set_decoration_mode(view);
}

void xdg_init(struct cordon_server *server) {
	listener_connect(&server->xdg_shell->events.new_toplevel, &server->new_xdg_toplevel,
		handle_new_xdg_toplevel);
	listener_connect(&server->xdg_shell->events.new_popup, &server->new_xdg_popup,
		handle_new_xdg_popup);
	listener_connect(&server->decoration_manager->events.new_toplevel_decoration,
		&server->new_decoration, handle_new_decoration);
	activation_init(server);
}

void xdg_finish(struct cordon_server *server) {
	listener_remove(&server->new_xdg_toplevel);
	listener_remove(&server->new_xdg_popup);
	listener_remove(&server->new_decoration);
	activation_finish(server);
}
