#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wayland-server-core.h>
#include <wlr/types/wlr_data_device.h>
#include <wlr/types/wlr_primary_selection.h>
#include <wlr/util/log.h>
#include "compositor/guard/clip_policy.h"
#include "compositor/guard/clipboard_internal.h"
#include "compositor/guard/data_control.h"
#include "compositor/domain/domain.h"
#include "compositor/guard/globals.h"
#include "compositor/guard/selection_source.h"
#include "compositor/server.h"
#include "wlr-data-control-unstable-v1-protocol.h"

#define DATA_CONTROL_VERSION 2

struct data_control {
	struct cordon_server *server;
	struct wl_global *global;
	struct wl_list devices;       /* dc_device.link */
	/*
	 * Changes are sent from an idle callback: a selection may change while
	 * a client is being torn down, when no resource may be made for anyone.
	 */
	struct wl_event_source *update_idle;
};

struct dc_device {
	struct wl_list link;          /* data_control.devices */
	struct data_control *dc;
	struct wl_resource *resource;
	/* The record stamp last offered per kind (0: nothing), once sent. */
	uint64_t sent[CLIP_KINDS];
	bool sent_once[CLIP_KINDS];
	struct wl_resource *offer[CLIP_KINDS]; /* the live offer, or NULL */
};

/* An offer is good for one selection: a newer stamp makes it dead. */
struct dc_offer {
	struct data_control *dc;
	struct dc_device *device;     /* NULL once replaced or its device gone */
	enum clip_kind kind;
	uint64_t stamp;
};

struct dc_adapter;

/* A manager's source; once set, an adapter stands for it in cordon's records. */
struct dc_source {
	struct wl_resource *resource;
	struct data_control *dc;
	struct wl_array mimes;        /* char *, until set */
	bool used;
	struct dc_adapter *adapter;   /* once set, as one kind of selection */
};

struct dc_adapter {
	struct selection_source base;
	struct dc_source *source;     /* NULL once the client destroyed it */
};

static const struct zwlr_data_control_offer_v1_interface dc_offer_impl;
static const struct zwlr_data_control_source_v1_interface dc_source_impl;
static const struct zwlr_data_control_device_v1_interface dc_device_impl;
static const struct zwlr_data_control_manager_v1_interface dc_manager_impl;

static struct cordon_domain *dc_domain(struct data_control *dc, struct wl_resource *resource) {
	return domain_of_client(dc->server, wl_resource_get_client(resource));
}

/* Another domain's selection is not even announced where policy denies it. */
static bool dc_may_offer(struct data_control *dc, struct clip_record *owner,
		struct cordon_domain *target) {
	return owner->domain == target || clip_policy_resolve(dc->server->config,
		owner->domain->name, target->name) != CONFIG_CLIP_DENY;
}

static void dc_free_mimes(struct wl_array *mimes) {
	char **m;
	wl_array_for_each(m, mimes) {
		free(*m);
	}
	wl_array_release(mimes);
	wl_array_init(mimes);
}

/* ---- offers ---- */

static void dc_offer_receive(struct wl_client *client, struct wl_resource *resource,
		const char *mime, int32_t fd) {
	struct dc_offer *offer = wl_resource_get_user_data(resource);
	struct cordon_clipboard *clip = offer->dc->server->clipboard;
	struct clip_record *owner = clip != NULL ? clip_latest(clip, offer->kind) : NULL;
	struct cordon_domain *target = dc_domain(offer->dc, resource);
	if (offer->device == NULL || owner == NULL || owner->stamp != offer->stamp ||
			!dc_may_offer(offer->dc, owner, target)) {
		/* A stale offer pulls nothing, not even from the same domain. */
		close(fd);
		return;
	}
	/* The same path as a paste by a window of target: policy, prompt, limits. */
	clip_proxy_send(clip, owner, target, mime, fd);
}

static void dc_destroy_request(struct wl_client *client, struct wl_resource *resource) {
	wl_resource_destroy(resource);
}

static const struct zwlr_data_control_offer_v1_interface dc_offer_impl = {
	.receive = dc_offer_receive,
	.destroy = dc_destroy_request,
};

static void dc_offer_handle_resource_destroy(struct wl_resource *resource) {
	struct dc_offer *offer = wl_resource_get_user_data(resource);
	if (offer->device != NULL && offer->device->offer[offer->kind] == resource) {
		offer->device->offer[offer->kind] = NULL;
	}
	free(offer);
}

static void dc_device_kill_offer(struct dc_device *device, enum clip_kind kind) {
	struct wl_resource *old = device->offer[kind];
	if (old != NULL) {
		struct dc_offer *offer = wl_resource_get_user_data(old);
		offer->device = NULL;
		device->offer[kind] = NULL;
	}
}

static struct wl_resource *dc_offer_create(struct dc_device *device, enum clip_kind kind,
		uint64_t stamp, struct wl_array *mimes) {
	struct wl_client *client = wl_resource_get_client(device->resource);
	struct dc_offer *offer = calloc(1, sizeof(*offer));
	struct wl_resource *resource = offer == NULL ? NULL :
		wl_resource_create(client, &zwlr_data_control_offer_v1_interface,
			wl_resource_get_version(device->resource), 0);
	if (resource == NULL) {
		wlr_log(WLR_ERROR, "data control: out of memory for an offer");
		free(offer);
		wl_client_post_no_memory(client);
		return NULL;
	}
	offer->dc = device->dc;
	offer->device = device;
	offer->kind = kind;
	offer->stamp = stamp;
	wl_resource_set_implementation(resource, &dc_offer_impl, offer,
		dc_offer_handle_resource_destroy);
	zwlr_data_control_device_v1_send_data_offer(device->resource, resource);
	char **m;
	wl_array_for_each(m, mimes) {
		zwlr_data_control_offer_v1_send_offer(resource, *m);
	}
	return resource;
}

/* Tells a device what its domain is offered now, unless it knows already. */
static void dc_device_send(struct dc_device *device, enum clip_kind kind) {
	if (kind == CLIP_PRIMARY && wl_resource_get_version(device->resource) <
			ZWLR_DATA_CONTROL_DEVICE_V1_PRIMARY_SELECTION_SINCE_VERSION) {
		return;
	}
	struct data_control *dc = device->dc;
	struct cordon_clipboard *clip = dc->server->clipboard;
	struct clip_record *owner = clip != NULL ? clip_latest(clip, kind) : NULL;
	struct cordon_domain *target = dc_domain(dc, device->resource);
	if (owner != NULL && !dc_may_offer(dc, owner, target)) {
		owner = NULL;
	}
	uint64_t stamp = owner != NULL ? owner->stamp : 0;
	if (device->sent_once[kind] && device->sent[kind] == stamp) {
		return;
	}
	device->sent_once[kind] = true;
	device->sent[kind] = stamp;
	dc_device_kill_offer(device, kind);
	struct wl_resource *offer = NULL;
	if (owner != NULL) {
		struct wl_array mimes;
		wl_array_init(&mimes);
		if (clip_copy_mimes(clip, owner, target, &mimes)) {
			offer = dc_offer_create(device, kind, stamp, &mimes);
			device->offer[kind] = offer;
		}
		dc_free_mimes(&mimes);
	}
	if (kind == CLIP_CLIPBOARD) {
		zwlr_data_control_device_v1_send_selection(device->resource, offer);
	} else {
		zwlr_data_control_device_v1_send_primary_selection(device->resource, offer);
	}
}

static void handle_update_idle(void *data) {
	struct data_control *dc = data;
	dc->update_idle = NULL;
	struct dc_device *device;
	wl_list_for_each(device, &dc->devices, link) {
		for (int k = 0; k < CLIP_KINDS; k++) {
			dc_device_send(device, k);
		}
	}
}

void data_control_selection_changed(struct cordon_server *server) {
	struct data_control *dc = server->data_control;
	if (dc == NULL || dc->update_idle != NULL || wl_list_empty(&dc->devices)) {
		return;
	}
	dc->update_idle = wl_event_loop_add_idle(server->loop, handle_update_idle, dc);
	if (dc->update_idle == NULL) {
		wlr_log(WLR_ERROR, "data control: cannot schedule telling clipboard managers");
	}
}

/* ---- sources ---- */

/* What an adapter asks of its manager's source, while it has one. */
static void dc_adapter_send(struct selection_source *base, const char *mime, int fd) {
	struct dc_adapter *adapter = wl_container_of(base, adapter, base);
	if (adapter->source != NULL) {
		zwlr_data_control_source_v1_send_send(adapter->source->resource, mime, fd);
	}
	close(fd);
}

/* Replaced in cordon's records: the manager no longer owns it. */
static void dc_adapter_destroy(struct selection_source *base) {
	struct dc_adapter *adapter = wl_container_of(base, adapter, base);
	if (adapter->source != NULL) {
		zwlr_data_control_source_v1_send_cancelled(adapter->source->resource);
		adapter->source->adapter = NULL;
	}
	free(adapter);
}

static const struct selection_source_impl dc_adapter_impl = {
	.send = dc_adapter_send,
	.destroy = dc_adapter_destroy,
};

static void dc_source_offer(struct wl_client *client, struct wl_resource *resource,
		const char *mime) {
	struct dc_source *source = wl_resource_get_user_data(resource);
	if (source->used) {
		wl_resource_post_error(resource, ZWLR_DATA_CONTROL_SOURCE_V1_ERROR_INVALID_OFFER,
			"offer after the source was set");
		return;
	}
	/* The same caps as on any selection cordon offers to others. */
	if (source->mimes.size / sizeof(char *) >= CLIP_MAX_MIMES ||
			strlen(mime) > CLIP_MAX_MIME_LEN) {
		return;
	}
	if (!clip_mimes_add(&source->mimes, mime)) {
		wl_client_post_no_memory(client);
	}
}

static const struct zwlr_data_control_source_v1_interface dc_source_impl = {
	.offer = dc_source_offer,
	.destroy = dc_destroy_request,
};

static void dc_source_handle_resource_destroy(struct wl_resource *resource) {
	struct dc_source *source = wl_resource_get_user_data(resource);
	/* Gone from cordon's records too, as a client's own source would be. */
	struct dc_adapter *adapter = source->adapter;
	if (adapter != NULL) {
		adapter->source = NULL;
		source->adapter = NULL;
		selection_source_destroy(&adapter->base);
	}
	dc_free_mimes(&source->mimes);
	free(source);
}

/* ---- devices ---- */

static void dc_device_set(struct wl_resource *resource, struct wl_resource *source_resource,
		enum clip_kind kind) {
	struct dc_device *device = wl_resource_get_user_data(resource);
	struct data_control *dc = device->dc;
	struct cordon_clipboard *clip = dc->server->clipboard;
	struct cordon_domain *domain = dc_domain(dc, resource);
	if (clip == NULL) {
		return;
	}
	if (source_resource == NULL) {
		clip_record_set(clip, domain, kind, NULL);
		return;
	}
	struct dc_source *source = wl_resource_get_user_data(source_resource);
	if (source->used) {
		wl_resource_post_error(resource, 1, "the source was set before");
		return;
	}
	source->used = true;
	struct dc_adapter *adapter = calloc(1, sizeof(*adapter));
	if (adapter == NULL) {
		wl_client_post_no_memory(wl_resource_get_client(resource));
		return;
	}
	selection_source_init(&adapter->base, kind, &dc_adapter_impl, &source->mimes);
	adapter->source = source;
	source->adapter = adapter;
	wlr_log(WLR_DEBUG, "data control: a clipboard manager sets [%s]'s %s", domain->name,
		kind == CLIP_CLIPBOARD ? "clipboard" : "primary selection");
	clip_record_set(clip, domain, kind, selection_source_wlr(&adapter->base));
}

static void dc_device_set_selection(struct wl_client *client, struct wl_resource *resource,
		struct wl_resource *source) {
	dc_device_set(resource, source, CLIP_CLIPBOARD);
}

static void dc_device_set_primary_selection(struct wl_client *client,
		struct wl_resource *resource, struct wl_resource *source) {
	dc_device_set(resource, source, CLIP_PRIMARY);
}

static const struct zwlr_data_control_device_v1_interface dc_device_impl = {
	.set_selection = dc_device_set_selection,
	.destroy = dc_destroy_request,
	.set_primary_selection = dc_device_set_primary_selection,
};

static void dc_device_handle_resource_destroy(struct wl_resource *resource) {
	struct dc_device *device = wl_resource_get_user_data(resource);
	for (int k = 0; k < CLIP_KINDS; k++) {
		dc_device_kill_offer(device, k);
	}
	wl_list_remove(&device->link);
	free(device);
}

/* ---- manager ---- */

static void dc_manager_create_data_source(struct wl_client *client,
		struct wl_resource *manager, uint32_t id) {
	struct dc_source *source = calloc(1, sizeof(*source));
	struct wl_resource *resource = source == NULL ? NULL :
		wl_resource_create(client, &zwlr_data_control_source_v1_interface,
			wl_resource_get_version(manager), id);
	if (resource == NULL) {
		free(source);
		wl_client_post_no_memory(client);
		return;
	}
	source->resource = resource;
	source->dc = wl_resource_get_user_data(manager);
	wl_array_init(&source->mimes);
	wl_resource_set_implementation(resource, &dc_source_impl, source,
		dc_source_handle_resource_destroy);
}

/* cordon has one seat: whichever wl_seat is named, the device is for it. */
static void dc_manager_get_data_device(struct wl_client *client,
		struct wl_resource *manager, uint32_t id, struct wl_resource *seat) {
	struct data_control *dc = wl_resource_get_user_data(manager);
	struct dc_device *device = calloc(1, sizeof(*device));
	struct wl_resource *resource = device == NULL ? NULL :
		wl_resource_create(client, &zwlr_data_control_device_v1_interface,
			wl_resource_get_version(manager), id);
	if (resource == NULL) {
		free(device);
		wl_client_post_no_memory(client);
		return;
	}
	device->dc = dc;
	device->resource = resource;
	wl_resource_set_implementation(resource, &dc_device_impl, device,
		dc_device_handle_resource_destroy);
	wl_list_insert(&dc->devices, &device->link);
	for (int k = 0; k < CLIP_KINDS; k++) {
		dc_device_send(device, k);
	}
}

static const struct zwlr_data_control_manager_v1_interface dc_manager_impl = {
	.create_data_source = dc_manager_create_data_source,
	.get_data_device = dc_manager_get_data_device,
	.destroy = dc_destroy_request,
};

static void dc_bind(struct wl_client *client, void *data, uint32_t version, uint32_t id) {
	struct data_control *dc = data;
	struct wl_resource *resource = wl_resource_create(client,
		&zwlr_data_control_manager_v1_interface, version, id);
	if (resource == NULL) {
		wl_client_post_no_memory(client);
		return;
	}
	wl_resource_set_implementation(resource, &dc_manager_impl, dc, NULL);
}

bool data_control_init(struct cordon_server *server) {
	struct data_control *dc = calloc(1, sizeof(*dc));
	if (dc == NULL) {
		wlr_log(WLR_ERROR, "data control: out of memory");
		return false;
	}
	dc->server = server;
	wl_list_init(&dc->devices);
	dc->global = wl_global_create(server->display, &zwlr_data_control_manager_v1_interface,
		DATA_CONTROL_VERSION, dc, dc_bind);
	if (dc->global == NULL) {
		wlr_log(WLR_ERROR, "cannot create zwlr_data_control_manager_v1");
		free(dc);
		return false;
	}
	/* Host-only: background access to clipboards without keyboard focus. */
	globals_register(server->globals, dc->global, GLOBALS_HOST);
	server->data_control = dc;
	return true;
}

void data_control_finish(struct cordon_server *server) {
	struct data_control *dc = server->data_control;
	if (dc == NULL) {
		return;
	}
	if (dc->update_idle != NULL) {
		wl_event_source_remove(dc->update_idle);
	}
	/* Clients are gone by now; a device left over is made inert. */
	struct dc_device *device, *tmp;
	wl_list_for_each_safe(device, tmp, &dc->devices, link) {
		for (int k = 0; k < CLIP_KINDS; k++) {
			dc_device_kill_offer(device, k);
		}
		wl_resource_set_user_data(device->resource, NULL);
		wl_resource_set_destructor(device->resource, NULL);
		wl_list_remove(&device->link);
		free(device);
	}
	globals_unregister(server->globals, dc->global);
	wl_global_destroy(dc->global);
	free(dc);
	server->data_control = NULL;
}
