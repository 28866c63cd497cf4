#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <wlr/types/wlr_security_context_v1.h>
#include <wlr/util/log.h>
#include "compositor/accept.h"
#include "compositor/domain/domain.h"
#include "compositor/guard/caps.h"
#include "compositor/guard/clipboard.h"
#include "compositor/guard/globals.h"
#include "compositor/guard/sanitize.h"
#include "compositor/path_watch.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"
#include "compositor/wm/xwayland.h"

static void domain_client_free(void *data) {
	struct domain_client *record = data;
	/* libwayland destroys a client's resources, its toplevels with them,
	 * before this destructor: no view may still name this record's client. */
	struct cordon_view *view;
	wl_list_for_each(view, &record->domain->views, domain_link) {
		INVARIANT(wl_resource_get_client(view_surface(view)->resource) != record->client,
			"a client's domain record outlives its views");
	}
	/* resource_created needs no removal: libwayland dropped that signal's
	 * list before calling this destructor. */
	wl_list_remove(&record->link);
	record->domain->n_clients--;
	free(record);
}

/* Tags client with domain for its whole life; the record goes with it. */
static struct domain_client *domain_attach(struct cordon_domain *domain,
		struct wl_client *client) {
	struct domain_client *record = calloc(1, sizeof(*record));
	if (record == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory tagging a client", domain->name);
		return NULL;
	}
	record->domain = domain;
	record->client = client;
	wl_client_get_credentials(client, &record->pid, &record->uid, &record->gid);
	wl_list_insert(&domain->clients, &record->link);
	domain->n_clients++;
	wl_client_set_user_data(client, record, domain_client_free);
	caps_attach(record);
	globals_attach_client(record);
	return record;
}

struct domain_client *domain_tag_client(struct cordon_domain *domain,
		struct wl_client *client) {
	return domain_attach(domain, client);
}

static struct cordon_domain *domain_new(struct cordon_server *server,
		enum domain_type type, const char *name, uint32_t color) {
	struct cordon_domain *domain = calloc(1, sizeof(*domain));
	if (domain == NULL || (domain->name = strdup(name)) == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory", name);
		free(domain);
		return NULL;
	}
	domain->server = server;
	domain->type = type;
	domain->color = color;
	domain->listen_fd = -1;
	snprintf(domain->log_name, sizeof(domain->log_name), "domain %s", name);
	wl_list_init(&domain->clients);
	wl_list_init(&domain->views);
	wl_list_insert(server->domains.prev, &domain->link);
	return domain;
}

/*
 * Clients that came through wp_security_context_v1 were created by wlroots
 * on the host display; give them their sandbox domain the first time cordon
 * sees them, which is always the global filter before any bind.
 */
static struct cordon_domain *domain_of_sandboxed(struct cordon_server *server,
		struct wl_client *client) {
	if (server->security_context == NULL) {
		return NULL;
	}
	const struct wlr_security_context_v1_state *state =
		wlr_security_context_manager_v1_lookup_client(server->security_context, client);
	if (state == NULL) {
		return NULL;
	}
	/*
	 * The context creator chose these: they reach the tag, IPC and the
	 * log, so only a safe, injective encoding of them is used (a right-to-
	 * left override or a newline becomes %E2%80%AE or %0A), and a name too
	 * long for that is refused rather than cut (cut names could collide).
	 */
	char engine[64], app[192], name[260];
	if (!sanitize_name(state->sandbox_engine ? state->sandbox_engine : "sandbox",
			engine, sizeof(engine)) ||
			!sanitize_name(state->app_id ? state->app_id : "unknown", app, sizeof(app))) {
		wlr_log(WLR_ERROR, "refusing a security-context client: its engine or app id "
			"is too long");
		return NULL;
	}
	snprintf(name, sizeof(name), "%s:%s", engine, app);

	struct cordon_domain *domain = domain_find(server, name);
	if (domain == NULL) {
		domain = domain_new(server, DOMAIN_SANDBOX, name,
			config_sandbox_color(server->config, name));
		if (domain == NULL) {
			return NULL;
		}
		wlr_log(WLR_INFO, "domain %s: created for a security-context client", name);
	}
	if (domain->n_clients >= CONFIG_DEFAULT_MAX_CLIENTS) {
		/* Untagged, it is shown no global at all: it can do nothing. */
		wlr_log(WLR_ERROR, "domain %s: refusing a client, %d clients already",
			name, domain->n_clients);
		return NULL;
	}
	if (domain_attach(domain, client) == NULL) {
		return NULL;
	}
	return domain;
}

struct cordon_domain *domain_of_client(struct cordon_server *server,
		struct wl_client *client) {
	struct domain_client *record = wl_client_get_user_data(client);
	if (record != NULL) {
		return record->domain;
	}
	struct cordon_domain *sandbox = domain_of_sandboxed(server, client);
	if (sandbox != NULL) {
		return sandbox;
	}
	if (server->security_context != NULL &&
			wlr_security_context_manager_v1_lookup_client(
				server->security_context, client) != NULL) {
		/* A sandboxed client we failed to tag must not pass as host. */
		return NULL;
	}
	/*
	 * Tagged here rather than when created: wlroots creates sandboxed
	 * clients on the host display too, and only knows them as such after
	 * wl_client_create returns. Before any global is bound we know.
	 */
	if (domain_attach(server->host_domain, client) == NULL) {
		return NULL;
	}
	return server->host_domain;
}

static int handle_domain_accept(int fd, uint32_t mask, void *data) {
	struct cordon_domain *domain = data;
	int client_fd = accept_pace_accept(&domain->pace, fd, SOCK_CLOEXEC);
	if (client_fd < 0) {
		return 0;
	}
	domain_accept_fd(domain, client_fd);
	return 0;
}

struct wl_client *domain_accept_fd(struct cordon_domain *domain, int client_fd) {
	int limit = domain->config ? domain->config->max_clients : CONFIG_DEFAULT_MAX_CLIENTS;
	if (domain->n_clients >= limit) {
		/* A guest that keeps connecting must not fill cordon's log. */
		if (!domain->full_logged) {
			wlr_log(WLR_ERROR, "domain %s: refusing clients, max-clients %d "
				"reached", domain->name, limit);
			domain->full_logged = true;
		}
		close(client_fd);
		return NULL;
	}
	domain->full_logged = false;
	struct wl_client *client = wl_client_create(domain->server->display, client_fd);
	if (client == NULL) {
		/* The loop dups the fd: one descriptor short of the limit. */
		int err = errno;
		if (domain->pace.listen != NULL && accept_out_of_room(err)) {
			accept_pace_pause(&domain->pace, err);
		} else {
			wlr_log_errno(WLR_ERROR, "domain %s: wl_client_create failed",
				domain->name);
		}
		close(client_fd);
		return NULL;
	}
	accept_pace_done(&domain->pace);
	struct domain_client *record = domain_attach(domain, client);
	if (record == NULL) {
		wl_client_destroy(client);
		return NULL;
	}
	wlr_log(WLR_DEBUG, "domain %s: client pid %d uid %d connected", domain->name,
		(int)record->pid, (int)record->uid);
	return client;
}

/* A directory cordon made, or one it made earlier: 0700 and its own. */
static bool domain_own_dir(struct cordon_domain *domain, const char *dir,
		enum wlr_log_importance level) {
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		wlr_log_errno(level, "domain %s: cannot create %s", domain->name, dir);
		return false;
	}
	/* An existing directory may have been made by someone else. */
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
			chmod(dir, 0700) < 0) {
		wlr_log(level, "domain %s: %s is not a directory of ours",
			domain->name, dir);
		return false;
	}
	return true;
}

/*
 * Binds and listens on path (0600 from birth). A live socket there is
 * someone else's domain; a dead one is ours from a crash and replaced
 * (sock_listen decides). Returns the fd, or -1 with the reason logged;
 * *bound says which file.
 */
static int domain_bind(struct cordon_domain *domain, const char *path,
		struct stat *bound, enum wlr_log_importance level) {
	return listen_logged(domain->log_name, path, 128, bound, level);
}

/* How often cordon looks whether a domain's socket file is still there. */
#define DOMAIN_SOCKET_CHECK_MS 1000

/*
 * A socket file removed under cordon (rm -rf of the runtime directory, a
 * cleanup script) leaves the domain's connected clients running but lets
 * no new one in: its VM would start and find nothing to connect to. So the
 * file is watched and, once gone, bound again at the same path; the
 * clients already connected never notice.
 */
static void domain_socket_rebind(void *data, enum wlr_log_importance level) {
	struct cordon_domain *domain = data;
	if (domain->socket_dir != NULL &&
			(!domain_own_dir(domain, domain->server->runtime_dir, level) ||
			!domain_own_dir(domain, domain->socket_dir, level))) {
		return;
	}
	struct stat st;
	int fd = domain_bind(domain, domain->socket_path, &st, level);
	if (fd >= 0 && accept_pace_rebind(&domain->pace, domain->server->loop, fd,
			&domain->listen_fd, &domain->listen_source, handle_domain_accept, domain,
			level)) {
		sock_watch_bound(&domain->socket_watch, &st);
	}
}

static bool domain_listen(struct cordon_domain *domain) {
	struct cordon_server *server = domain->server;
	const struct config_domain *cfg = domain->config;
	char path[600];
	if (cfg->socket != NULL) {
		snprintf(path, sizeof(path), "%s", cfg->socket);
	} else {
		char dir[512];
		int n = snprintf(dir, sizeof(dir), "%s/%s", server->runtime_dir, domain->name);
		if (n < 0 || (size_t)n >= sizeof(dir)) {
			wlr_log(WLR_ERROR, "domain %s: runtime path too long", domain->name);
			return false;
		}
		if (!domain_own_dir(domain, dir, WLR_ERROR)) {
			return false;
		}
		domain->socket_dir = strdup(dir);
		snprintf(path, sizeof(path), "%s/wayland-0", dir);
	}

	struct stat st;
	int fd = domain_bind(domain, path, &st, WLR_ERROR);
	if (fd < 0) {
		return false;
	}
	sock_watch_bound(&domain->socket_watch, &st);
	domain->socket_path = strdup(path);
	domain->listen_fd = fd;
	domain->listen_source = wl_event_loop_add_fd(server->loop, fd, WL_EVENT_READABLE,
		handle_domain_accept, domain);
	domain->pace = (struct accept_pace){
		.listen = domain->listen_source, .who = domain->log_name, .what = "clients",
		.path = domain->socket_path,
	};
	bool paced = accept_pace_init(&domain->pace, server->loop);
	/* Its directory, cordon's runtime directory and the one above. */
	if (domain->socket_path != NULL) {
		domain->socket_path_watch = path_watch_create(server->loop, domain->socket_path,
			cfg->socket != NULL ? 1 : 3, DOMAIN_SOCKET_CHECK_MS, &domain->socket_watch,
			domain->log_name, domain_socket_rebind, domain);
	}
	if (domain->socket_path == NULL || domain->listen_source == NULL ||
			!paced || domain->socket_path_watch == NULL) {
		wlr_log(WLR_ERROR, "domain %s: cannot watch %s", domain->name, path);
		/* Nothing may call back into a domain its caller frees. */
		if (domain->listen_source != NULL) {
			wl_event_source_remove(domain->listen_source);
			domain->listen_source = NULL;
		}
		accept_pace_finish(&domain->pace);
		path_watch_destroy(domain->socket_path_watch);
		domain->socket_path_watch = NULL;
		return false;
	}
	wlr_log(WLR_INFO, "domain %s: listening on %s", domain->name, path);
	return true;
}

bool domain_init(struct cordon_server *server) {
	wl_list_init(&server->domains);
	server->host_domain = domain_new(server, DOMAIN_HOST, "host",
		server->config->host_color);
	if (server->host_domain == NULL) {
		return false;
	}
	struct config_domain *cfg;
	wl_list_for_each(cfg, &server->config->domains, link) {
		struct cordon_domain *domain =
			domain_new(server, DOMAIN_CONFIG, cfg->name, cfg->color);
		if (domain == NULL) {
			return false;
		}
		domain->config = cfg;
	}
	return true;
}

struct cordon_domain *domain_add_config(struct cordon_server *server,
		const struct config_domain *cfg) {
	struct cordon_domain *domain = domain_new(server, DOMAIN_CONFIG, cfg->name, cfg->color);
	if (domain == NULL) {
		return NULL;
	}
	domain->config = cfg;
	if (!domain_listen(domain)) {
		wl_list_remove(&domain->link);
		free(domain->socket_path);
		free(domain->socket_dir);
		free(domain->name);
		free(domain);
		return NULL;
	}
	xwayland_domain_start(domain);
	return domain;
}

bool domain_listen_all(struct cordon_server *server) {
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		if (domain->type == DOMAIN_CONFIG && !domain_listen(domain)) {
			return false;
		}
	}
	wl_list_for_each(domain, &server->domains, link) {
		xwayland_domain_start(domain);
	}
	return true;
}

void domain_disconnect_clients(struct cordon_domain *domain) {
	struct domain_client *record, *tmp;
	wl_list_for_each_safe(record, tmp, &domain->clients, link) {
		wl_client_destroy(record->client);
	}
}

void domain_remove(struct cordon_domain *domain) {
	/* Its X server first: it would restart when its client is dropped. */
	xwayland_domain_stop(domain);
	domain_disconnect_clients(domain);
	INVARIANT(domain->n_clients == 0, "a domain record outlives its clients' records");
	clipboard_forget_domain(domain->server, domain);
	if (domain->listen_source != NULL) {
		wl_event_source_remove(domain->listen_source);
	}
	accept_pace_finish(&domain->pace);
	path_watch_destroy(domain->socket_path_watch);
	if (domain->listen_fd >= 0) {
		close(domain->listen_fd);
	}
	/* Only our own file: another may have taken the path meanwhile. */
	if (domain->socket_path != NULL &&
			sock_watch_is_ours(&domain->socket_watch, domain->socket_path)) {
		unlink(domain->socket_path);
	}
	if (domain->socket_dir != NULL) {
		/* Fails harmlessly if a VM's control socket or log is still there. */
		rmdir(domain->socket_dir);
	}
	wl_list_remove(&domain->link);
	free(domain->socket_path);
	free(domain->socket_dir);
	free(domain->name);
	free(domain);
}

void domain_finish(struct cordon_server *server) {
	struct cordon_domain *domain, *tmp;
	wl_list_for_each_safe(domain, tmp, &server->domains, link) {
		domain_remove(domain);
	}
	server->host_domain = NULL;
}
