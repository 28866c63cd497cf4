#include <assert.h>
#include <stdlib.h>
#include <string.h>
/*
 * wayland-server.h, not only -core: its deprecated struct wl_resource is the
 * stable ABI view of a resource, the one way to read the implementation and
 * destructor libwayland gave a wl_registry (see globals_wrap_registry).
 */
#include <wayland-server.h>
#include <wlr/types/wlr_output.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/wm/output.h"
#include "compositor/guard/globals.h"
#include "compositor/server.h"
#include "compositor/wm/xwayland.h"

struct globals_entry {
	const struct wl_global *global;
	enum globals_class cls;
};

struct cordon_globals {
	struct cordon_server *server;
	struct globals_entry *entries;
	size_t len, cap;
	/* libwayland's own wl_registry implementation, learnt from the first
	 * registry wrapped; guests' binds go through it once checked. */
	const struct wl_registry_interface *registry_impl;
};

const char *globals_class_name(enum globals_class cls) {
	switch (cls) {
	case GLOBALS_GUEST:
		return "guest";
	case GLOBALS_HOST:
		return "host";
	case GLOBALS_SPECIAL:
		return "special";
	}
	return "?";
}

static struct globals_entry *globals_find(struct cordon_globals *globals,
		const struct wl_global *global) {
	/* A few dozen globals: a linear scan is cheaper than hashing. */
	for (size_t i = 0; i < globals->len; i++) {
		if (globals->entries[i].global == global) {
			return &globals->entries[i];
		}
	}
	return NULL;
}

static bool domain_grants(const struct cordon_domain *domain, const char *iface) {
	if (domain->config == NULL || domain->config->protocols == NULL) {
		return false;
	}
	for (char **p = domain->config->protocols; *p != NULL; p++) {
		if (strcmp(*p, iface) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * The output layout destroys and re-creates an output's wl_output global
 * by itself (an output that loses and regains its mode). Such a global is
 * still known by pointer: its user data is the wlr_output, which must be
 * one of cordon's outputs.
 */
static bool globals_is_our_output(struct cordon_globals *globals,
		const struct wl_global *global) {
	if (wl_global_get_interface(global) != &wl_output_interface) {
		return false;
	}
	void *wlr_output = wl_global_get_user_data(global);
	struct cordon_output *output;
	wl_list_for_each(output, &globals->server->outputs, link) {
		if ((void *)output->wlr_output == wlr_output) {
			return true;
		}
	}
	return false;
}

bool globals_allows(struct cordon_globals *globals,
		const struct cordon_domain *domain, const struct wl_global *global) {
	struct globals_entry *entry = globals_find(globals, global);
	if (entry == NULL && globals_is_our_output(globals, global)) {
		return true;
	}
	if (entry == NULL) {
		/*
		 * An unclassified global is a bug in cordon. Fail closed for
		 * everyone so the test that lists globals per socket notices.
		 */
		wlr_log(WLR_ERROR, "globals: unclassified global %s hidden",
			wl_global_get_interface(global)->name);
		return false;
	}
	if (domain_is_host(domain)) {
		return true;
	}
	switch (entry->cls) {
	case GLOBALS_GUEST:
	case GLOBALS_SPECIAL:
		return true;
	case GLOBALS_HOST:
		return domain_grants(domain, wl_global_get_interface(global)->name);
	}
	return false;
}

/* Whether name is a global the client may see (hidden and unknown: no). */
static bool globals_name_visible(struct cordon_globals *globals, struct wl_client *client,
		uint32_t name) {
	/* wl_global_get_name() is 0 for a global the filter hides from client. */
	for (size_t i = 0; i < globals->len; i++) {
		if (wl_global_get_name(globals->entries[i].global, client) == name) {
			return true;
		}
	}
	struct cordon_output *output;
	wl_list_for_each(output, &globals->server->outputs, link) {
		struct wl_global *global = output->wlr_output->global;
		if (global != NULL && wl_global_get_name(global, client) == name) {
			return true;
		}
	}
	return false;
}

/*
 * A guest's wl_registry requests, in front of libwayland's. libwayland
 * checks a bind's interface and version before asking the filter, and its
 * errors name the global's real interface and version: a guest binding
 * numbers with a wrong interface would learn every host-only global. A
 * name the client may not see gets the same error as a name that does not
 * exist, naming nothing but the number.
 */
static int globals_registry_dispatch(const void *implementation, void *target,
		uint32_t opcode, const struct wl_message *message, union wl_argument *args) {
	const struct cordon_globals *globals = implementation;
	struct wl_resource *registry = target;
	struct wl_client *client = wl_resource_get_client(registry);
	/* Opcode 0, bind (signature "usun"), is wl_registry's only request. */
	if (opcode != 0 || !globals_name_visible((struct cordon_globals *)globals, client,
			args[0].u)) {
		wl_resource_post_error(registry, WL_DISPLAY_ERROR_INVALID_OBJECT,
			"invalid global %u", args[0].u);
		return 0;
	}
	globals->registry_impl->bind(client, registry, args[0].u, args[1].s, args[2].u,
		args[3].n);
	return 0;
}

static void globals_wrap_registry(struct cordon_globals *globals, struct wl_resource *registry) {
	const void *impl = registry->object.implementation;
	if (impl == globals) {
		return;
	}
	if (globals->registry_impl == NULL) {
		globals->registry_impl = impl;
	} else if (globals->registry_impl != impl || impl == NULL) {
		/* Not libwayland's registry: nothing is forwarded, nothing leaks. */
		wlr_log(WLR_ERROR, "globals: a wl_registry with an unknown implementation");
		wl_resource_post_error(registry, WL_DISPLAY_ERROR_IMPLEMENTATION,
			"cordon: unexpected registry");
		return;
	}
	wl_resource_set_dispatcher(registry, globals_registry_dispatch, globals,
		wl_resource_get_user_data(registry), registry->destroy);
}

static enum wl_iterator_result globals_wrap_each(struct wl_resource *resource,
		void *data) {
	if (strcmp(wl_resource_get_class(resource), "wl_registry") == 0) {
		globals_wrap_registry(data, resource);
	}
	return WL_ITERATOR_CONTINUE;
}

static void handle_registry_created(struct wl_listener *listener, void *data) {
	struct domain_client *record = wl_container_of(listener, record, registry_created);
	if (strcmp(wl_resource_get_class(data), "wl_registry") == 0) {
		/* Its implementation is set after this signal: wrapped at the
		 * filter, which libwayland asks right after, before any bind. */
		record->registry_pending = true;
	}
}

void globals_attach_client(struct domain_client *record) {
	wl_list_init(&record->registry_created.link);
	if (domain_is_host(record->domain)) {
		return;
	}
	/* A sandboxed client is tagged inside the filter, after its first
	 * registry was made: look for registries at the next filter call. */
	record->registry_pending = true;
	record->registry_created.notify = handle_registry_created;
	wl_client_add_resource_created_listener(record->client, &record->registry_created);
}

static bool handle_global_filter(const struct wl_client *client,
		const struct wl_global *global, void *data) {
	struct cordon_globals *globals = data;
	bool x_shell_allowed;
	if (xwayland_filter_global(globals->server, client, global, &x_shell_allowed)) {
		return x_shell_allowed;
	}
	struct cordon_domain *domain =
		domain_of_client(globals->server, (struct wl_client *)client);
	if (domain == NULL) {
		return false;
	}
	struct domain_client *record = wl_client_get_user_data((struct wl_client *)client);
	if (record != NULL && record->registry_pending) {
		record->registry_pending = false;
		wl_client_for_each_resource((struct wl_client *)client, globals_wrap_each, globals);
	}
	return globals_allows(globals, domain, global);
}

void globals_register(struct cordon_globals *globals, const struct wl_global *global,
		enum globals_class cls) {
	/* Both are programming errors: a missing check or a double registration. */
	assert(global != NULL);
	assert(globals_find(globals, global) == NULL);
	if (globals->len == globals->cap) {
		size_t cap = globals->cap ? globals->cap * 2 : 64;
		struct globals_entry *entries =
			realloc(globals->entries, cap * sizeof(*entries));
		if (entries == NULL) {
			/* Not registered means hidden from everyone: fail closed. */
			wlr_log(WLR_ERROR, "globals: out of memory classifying %s",
				wl_global_get_interface(global)->name);
			return;
		}
		globals->entries = entries;
		globals->cap = cap;
	}
	globals->entries[globals->len++] = (struct globals_entry){global, cls};
	wlr_log(WLR_DEBUG, "globals: %s is %s", wl_global_get_interface(global)->name,
		globals_class_name(cls));
}

void globals_unregister(struct cordon_globals *globals, const struct wl_global *global) {
	struct globals_entry *entry = globals_find(globals, global);
	if (entry == NULL) {
		return;
	}
	*entry = globals->entries[--globals->len];
}

struct cordon_globals *globals_create(struct cordon_server *server) {
	struct cordon_globals *globals = calloc(1, sizeof(*globals));
	if (globals == NULL) {
		wlr_log(WLR_ERROR, "globals: out of memory");
		return NULL;
	}
	globals->server = server;
	wl_display_set_global_filter(server->display, handle_global_filter, globals);
	return globals;
}

void globals_destroy(struct cordon_globals *globals) {
	if (globals == NULL) {
		return;
	}
	wl_display_set_global_filter(globals->server->display, NULL, NULL);
	free(globals->entries);
	free(globals);
}
