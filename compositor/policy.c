#include <assert.h>
#include <stdlib.h>
#include <string.h>
/*
 * wayland-server.h, not only -core: its deprecated struct wl_resource is the
 * stable ABI view of a resource, the one way to read the implementation and
 * destructor libwayland gave a wl_registry (see policy_wrap_registry).
 */
#include <wayland-server.h>
#include <wlr/types/wlr_output.h>
#include <wlr/util/log.h>
#include "compositor/domain.h"
#include "compositor/output.h"
#include "compositor/policy.h"
#include "compositor/server.h"
#include "compositor/xwayland.h"

struct policy_entry {
	const struct wl_global *global;
	enum policy_class cls;
};

struct cordon_policy {
	struct cordon_server *server;
	struct policy_entry *entries;
	size_t len, cap;
	/* libwayland's own wl_registry implementation, learnt from the first
	 * registry wrapped; guests' binds go through it once checked. */
	const struct wl_registry_interface *registry_impl;
};

const char *policy_class_name(enum policy_class cls) {
	switch (cls) {
	case POLICY_GUEST:
		return "guest";
	case POLICY_HOST:
		return "host";
	case POLICY_SPECIAL:
		return "special";
	}
	return "?";
}

static struct policy_entry *policy_find(struct cordon_policy *policy,
		const struct wl_global *global) {
	/* A few dozen globals: a linear scan is cheaper than hashing. */
	for (size_t i = 0; i < policy->len; i++) {
		if (policy->entries[i].global == global) {
			return &policy->entries[i];
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
static bool policy_is_our_output(struct cordon_policy *policy,
		const struct wl_global *global) {
	if (wl_global_get_interface(global) != &wl_output_interface) {
		return false;
	}
	void *wlr_output = wl_global_get_user_data(global);
	struct cordon_output *output;
	wl_list_for_each(output, &policy->server->outputs, link) {
		if ((void *)output->wlr_output == wlr_output) {
			return true;
		}
	}
	return false;
}

bool policy_allows(struct cordon_policy *policy,
		const struct cordon_domain *domain, const struct wl_global *global) {
	struct policy_entry *entry = policy_find(policy, global);
	if (entry == NULL && policy_is_our_output(policy, global)) {
		return true;
	}
	if (entry == NULL) {
		/*
		 * An unclassified global is a bug in cordon. Fail closed for
		 * everyone so the test that lists globals per socket notices.
		 */
		wlr_log(WLR_ERROR, "policy: unclassified global %s hidden",
			wl_global_get_interface(global)->name);
		return false;
	}
	if (domain_is_host(domain)) {
		return true;
	}
	switch (entry->cls) {
	case POLICY_GUEST:
	case POLICY_SPECIAL:
		return true;
	case POLICY_HOST:
		return domain_grants(domain, wl_global_get_interface(global)->name);
	}
	return false;
}

/* Whether name is a global the client may see (hidden and unknown: no). */
static bool policy_name_visible(struct cordon_policy *policy, struct wl_client *client,
		uint32_t name) {
	/* wl_global_get_name() is 0 for a global the filter hides from client. */
	for (size_t i = 0; i < policy->len; i++) {
		if (wl_global_get_name(policy->entries[i].global, client) == name) {
			return true;
		}
	}
	struct cordon_output *output;
	wl_list_for_each(output, &policy->server->outputs, link) {
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
static int policy_registry_dispatch(const void *implementation, void *target,
		uint32_t opcode, const struct wl_message *message, union wl_argument *args) {
	const struct cordon_policy *policy = implementation;
	struct wl_resource *registry = target;
	struct wl_client *client = wl_resource_get_client(registry);
	/* Opcode 0, bind (signature "usun"), is wl_registry's only request. */
	if (opcode != 0 || !policy_name_visible((struct cordon_policy *)policy, client,
			args[0].u)) {
		wl_resource_post_error(registry, WL_DISPLAY_ERROR_INVALID_OBJECT,
			"invalid global %u", args[0].u);
		return 0;
	}
	policy->registry_impl->bind(client, registry, args[0].u, args[1].s, args[2].u,
		args[3].n);
	return 0;
}

static void policy_wrap_registry(struct cordon_policy *policy, struct wl_resource *registry) {
	const void *impl = registry->object.implementation;
	if (impl == policy) {
		return;
	}
	if (policy->registry_impl == NULL) {
		policy->registry_impl = impl;
	} else if (policy->registry_impl != impl || impl == NULL) {
		/* Not libwayland's registry: nothing is forwarded, nothing leaks. */
		wlr_log(WLR_ERROR, "policy: a wl_registry with an unknown implementation");
		wl_resource_post_error(registry, WL_DISPLAY_ERROR_IMPLEMENTATION,
			"cordon: unexpected registry");
		return;
	}
	wl_resource_set_dispatcher(registry, policy_registry_dispatch, policy,
		wl_resource_get_user_data(registry), registry->destroy);
}

static enum wl_iterator_result policy_wrap_each(struct wl_resource *resource,
		void *data) {
	if (strcmp(wl_resource_get_class(resource), "wl_registry") == 0) {
		policy_wrap_registry(data, resource);
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

void policy_attach_client(struct domain_client *record) {
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
	struct cordon_policy *policy = data;
	bool x_shell_allowed;
	if (xwayland_filter_global(policy->server, client, global, &x_shell_allowed)) {
		return x_shell_allowed;
	}
	struct cordon_domain *domain =
		domain_of_client(policy->server, (struct wl_client *)client);
	if (domain == NULL) {
		return false;
	}
	struct domain_client *record = wl_client_get_user_data((struct wl_client *)client);
	if (record != NULL && record->registry_pending) {
		record->registry_pending = false;
		wl_client_for_each_resource((struct wl_client *)client, policy_wrap_each, policy);
	}
	return policy_allows(policy, domain, global);
}

void policy_register(struct cordon_policy *policy, const struct wl_global *global,
		enum policy_class cls) {
	/* Both are programming errors: a missing check or a double registration. */
	assert(global != NULL);
	assert(policy_find(policy, global) == NULL);
	if (policy->len == policy->cap) {
		size_t cap = policy->cap ? policy->cap * 2 : 64;
		struct policy_entry *entries =
			realloc(policy->entries, cap * sizeof(*entries));
		if (entries == NULL) {
			/* Not registered means hidden from everyone: fail closed. */
			wlr_log(WLR_ERROR, "policy: out of memory classifying %s",
				wl_global_get_interface(global)->name);
			return;
		}
		policy->entries = entries;
		policy->cap = cap;
	}
	policy->entries[policy->len++] = (struct policy_entry){global, cls};
	wlr_log(WLR_DEBUG, "policy: %s is %s", wl_global_get_interface(global)->name,
		policy_class_name(cls));
}

void policy_unregister(struct cordon_policy *policy, const struct wl_global *global) {
	struct policy_entry *entry = policy_find(policy, global);
	if (entry == NULL) {
		return;
	}
	*entry = policy->entries[--policy->len];
}

struct cordon_policy *policy_create(struct cordon_server *server) {
	struct cordon_policy *policy = calloc(1, sizeof(*policy));
	if (policy == NULL) {
		wlr_log(WLR_ERROR, "policy: out of memory");
		return NULL;
	}
	policy->server = server;
	wl_display_set_global_filter(server->display, handle_global_filter, policy);
	return policy;
}

void policy_destroy(struct cordon_policy *policy) {
	if (policy == NULL) {
		return;
	}
	wl_display_set_global_filter(policy->server->display, NULL, NULL);
	free(policy->entries);
	free(policy);
}
