#ifndef CORDON_VIEW_H
#define CORDON_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/box.h>
#include "compositor/wm/cursor.h"

struct cordon_server;
struct cordon_domain;
struct cordon_frame;
struct wlr_xwayland_surface;

/* A toplevel window. Its scene tree holds the frame and the client surface. */
/* Alt+Tab cycling in progress: released when the modifier goes up. */
struct view_cycle {
	bool active;
	uint32_t modifiers;
	struct cordon_view *view;    /* the window the cycle has reached */
};

struct cordon_view {
	struct wl_list link;         /* cordon_server.views */
	struct wl_list domain_link;  /* cordon_domain.views */
	struct cordon_server *server;
	struct cordon_domain *domain;
	uint32_t id;                 /* stable, for IPC */

	struct wlr_xdg_toplevel *toplevel;  /* NULL for an X11 window */
	struct wlr_xwayland_surface *xsurface; /* an X11 window (xwayland.c), or NULL */
	struct wlr_scene_tree *tree;         /* positioned at the frame's origin */
	struct wlr_scene_tree *surface_tree; /* the client's surfaces */
	/* Its popups: above the frame, origin at the window geometry's corner. */
	struct wlr_scene_tree *popup_tree;
	struct cordon_frame *frame;
	struct wlr_xdg_toplevel_decoration_v1 *decoration;

	char *title;                 /* sanitised */
	char *app_id;                /* sanitised */
	int x, y;                    /* content (surface geometry) origin, layout coords */
	int workspace;               /* 0-based */
	bool mapped;
	bool urgent;
	bool console;                /* crosvm's framebuffer console window */
	bool hidden;                 /* mapped by the client, never shown */
	bool maximized, fullscreen;
	/* Hidden from a taskbar; Alt+Tab, cordonctl focus and activation restore it. */
	bool minimized;
	struct foreign_toplevel *foreign; /* its taskbar handles while mapped, or NULL */
	struct wlr_box saved;        /* geometry before maximize/fullscreen */
	/* A size cordon asked for; the anchored edges follow once it arrives. */
	struct wlr_box pending;
	bool has_pending;
	uint32_t pending_edges;
	/*
	 * A valid xdg-activation presented while unmapped: when (monotonic ms,
	 * 0 for none) and the window focused then. Spent by the next map.
	 */
	int64_t activation_ms;
	uint32_t activation_focus_id;
	struct wlr_scene_tree *banner;      /* fullscreen notice, or NULL */
	struct wlr_scene_tree *edge_guard;  /* fullscreen edge above layers, or NULL */
	/* Window geometry (surface-local) as of the last commit, at least 1x1. */
	struct wlr_box geo;
	/* The clip last given to a guest's surfaces (valid when clipped). */
	struct wlr_box clip;
	bool clipped;
	uint32_t pending_serial;     /* configure that carried pending */
	struct wl_event_source *banner_timer;

	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener commit;
	struct wl_listener destroy;
	struct wl_listener request_move;
	struct wl_listener request_resize;
	struct wl_listener request_maximize;
	struct wl_listener request_fullscreen;
	struct wl_listener request_minimize;
	struct wl_listener set_title;
	struct wl_listener set_app_id;
	struct wl_listener decoration_request_mode;
	struct wl_listener decoration_destroy;
};

void view_init(struct cordon_server *server);
/* Lifecycle, driven by xdg.c. */
void view_map(struct cordon_view *view);
void view_unmap(struct cordon_view *view);
void view_handle_commit(struct cordon_view *view);
void view_finish(struct cordon_server *server);

/*
 * Makes view's surface nodes under view->tree (setting view->surface_tree);
 * false when that failed. view_create calls it once.
 */
typedef bool (*view_surfaces_fn)(struct cordon_view *view, void *data);
/*
 * A new unmapped view of domain, its scene nodes made (the surfaces by
 * make_surfaces) and hidden, linked into the server's and domain's lists;
 * NULL, logged with kind ("an X11 window"), when anything failed.
 */
struct cordon_view *view_create(struct cordon_domain *domain, const char *kind,
	view_surfaces_fn make_surfaces, void *data);
/* Unlinks and frees an unmapped view and its scene nodes. */
void view_free(struct cordon_view *view);

/* Content geometry of the view in layout coordinates, at least 1x1. */
struct wlr_box view_geometry(struct cordon_view *view);
/* The output the view is (mostly) on: the one under its centre, else the first. */
struct cordon_output *view_output(struct cordon_view *view);
/* An xdg surface's window geometry (surface-local), clamped to at least 1x1. */
struct wlr_box xdg_surface_geometry(struct wlr_xdg_surface *surface);
/* The window's root surface, xdg or X11. */
struct wlr_surface *view_surface(struct cordon_view *view);
void view_focus(struct cordon_view *view);
/*
 * Gives the keyboard back to the focused window, or to the next one, once
 * the lock screen or a layer surface that held it let go.
 */
void view_refocus(struct cordon_server *server);
/* Ends every seat grab and dismisses grabbing popups: focus is cordon's to move. */
void view_end_grabs(struct cordon_server *server);
void view_close(struct cordon_view *view);
void view_set_maximized(struct cordon_view *view, bool maximized);
/*
 * A toplevel that asked to be maximized before its first configure: that
 * configure carries the state and the size of the area under the pointer.
 */
void view_maximize_initial(struct cordon_view *view);
void view_set_fullscreen(struct cordon_view *view, bool fullscreen);
/* Hides or shows the window; the focus moves on if it had it. */
void view_set_minimized(struct cordon_view *view, bool minimized);
/* The escape key: every fullscreen window on screen, of any domain, leaves it. */
void view_leave_fullscreen_all(struct cordon_server *server);
void view_move_to_workspace(struct cordon_view *view, int workspace);
void view_switch_workspace(struct cordon_server *server, int workspace);
void view_cycle(struct cordon_server *server, bool backwards);
/* Commits the window the cycle reached as the most recently used. */
void view_cycle_end(struct cordon_server *server);
struct cordon_view *view_from_id(struct cordon_server *server, uint32_t id);

/*
 * The view and surface under layout coordinates lx, ly, if any. Over a
 * layer surface (or, while locked, a lock surface) the view is NULL and
 * the surface is that one.
 */
struct cordon_view *view_at(struct cordon_server *server, double lx, double ly,
	struct wlr_surface **surface, double *sx, double *sy);

/*
 * After an output change: refits maximized and fullscreen views, and brings
 * back windows that are on no enabled output any more.
 */
void view_arrange_output(struct cordon_server *server);
/* Moves the scene tree to view->x, view->y. */
void view_update_position(struct cordon_view *view);
/* Asks the client for a new content box (x, y applied when it commits). */
void view_request_geometry(struct cordon_view *view, struct wlr_box box);
/*
 * Tells a new toplevel the largest content that fits the output it will be
 * placed on (xdg_toplevel.configure_bounds), so it picks a size that fits.
 */
void view_send_bounds(struct cordon_view *view);
void view_begin_interactive(struct cordon_view *view, enum cursor_mode mode,
	uint32_t edges);

#endif
