#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_primary_selection.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "compositor/domain/domain.h"
#include "compositor/guard/clip_x11.h"
#include "compositor/guard/clipboard_internal.h"
#include "compositor/server.h"

/*
 * A domain's X server and the clipboard guard. wlroots 0.18's xwm watches
 * the seat it is given: when that seat's selection is not one of its own
 * sources it takes the X selection and serves X clients from it; when an X
 * client takes the X clipboard it asks that seat for the selection
 * (request_set_selection, without a client), for the primary selection it
 * sets the seat's primary selection itself; when that X client lets go it
 * asks to clear. Given the real seat, every domain's X server would serve
 * and overwrite the one seat selection. So each gets a seat of its own,
 * which only this file writes:
 *
 * - The focused domain's X seat holds a proxy made for that domain, like
 *   the real seat's (clip_proxy_new): X clients read through it under the
 *   same policy, prompt and grant as a Wayland client of the domain, and
 *   only while the domain holds the keyboard. An X seat of a domain
 *   without focus is left as it is, so nothing another domain copies is
 *   announced to it before it is focused.
 * - What the X server puts there becomes the domain's own record while the
 *   domain holds the keyboard (else it is dropped). That source stays in
 *   the X seat for as long as it is the domain's record: when the X seat
 *   is given something newer, wlroots destroys it and the record ends with
 *   it (in X the old owner loses the selection the same way), and when the
 *   X server goes, its sources go from the seat and the record.
 *
 * Seat writes happen from an idle callback: wlroots sets an X primary
 * selection in the middle of destroying the previous one, whose record's
 * destroy handler would otherwise write the same seat again.
 */

struct clip_x11 {
	struct wl_list link;          /* cordon_clipboard.x11 */
	struct cordon_clipboard *clip;
	struct cordon_domain *domain;
	struct wlr_seat *seat;
	bool installing;              /* this file is writing the seat */
	bool drop[CLIP_KINDS];        /* an X selection was refused: take it out */
	struct wl_listener request_set_selection;
	struct wl_listener request_set_primary_selection;
	struct wl_listener set_selection;
	struct wl_listener set_primary_selection;
};

static void *clip_x11_current(struct clip_x11 *x, enum clip_kind kind) {
	return kind == CLIP_CLIPBOARD ? (void *)x->seat->selection_source :
		(void *)x->seat->primary_selection_source;
}

static void *clip_x11_record_source(const struct clip_record *r) {
	if (r == NULL) {
		return NULL;
	}
	return r->kind == CLIP_CLIPBOARD ? (void *)r->data : (void *)r->primary;
}

/* Whether what the X seat holds is the domain's own record (its X source). */
static bool clip_x11_holds_own(struct clip_x11 *x, enum clip_kind kind) {
	void *current = clip_x11_current(x, kind);
	return current != NULL && current ==
		clip_x11_record_source(clip_record_find(x->clip, x->domain, kind, false));
}

static void clip_x11_install(struct clip_x11 *x, enum clip_kind kind, void *source) {
	uint32_t serial = wl_display_next_serial(x->clip->server->display);
	x->installing = true;
	if (kind == CLIP_CLIPBOARD) {
		wlr_seat_set_selection(x->seat, source, serial);
	} else {
		wlr_seat_set_primary_selection(x->seat, source, serial);
	}
	x->installing = false;
}

static void clip_x11_sync(struct clip_x11 *x, enum clip_kind kind) {
	struct cordon_clipboard *clip = x->clip;
	if (x->drop[kind]) {
		x->drop[kind] = false;
		if (clip_x11_current(x, kind) != NULL && !clip_x11_holds_own(x, kind)) {
			clip_x11_install(x, kind, NULL);
		}
	}
	if (clip->focused != x->domain) {
		return;
	}
	struct clip_record *latest = clip_latest(clip, kind);
	if (latest != NULL && clip_x11_current(x, kind) == clip_x11_record_source(latest)) {
		/* The newest selection is this X server's own: it stays. */
		return;
	}
	void *proxy = clip_proxy_new(clip, kind, latest, x->domain);
	if (proxy == NULL && clip_x11_current(x, kind) == NULL) {
		return;
	}
	clip_x11_install(x, kind, proxy);
}

static void handle_x11_idle(void *data) {
	struct cordon_clipboard *clip = data;
	clip->x11_idle = NULL;
	struct clip_x11 *x;
	wl_list_for_each(x, &clip->x11, link) {
		for (int k = 0; k < CLIP_KINDS; k++) {
			clip_x11_sync(x, k);
		}
	}
}

void clip_x11_changed(struct cordon_clipboard *clip) {
	if (clip->x11_idle != NULL || wl_list_empty(&clip->x11)) {
		return;
	}
	clip->x11_idle = wl_event_loop_add_idle(clip->server->loop, handle_x11_idle, clip);
	if (clip->x11_idle == NULL) {
		wlr_log(WLR_ERROR, "clipboard: out of memory; the X servers' selections "
			"are not updated");
	}
}

void clip_x11_finish(struct cordon_clipboard *clip) {
	/* xwayland_finish() has ended every X server's seat before. */
	assert(wl_list_empty(&clip->x11));
	if (clip->x11_idle != NULL) {
		wl_event_source_remove(clip->x11_idle);
		clip->x11_idle = NULL;
	}
}

static void clip_x11_destroy_source(enum clip_kind kind, void *source) {
	if (kind == CLIP_CLIPBOARD) {
		wlr_data_source_destroy(source);
	} else {
		wlr_primary_selection_source_destroy(source);
	}
}

/*
 * The X server offers its own selection (an X client took it) or, with
 * source NULL, says the X client that held it let go.
 */
static void clip_x11_take(struct clip_x11 *x, enum clip_kind kind, void *source) {
	struct cordon_clipboard *clip = x->clip;
	if (source == NULL) {
		/* Only the X server's own selection ends; a Wayland one stays. */
		if (clip_x11_holds_own(x, kind)) {
			clip_record_set(clip, x->domain, kind, NULL);
		}
		return;
	}
	if (clip_keyboard_domain(clip->server) != x->domain) {
		wlr_log(WLR_INFO, "clipboard: [%s]'s X server set the %s without the keyboard: "
			"refused", x->domain->name, clip_kind_name(kind));
		clip_x11_destroy_source(kind, source);
		return;
	}
	wlr_log(WLR_DEBUG, "clipboard: [%s]'s X server sets its %s", x->domain->name,
		clip_kind_name(kind));
	clip_record_set(clip, x->domain, kind, source);
	clip_x11_install(x, kind, source);
}

static void handle_request_set_selection(struct wl_listener *listener, void *data) {
	struct clip_x11 *x = wl_container_of(listener, x, request_set_selection);
	struct wlr_seat_request_set_selection_event *event = data;
	clip_x11_take(x, CLIP_CLIPBOARD, event->source);
}

static void handle_request_set_primary_selection(struct wl_listener *listener, void *data) {
	struct clip_x11 *x = wl_container_of(listener, x, request_set_primary_selection);
	struct wlr_seat_request_set_primary_selection_event *event = data;
	clip_x11_take(x, CLIP_PRIMARY, event->source);
}

/* A selection the X server put into its seat directly (wlroots 0.18 does so
 * for the primary selection). The previous source is already gone. */
static void clip_x11_set_directly(struct clip_x11 *x, enum clip_kind kind) {
	void *source = clip_x11_current(x, kind);
	if (x->installing || source == NULL || clip_x11_holds_own(x, kind)) {
		return;
	}
	if (clip_keyboard_domain(x->clip->server) != x->domain) {
		wlr_log(WLR_INFO, "clipboard: [%s]'s X server set the %s without the keyboard: "
			"refused", x->domain->name, clip_kind_name(kind));
		x->drop[kind] = true;
		clip_x11_changed(x->clip);
		return;
	}
	wlr_log(WLR_DEBUG, "clipboard: [%s]'s X server sets its %s", x->domain->name,
		clip_kind_name(kind));
	clip_record_set(x->clip, x->domain, kind, source);
}

static void handle_set_selection(struct wl_listener *listener, void *data) {
	struct clip_x11 *x = wl_container_of(listener, x, set_selection);
	clip_x11_set_directly(x, CLIP_CLIPBOARD);
}

static void handle_set_primary_selection(struct wl_listener *listener, void *data) {
	struct clip_x11 *x = wl_container_of(listener, x, set_primary_selection);
	clip_x11_set_directly(x, CLIP_PRIMARY);
}

struct clip_x11 *clip_x11_create(struct cordon_domain *domain) {
	struct cordon_server *server = domain->server;
	struct cordon_clipboard *clip = server->clipboard;
	if (clip == NULL) {
		wlr_log(WLR_ERROR, "domain %s: no clipboard guard; its X server gets no seat",
			domain->name);
		return NULL;
	}
	struct clip_x11 *x = calloc(1, sizeof(*x));
	if (x == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory for its X server's seat", domain->name);
		return NULL;
	}
	char name[64];
	snprintf(name, sizeof(name), "cordon-x11-%s", domain->name);
	x->seat = wlr_seat_create(server->display, name);
	if (x->seat == NULL) {
		wlr_log(WLR_ERROR, "domain %s: cannot create its X server's seat", domain->name);
		free(x);
		return NULL;
	}
	x->clip = clip;
	x->domain = domain;
	listener_connect(&x->seat->events.request_set_selection, &x->request_set_selection,
		handle_request_set_selection);
	listener_connect(&x->seat->events.request_set_primary_selection,
		&x->request_set_primary_selection, handle_request_set_primary_selection);
	listener_connect(&x->seat->events.set_selection, &x->set_selection,
		handle_set_selection);
	listener_connect(&x->seat->events.set_primary_selection, &x->set_primary_selection,
		handle_set_primary_selection);
	wl_list_insert(&clip->x11, &x->link);
	clip_x11_changed(clip);
	return x;
}

void clip_x11_destroy(struct clip_x11 *x) {
	if (x == NULL) {
		return;
	}
	/* The X server's own sources leave the domain's records with the seat. */
	for (int k = 0; k < CLIP_KINDS; k++) {
		clip_x11_install(x, k, NULL);
	}
	wl_list_remove(&x->request_set_selection.link);
	wl_list_remove(&x->request_set_primary_selection.link);
	wl_list_remove(&x->set_selection.link);
	wl_list_remove(&x->set_primary_selection.link);
	wl_list_remove(&x->link);
	wlr_seat_destroy(x->seat);
	free(x);
}

struct wlr_seat *clip_x11_seat(struct clip_x11 *x) {
	return x->seat;
}

const struct wl_global *clip_x11_global(const struct clip_x11 *x) {
	return x->seat->global;
}
