#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "compositor/guard/clip_policy.h"
#include "compositor/guard/clipboard.h"
#include "compositor/guard/clipboard_internal.h"
#include "compositor/guard/dnd.h"
#include "compositor/domain/domain.h"
#include "compositor/server.h"

/*
 * A drag carries this instead of the client's source, so a drop into
 * another domain is a paste like any other: the receive comes to cordon,
 * which applies the pair's policy (ask prompts at drop) and moves the
 * bytes. Every other request is passed to the real source; its impl mirrors
 * which hooks the real one has, as wlroots decides by their presence.
 */
struct clip_drag_proxy {
	struct wlr_data_source base;
	struct wlr_data_source_impl impl;
	struct cordon_clipboard *clip;
	struct clip_record record;    /* the real source; in no list */
	struct cordon_domain *dropped_on;
	struct wl_listener real_destroy;
};

static struct clip_drag_proxy *drag_proxy_from(struct wlr_data_source *source) {
	struct clip_drag_proxy *proxy = wl_container_of(source, proxy, base);
	return proxy;
}

static struct cordon_domain *drag_target_domain(struct clip_drag_proxy *proxy) {
	struct cordon_server *server = proxy->clip->server;
	struct wlr_drag *drag = server->seat->drag;
	if (drag != NULL && drag->source == &proxy->base && drag->focus_client != NULL) {
		return domain_of_client(server, drag->focus_client->client);
	}
	return proxy->dropped_on;
}

static void drag_proxy_send(struct wlr_data_source *source, const char *mime, int32_t fd) {
	struct clip_drag_proxy *proxy = drag_proxy_from(source);
	struct cordon_domain *target = drag_target_domain(proxy);
	if (target == NULL || proxy->record.data == NULL) {
		close(fd);
		return;
	}
	clip_proxy_send(proxy->clip, &proxy->record, target, mime, fd);
}

static void drag_proxy_accept(struct wlr_data_source *source, uint32_t serial,
		const char *mime) {
	struct clip_drag_proxy *proxy = drag_proxy_from(source);
	if (proxy->record.data != NULL) {
		wlr_data_source_accept(proxy->record.data, serial, mime);
	}
}

static void drag_proxy_dnd_drop(struct wlr_data_source *source) {
	struct clip_drag_proxy *proxy = drag_proxy_from(source);
	proxy->dropped_on = drag_target_domain(proxy);
	if (proxy->record.data != NULL) {
		wlr_data_source_dnd_drop(proxy->record.data);
	}
}

static void drag_proxy_dnd_finish(struct wlr_data_source *source) {
	struct clip_drag_proxy *proxy = drag_proxy_from(source);
	/*
	 * "Finished" lets the source delete what it moved: not after cordon
	 * refused the data. wlroots destroys this proxy right after (the offer
	 * goes), which cancels the real source instead.
	 */
	if (proxy->record.data != NULL && !proxy->record.dnd_refused) {
		wlr_data_source_dnd_finish(proxy->record.data);
	}
}

static void drag_proxy_dnd_action(struct wlr_data_source *source,
		enum wl_data_device_manager_dnd_action action) {
	struct clip_drag_proxy *proxy = drag_proxy_from(source);
	if (proxy->record.data != NULL) {
		wlr_data_source_dnd_action(proxy->record.data, action);
	}
}

static void drag_proxy_destroy(struct wlr_data_source *source) {
	struct clip_drag_proxy *proxy = drag_proxy_from(source);
	struct wlr_data_source *real = proxy->record.data;
	if (real != NULL) {
		/* wlroots gave up the drag: the client hears "cancelled", as it would. */
		wl_list_remove(&proxy->real_destroy.link);
		proxy->record.data = NULL;
		wlr_data_source_destroy(real);
	}
	free(proxy);
}

static void handle_drag_real_destroy(struct wl_listener *listener, void *data) {
	struct clip_drag_proxy *proxy = wl_container_of(listener, proxy, real_destroy);
	wl_list_remove(&proxy->real_destroy.link);
	proxy->record.data = NULL;
	wlr_data_source_destroy(&proxy->base);
}

static struct clip_drag_proxy *drag_proxy_create(struct cordon_clipboard *clip,
		struct wlr_data_source *real, struct cordon_domain *from) {
	struct clip_drag_proxy *proxy = calloc(1, sizeof(*proxy));
	if (proxy == NULL) {
		return NULL;
	}
	proxy->impl.send = drag_proxy_send;
	proxy->impl.accept = drag_proxy_accept;
	proxy->impl.destroy = drag_proxy_destroy;
	proxy->impl.dnd_drop = real->impl->dnd_drop ? drag_proxy_dnd_drop : NULL;
	proxy->impl.dnd_finish = real->impl->dnd_finish ? drag_proxy_dnd_finish : NULL;
	proxy->impl.dnd_action = real->impl->dnd_action ? drag_proxy_dnd_action : NULL;
	wlr_data_source_init(&proxy->base, &proxy->impl);
	proxy->base.actions = real->actions;
	proxy->clip = clip;
	proxy->record.clip = clip;
	proxy->record.domain = from;
	proxy->record.kind = CLIP_CLIPBOARD;
	proxy->record.data = real;
	proxy->record.dnd = true;
	wl_list_init(&proxy->record.link);
	wl_list_init(&proxy->record.source_destroy.link);
	size_t n = 0;
	char **mime;
	wl_array_for_each(mime, &real->mime_types) {
		if (n == CLIP_MAX_MIMES) {
			break;
		}
		if (strlen(*mime) > CLIP_MAX_MIME_LEN) {
			continue;
		}
		if (!clip_mimes_add(&proxy->base.mime_types, *mime)) {
			break;
		}
		n++;
	}
	listener_connect(&real->events.destroy, &proxy->real_destroy, handle_drag_real_destroy);
	return proxy;
}

static void handle_request_start_drag(struct wl_listener *listener, void *data) {
	struct cordon_clipboard *clip = wl_container_of(listener, clip, request_start_drag);
	struct wlr_seat_request_start_drag_event *event = data;
	struct wlr_seat *seat = clip->server->seat;
	struct wlr_drag *drag = event->drag;
	if (!wlr_seat_validate_pointer_grab_serial(seat, event->origin, event->serial)) {
		if (drag->source != NULL) {
			/* Destroying the source frees the never-started drag with it. */
			wlr_data_source_destroy(drag->source);
			return;
		}
		/*
		 * A drag without a source cannot be freed through wlroots 0.18's API:
		 * a client that keeps asking with bad serials is cut off before the
		 * leak grows (a racing but honest client asks once or twice).
		 */
		struct wl_client *client = drag->seat_client->client;
		struct domain_client *record = wl_client_get_user_data(client);
		if (record != NULL && ++record->refused_drags > CLIP_MAX_REFUSED_DRAGS) {
			wlr_log(WLR_ERROR, "domain %s: client pid %d keeps starting drags without "
				"a valid serial; disconnecting it", record->domain->name, (int)record->pid);
			wl_client_post_implementation_error(client,
				"too many start_drag requests without a valid serial");
		}
		return;
	}
	if (drag->source != NULL) {
		struct cordon_domain *from =
			domain_of_client(clip->server, drag->seat_client->client);
		struct clip_drag_proxy *proxy =
			from ? drag_proxy_create(clip, drag->source, from) : NULL;
		if (proxy == NULL) {
			wlr_log(WLR_ERROR, "clipboard: cannot mediate a drag; refusing it");
			wlr_data_source_destroy(drag->source);
			return;
		}
		/* The drag follows the proxy's life from now on, not the client's source. */
		wl_list_remove(&drag->source_destroy.link);
		drag->source = &proxy->base;
		wl_signal_add(&proxy->base.events.destroy, &drag->source_destroy);
	}
	wlr_seat_start_pointer_drag(seat, drag, event->serial);
}

/*
 * The domain a drag comes from, as recorded when it started: its client may
 * give up its wl_seat mid-drag, and wlroots then forgets drag->seat_client.
 */
static struct cordon_domain *drag_origin_domain(struct cordon_server *server,
		struct wlr_drag *drag) {
	if (drag->source != NULL && drag->source->impl->send == drag_proxy_send) {
		return drag_proxy_from(drag->source)->record.domain;
	}
	return drag->seat_client != NULL ?
		domain_of_client(server, drag->seat_client->client) : NULL;
}

bool dnd_may_enter(struct cordon_server *server, struct wlr_surface *surface) {
	struct wlr_drag *drag = server->seat->drag;
	if (drag == NULL || surface == NULL) {
		return true;
	}
	struct cordon_domain *from = drag_origin_domain(server, drag);
	struct cordon_domain *to =
		domain_of_client(server, wl_resource_get_client(surface->resource));
	if (from != NULL && to != NULL && (from == to ||
			/* Ask is asked at the drop, when the target pulls the data through cordon. */
			clip_policy_resolve(server->config, from->name, to->name) != CONFIG_CLIP_DENY)) {
		return true;
	}
	/*
	 * Refused: the drag leaves whatever it was over, through its grab.
	 * (wlr_seat_pointer_clear_focus bypasses grabs: the drag would keep
	 * the last surface it entered, and a release here would drop there.)
	 */
	wlr_seat_pointer_notify_clear_focus(server->seat);
	return false;
}

void dnd_init(struct cordon_clipboard *clip) {
	listener_connect(&clip->server->seat->events.request_start_drag, &clip->request_start_drag,
		handle_request_start_drag);
}

void dnd_finish(struct cordon_clipboard *clip) {
	wl_list_remove(&clip->request_start_drag.link);
}
