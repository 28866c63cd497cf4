#include <stdlib.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_idle_inhibit_v1.h>
#include <wlr/types/wlr_idle_notify_v1.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "compositor/domain/domain.h"
#include "compositor/wm/idle.h"
#include "compositor/guard/globals.h"
#include "compositor/server.h"
#include "compositor/guard/session_lock.h"
#include "compositor/wm/view.h"

/*
 * Whether a surface is on screen changes with workspaces, stacking and
 * fullscreen, none of which tells the inhibitors: while any inhibitor
 * exists, they are looked at again this often.
 */
#define IDLE_RECHECK_MS 1000

struct cordon_idle {
	struct cordon_server *server;
	struct wlr_idle_notifier_v1 *notifier;
	struct wlr_idle_inhibit_manager_v1 *inhibit_manager;
	struct wl_list inhibitors; /* idle_inhibitor.link */
	struct wl_event_source *recheck;
	bool inhibited;

	struct wl_listener new_inhibitor;
};

struct idle_inhibitor {
	struct wl_list link;       /* cordon_idle.inhibitors */
	struct cordon_idle *idle;
	struct wlr_idle_inhibitor_v1 *wlr;
	struct wl_listener destroy;
};

void idle_notify_activity(struct cordon_server *server) {
	if (server->idle != NULL) {
		wlr_idle_notifier_v1_notify_activity(server->idle->notifier, server->seat);
	}
}

/* The window whose toplevel or popup surface holds surface, or NULL. */
static struct cordon_view *idle_view_of(struct wlr_surface *surface) {
	for (int depth = 0; surface != NULL && depth < 64; depth++) {
		surface = wlr_surface_get_root_surface(surface);
		struct wlr_xdg_toplevel *toplevel = wlr_xdg_toplevel_try_from_wlr_surface(surface);
		if (toplevel != NULL) {
			/* xdg.c: the toplevel's tree sits in its view's tree, which names the view. */
			struct wlr_scene_tree *tree = toplevel->base->data;
			return tree != NULL && tree->node.parent != NULL ?
				tree->node.parent->node.data : NULL;
		}
		struct wlr_xdg_popup *popup = wlr_xdg_popup_try_from_wlr_surface(surface);
		if (popup == NULL) {
			return NULL;
		}
		surface = popup->parent;
	}
	return NULL;
}

/*
 * A guest's inhibitor counts while it sits on a window of the shown
 * workspace that is drawn on an output (its node and every parent enabled:
 * no lock, and wl_surface.enter sent); the host's while its surface is
 * mapped and the session is not locked.
 */
static bool idle_inhibitor_counts(struct cordon_server *server,
		struct wlr_idle_inhibitor_v1 *wlr) {
	struct wlr_surface *surface = wlr->surface;
	struct cordon_domain *domain = domain_of_client(server,
		wl_resource_get_client(surface->resource));
	if (domain == NULL || (domain->config != NULL && !domain->config->idle_inhibit)) {
		return false;
	}
	if (!surface->mapped) {
		return false;
	}
	if (domain_is_host(domain)) {
		return true;
	}
	struct cordon_view *view = idle_view_of(surface);
	int x, y;
	return view != NULL && view->mapped && view->workspace == server->workspace &&
		wlr_scene_node_coords(&view->tree->node, &x, &y) &&
		!wl_list_empty(&surface->current_outputs);
}

void idle_update_inhibit(struct cordon_server *server) {
	struct cordon_idle *idle = server->idle;
	if (idle == NULL) {
		return;
	}
	bool inhibit = false;
	if (!session_lock_active(server)) {
		struct idle_inhibitor *in;
		wl_list_for_each(in, &idle->inhibitors, link) {
			if (idle_inhibitor_counts(server, in->wlr)) {
				inhibit = true;
				break;
			}
		}
	}
	if (inhibit != idle->inhibited) {
		idle->inhibited = inhibit;
		wlr_idle_notifier_v1_set_inhibited(idle->notifier, inhibit);
		wlr_log(WLR_INFO, "idle: %s", inhibit ? "inhibited" : "no longer inhibited");
	}
	wl_event_source_timer_update(idle->recheck,
		wl_list_empty(&idle->inhibitors) ? 0 : IDLE_RECHECK_MS);
}

static int handle_recheck(void *data) {
	idle_update_inhibit(data);
	return 0;
}

static void handle_inhibitor_destroy(struct wl_listener *listener, void *data) {
	struct idle_inhibitor *in = wl_container_of(listener, in, destroy);
	struct cordon_server *server = in->idle->server;
	wl_list_remove(&in->destroy.link);
	wl_list_remove(&in->link);
	free(in);
	idle_update_inhibit(server);
}

static void handle_new_inhibitor(struct wl_listener *listener, void *data) {
	struct cordon_idle *idle = wl_container_of(listener, idle, new_inhibitor);
	struct wlr_idle_inhibitor_v1 *wlr = data;
	struct idle_inhibitor *in = calloc(1, sizeof(*in));
	if (in == NULL) {
		wlr_log(WLR_ERROR, "idle: out of memory for an inhibitor");
		wl_resource_post_no_memory(wlr->resource);
		return;
	}
	in->idle = idle;
	in->wlr = wlr;
	listener_connect(&wlr->events.destroy, &in->destroy, handle_inhibitor_destroy);
	wl_list_insert(&idle->inhibitors, &in->link);
	idle_update_inhibit(idle->server);
}

bool idle_init(struct cordon_server *server) {
	struct cordon_idle *idle = calloc(1, sizeof(*idle));
	if (idle == NULL) {
		wlr_log(WLR_ERROR, "idle: out of memory");
		return false;
	}
	idle->server = server;
	wl_list_init(&idle->inhibitors);
	idle->notifier = wlr_idle_notifier_v1_create(server->display);
	idle->inhibit_manager = wlr_idle_inhibit_v1_create(server->display);
	idle->recheck = wl_event_loop_add_timer(server->loop, handle_recheck, server);
	if (idle->notifier == NULL || idle->inhibit_manager == NULL || idle->recheck == NULL) {
		wlr_log(WLR_ERROR, "cannot create ext_idle_notifier_v1, "
			"zwp_idle_inhibit_manager_v1 or their timer");
		if (idle->recheck != NULL) {
			wl_event_source_remove(idle->recheck);
		}
		free(idle);
		return false;
	}
	/* Host-only: a guest would learn when the user is away. */
	globals_register(server->globals, idle->notifier->global, GLOBALS_HOST);
	/* Offered (video players), but cordon decides when an inhibitor counts. */
	globals_register(server->globals, idle->inhibit_manager->global, GLOBALS_SPECIAL);
	listener_connect(&idle->inhibit_manager->events.new_inhibitor, &idle->new_inhibitor,
		handle_new_inhibitor);
	server->idle = idle;
	return true;
}

void idle_finish(struct cordon_server *server) {
	struct cordon_idle *idle = server->idle;
	if (idle == NULL) {
		return;
	}
	struct idle_inhibitor *in, *tmp;
	wl_list_for_each_safe(in, tmp, &idle->inhibitors, link) {
		wl_list_remove(&in->destroy.link);
		wl_list_remove(&in->link);
		free(in);
	}
	wl_list_remove(&idle->new_inhibitor.link);
	wl_event_source_remove(idle->recheck);
	free(idle);
	server->idle = NULL;
}
