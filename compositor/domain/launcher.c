#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <wlr/util/log.h>
#include "common/strv.h"
#include "common/mstime.h"
#include "compositor/domain/domain.h"
#include "compositor/ipc/events.h"
#include "compositor/domain/launcher.h"
#include "compositor/server.h"
#include "compositor/wm/xwayland.h"
#include "vmm/vmm.h"

static void handle_vmm_state(struct vmm *vmm, enum supervisor_state state, void *data) {
	struct cordon_domain *domain = data;
	wlr_log(WLR_INFO, "domain %s: %s%s%s", domain->name, supervisor_state_name(state),
		vmm_reason(vmm) ? " — " : "", vmm_reason(vmm) ? vmm_reason(vmm) : "");
	if (state == SUPERVISOR_STOPPED || state == SUPERVISOR_FAILED) {
		/* Whatever the guest left connected goes with it, at once. */
		domain_disconnect_clients(domain);
	}
	events_domain(domain, supervisor_state_name(state));
}

/*
 * Each line is in the domain's own log file (rotated by the supervisor);
 * cordon's log gets at most this many per second of each domain, so a
 * guest printing in a loop cannot flood the session's journal.
 */
#define LAUNCHER_LOG_LINES_PER_S 50

static void handle_vmm_line(struct vmm *vmm, const char *stream, const char *line,
		void *data) {
	struct cordon_domain *domain = data;
	int64_t now = mstime_now();
	if (now - domain->log_window_ms >= 1000) {
		if (domain->log_suppressed > 0) {
			wlr_log(WLR_INFO, "[%s] %d more lines in %s", domain->name,
				domain->log_suppressed, vmm_log_path(vmm));
		}
		domain->log_window_ms = now;
		domain->log_lines = 0;
		domain->log_suppressed = 0;
	}
	if (domain->log_lines++ < LAUNCHER_LOG_LINES_PER_S) {
		wlr_log(WLR_INFO, "[%s] %s: %s", domain->name, stream, line);
	} else {
		domain->log_suppressed++;
	}
}

static void handle_vmm_log(struct vmm *vmm, enum supervisor_log_level level,
		const char *msg, void *data) {
	struct cordon_domain *domain = data;
	enum wlr_log_importance importance = level == SUPERVISOR_LOG_ERROR ? WLR_ERROR :
		level == SUPERVISOR_LOG_INFO ? WLR_INFO : WLR_DEBUG;
	wlr_log(importance, "domain %s: %s", domain->name, msg);
}

bool launcher_add(struct cordon_domain *domain) {
	char dir[600], err[512];
	snprintf(dir, sizeof(dir), "%s/%s", domain->server->runtime_dir, domain->name);
	const struct vmm_callbacks callbacks = {
		.state = handle_vmm_state,
		.line = handle_vmm_line,
		.log = handle_vmm_log,
		.data = domain,
	};
	domain->vmm = vmm_create(domain->server->loop, domain->config, domain->socket_path,
		xwayland_display(domain), dir, &callbacks, err, sizeof(err));
	if (domain->vmm == NULL) {
		wlr_log(WLR_ERROR, "domain %s: %s", domain->name, err);
		return false;
	}
	return true;
}

bool launcher_init(struct cordon_server *server) {
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		const struct config_domain *cfg = domain->config;
		if (cfg != NULL && cfg->kind != CONFIG_DOMAIN_SOCKET && !launcher_add(domain)) {
			return false;
		}
	}
	return true;
}

void launcher_autostart(struct cordon_server *server) {
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		if (domain->vmm != NULL && domain->config->autostart) {
			char err[512];
			if (!launcher_start(domain, err, sizeof(err))) {
				wlr_log(WLR_ERROR, "domain %s: autostart failed: %s", domain->name, err);
			}
		}
	}
}

/* Whether domain has a launcher whose program may still be running. */
static bool launcher_is_up(struct cordon_domain *domain) {
	if (domain->vmm == NULL) {
		return false;
	}
	enum supervisor_state state = vmm_state(domain->vmm);
	return state != SUPERVISOR_STOPPED && state != SUPERVISOR_FAILED;
}

static bool launcher_all_down(struct cordon_server *server) {
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		if (launcher_is_up(domain)) {
			return false;
		}
	}
	return true;
}

void launcher_stop_all(struct cordon_server *server) {
	int longest = 0;
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		if (launcher_is_up(domain)) {
			vmm_stop(domain->vmm);
			if (domain->config->stop_timeout > longest) {
				longest = domain->config->stop_timeout;
			}
		}
	}
	/* The supervisor escalates to SIGKILL by itself; allow it a little slack. */
	int64_t deadline = mstime_now() + (int64_t)longest * 1000 + 2000;
	while (!launcher_all_down(server) && mstime_now() < deadline) {
		wl_display_flush_clients(server->display);
		if (wl_event_loop_dispatch(server->loop, 100) < 0) {
			break;
		}
	}
}

void launcher_finish(struct cordon_server *server) {
	struct cordon_domain *domain;
	wl_list_for_each(domain, &server->domains, link) {
		if (domain->vmm != NULL) {
			vmm_destroy(domain->vmm);
			domain->vmm = NULL;
		}
	}
}

static bool launcher_check(struct cordon_domain *domain, char *err, size_t errlen) {
	if (domain->vmm == NULL) {
		snprintf(err, errlen, "domain '%s' is not started by cordon (kind %s)",
			domain->name, domain->config ? config_kind_name(domain->config->kind) :
			domain->type == DOMAIN_HOST ? "host" : "sandbox");
		return false;
	}
	return true;
}

bool launcher_start(struct cordon_domain *domain, char *err, size_t errlen) {
	if (!launcher_check(domain, err, errlen)) {
		return false;
	}
	enum supervisor_state state = vmm_state(domain->vmm);
	if (state != SUPERVISOR_STOPPED && state != SUPERVISOR_FAILED) {
		return true;
	}
	if (!vmm_start(domain->vmm)) {
		snprintf(err, errlen, "cannot start domain '%s': %s", domain->name,
			vmm_reason(domain->vmm) ? vmm_reason(domain->vmm) : "unknown error");
		return false;
	}
	return true;
}

bool launcher_stop(struct cordon_domain *domain, char *err, size_t errlen) {
	if (!launcher_check(domain, err, errlen)) {
		return false;
	}
	vmm_stop(domain->vmm);
	return true;
}

bool launcher_restart(struct cordon_domain *domain, char *err, size_t errlen) {
	if (!launcher_check(domain, err, errlen)) {
		return false;
	}
	vmm_restart(domain->vmm);
	return true;
}

static struct json_object *strv_json(char *const *strv) {
	struct json_object *list = json_object_new_array();
	for (size_t i = 0; list != NULL && strv != NULL && strv[i] != NULL; i++) {
		json_object_array_add(list, json_object_new_string(strv[i]));
	}
	return list;
}

bool launcher_run(struct cordon_domain *domain, char *const *argv,
		struct json_object *reply, char *err, size_t errlen) {
	if (!launcher_start(domain, err, errlen)) {
		return false;
	}
	const struct config_domain *cfg = domain->config;
	if (cfg->kind == CONFIG_DOMAIN_CROSVM || cfg->kind == CONFIG_DOMAIN_QEMU) {
		/* qemu: the run socket of vmm/qemu_vm.c, which relays to the guest. */
		const char *agent = vmm_agent_address(domain->vmm);
		if (agent == NULL) {
			snprintf(err, errlen, "domain '%s' has no agent address (set cid or agent)",
				domain->name);
			return false;
		}
		json_object_object_add(reply, "agent", json_object_new_string(agent));
		return true;
	}
	char dir[600];
	snprintf(dir, sizeof(dir), "%s/%s", domain->server->runtime_dir, domain->name);
	char **exec = vmm_exec_argv(cfg, domain->socket_path, xwayland_display(domain), dir,
		argv);
	if (exec == NULL) {
		snprintf(err, errlen, "domain '%s' has no exec template to run commands with",
			domain->name);
		return false;
	}
	char **env = vmm_child_env(cfg, domain->socket_path, xwayland_display(domain));
	json_object_object_add(reply, "exec", strv_json(exec));
	json_object_object_add(reply, "env", strv_json(env));
	strv_free(exec);
	strv_free(env);
	return true;
}

void launcher_describe(struct cordon_domain *domain, struct json_object *obj) {
	if (domain->vmm == NULL) {
		json_object_object_add(obj, "state", NULL);
		return;
	}
	struct vmm *vmm = domain->vmm;
	json_object_object_add(obj, "state",
		json_object_new_string(supervisor_state_name(vmm_state(vmm))));
	pid_t pid = vmm_pid(vmm);
	json_object_object_add(obj, "pid", pid > 0 ? json_object_new_int64(pid) : NULL);
	json_object_object_add(obj, "uptime_ms", json_object_new_int64(vmm_uptime_ms(vmm)));
	json_object_object_add(obj, "restarts", json_object_new_int(vmm_restarts(vmm)));
	struct supervisor_exit last = vmm_last_exit(vmm);
	struct json_object *exit = NULL;
	if (last.valid) {
		exit = json_object_new_object();
		if (exit != NULL) {
			json_object_object_add(exit, last.signaled ? "signal" : "code",
				json_object_new_int(last.code));
		}
	}
	json_object_object_add(obj, "last_exit", exit);
	const char *reason = vmm_reason(vmm);
	json_object_object_add(obj, "reason", reason ? json_object_new_string(reason) : NULL);
	const char *agent = vmm_agent_address(vmm);
	json_object_object_add(obj, "agent", agent ? json_object_new_string(agent) : NULL);
	json_object_object_add(obj, "log", json_object_new_string(vmm_log_path(vmm)));
}
