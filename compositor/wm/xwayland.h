#ifndef CORDON_XWAYLAND_H
#define CORDON_XWAYLAND_H

#include <stdbool.h>
#include <wayland-server-core.h>

struct cordon_server;
struct cordon_domain;

/*
 * One rootless Xwayland per domain (never shared: an X server lets every
 * client read every other client's windows and keys). Its Wayland client
 * is tagged with the domain, so its windows are that domain's views.
 */

/* Starts the domain's X server (lazy or now) per its `xwayland` mode. */
void xwayland_domain_start(struct cordon_domain *domain);
/* Ends it, and every X window of the domain with it. */
void xwayland_domain_stop(struct cordon_domain *domain);
/* Stops every domain's X server: before clients go, or one would restart. */
void xwayland_finish(struct cordon_server *server);
/* The value of DISPLAY for the domain (":N"), or NULL when it has no X. */
const char *xwayland_display(const struct cordon_domain *domain);

/*
 * Each X server's xwayland_shell_v1 global is for that server's own
 * client only, and an X server whose client could not be tagged sees no
 * global. True when this decides; *allowed then says for client.
 */
bool xwayland_filter_global(struct cordon_server *server, const struct wl_client *client,
	const struct wl_global *global, bool *allowed);

#endif
