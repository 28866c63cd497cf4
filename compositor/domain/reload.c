#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_cursor.h>
#include <wlr/types/wlr_xcursor_manager.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/ipc/events.h"
#include "compositor/render/frame.h"
#include "compositor/wm/input.h"
#include "compositor/domain/launcher.h"
#include "compositor/wm/output.h"
#include "compositor/domain/reload.h"
#include "compositor/server.h"
#include "compositor/render/text_buffer.h"
#include "compositor/wm/view.h"
#include "vmm/vmm.h"

static bool same_string(const char *a, const char *b) {
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * A domain's socket is where its guests already connect, and its kind
 * decides what cordon runs: neither can change under running clients.
 */
static bool reload_check_domains(struct cordon_server *server,
		struct cordon_config *next, struct config_errors *errs) {
	bool ok = true;
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		if (domain->type != DOMAIN_CONFIG) {
			continue;
		}
		const char *file = next->path ? next->path : "config";
		struct config_domain *cfg = config_find_domain(next, domain->name);
		if (cfg == NULL) {
			config_errors_add(errs, "%s: domain '%s' was removed; removing a domain needs a "
				"restart of cordon", file, domain->name);
			ok = false;
		} else if (cfg->kind != domain->config->kind) {
			config_errors_add(errs, "%s:%d: [domain %s] kind changed from %s to %s; that needs "
				"a restart of cordon", file, cfg->line, cfg->name,
				config_kind_name(domain->config->kind), config_kind_name(cfg->kind));
			ok = false;
		} else if (!same_string(cfg->socket, domain->config->socket)) {
			config_errors_add(errs, "%s:%d: [domain %s] socket changed; that needs a restart "
				"of cordon", file, cfg->line, cfg->name);
			ok = false;
		}
	}
	return ok;
}

static void reload_cursor(struct cordon_server *server) {
	const struct cordon_config *c = server->config;
	struct wlr_xcursor_manager *mgr =
		wlr_xcursor_manager_create(c->cursor_theme, c->cursor_size);
	if (mgr == NULL) {
		wlr_log(WLR_ERROR, "reload: cannot load cursor theme '%s'; keeping the old one",
			c->cursor_theme ? c->cursor_theme : "default");
		return;
	}
	wlr_xcursor_manager_destroy(server->cursor_mgr);
	server->cursor_mgr = mgr;
	wlr_cursor_set_xcursor(server->cursor, mgr, "default");
}

bool reload_config(struct cordon_server *server, struct config_errors *errs) {
	struct cordon_config *next = config_load(server->config->path, errs);
	if (next == NULL) {
		return false;
	}
	if (!reload_check_domains(server, next, errs)) {
		config_destroy(next);
		return false;
	}
	/*
	 * New domains get their socket before anything changes: a socket that
	 * cannot be bound fails the whole reload, like an error in the file.
	 */
	size_t n_added = 0;
	struct cordon_domain **added = calloc((size_t)wl_list_length(&next->domains) + 1,
		sizeof(*added));
	if (added == NULL) {
		config_errors_add(errs, "out of memory");
		config_destroy(next);
		return false;
	}
	struct config_domain *cfg;
	wl_list_for_each(cfg, &next->domains, link) {
		if (domain_find(server, cfg->name) != NULL) {
			continue;
		}
		struct cordon_domain *domain = domain_add_config(server, cfg);
		if (domain == NULL) {
			config_errors_add(errs, "%s:%d: [domain %s] its socket cannot be bound (the log "
				"says why)", next->path ? next->path : "config", cfg->line, cfg->name);
			for (size_t i = 0; i < n_added; i++) {
				domain_remove(added[i]);
			}
			free(added);
			config_destroy(next);
			return false;
		}
		added[n_added++] = domain;
	}
	/* The last check that can fail; the font is the renderer's own state. */
	if (!text_renderer_set_font(server->text, next->font)) {
		config_errors_add(errs, "%s: font '%s' cannot be used", next->path ? next->path : "config",
			next->font);
		for (size_t i = 0; i < n_added; i++) {
			domain_remove(added[i]);
		}
		free(added);
		config_destroy(next);
		return false;
	}

	/* From here on the new config is the one: every pointer moves to it. */
	struct cordon_config *prev = server->config;
	server->config = next;
	server->host_domain->color = next->host_color;
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		if (domain->type == DOMAIN_CONFIG) {
			domain->config = config_find_domain(next, domain->name);
			domain->color = domain->config->color;
			char err[512];
			if (domain->vmm != NULL && !vmm_reconfigure(domain->vmm, domain->config, err,
					sizeof(err))) {
				wlr_log(WLR_ERROR, "domain %s: reload: %s", domain->name, err);
			}
		} else if (domain->type == DOMAIN_SANDBOX) {
			domain->color = config_sandbox_color(next, domain->name);
		}
	}
	/* New domains' launchers need the committed config; they start now. */
	for (size_t i = 0; i < n_added; i++) {
		struct cordon_domain *domain = added[i];
		if (domain->config->kind != CONFIG_DOMAIN_SOCKET && launcher_add(domain) &&
				domain->config->autostart) {
			char err[512];
			if (!launcher_start(domain, err, sizeof(err))) {
				wlr_log(WLR_ERROR, "reload: domain %s: %s", domain->name, err);
			}
		}
		events_domain(domain, "new");
	}
	free(added);
	config_destroy(prev);

	input_reconfigure(server);
	output_reconfigure(server);
	reload_cursor(server);
	struct cordon_view *view;
	wl_list_for_each(view, &server->views, link) {
		frame_refresh(view->frame);
		if (view->mapped) {
			view_update_position(view);
		}
	}
	wlr_log(WLR_INFO, "reload: %s applied", next->path ? next->path : "built-in defaults");
	return true;
}
