#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include <wlr/xwayland.h>
#include <wlr/xwayland/shell.h>
#include "compositor/wm/cursor.h"
#include "compositor/domain/domain.h"
#include "compositor/ipc/events.h"
#include "compositor/render/frame.h"
#include "compositor/guard/clip_x11.h"
#include "compositor/guard/globals.h"
#include "compositor/guard/sanitize.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"
#include "compositor/wm/xwayland.h"

/* The thin domain frame of an override-redirect window (menu, tooltip). */
#define XWAYLAND_OR_BORDER 2

struct cordon_xwayland {
	struct cordon_domain *domain;
	struct wlr_xwayland *wlr;
	const struct wl_global *shell_global; /* classified in globals.c */
	/* Its client could not be tagged (out of memory): it sees no global. */
	bool untagged;
	/* The seat its window manager is given: its selections are the domain's. */
	struct clip_x11 *clip;
	struct wl_listener server_start;
	struct wl_listener new_surface;
	struct wl_listener ready;
};

/* An X window, managed (a cordon view while mapped) or override-redirect. */
struct xwl_surface {
	struct cordon_xwayland *xwl;
	struct wlr_xwayland_surface *xsurface;
	struct cordon_view *view;          /* managed and mapped */
	struct wlr_scene_tree *or_tree;    /* override-redirect and mapped */
	struct wlr_scene_rect *or_border[4];
	struct cordon_view *or_parent;     /* whose popup tree holds or_tree */
	struct wl_listener or_tree_destroy;

	struct wl_listener destroy;
	struct wl_listener associate;
	struct wl_listener dissociate;
	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener commit;
	struct wl_listener request_configure;
	struct wl_listener request_activate;
	struct wl_listener request_maximize;
	struct wl_listener request_fullscreen;
	struct wl_listener set_title;
	struct wl_listener set_class;
	struct wl_listener set_geometry;
	bool associated;
};

static struct xwl_surface *xwl_surface_of_view(struct cordon_view *view) {
	return view->xsurface != NULL ? view->xsurface->data : NULL;
}

/* ---- managed windows: cordon views ---- */

static void xwl_view_set_title(struct xwl_surface *xs) {
	struct cordon_view *view = xs->view;
	char *title = sanitize_text(xs->xsurface->title ? xs->xsurface->title : "",
		(size_t)view->server->config->title_max);
	char *app_id = sanitize_text(xs->xsurface->class ? xs->xsurface->class : "",
		(size_t)view->server->config->title_max);
	if (title == NULL || app_id == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory for an X11 title",
			view->domain->name);
		free(title);
		free(app_id);
		return;
	}
	bool changed = view->title == NULL || strcmp(view->title, title) != 0;
	free(view->title);
	view->title = title;
	free(view->app_id);
	view->app_id = app_id;
	if (changed) {
		frame_set_title(view->frame, title);
		if (view->mapped) {
			events_window(view, "title");
		}
	}
}

static void xwl_view_destroy(struct xwl_surface *xs) {
	struct cordon_view *view = xs->view;
	if (view == NULL) {
		return;
	}
	xs->view = NULL;
	if (view->mapped) {
		view_unmap(view);
	}
	view_free(view);
}

static bool xwl_make_surfaces(struct cordon_view *view, void *data) {
	struct wlr_xwayland_surface *xsurface = data;
	view->surface_tree = wlr_scene_tree_create(view->tree);
	return view->surface_tree != NULL &&
		wlr_scene_subsurface_tree_create(view->surface_tree, xsurface->surface) != NULL;
}

static struct cordon_view *xwl_view_create(struct xwl_surface *xs) {
	struct cordon_domain *domain = xs->xwl->domain;
	int limit = domain->config ? domain->config->max_windows : 0;
	if (limit > 0 && domain->n_views >= limit) {
		wlr_log(WLR_ERROR, "domain %s: max-windows %d reached; X11 window closed",
			domain->name, limit);
		wlr_xwayland_surface_close(xs->xsurface);
		return NULL;
	}
	struct cordon_view *view = view_create(domain, "an X11 window", xwl_make_surfaces,
		xs->xsurface);
	if (view == NULL) {
		return NULL;
	}
	view->xsurface = xs->xsurface;
	xs->view = view;
	xwl_view_set_title(xs);
	/* Where the X server has it now: cordon's placement moves it from there. */
	view->x = xs->xsurface->x;
	view->y = xs->xsurface->y;
	return view;
}

/* ---- override-redirect windows: menus and tooltips ---- */

static void xwl_or_layout(struct xwl_surface *xs) {
	struct wlr_xwayland_surface *x = xs->xsurface;
	int px = 0, py = 0;
	if (xs->or_parent != NULL) {
		/* The parent's popup tree has its origin at the content corner. */
		px = xs->or_parent->x;
		py = xs->or_parent->y;
	}
	wlr_scene_node_set_position(&xs->or_tree->node, x->x - px, x->y - py);
	int w = x->surface ? x->surface->current.width : x->width;
	int h = x->surface ? x->surface->current.height : x->height;
	const int b = XWAYLAND_OR_BORDER;
	/* top, bottom, left, right: outside the window, never over it. */
	wlr_scene_rect_set_size(xs->or_border[0], w + 2 * b, b);
	wlr_scene_node_set_position(&xs->or_border[0]->node, -b, -b);
	wlr_scene_rect_set_size(xs->or_border[1], w + 2 * b, b);
	wlr_scene_node_set_position(&xs->or_border[1]->node, -b, h);
	wlr_scene_rect_set_size(xs->or_border[2], b, h);
	wlr_scene_node_set_position(&xs->or_border[2]->node, -b, 0);
	wlr_scene_rect_set_size(xs->or_border[3], b, h);
	wlr_scene_node_set_position(&xs->or_border[3]->node, w, 0);
}

static void handle_or_tree_destroy(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, or_tree_destroy);
	/* Its parent view went first and took the tree along. */
	wl_list_remove(&xs->or_tree_destroy.link);
	xs->or_tree = NULL;
	xs->or_parent = NULL;
}

static void xwl_or_unmap(struct xwl_surface *xs) {
	if (xs->or_tree == NULL) {
		return;
	}
	wl_list_remove(&xs->or_tree_destroy.link);
	wlr_scene_node_destroy(&xs->or_tree->node);
	xs->or_tree = NULL;
	xs->or_parent = NULL;
}

/*
 * A menu goes with a window of its own X server: its transient parent, or
 * else the focused window when that is of the same X server. It is drawn
 * in that window's popup tree, so it is raised and hidden with it and the
 * pointer reaches it through that view. Without such a window it floats
 * on its own, framed, and gets no pointer input.
 */
static struct cordon_view *xwl_or_parent(struct xwl_surface *xs) {
	struct wlr_xwayland_surface *p = xs->xsurface->parent;
	for (; p != NULL; p = p->parent) {
		struct xwl_surface *pxs = p->data;
		if (pxs != NULL && pxs->view != NULL && pxs->view->mapped) {
			return pxs->view;
		}
	}
	struct cordon_view *focused = xs->xwl->domain->server->focused_view;
	if (focused != NULL && focused->xsurface != NULL &&
			xwl_surface_of_view(focused) != NULL &&
			xwl_surface_of_view(focused)->xwl == xs->xwl) {
		return focused;
	}
	return NULL;
}

static void xwl_or_map(struct xwl_surface *xs) {
	struct cordon_domain *domain = xs->xwl->domain;
	struct cordon_server *server = domain->server;
	xs->or_parent = xwl_or_parent(xs);
	struct wlr_scene_tree *parent = xs->or_parent != NULL ?
		xs->or_parent->popup_tree : server->layers[LAYER_VIEWS];
	xs->or_tree = wlr_scene_tree_create(parent);
	if (xs->or_tree == NULL) {
		wlr_log(WLR_ERROR, "domain %s: cannot create an X11 menu's scene nodes",
			domain->name);
		xs->or_parent = NULL;
		return;
	}
	float color[4] = {((domain->color >> 16) & 0xff) / 255.0f,
		((domain->color >> 8) & 0xff) / 255.0f, (domain->color & 0xff) / 255.0f, 1.0f};
	for (int i = 0; i < 4; i++) {
		xs->or_border[i] = wlr_scene_rect_create(xs->or_tree, 1, 1, color);
	}
	struct wlr_scene_tree *surfaces =
		wlr_scene_subsurface_tree_create(xs->or_tree, xs->xsurface->surface);
	if (surfaces == NULL || xs->or_border[0] == NULL || xs->or_border[1] == NULL ||
			xs->or_border[2] == NULL || xs->or_border[3] == NULL) {
		wlr_log(WLR_ERROR, "domain %s: cannot create an X11 menu's scene nodes",
			domain->name);
		wlr_scene_node_destroy(&xs->or_tree->node);
		xs->or_tree = NULL;
		xs->or_parent = NULL;
		return;
	}
	listener_connect(&xs->or_tree->node.events.destroy, &xs->or_tree_destroy,
		handle_or_tree_destroy);
	wlr_scene_node_raise_to_top(&xs->or_tree->node);
	xwl_or_layout(xs);
}

/* ---- X window events ---- */

static void handle_xs_map(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, map);
	if (xs->xsurface->override_redirect) {
		xwl_or_map(xs);
	} else if (xs->view != NULL || xwl_view_create(xs) != NULL) {
		view_map(xs->view);
	}
	cursor_rebase(xs->xwl->domain->server);
}

static void handle_xs_unmap(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, unmap);
	xwl_or_unmap(xs);
	xwl_view_destroy(xs);
	cursor_rebase(xs->xwl->domain->server);
}

static void handle_xs_commit(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, commit);
	if (xs->view != NULL && xs->view->mapped) {
		view_handle_commit(xs->view);
	} else if (xs->or_tree != NULL) {
		xwl_or_layout(xs);
	}
}

static void handle_xs_associate(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, associate);
	struct wlr_surface *surface = xs->xsurface->surface;
	listener_connect(&surface->events.map, &xs->map, handle_xs_map);
	listener_connect(&surface->events.unmap, &xs->unmap, handle_xs_unmap);
	listener_connect(&surface->events.commit, &xs->commit, handle_xs_commit);
	xs->associated = true;
}

static void xwl_surface_dissociate(struct xwl_surface *xs) {
	if (!xs->associated) {
		return;
	}
	xwl_or_unmap(xs);
	xwl_view_destroy(xs);
	wl_list_remove(&xs->map.link);
	wl_list_remove(&xs->unmap.link);
	wl_list_remove(&xs->commit.link);
	xs->associated = false;
}

static void handle_xs_dissociate(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, dissociate);
	xwl_surface_dissociate(xs);
}

static void handle_xs_request_configure(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, request_configure);
	struct wlr_xwayland_surface_configure_event *event = data;
	if (xs->view != NULL && xs->view->mapped) {
		/* A managed window may ask for a size; where it goes is cordon's. */
		if (xs->view->maximized || xs->view->fullscreen) {
			view_request_geometry(xs->view, view_geometry(xs->view));
		} else {
			view_request_geometry(xs->view, (struct wlr_box){xs->view->x, xs->view->y,
				event->width, event->height});
		}
		return;
	}
	wlr_xwayland_surface_configure(xs->xsurface, event->x, event->y,
		event->width, event->height);
}

static void handle_xs_request_activate(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, request_activate);
	struct cordon_view *view = xs->view;
	struct cordon_view *focused = view ? view->server->focused_view : NULL;
	/* The same rule as a map: never focus taken from another domain. */
	if (view != NULL && view->mapped &&
			(focused == NULL || focused->domain == view->domain)) {
		view_focus(view);
	}
}

static void handle_xs_request_maximize(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, request_maximize);
	if (xs->view != NULL) {
		view_set_maximized(xs->view,
			xs->xsurface->maximized_vert && xs->xsurface->maximized_horz);
	}
}

static void handle_xs_request_fullscreen(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, request_fullscreen);
	struct cordon_view *view = xs->view;
	if (view == NULL) {
		return;
	}
	bool want = xs->xsurface->fullscreen;
	if (want && view->mapped && view != view->server->focused_view) {
		wlr_log(WLR_INFO, "domain %s: fullscreen refused for an X11 window without focus",
			view->domain->name);
		wlr_xwayland_surface_set_fullscreen(xs->xsurface, false);
		return;
	}
	view_set_fullscreen(view, want);
}

static void handle_xs_set_title(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, set_title);
	if (xs->view != NULL) {
		xwl_view_set_title(xs);
	}
}

static void handle_xs_set_class(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, set_class);
	if (xs->view != NULL) {
		xwl_view_set_title(xs);
	}
}

static void handle_xs_set_geometry(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, set_geometry);
	if (xs->or_tree != NULL) {
		xwl_or_layout(xs);
	}
}

static void handle_xs_destroy(struct wl_listener *listener, void *data) {
	struct xwl_surface *xs = wl_container_of(listener, xs, destroy);
	xwl_surface_dissociate(xs);
	wl_list_remove(&xs->destroy.link);
	wl_list_remove(&xs->associate.link);
	wl_list_remove(&xs->dissociate.link);
	wl_list_remove(&xs->request_configure.link);
	wl_list_remove(&xs->request_activate.link);
	wl_list_remove(&xs->request_maximize.link);
	wl_list_remove(&xs->request_fullscreen.link);
	wl_list_remove(&xs->set_title.link);
	wl_list_remove(&xs->set_class.link);
	wl_list_remove(&xs->set_geometry.link);
	xs->xsurface->data = NULL;
	free(xs);
}

static void handle_new_surface(struct wl_listener *listener, void *data) {
	struct cordon_xwayland *xwl = wl_container_of(listener, xwl, new_surface);
	struct wlr_xwayland_surface *xsurface = data;
	struct xwl_surface *xs = calloc(1, sizeof(*xs));
	if (xs == NULL) {
		/* Never shown: a window cordon cannot frame is closed. */
		wlr_log(WLR_ERROR, "domain %s: out of memory for an X11 window; closing it",
			xwl->domain->name);
		wlr_xwayland_surface_close(xsurface);
		return;
	}
	xs->xwl = xwl;
	xs->xsurface = xsurface;
	xsurface->data = xs;
	listener_connect(&xsurface->events.destroy, &xs->destroy, handle_xs_destroy);
	listener_connect(&xsurface->events.associate, &xs->associate, handle_xs_associate);
	listener_connect(&xsurface->events.dissociate, &xs->dissociate, handle_xs_dissociate);
	listener_connect(&xsurface->events.request_configure, &xs->request_configure,
		handle_xs_request_configure);
	listener_connect(&xsurface->events.request_activate, &xs->request_activate,
		handle_xs_request_activate);
	listener_connect(&xsurface->events.request_maximize, &xs->request_maximize,
		handle_xs_request_maximize);
	listener_connect(&xsurface->events.request_fullscreen, &xs->request_fullscreen,
		handle_xs_request_fullscreen);
	listener_connect(&xsurface->events.set_title, &xs->set_title, handle_xs_set_title);
	listener_connect(&xsurface->events.set_class, &xs->set_class, handle_xs_set_class);
	listener_connect(&xsurface->events.set_geometry, &xs->set_geometry, handle_xs_set_geometry);
}

/* ---- the X server ---- */

/*
 * wlroots has just created the X server's Wayland client (before the fork):
 * it is the domain's from birth, so every global it sees, every window and
 * every limit is the domain's.
 */
static void handle_server_start(struct wl_listener *listener, void *data) {
	struct cordon_xwayland *xwl = wl_container_of(listener, xwl, server_start);
	struct wl_client *client = xwl->wlr->server->client;
	if (client == NULL) {
		return;
	}
	xwl->untagged = domain_tag_client(xwl->domain, client) == NULL;
	if (xwl->untagged) {
		/*
		 * Untagged it would pass as the host's. wlroots owns the client
		 * (destroying it here would leave wlroots a dangling pointer):
		 * it is shown no global at all, so this Xwayland cannot start.
		 */
		wlr_log(WLR_ERROR, "domain %s: cannot tag its Xwayland; it gets no globals",
			xwl->domain->name);
		return;
	}
	wlr_log(WLR_INFO, "domain %s: Xwayland starting on %s", xwl->domain->name,
		xwl->wlr->display_name);
}

/* A new window manager (first start or a restart) starts without a seat. */
static void handle_ready(struct wl_listener *listener, void *data) {
	struct cordon_xwayland *xwl = wl_container_of(listener, xwl, ready);
	if (xwl->clip != NULL) {
		wlr_xwayland_set_seat(xwl->wlr, clip_x11_seat(xwl->clip));
	}
}

/*
 * A listening socket nobody can reach: bound to a path in cordon's own
 * directory that is unlinked at once. -1 on error.
 */
static int xwayland_dead_listener(struct cordon_xwayland *xwl) {
	struct cordon_server *server = xwl->domain->server;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/x11-%d",
		server->runtime_dir, xwl->wlr->server->display);
	if (n < 0 || (size_t)n >= sizeof(addr.sun_path)) {
		wlr_log(WLR_ERROR, "domain %s: %s/x11-N is too long a socket path",
			xwl->domain->name, server->runtime_dir);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		wlr_log_errno(WLR_ERROR, "domain %s: socket", xwl->domain->name);
		return -1;
	}
	unlink(addr.sun_path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0) {
		wlr_log_errno(WLR_ERROR, "domain %s: cannot bind %s", xwl->domain->name,
			addr.sun_path);
		close(fd);
		unlink(addr.sun_path);
		return -1;
	}
	unlink(addr.sun_path);
	return fd;
}

/* Stands in for wlroots' watch of the abstract socket; never fires. */
static int handle_abstract_placeholder(void *data) {
	return 0;
}

/*
 * wlroots 0.18 listens on an abstract socket next to the filesystem one,
 * unconditionally. An abstract socket is reachable from any process of the
 * network namespace, whatever the filesystem it sees, so a container with
 * the host's network could reach this domain's X server. The abstract
 * listener is closed here: its descriptor number becomes a listener that
 * nobody can reach (Xwayland is handed both numbers; a second reference to
 * the filesystem socket would not do, Xwayland then blocks in accept on
 * the one that lost the race). A lazy server also watches the abstract
 * socket through the event loop's own duplicate: that watch is replaced by
 * a placeholder, which wlroots removes in its stead on the first client.
 */
static bool xwayland_drop_abstract(struct cordon_xwayland *xwl) {
	struct wlr_xwayland_server *server = xwl->wlr->server;
	if (server == NULL || server->x_fd[0] < 0 || server->x_fd[1] < 0) {
		return false;
	}
	int dead = xwayland_dead_listener(xwl);
	if (dead < 0) {
		return false;
	}
	if (server->x_fd_read_event[0] != NULL) {
		struct wl_event_loop *loop = wl_display_get_event_loop(server->wl_display);
		struct wl_event_source *placeholder =
			wl_event_loop_add_timer(loop, handle_abstract_placeholder, NULL);
		if (placeholder == NULL) {
			wlr_log(WLR_ERROR, "domain %s: out of memory closing the abstract X socket",
				xwl->domain->name);
			close(dead);
			return false;
		}
		wl_event_source_remove(server->x_fd_read_event[0]);
		server->x_fd_read_event[0] = placeholder;
	}
	int rc = dup3(dead, server->x_fd[0], O_CLOEXEC);
	close(dead);
	if (rc < 0) {
		wlr_log_errno(WLR_ERROR, "domain %s: cannot close the abstract X socket of %s",
			xwl->domain->name, xwl->wlr->display_name);
		return false;
	}
	return true;
}

static void xwayland_destroy(struct cordon_xwayland *xwl) {
	struct cordon_server *server = xwl->domain->server;
	wl_list_remove(&xwl->server_start.link);
	wl_list_remove(&xwl->new_surface.link);
	wl_list_remove(&xwl->ready.link);
	/* Its selections leave the domain's while its window manager lives. */
	clip_x11_destroy(xwl->clip);
	xwl->clip = NULL;
	if (xwl->shell_global != NULL) {
		globals_unregister(server->globals, xwl->shell_global);
	}
	wlr_xwayland_destroy(xwl->wlr);
	xwl->domain->xwayland = NULL;
	free(xwl);
}

void xwayland_domain_start(struct cordon_domain *domain) {
	struct cordon_server *server = domain->server;
	enum config_xwayland mode = domain_is_host(domain) ?
		server->config->host_xwayland : config_domain_xwayland(domain->config);
	if (mode == CONFIG_XWAYLAND_NO || domain->xwayland != NULL ||
			domain->type == DOMAIN_SANDBOX) {
		return;
	}
	struct cordon_xwayland *xwl = calloc(1, sizeof(*xwl));
	if (xwl == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory for Xwayland", domain->name);
		return;
	}
	xwl->domain = domain;
	xwl->wlr = wlr_xwayland_create(server->display, server->compositor,
		mode == CONFIG_XWAYLAND_LAZY);
	if (xwl->wlr == NULL) {
		wlr_log(WLR_ERROR, "domain %s: cannot create Xwayland (is Xwayland installed?); "
			"no X11 for it", domain->name);
		free(xwl);
		return;
	}
	listener_connect(&xwl->wlr->server->events.start, &xwl->server_start, handle_server_start);
	listener_connect(&xwl->wlr->events.new_surface, &xwl->new_surface, handle_new_surface);
	listener_connect(&xwl->wlr->events.ready, &xwl->ready, handle_ready);
	domain->xwayland = xwl;
	/* Without it X clients have no clipboard at all, never another's. */
	xwl->clip = clip_x11_create(domain);
	if (xwl->clip != NULL) {
		wlr_xwayland_set_seat(xwl->wlr, clip_x11_seat(xwl->clip));
	}
	if (xwl->wlr->shell_v1 != NULL) {
		xwl->shell_global = xwl->wlr->shell_v1->global;
		globals_register(server->globals, xwl->shell_global, GLOBALS_HOST);
	}
	if (!xwayland_drop_abstract(xwl)) {
		xwayland_destroy(xwl);
		return;
	}
	wlr_log(WLR_INFO, "domain %s: X11 display %s (%s)", domain->name,
		xwl->wlr->display_name, mode == CONFIG_XWAYLAND_LAZY ? "lazy" : "started now");
}

void xwayland_domain_stop(struct cordon_domain *domain) {
	if (domain->xwayland != NULL) {
		xwayland_destroy(domain->xwayland);
	}
}

void xwayland_finish(struct cordon_server *server) {
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		xwayland_domain_stop(domain);
	}
}

const char *xwayland_display(const struct cordon_domain *domain) {
	if (domain->xwayland == NULL || domain->xwayland->wlr->display_name == NULL ||
			domain->xwayland->wlr->display_name[0] == '\0') {
		return NULL;
	}
	return domain->xwayland->wlr->display_name;
}

bool xwayland_filter_global(struct cordon_server *server, const struct wl_client *client,
		const struct wl_global *global, bool *allowed) {
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		struct cordon_xwayland *xwl = domain->xwayland;
		if (xwl != NULL && xwl->untagged && xwl->wlr->server != NULL &&
				xwl->wlr->server->client == client) {
			*allowed = false;
			return true;
		}
		if (xwl != NULL && xwl->clip != NULL && clip_x11_global(xwl->clip) == global) {
			/* Its window manager uses the seat in process; no client binds it. */
			*allowed = false;
			return true;
		}
		if (xwl != NULL && xwl->shell_global == global) {
			*allowed = xwl->wlr->server != NULL && xwl->wlr->server->client == client;
			return true;
		}
	}
	return false;
}
