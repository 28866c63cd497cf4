#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_activation_v1.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/log.h>
#include "compositor/activation.h"
#include "compositor/domain.h"
#include "compositor/events.h"
#include "compositor/frame.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/view.h"

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
		wl_resource_get_client(focused->toplevel->base->surface->resource);
	if (minter != owner) {
		return false;
	}
	struct wlr_seat_client *seat_client = wlr_seat_client_for_wl_client(server->seat, minter);
	return seat_client != NULL &&
		wlr_seat_client_validate_event_serial(seat_client, token->serial);
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
	} else {
		view->activation_ok = true;
	}
}

void activation_init(struct cordon_server *server) {
	server->request_activate.notify = handle_request_activate;
	wl_signal_add(&server->activation->events.request_activate, &server->request_activate);
}

void activation_finish(struct cordon_server *server) {
	listener_remove(&server->request_activate);
}
