#include <stdio.h>
#include <stdlib.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_pointer.h>
#include <wlr/types/wlr_pointer_constraints_v1.h>
#include <wlr/types/wlr_relative_pointer_v1.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include <wlr/util/region.h>
#include "compositor/wm/constraints.h"
#include "compositor/domain/domain.h"
#include "compositor/render/notify.h"
#include "compositor/guard/globals.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"

struct cordon_constraints {
	struct cordon_server *server;
	struct wlr_relative_pointer_manager_v1 *relative;
	struct wlr_pointer_constraints_v1 *manager;
	struct wlr_pointer_constraint_v1 *active;
	/* Released by the escape key: stays off until the focus moves. */
	struct wlr_surface *released_surface;
	struct wl_listener new_constraint;
	struct wl_listener focus_change;
	struct wl_listener active_destroy;
};

/* Per constraint: its destroy, to drop it from the active slot. */
struct constraint_record {
	struct cordon_constraints *cc;
	struct wlr_pointer_constraint_v1 *constraint;
	struct wl_listener destroy;
};

static void constraints_deactivate(struct cordon_constraints *cc) {
	struct wlr_pointer_constraint_v1 *active = cc->active;
	if (active == NULL) {
		return;
	}
	cc->active = NULL;
	wl_list_remove(&cc->active_destroy.link);
	wl_list_init(&cc->active_destroy.link);
	/* A oneshot constraint is destroyed inside this call. */
	wlr_pointer_constraint_v1_send_deactivated(active);
}

static void handle_active_destroy(struct wl_listener *listener, void *data) {
	struct cordon_constraints *cc = wl_container_of(listener, cc, active_destroy);
	cc->active = NULL;
	wl_list_remove(&cc->active_destroy.link);
	wl_list_init(&cc->active_destroy.link);
}

/* Activates the constraint of the focused surface, if any and not released. */
static void constraints_update(struct cordon_constraints *cc) {
	struct cordon_server *server = cc->server;
	struct wlr_surface *focused = server->seat->keyboard_state.focused_surface;
	struct wlr_pointer_constraint_v1 *want = NULL;
	if (focused != NULL && focused != cc->released_surface) {
		want = wlr_pointer_constraints_v1_constraint_for_surface(cc->manager, focused,
			server->seat);
	}
	if (want == cc->active) {
		return;
	}
	constraints_deactivate(cc);
	if (want == NULL) {
		return;
	}
	cc->active = want;
	wl_signal_add(&want->events.destroy, &cc->active_destroy);
	wlr_pointer_constraint_v1_send_activated(want);
	struct cordon_domain *domain = domain_of_client(server,
		wl_resource_get_client(want->surface->resource));
	char line[128];
	snprintf(line, sizeof(line), "[%s] %s the pointer", domain ? domain->name : "?",
		want->type == WLR_POINTER_CONSTRAINT_V1_LOCKED ? "locks" : "confines");
	notify_show(server, domain ? domain->color : 0xcc0000, line,
		"Super+Escape releases it");
	wlr_log(WLR_INFO, "domain %s: pointer %s", domain ? domain->name : "?",
		want->type == WLR_POINTER_CONSTRAINT_V1_LOCKED ? "locked" : "confined");
}

static void handle_record_destroy(struct wl_listener *listener, void *data) {
	struct constraint_record *record = wl_container_of(listener, record, destroy);
	wl_list_remove(&record->destroy.link);
	free(record);
}

static void handle_new_constraint(struct wl_listener *listener, void *data) {
	struct cordon_constraints *cc = wl_container_of(listener, cc, new_constraint);
	struct wlr_pointer_constraint_v1 *constraint = data;
	struct constraint_record *record = calloc(1, sizeof(*record));
	if (record == NULL) {
		wlr_log(WLR_ERROR, "pointer constraint: out of memory; it stays inactive");
		return;
	}
	record->cc = cc;
	record->constraint = constraint;
	listener_connect(&constraint->events.destroy, &record->destroy, handle_record_destroy);
	constraints_update(cc);
}

static void handle_focus_change(struct wl_listener *listener, void *data) {
	struct cordon_constraints *cc = wl_container_of(listener, cc, focus_change);
	struct wlr_seat_keyboard_focus_change_event *event = data;
	if (event->new_surface != cc->released_surface) {
		cc->released_surface = NULL;
	}
	constraints_update(cc);
}

void constraints_release(struct cordon_server *server) {
	struct cordon_constraints *cc = server->constraints;
	if (cc == NULL || cc->active == NULL) {
		return;
	}
	struct cordon_domain *domain = domain_of_client(server,
		wl_resource_get_client(cc->active->surface->resource));
	wlr_log(WLR_INFO, "domain %s: pointer released (escape key)",
		domain ? domain->name : "?");
	cc->released_surface = cc->active->surface;
	constraints_deactivate(cc);
}

void constraints_pointer_motion(struct cordon_server *server,
		struct wlr_pointer_motion_event *event) {
	struct cordon_constraints *cc = server->constraints;
	if (cc != NULL) {
		wlr_relative_pointer_manager_v1_send_relative_motion(cc->relative, server->seat,
			(uint64_t)event->time_msec * 1000, event->delta_x, event->delta_y,
			event->unaccel_dx, event->unaccel_dy);
	}
	struct wlr_pointer_constraint_v1 *active = cc ? cc->active : NULL;
	if (active != NULL && active->type == WLR_POINTER_CONSTRAINT_V1_LOCKED) {
		return;
	}
	double dx = event->delta_x, dy = event->delta_y;
	if (active != NULL) {
		/* Confined: the move stops at the region's edge, as far as it gets. */
		double sx, sy, cx, cy;
		struct wlr_surface *surface = NULL;
		struct cordon_view *view = view_at(server, server->cursor->x, server->cursor->y,
			&surface, &sx, &sy);
		if (view == NULL || surface != active->surface ||
				!wlr_region_confine(&active->region, sx, sy, sx + dx, sy + dy, &cx, &cy)) {
			return;
		}
		dx = cx - sx;
		dy = cy - sy;
	}
	wlr_cursor_move(server->cursor, &event->pointer->base, dx, dy);
}

bool constraints_init(struct cordon_server *server) {
	struct cordon_constraints *cc = calloc(1, sizeof(*cc));
	if (cc == NULL) {
		wlr_log(WLR_ERROR, "pointer constraints: out of memory");
		return false;
	}
	cc->server = server;
	cc->relative = wlr_relative_pointer_manager_v1_create(server->display);
	cc->manager = wlr_pointer_constraints_v1_create(server->display);
	if (cc->relative == NULL || cc->manager == NULL) {
		wlr_log(WLR_ERROR, "cannot create %s",
			cc->relative == NULL ? "zwp_relative_pointer_manager_v1" :
			"zwp_pointer_constraints_v1");
		free(cc);
		return false;
	}
	/* Motion deltas only reach the client under the pointer. */
	globals_register(server->globals, cc->relative->global, GLOBALS_GUEST);
	/* Offered to guests; cordon decides when a constraint holds. */
	globals_register(server->globals, cc->manager->global, GLOBALS_SPECIAL);
	wl_list_init(&cc->active_destroy.link);
	cc->active_destroy.notify = handle_active_destroy;
	listener_connect(&cc->manager->events.new_constraint, &cc->new_constraint,
		handle_new_constraint);
	listener_connect(&server->seat->keyboard_state.events.focus_change, &cc->focus_change,
		handle_focus_change);
	server->constraints = cc;
	return true;
}

void constraints_finish(struct cordon_server *server) {
	struct cordon_constraints *cc = server->constraints;
	if (cc == NULL) {
		return;
	}
	wl_list_remove(&cc->active_destroy.link);
	wl_list_remove(&cc->new_constraint.link);
	wl_list_remove(&cc->focus_change.link);
	server->constraints = NULL;
	free(cc);
}
