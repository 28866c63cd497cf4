#ifndef CORDON_POLICY_H
#define CORDON_POLICY_H

#include <stdbool.h>
#include <wayland-server-core.h>

struct cordon_server;
struct cordon_domain;

/*
 * Every global cordon creates carries one of these. Guests see GUEST and
 * SPECIAL globals (SPECIAL: offered, but cordon mediates every request, e.g.
 * the clipboard and activation); HOST globals only reach the host domain or a
 * domain that names the interface in its `protocols` key.
 */
enum policy_class {
	POLICY_GUEST = 0,
	POLICY_HOST,
	POLICY_SPECIAL,
};

struct cordon_policy *policy_create(struct cordon_server *server);
void policy_destroy(struct cordon_policy *policy);

/*
 * Classifies a global; aborts on a NULL global (a failed *_create the caller
 * did not check) or a duplicate. Keyed by pointer, so a renamed interface
 * can never slip through a string match.
 */
void policy_register(struct cordon_policy *policy, const struct wl_global *global,
	enum policy_class cls);
void policy_unregister(struct cordon_policy *policy, const struct wl_global *global);

/* Whether a client of domain may see global (the filter's decision). */
bool policy_allows(struct cordon_policy *policy,
	const struct cordon_domain *domain, const struct wl_global *global);

const char *policy_class_name(enum policy_class cls);

struct domain_client;
/*
 * For a guest client: its wl_registry objects are put behind cordon's
 * check, so binding a hidden global by name fails like a name that does
 * not exist, and no error names a hidden global's interface or version.
 */
void policy_attach_client(struct domain_client *record);

#endif
