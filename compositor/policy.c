#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/util/log.h>
#include "compositor/domain.h"
#include "compositor/output.h"
#include "compositor/policy.h"
#include "compositor/server.h"

struct policy_entry {
	const struct wl_global *global;
	enum policy_class cls;
};

struct cordon_policy {
	struct cordon_server *server;
	struct policy_entry *entries;
	size_t len, cap;
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

static bool handle_global_filter(const struct wl_client *client,
		const struct wl_global *global, void *data) {
	struct cordon_policy *policy = data;
	struct cordon_domain *domain =
		domain_of_client(policy->server, (struct wl_client *)client);
	if (domain == NULL) {
		return false;
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
