#include <time.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_activation_v1.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/log.h>
#include "common/mstime.h"
#include "compositor/guard/activation.h"
#include "compositor/wm/cursor.h"
#include "compositor/domain/domain.h"
#include "compositor/ipc/events.h"
#include "compositor/render/frame.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"

/* How long a key or button press can back an activation token. */
#define ACTIVATION_INPUT_MAX_AGE_MS 10000
/* How long an activation of a window not yet mapped waits for its map. */
#define ACTIVATION_MAP_MAX_MS 3000

void activation_note_input(struct cordon_server *server, struct wl_client *client,
		uint32_t serial) {
	struct activation_input *in =
		&server->activation_recent.input[server->activation_recent.next++ % ACTIVATION_RECENT_INPUT];
	in->client = client;
	in->serial = serial;
	in->time_ms = mstime_now();
}

static bool activation_input_recent(struct cordon_server *server,
		struct wl_client *client, uint32_t serial) {
	int64_t now = mstime_now();
	for (int i = 0; i < ACTIVATION_RECENT_INPUT; i++) {
		const struct activation_input *in = &server->activation_recent.input[i];
		if (in->client == client && in->serial == serial && in->time_ms != 0 &&
				now - in->time_ms <= ACTIVATION_INPUT_MAX_AGE_MS) {
			return true;
		}
	}
	return false;
}

static bool activation_token_valid(struct cordon_server *server,
		struct wlr_xdg_activation_token_v1 *token) {
	struct cordon_view *focused = server->focused_view;
	if (focused == NULL) {
		/* Nobody to steal from. */
		return true;
	}
	if (token->seat != server->seat || token->surface == NULL) {
		return false;
	}
	struct wl_client *minter = wl_resource_get_client(token->surface->resource);
	struct wl_client *owner =
		wl_resource_get_client(view_surface(focused)->resource);
	if (minter != owner) {
		return false;
	}
	/* An enter event's serial is not the user's action: a press must be. */
	return activation_input_recent(server, minter, token->serial);
}

static void handle_request_activate(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, request_activate);
	struct wlr_xdg_activation_v1_request_activate_event *event = data;
	struct wlr_xdg_toplevel *toplevel =
		wlr_xdg_toplevel_try_from_wlr_surface(event->surface);
	if (toplevel == NULL || toplevel->base->data == NULL) {
		return;
	}
	struct wlr_scene_tree *tree = toplevel->base->data;
	struct cordon_view *view = tree->node.parent->node.data;
	if (view == NULL) {
		return;
	}
	if (!activation_token_valid(server, event->token)) {
		wlr_log(WLR_INFO, "domain %s: activation token refused; window marked urgent",
			view->domain->name);
		if (view->mapped && view != server->focused_view && !view->urgent) {
			view->urgent = true;
			frame_set_urgent(view->frame, true);
			events_window(view, "urgent");
		}
		return;
	}
	if (view->mapped) {
		view_focus(view);
		cursor_rebase(server);
		return;
	}
	if (server->focused_view == NULL) {
		/*
		 * Nobody to steal from now, and no user action behind the token:
		 * whoever has focus when it maps must not lose it to this.
		 */
		wlr_log(WLR_INFO, "domain %s: activation of an unmapped window with nothing "
			"focused is not kept", view->domain->name);
		return;
	}
	view->activation_ms = mstime_now();
	view->activation_focus_id = server->focused_view->id;
}

bool activation_take(struct cordon_view *view) {
	struct cordon_view *focused = view->server->focused_view;
	bool ok = view->activation_ms != 0 &&
		mstime_now() - view->activation_ms <= ACTIVATION_MAP_MAX_MS &&
		focused != NULL && focused->id == view->activation_focus_id;
	if (view->activation_ms != 0 && !ok) {
		wlr_log(WLR_INFO, "domain %s: activation of window %u expired or focus moved "
			"since; not honoured", view->domain->name, view->id);
	}
	view->activation_ms = 0;
	view->activation_focus_id = 0;
	return ok;
}

void activation_init(struct cordon_server *server) {
	listener_connect(&server->activation->events.request_activate, &server->request_activate,
		handle_request_activate);
}

void activation_finish(struct cordon_server *server) {
	listener_remove(&server->request_activate);
}
