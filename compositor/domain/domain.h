#ifndef CORDON_DOMAIN_H
#define CORDON_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <wayland-server-core.h>
#include "common/sock.h"
#include "compositor/accept.h"
#include "config/config.h"

struct cordon_server;
struct cordon_xwayland;
struct vmm;

enum domain_type {
	DOMAIN_HOST = 0,   /* the WAYLAND_DISPLAY socket: trusted */
	DOMAIN_CONFIG,     /* a [domain NAME] with its own socket */
	DOMAIN_SANDBOX,    /* arrived through wp_security_context_v1 */
};

/* An isolated environment and everything cordon knows of it. */
struct cordon_domain {
	struct wl_list link;         /* cordon_server.domains */
	struct cordon_server *server;
	enum domain_type type;
	char *name;                  /* "host", config name, or "flatpak:app.id" */
	uint32_t color;              /* 0xRRGGBB */
	const struct config_domain *config; /* NULL for host and sandboxes */

	char *socket_path;           /* NULL for host and sandboxes */
	char *socket_dir;            /* directory cordon created, or NULL */
	int listen_fd;
	struct wl_event_source *listen_source;
	struct accept_pace pace;     /* accept that pauses when out of room */
	char log_name[300];          /* "domain NAME", for the log */
	bool full_logged;            /* max-clients refusal said once */
	/* The socket file bound, watched so a removed one is bound again. */
	struct sock_watch socket_watch;
	struct path_watch *socket_path_watch; /* says when to look at it */

	struct wl_list clients;      /* domain_client.link */
	int n_clients;
	struct wl_list views;        /* cordon_view.domain_link */
	int n_views;

	/* Live objects of all its clients, by enum config_object_kind (caps.c). */
	int n_objects[CONFIG_OBJ_COUNT];

	struct vmm *vmm;             /* kind crosvm and command, else NULL */
	struct cordon_xwayland *xwayland; /* its own X server (xwayland.c), or NULL */
	/* Rate limit of the launcher's output in cordon's own log. */
	int64_t log_window_ms;
	int log_lines, log_suppressed;
};

/* Per-wl_client record, hung on the client's user data: O(1) lookup. */
struct domain_client {
	struct wl_list link;         /* cordon_domain.clients */
	struct cordon_domain *domain;
	struct wl_client *client;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	/* Refused drags wlroots cannot free (no source): bounded per client. */
	int refused_drags;
	/* Live objects by enum config_object_kind, counted by caps.c. */
	int n_objects[CONFIG_OBJ_COUNT];
	struct wl_listener resource_created;
	/* A wl_registry was made and is not yet behind policy.c's check. */
	bool registry_pending;
	struct wl_listener registry_created;
};

bool domain_init(struct cordon_server *server);
/* Binds each configured domain's socket; false (and logs the path) on error. */
bool domain_listen_all(struct cordon_server *server);
void domain_finish(struct cordon_server *server);
/* A domain added by a config reload: created and listening, or NULL. */
struct cordon_domain *domain_add_config(struct cordon_server *server,
	const struct config_domain *cfg);
/* Disconnects its clients, closes and unlinks its socket, frees it. */
void domain_remove(struct cordon_domain *domain);
/* Tags a client cordon made itself (an X server's) with domain, or NULL. */
struct domain_client *domain_tag_client(struct cordon_domain *domain,
	struct wl_client *client);
/*
 * A connection accepted on domain's behalf (its socket, or a socketpair a
 * test harness made): the same limits and tagging as an accept on its
 * socket. Takes fd; the new client, or NULL (fd closed, reason logged).
 */
struct wl_client *domain_accept_fd(struct cordon_domain *domain, int fd);
/* Drops every client of domain, e.g. when its VM died. */
void domain_disconnect_clients(struct cordon_domain *domain);

/* The domain of a client: its record's, or the host's when it has none. */
struct cordon_domain *domain_of_client(struct cordon_server *server,
	struct wl_client *client);
struct cordon_domain *domain_find(struct cordon_server *server, const char *name);
static inline bool domain_is_host(const struct cordon_domain *domain) {
	return domain->type == DOMAIN_HOST;
}

#endif
