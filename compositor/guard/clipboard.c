#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_primary_selection.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/guard/clipboard.h"
#include "compositor/guard/clipboard_internal.h"
#include "compositor/guard/data_control.h"
#include "compositor/guard/dnd.h"
#include "compositor/guard/selection_source.h"
#include "compositor/guard/transfer.h"
#include "compositor/server.h"
#include "compositor/util.h"

/*
 * The clipboard guard's records and proxies: each domain's own selection
 * is kept here, and the seat only ever holds a proxy made for the focused
 * domain. Pastes through a proxy go to clip_paste.c; grants, the secure
 * clipboard and the history have files of their own.
 */

static const char *const clip_kind_names[CLIP_KINDS] = {"clipboard", "primary"};

const char *clip_kind_name(enum clip_kind kind) {
	return clip_kind_names[kind];
}

/* The seat's selection for one target domain, of either kind. */
struct clip_proxy {
	struct selection_source base;
	struct cordon_clipboard *clip;
	struct clip_record *owner;
	struct cordon_domain *target;
};


bool clip_record_live(const struct clip_record *r) {
	return r->kind == CLIP_CLIPBOARD ? r->data != NULL : r->primary != NULL;
}

static struct wl_array *clip_record_mimes(struct clip_record *r) {
	return r->kind == CLIP_CLIPBOARD ? &r->data->mime_types : &r->primary->mime_types;
}

void clip_record_send(struct clip_record *r, const char *mime, int fd) {
	if (r->kind == CLIP_CLIPBOARD) {
		wlr_data_source_send(r->data, mime, fd);
	} else {
		wlr_primary_selection_source_send(r->primary, mime, fd);
	}
}

struct clip_record *clip_record_find(struct cordon_clipboard *clip,
		struct cordon_domain *domain, enum clip_kind kind, bool create) {
	struct clip_record *r;
	wl_list_for_each(r, &clip->records, link) {
		if (r->domain == domain && r->kind == kind) {
			return r;
		}
	}
	if (!create || (r = calloc(1, sizeof(*r))) == NULL) {
		return NULL;
	}
	r->clip = clip;
	r->domain = domain;
	r->kind = kind;
	wl_list_init(&r->source_destroy.link);
	wl_list_insert(&clip->records, &r->link);
	return r;
}

/* The selection the focused domain sees: the newest of any domain's. */
struct clip_record *clip_latest(struct cordon_clipboard *clip, enum clip_kind kind) {
	struct clip_record *best = NULL, *r;
	wl_list_for_each(r, &clip->records, link) {
		if (r->kind == kind && clip_record_live(r) && (best == NULL || r->stamp > best->stamp)) {
			best = r;
		}
	}
	return best;
}

bool clip_mime_allowed(struct cordon_clipboard *clip, const char *mime) {
	for (char **m = clip->server->config->clipboard.mime; m && *m; m++) {
		if (strcmp(*m, mime) == 0) {
			return true;
		}
	}
	return false;
}

bool clip_mimes_add(struct wl_array *mimes, const char *mime) {
	char **slot = wl_array_add(mimes, sizeof(*slot));
	if (slot == NULL) {
		return false;
	}
	if ((*slot = strdup(mime)) == NULL) {
		mimes->size -= sizeof(*slot);
		return false;
	}
	return true;
}

/* Copies the offerable types of owner for target into out. */
bool clip_copy_mimes(struct cordon_clipboard *clip, struct clip_record *owner,
		struct cordon_domain *target, struct wl_array *out) {
	bool cross = owner->domain != target;
	size_t n = 0;
	char **mime;
	wl_array_for_each(mime, clip_record_mimes(owner)) {
		if (n == CLIP_MAX_MIMES) {
			break;
		}
		if (strlen(*mime) > CLIP_MAX_MIME_LEN || (cross && !clip_mime_allowed(clip, *mime))) {
			continue;
		}
		if (!clip_mimes_add(out, *mime)) {
			return false;
		}
		n++;
	}
	return n > 0;
}


struct cordon_domain *clip_keyboard_domain(struct cordon_server *server) {
	struct wlr_surface *surface = server->seat->keyboard_state.focused_surface;
	return surface == NULL ? NULL :
		domain_of_client(server, wl_resource_get_client(surface->resource));
}

/*
 * A selection proxy is read through an offer the seat sent to its keyboard
 * focus. Whoever holds the keyboard now must be of the proxy's domain:
 * never trust that focus went where cordon asked it to.
 */
static bool clip_target_holds_keyboard(struct cordon_clipboard *clip,
		struct cordon_domain *target) {
	struct cordon_domain *holder = clip_keyboard_domain(clip->server);
	if (holder == target) {
		return true;
	}
	wlr_log(WLR_ERROR, "clipboard: a read of [%s]'s selection while the keyboard is with "
		"[%s]: refused", target->name, holder ? holder->name : "nobody");
	return false;
}

/* A read through a proxy. */
static void clip_proxy_read(struct selection_source *source, const char *mime, int fd) {
	struct clip_proxy *proxy = wl_container_of(source, proxy, base);
	if (!clip_target_holds_keyboard(proxy->clip, proxy->target)) {
		close(fd);
		return;
	}
	clip_proxy_send(proxy->clip, proxy->owner, proxy->target, mime, fd);
}

static void clip_proxy_destroy(struct selection_source *source) {
	struct clip_proxy *proxy = wl_container_of(source, proxy, base);
	free(proxy);
}

static const struct selection_source_impl clip_proxy_impl = {
	.send = clip_proxy_read,
	.destroy = clip_proxy_destroy,
};

void *clip_proxy_new(struct cordon_clipboard *clip, enum clip_kind kind,
		struct clip_record *owner, struct cordon_domain *target) {
	struct wl_array mimes;
	wl_array_init(&mimes);
	bool offer = owner != NULL && target != NULL &&
		clip_copy_mimes(clip, owner, target, &mimes);
	struct clip_proxy *proxy = offer ? calloc(1, sizeof(*proxy)) : NULL;
	if (proxy != NULL) {
		proxy->clip = clip;
		proxy->owner = owner;
		proxy->target = target;
		selection_source_init(&proxy->base, kind, &clip_proxy_impl, &mimes);
	}
	char **m;
	wl_array_for_each(m, &mimes) {
		free(*m);
	}
	wl_array_release(&mimes);
	return proxy != NULL ? selection_source_wlr(&proxy->base) : NULL;
}

/* Replaces the seat's selection with a proxy for the focused domain. */
void clip_update_seat(struct cordon_clipboard *clip, enum clip_kind kind) {
	struct wlr_seat *seat = clip->server->seat;
	void *proxy = clip_proxy_new(clip, kind, clip_latest(clip, kind), clip->focused);
	/* The previous proxy dies here, and every offer made from it. */
	if (kind == CLIP_CLIPBOARD) {
		wlr_seat_set_selection(seat, proxy, clip->serial[kind]);
	} else {
		wlr_seat_set_primary_selection(seat, proxy, clip->serial[kind]);
	}
	/* Clipboard managers follow every change, whoever has the keyboard. */
	data_control_selection_changed(clip->server);
	/* So does the focused domain's X server (clip_x11.c). */
	clip_x11_changed(clip);
}

static void clip_update_all(struct cordon_clipboard *clip) {
	for (int k = 0; k < CLIP_KINDS; k++) {
		clip_update_seat(clip, k);
	}
}

static void clip_record_clear(struct clip_record *r) {
	wl_list_remove(&r->source_destroy.link);
	wl_list_init(&r->source_destroy.link);
	r->data = NULL;
	r->primary = NULL;
}

static void handle_record_source_destroy(struct wl_listener *listener, void *data) {
	struct clip_record *r = wl_container_of(listener, r, source_destroy);
	struct cordon_clipboard *clip = r->clip;
	enum clip_kind kind = r->kind;
	clip_grants_end(clip, r, "the selection went away");
	clip_record_clear(r);
	clip_update_seat(clip, kind);
}

/* Makes source domain's selection; the previous one of that domain is cancelled. */
void clip_record_set(struct cordon_clipboard *clip, struct cordon_domain *domain,
		enum clip_kind kind, void *source) {
	struct clip_record *r = clip_record_find(clip, domain, kind, true);
	if (r == NULL) {
		wlr_log(WLR_ERROR, "clipboard: out of memory for [%s]'s selection", domain->name);
		return;
	}
	struct wlr_data_source *old_data = r->data;
	struct wlr_primary_selection_source *old_primary = r->primary;
	clip_grants_end(clip, r, "a new selection");
	clip_record_clear(r);
	if (old_data != NULL && old_data != source) {
		wlr_data_source_destroy(old_data);
	}
	if (old_primary != NULL && old_primary != source) {
		wlr_primary_selection_source_destroy(old_primary);
	}
	if (source != NULL) {
		r->source_destroy.notify = handle_record_source_destroy;
		wl_list_remove(&r->source_destroy.link);
		if (kind == CLIP_CLIPBOARD) {
			r->data = source;
			wl_signal_add(&r->data->events.destroy, &r->source_destroy);
		} else {
			r->primary = source;
			wl_signal_add(&r->primary->events.destroy, &r->source_destroy);
		}
		r->stamp = ++clip->stamp;
	}
	clip_update_seat(clip, kind);
}

/*
 * The requester must be the client with keyboard focus itself, and the
 * serial one sent since that focus began. wlroots' serial check alone
 * admits any old serial once a client's ring of serials is full.
 */
static struct cordon_domain *clip_requester_domain(struct cordon_clipboard *clip,
		uint32_t serial) {
	struct wl_client *requester = clip->requester;
	clip->requester = NULL;
	struct wlr_seat_client *focused = clip->server->seat->keyboard_state.focused_client;
	if (focused == NULL || requester == NULL || requester != focused->client ||
			!wlr_seat_client_validate_event_serial(focused, serial) ||
			(int32_t)(serial - clip->focus_serial) <= 0) {
		return NULL;
	}
	return domain_of_client(clip->server, focused->client);
}

static void handle_protocol_message(void *data, enum wl_protocol_logger_type type,
		const struct wl_protocol_logger_message *message) {
	struct cordon_clipboard *clip = data;
	if (type != WL_PROTOCOL_LOGGER_REQUEST ||
			strcmp(message->message->name, "set_selection") != 0) {
		return;
	}
	const char *interface = wl_resource_get_class(message->resource);
	if (strcmp(interface, "wl_data_device") == 0 ||
			strcmp(interface, "zwp_primary_selection_device_v1") == 0) {
		clip->requester = wl_resource_get_client(message->resource);
	}
}

/* A selection request of either kind; source is that kind's source or NULL. */
static void clip_request_set(struct cordon_clipboard *clip, enum clip_kind kind,
		uint32_t serial, void *source) {
	struct cordon_domain *domain = clip_requester_domain(clip, serial);
	if (domain == NULL) {
		wlr_log(WLR_INFO, "clipboard: a %s request without keyboard focus refused",
			clip_kind_name(kind));
		/* Cancelled tells the client it does not own the selection. */
		if (source != NULL && kind == CLIP_CLIPBOARD) {
			wlr_data_source_destroy(source);
		} else if (source != NULL) {
			wlr_primary_selection_source_destroy(source);
		}
		return;
	}
	wlr_log(WLR_DEBUG, "clipboard: [%s] sets its %s (serial %u)", domain->name,
		clip_kind_name(kind), serial);
	clip->serial[kind] = serial;
	clip_record_set(clip, domain, kind, source);
}

static void handle_request_set_selection(struct wl_listener *listener, void *data) {
	struct cordon_clipboard *clip = wl_container_of(listener, clip, request_set_selection);
	struct wlr_seat_request_set_selection_event *event = data;
	clip_request_set(clip, CLIP_CLIPBOARD, event->serial, event->source);
}

static void handle_request_set_primary_selection(struct wl_listener *listener, void *data) {
	struct cordon_clipboard *clip =
		wl_container_of(listener, clip, request_set_primary_selection);
	struct wlr_seat_request_set_primary_selection_event *event = data;
	clip_request_set(clip, CLIP_PRIMARY, event->serial, event->source);
}


void clipboard_focus_domain(struct cordon_server *server, struct cordon_domain *domain) {
	struct cordon_clipboard *clip = server->clipboard;
	if (clip == NULL) {
		return;
	}
	/* Every keyboard enter follows: serials sent before it are worth nothing. */
	clip->focus_serial = wl_display_get_serial(server->display);
	if (clip->focused == domain) {
		return;
	}
	/*
	 * The seat sends a new selection to whoever has focus now: that must
	 * not be a client of the old domain receiving the new domain's proxy.
	 */
	struct wlr_seat_client *focused = server->seat->keyboard_state.focused_client;
	if (focused != NULL && domain_of_client(server, focused->client) != domain) {
		/* Past any grab: a grab would keep the focus where it is. */
		wlr_seat_keyboard_clear_focus(server->seat);
	}
	clip->focused = domain;
	clip_update_all(clip);
}


bool clipboard_init(struct cordon_server *server) {
	struct cordon_clipboard *clip = calloc(1, sizeof(*clip));
	if (clip == NULL) {
		wlr_log(WLR_ERROR, "clipboard: out of memory");
		return false;
	}
	clip->server = server;
	clip->secure_memfd = -1;
	wl_list_init(&clip->records);
	wl_list_init(&clip->pastes);
	wl_list_init(&clip->grants);
	wl_list_init(&clip->x11);
	listener_connect(&server->seat->events.request_set_selection, &clip->request_set_selection,
		handle_request_set_selection);
	listener_connect(&server->seat->events.request_set_primary_selection,
		&clip->request_set_primary_selection, handle_request_set_primary_selection);
	clip->logger = wl_display_add_protocol_logger(server->display, handle_protocol_message,
		clip);
	if (clip->logger == NULL) {
		wlr_log(WLR_ERROR, "clipboard: cannot watch selection requests; none will be taken");
	}
	dnd_init(clip);
	server->clipboard = clip;
	return true;
}

void clipboard_forget_domain(struct cordon_server *server, struct cordon_domain *domain) {
	struct cordon_clipboard *clip = server->clipboard;
	if (clip == NULL) {
		return;
	}
	struct clip_paste *p;
	wl_list_for_each(p, &clip->pastes, link) {
		if (p->from_domain == domain) {
			p->from_domain = NULL;
		}
		if (p->to_domain == domain) {
			p->to_domain = NULL;
		}
	}
	/* Its clients went first, their selections' records with them. */
	struct clip_record *r;
	wl_list_for_each(r, &clip->records, link) {
		INVARIANT(r->domain != domain, "a domain outlives its clipboard records");
	}
}

void clipboard_finish(struct cordon_server *server) {
	struct cordon_clipboard *clip = server->clipboard;
	if (clip == NULL) {
		return;
	}
	struct clip_paste *p, *ptmp;
	wl_list_for_each_safe(p, ptmp, &clip->pastes, link) {
		if (p->transfer != NULL) {
			transfer_abort(p->transfer, "shutting down");
		} else {
			clip_paste_free(p);
		}
	}
	clip_grants_end(clip, NULL, "shutting down");
	clip_x11_finish(clip);
	struct clip_record *r, *rtmp;
	wl_list_for_each_safe(r, rtmp, &clip->records, link) {
		struct wlr_data_source *data = r->data;
		clip_record_clear(r);
		/* A client's source goes with its client; cordon's own (what a
		 * secure paste left) has nobody else to free it. */
		if (data != NULL && clip_secure_owns(data)) {
			wlr_data_source_destroy(data);
		}
		wl_list_remove(&r->link);
		free(r);
	}
	wl_list_remove(&clip->request_set_selection.link);
	wl_list_remove(&clip->request_set_primary_selection.link);
	if (clip->logger != NULL) {
		wl_protocol_logger_destroy(clip->logger);
	}
	dnd_finish(clip);
	clip_secure_wipe(clip);
	clip_history_finish(clip);
	free(clip);
	server->clipboard = NULL;
}
