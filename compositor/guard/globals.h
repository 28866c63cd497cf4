#ifndef CORDON_GLOBALS_H
#define CORDON_GLOBALS_H

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
enum globals_class {
	GLOBALS_GUEST = 0,
	GLOBALS_HOST,
	GLOBALS_SPECIAL,
};

struct cordon_globals *globals_create(struct cordon_server *server);
void globals_destroy(struct cordon_globals *globals);

/*
 * Classifies a global; aborts on a NULL global (a failed *_create the caller
 * did not check) or a duplicate. Keyed by pointer, so a renamed interface
 * can never slip through a string match.
 */
void globals_register(struct cordon_globals *globals, const struct wl_global *global,
	enum globals_class cls);
void globals_unregister(struct cordon_globals *globals, const struct wl_global *global);

/* Whether a client of domain may see global (the filter's decision). */
bool globals_allows(struct cordon_globals *globals,
	const struct cordon_domain *domain, const struct wl_global *global);

const char *globals_class_name(enum globals_class cls);

struct domain_client;
/*
 * For a guest client: its wl_registry objects are put behind cordon's
 * check, so binding a hidden global by name fails like a name that does
 * not exist, and no error names a hidden global's interface or version.
 */
void globals_attach_client(struct domain_client *record);

#endif
