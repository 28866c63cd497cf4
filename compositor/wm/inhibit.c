#include <stdio.h>
#include <stdlib.h>
#include <wlr/types/wlr_keyboard_shortcuts_inhibit_v1.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "compositor/domain/domain.h"
#include "compositor/wm/inhibit.h"
#include "compositor/render/notify.h"
#include "compositor/guard/globals.h"
#include "compositor/server.h"

struct cordon_inhibit {
	struct cordon_server *server;
	struct wlr_keyboard_shortcuts_inhibit_manager_v1 *manager;
	struct wl_listener new_inhibitor;
	struct wl_listener focus_change;
};

/* Exactly the keyboard focus's inhibitors are active. */
static void inhibit_update(struct cordon_inhibit *in) {
	struct cordon_server *server = in->server;
	struct wlr_surface *focused = server->seat->keyboard_state.focused_surface;
	struct wlr_keyboard_shortcuts_inhibitor_v1 *inhibitor;
	wl_list_for_each(inhibitor, &in->manager->inhibitors, link) {
		bool want = focused != NULL && inhibitor->surface == focused &&
			inhibitor->seat == server->seat;
		if (want == inhibitor->active) {
			continue;
		}
		if (!want) {
			wlr_keyboard_shortcuts_inhibitor_v1_deactivate(inhibitor);
			continue;
		}
		wlr_keyboard_shortcuts_inhibitor_v1_activate(inhibitor);
		struct cordon_domain *domain = domain_of_client(server,
			wl_resource_get_client(inhibitor->surface->resource));
		char line[128];
		snprintf(line, sizeof(line), "[%s] takes cordon's shortcuts",
			domain ? domain->name : "?");
		notify_show(server, domain ? domain->color : 0xcc0000, line,
			"Super+Escape and secure copy/paste stay cordon's");
		wlr_log(WLR_INFO, "domain %s: keyboard shortcuts inhibited",
			domain ? domain->name : "?");
	}
}

static void handle_new_inhibitor(struct wl_listener *listener, void *data) {
	struct cordon_inhibit *in = wl_container_of(listener, in, new_inhibitor);
	inhibit_update(in);
}

static void handle_focus_change(struct wl_listener *listener, void *data) {
	struct cordon_inhibit *in = wl_container_of(listener, in, focus_change);
	inhibit_update(in);
}

bool inhibit_active(struct cordon_server *server) {
	struct cordon_inhibit *in = server->inhibit;
	struct wlr_surface *focused = server->seat->keyboard_state.focused_surface;
	if (in == NULL || focused == NULL) {
		return false;
	}
	struct wlr_keyboard_shortcuts_inhibitor_v1 *inhibitor;
	wl_list_for_each(inhibitor, &in->manager->inhibitors, link) {
		if (inhibitor->active && inhibitor->surface == focused) {
			return true;
		}
	}
	return false;
}

bool inhibit_binding_reserved(const struct config_binding *binding) {
	switch (binding->action) {
	case CONFIG_ACTION_LEAVE_FULLSCREEN:
	case CONFIG_ACTION_SECURE_COPY:
	case CONFIG_ACTION_SECURE_PASTE:
	case CONFIG_ACTION_ATTENTION:
		return true;
	default:
		return false;
	}
}

bool inhibit_init(struct cordon_server *server) {
	struct cordon_inhibit *in = calloc(1, sizeof(*in));
	if (in == NULL) {
		wlr_log(WLR_ERROR, "shortcuts inhibit: out of memory");
		return false;
	}
	in->server = server;
	in->manager = wlr_keyboard_shortcuts_inhibit_v1_create(server->display);
	if (in->manager == NULL) {
		wlr_log(WLR_ERROR, "cannot create zwp_keyboard_shortcuts_inhibit_manager_v1");
		free(in);
		return false;
	}
	/* Offered to guests; cordon decides which inhibitor holds and what it gets. */
	globals_register(server->globals, in->manager->global, GLOBALS_SPECIAL);
	listener_connect(&in->manager->events.new_inhibitor, &in->new_inhibitor,
		handle_new_inhibitor);
	listener_connect(&server->seat->keyboard_state.events.focus_change, &in->focus_change,
		handle_focus_change);
	server->inhibit = in;
	return true;
}

void inhibit_finish(struct cordon_server *server) {
	struct cordon_inhibit *in = server->inhibit;
	if (in == NULL) {
		return;
	}
	wl_list_remove(&in->new_inhibitor.link);
	wl_list_remove(&in->focus_change.link);
	server->inhibit = NULL;
	free(in);
}
