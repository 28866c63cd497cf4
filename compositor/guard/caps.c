#include <stdlib.h>
#include <string.h>
#include <wayland-server-core.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/guard/caps.h"

/* One counted object: forgets itself when its resource goes. */
struct caps_object {
	struct wl_listener destroy;
	struct domain_client *record;
	enum config_object_kind kind;
};

static const struct {
	const char *interface;
	enum config_object_kind kind;
} caps_counted[] = {
	{ "wl_surface", CONFIG_OBJ_SURFACE },
	{ "wl_subsurface", CONFIG_OBJ_SUBSURFACE },
	{ "xdg_popup", CONFIG_OBJ_POPUP },
	{ "wl_region", CONFIG_OBJ_REGION },
};

void caps_limits(const struct cordon_domain *domain, enum config_object_kind kind,
		int *client_max, int *domain_max) {
	if (domain->config != NULL) {
		*client_max = domain->config->client_max[kind];
		*domain_max = domain->config->domain_max[kind];
		return;
	}
	int client_defaults[CONFIG_OBJ_COUNT], domain_defaults[CONFIG_OBJ_COUNT];
	config_object_defaults(client_defaults, domain_defaults);
	*client_max = client_defaults[kind];
	*domain_max = domain_defaults[kind];
}

static void handle_object_destroy(struct wl_listener *listener, void *data) {
	struct caps_object *obj = wl_container_of(listener, obj, destroy);
	/* The client's record outlives its resources: libwayland destroys
	 * every resource before it calls the user-data destructor. */
	obj->record->n_objects[obj->kind]--;
	obj->record->domain->n_objects[obj->kind]--;
	wl_list_remove(&obj->destroy.link);
	free(obj);
}

static void handle_resource_created(struct wl_listener *listener, void *data) {
	struct domain_client *record = wl_container_of(listener, record, resource_created);
	struct wl_resource *resource = data;
	const char *interface = wl_resource_get_class(resource);
	size_t i = 0;
	while (i < sizeof(caps_counted) / sizeof(caps_counted[0]) &&
			strcmp(caps_counted[i].interface, interface) != 0) {
		i++;
	}
	if (i == sizeof(caps_counted) / sizeof(caps_counted[0])) {
		return;
	}
	enum config_object_kind kind = caps_counted[i].kind;
	struct cordon_domain *domain = record->domain;
	const char *what = config_object_name(kind);
	int client_max, domain_max;
	caps_limits(domain, kind, &client_max, &domain_max);
	if (record->n_objects[kind] >= client_max) {
		wlr_log(WLR_ERROR, "domain %s: client pid %d reached max-%s %d; "
			"disconnecting it", domain->name, (int)record->pid, what, client_max);
		wl_client_post_implementation_error(record->client,
			"cordon: too many %s (max-%s = %d per client)", what, what, client_max);
		return;
	}
	if (domain->n_objects[kind] >= domain_max) {
		wlr_log(WLR_ERROR, "domain %s: reached domain-max-%s %d; disconnecting "
			"client pid %d", domain->name, what, domain_max, (int)record->pid);
		wl_client_post_implementation_error(record->client,
			"cordon: too many %s in this domain (domain-max-%s = %d)", what, what,
			domain_max);
		return;
	}
	struct caps_object *obj = calloc(1, sizeof(*obj));
	if (obj == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory counting a %s", domain->name,
			interface);
		wl_client_post_no_memory(record->client);
		return;
	}
	obj->record = record;
	obj->kind = kind;
	obj->destroy.notify = handle_object_destroy;
	wl_resource_add_destroy_listener(resource, &obj->destroy);
	record->n_objects[kind]++;
	domain->n_objects[kind]++;
}

void caps_attach(struct domain_client *record) {
	wl_list_init(&record->resource_created.link);
	if (domain_is_host(record->domain)) {
		return;
	}
	record->resource_created.notify = handle_resource_created;
	wl_client_add_resource_created_listener(record->client, &record->resource_created);
}
