#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_ext_foreign_toplevel_list_v1.h>
#include <wlr/types/wlr_foreign_toplevel_management_v1.h>
#include <wlr/types/wlr_output.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/wm/foreign_toplevel.h"
#include "compositor/wm/output.h"
#include "compositor/guard/globals.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"

/* ext_foreign_toplevel_list_v1 version wlroots 0.18 implements. */
#define FOREIGN_TOPLEVEL_EXT_VERSION 1

struct foreign_toplevel_manager {
	struct cordon_server *server;
	struct wlr_foreign_toplevel_manager_v1 *wlr;
	struct wlr_ext_foreign_toplevel_list_v1 *ext;
	/* Focus may also go to nobody, which no window event reports. */
	struct wl_listener keyboard_focus_change;
};

/* One mapped window's handles, owned by the view (view->foreign). */
struct foreign_toplevel {
	struct cordon_view *view;
	struct wlr_foreign_toplevel_handle_v1 *wlr;
	struct wlr_ext_foreign_toplevel_handle_v1 *ext;
	char *shown_title; /* what was last sent, to send only changes */

	struct wl_listener request_activate;
	struct wl_listener request_close;
	struct wl_listener request_minimize;
	struct wl_listener request_maximize;
	struct wl_listener request_fullscreen;
};

/*
 * The title a taskbar shows: cordon's tag, then the sanitised client title,
 * as on the frame. The tag comes first, from the domain record, so a title
 * that itself reads "[host] ..." still shows behind its real tag.
 */
static char *foreign_toplevel_title(struct cordon_view *view) {
	const char *title = view->title != NULL ? view->title : "";
	size_t len = strlen(view->domain->name) + strlen(title) + 4;
	char *out = malloc(len);
	if (out != NULL) {
		snprintf(out, len, "[%s] %s", view->domain->name, title);
	}
	return out;
}

static void foreign_toplevel_set_output(struct foreign_toplevel *ft) {
	struct cordon_view *view = ft->view;
	struct cordon_output *output = view_output(view);
	struct wlr_output *want = output != NULL ? output->wlr_output : NULL;
	bool have = false;
	struct wlr_foreign_toplevel_handle_v1_output *ho, *tmp;
	wl_list_for_each_safe(ho, tmp, &ft->wlr->outputs, link) {
		if (ho->output == want) {
			have = true;
		} else {
			wlr_foreign_toplevel_handle_v1_output_leave(ft->wlr, ho->output);
		}
	}
	if (!have && want != NULL) {
		wlr_foreign_toplevel_handle_v1_output_enter(ft->wlr, want);
	}
}

static void foreign_toplevel_refresh(struct foreign_toplevel *ft) {
	struct cordon_view *view = ft->view;
	char *title = foreign_toplevel_title(view);
	if (title == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory for a taskbar title",
			view->domain->name);
		return;
	}
	const char *app_id = view->app_id != NULL ? view->app_id : "";
	bool title_changed = ft->shown_title == NULL || strcmp(ft->shown_title, title) != 0;
	/* wlroots sends title and app id on every set: only changes go out. */
	if (title_changed) {
		wlr_foreign_toplevel_handle_v1_set_title(ft->wlr, title);
	}
	if (ft->wlr->app_id == NULL || strcmp(ft->wlr->app_id, app_id) != 0) {
		wlr_foreign_toplevel_handle_v1_set_app_id(ft->wlr, app_id);
	}
	if (title_changed || ft->ext->app_id == NULL || strcmp(ft->ext->app_id, app_id) != 0) {
		struct wlr_ext_foreign_toplevel_handle_v1_state state = {
			.title = title,
			.app_id = app_id,
		};
		wlr_ext_foreign_toplevel_handle_v1_update_state(ft->ext, &state);
	}
	free(ft->shown_title);
	ft->shown_title = title;
	wlr_foreign_toplevel_handle_v1_set_activated(ft->wlr,
		view->server->focused_view == view);
	wlr_foreign_toplevel_handle_v1_set_minimized(ft->wlr, view->minimized);
	wlr_foreign_toplevel_handle_v1_set_maximized(ft->wlr, view->maximized);
	wlr_foreign_toplevel_handle_v1_set_fullscreen(ft->wlr, view->fullscreen);
	foreign_toplevel_set_output(ft);
}

/*
 * Requests from a taskbar are the host user's: activation goes through
 * view_focus, the one path focus takes, and restores a minimized window.
 */
static void handle_request_activate(struct wl_listener *listener, void *data) {
	struct foreign_toplevel *ft = wl_container_of(listener, ft, request_activate);
	view_focus(ft->view);
}

static void handle_request_close(struct wl_listener *listener, void *data) {
	struct foreign_toplevel *ft = wl_container_of(listener, ft, request_close);
	view_close(ft->view);
}

static void handle_request_minimize(struct wl_listener *listener, void *data) {
	struct foreign_toplevel *ft = wl_container_of(listener, ft, request_minimize);
	const struct wlr_foreign_toplevel_handle_v1_minimized_event *event = data;
	view_set_minimized(ft->view, event->minimized);
	/* The view may have refused (unmapped): the taskbar must see the truth. */
	if (ft->view->foreign == ft) {
		foreign_toplevel_refresh(ft);
	}
}

static void handle_request_maximize(struct wl_listener *listener, void *data) {
	struct foreign_toplevel *ft = wl_container_of(listener, ft, request_maximize);
	const struct wlr_foreign_toplevel_handle_v1_maximized_event *event = data;
	view_set_maximized(ft->view, event->maximized);
	foreign_toplevel_refresh(ft);
}

/*
 * Fullscreen keeps the window's domain policy (deny, edge) whoever asks.
 * A fullscreen window covers every other, so, as with the key and IPC,
 * only the focused one goes fullscreen: the taskbar's choice focuses it
 * first, through the one focus path.
 */
static void handle_request_fullscreen(struct wl_listener *listener, void *data) {
	struct foreign_toplevel *ft = wl_container_of(listener, ft, request_fullscreen);
	const struct wlr_foreign_toplevel_handle_v1_fullscreen_event *event = data;
	if (event->fullscreen && ft->view->server->focused_view != ft->view) {
		view_focus(ft->view);
		if (ft->view->server->focused_view != ft->view) {
			foreign_toplevel_refresh(ft);
			return;
		}
	}
	view_set_fullscreen(ft->view, event->fullscreen);
	foreign_toplevel_refresh(ft);
}

static void foreign_toplevel_create(struct foreign_toplevel_manager *mgr,
		struct cordon_view *view) {
	struct foreign_toplevel *ft = calloc(1, sizeof(*ft));
	if (ft == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory for taskbar handles of window %u",
			view->domain->name, view->id);
		return;
	}
	ft->view = view;
	char *title = foreign_toplevel_title(view);
	struct wlr_ext_foreign_toplevel_handle_v1_state state = {
		.title = title != NULL ? title : "",
		.app_id = view->app_id != NULL ? view->app_id : "",
	};
	ft->wlr = wlr_foreign_toplevel_handle_v1_create(mgr->wlr);
	ft->ext = wlr_ext_foreign_toplevel_handle_v1_create(mgr->ext, &state);
	free(title);
	if (ft->wlr == NULL || ft->ext == NULL) {
		wlr_log(WLR_ERROR, "domain %s: cannot create taskbar handles of window %u",
			view->domain->name, view->id);
		if (ft->wlr != NULL) {
			wlr_foreign_toplevel_handle_v1_destroy(ft->wlr);
		}
		if (ft->ext != NULL) {
			wlr_ext_foreign_toplevel_handle_v1_destroy(ft->ext);
		}
		free(ft);
		return;
	}
	listener_connect(&ft->wlr->events.request_activate, &ft->request_activate,
		handle_request_activate);
	listener_connect(&ft->wlr->events.request_close, &ft->request_close, handle_request_close);
	listener_connect(&ft->wlr->events.request_minimize, &ft->request_minimize,
		handle_request_minimize);
	listener_connect(&ft->wlr->events.request_maximize, &ft->request_maximize,
		handle_request_maximize);
	listener_connect(&ft->wlr->events.request_fullscreen, &ft->request_fullscreen,
		handle_request_fullscreen);
	view->foreign = ft;
	foreign_toplevel_refresh(ft);
}

void foreign_toplevel_forget(struct cordon_view *view) {
	struct foreign_toplevel *ft = view->foreign;
	if (ft == NULL) {
		return;
	}
	view->foreign = NULL;
	wl_list_remove(&ft->request_activate.link);
	wl_list_remove(&ft->request_close.link);
	wl_list_remove(&ft->request_minimize.link);
	wl_list_remove(&ft->request_maximize.link);
	wl_list_remove(&ft->request_fullscreen.link);
	wlr_foreign_toplevel_handle_v1_destroy(ft->wlr);
	wlr_ext_foreign_toplevel_handle_v1_destroy(ft->ext);
	free(ft->shown_title);
	free(ft);
}

void foreign_toplevel_update(struct cordon_view *view) {
	if (view->foreign != NULL) {
		foreign_toplevel_refresh(view->foreign);
	}
}

void foreign_toplevel_window_event(struct cordon_view *view, const char *change) {
	struct foreign_toplevel_manager *mgr = view->server->foreign_toplevel;
	if (mgr == NULL) {
		return;
	}
	if (strcmp(change, "close") == 0) {
		foreign_toplevel_forget(view);
		return;
	}
	if (view->foreign == NULL) {
		if (view->mapped) {
			foreign_toplevel_create(mgr, view);
		}
		return;
	}
	foreign_toplevel_refresh(view->foreign);
}

/* The window that lost focus has no event of its own: every handle follows. */
static void handle_keyboard_focus_change(struct wl_listener *listener, void *data) {
	struct foreign_toplevel_manager *mgr =
		wl_container_of(listener, mgr, keyboard_focus_change);
	struct cordon_view *view;
	wl_list_for_each(view, &mgr->server->views, link) {
		if (view->foreign != NULL) {
			wlr_foreign_toplevel_handle_v1_set_activated(view->foreign->wlr,
				mgr->server->focused_view == view);
		}
	}
}

bool foreign_toplevel_init(struct cordon_server *server) {
	struct foreign_toplevel_manager *mgr = calloc(1, sizeof(*mgr));
	if (mgr == NULL) {
		wlr_log(WLR_ERROR, "foreign toplevel: out of memory");
		return false;
	}
	mgr->server = server;
	mgr->wlr = wlr_foreign_toplevel_manager_v1_create(server->display);
	mgr->ext = wlr_ext_foreign_toplevel_list_v1_create(server->display,
		FOREIGN_TOPLEVEL_EXT_VERSION);
	if (mgr->wlr == NULL || mgr->ext == NULL) {
		wlr_log(WLR_ERROR, "cannot create %s", mgr->wlr == NULL ?
			"zwlr_foreign_toplevel_manager_v1" : "ext_foreign_toplevel_list_v1");
		free(mgr);
		return false;
	}
	/* Host-only: every window of every domain, with close and activate. */
	globals_register(server->globals, mgr->wlr->global, GLOBALS_HOST);
	globals_register(server->globals, mgr->ext->global, GLOBALS_HOST);
	mgr->keyboard_focus_change.notify = handle_keyboard_focus_change;
	wl_signal_add(&server->seat->keyboard_state.events.focus_change,
		&mgr->keyboard_focus_change);
	server->foreign_toplevel = mgr;
	return true;
}

void foreign_toplevel_finish(struct cordon_server *server) {
	struct foreign_toplevel_manager *mgr = server->foreign_toplevel;
	if (mgr == NULL) {
		return;
	}
	listener_remove(&mgr->keyboard_focus_change);
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		foreign_toplevel_forget(view);
	}
	free(mgr);
	server->foreign_toplevel = NULL;
}
