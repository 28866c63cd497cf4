#ifndef CORDON_LAUNCHER_H
#define CORDON_LAUNCHER_H

#include <stdbool.h>
#include <stddef.h>

struct cordon_server;
struct cordon_domain;
struct json_object;

/*
 * The domains cordon starts itself (kind crosvm and command): one vmm per
 * domain, created once its socket is bound. When the process dies, the
 * domain's clients are disconnected at once; state changes go out as IPC
 * "domain" events.
 */
bool launcher_init(struct cordon_server *server);
/* The launcher of one domain (kind crosvm or command); false is logged. */
bool launcher_add(struct cordon_domain *domain);
/* Starts the domains with autostart = yes; after readiness. */
void launcher_autostart(struct cordon_server *server);
/*
 * Asks every running domain to stop and runs the event loop until all have
 * (bounded by the largest stop-timeout); what is left is killed by
 * launcher_finish.
 */
void launcher_stop_all(struct cordon_server *server);
void launcher_finish(struct cordon_server *server);

bool launcher_start(struct cordon_domain *domain, char *err, size_t errlen);
bool launcher_stop(struct cordon_domain *domain, char *err, size_t errlen);
bool launcher_restart(struct cordon_domain *domain, char *err, size_t errlen);
/*
 * For cordonctl run: starts the domain if it is down, then tells the caller
 * how to run argv in it: {"agent": ADDRESS} (crosvm: cordonctl talks to
 * cordon-agent in the guest) or {"exec": [...], "env": [...]} (command:
 * the domain's exec template, run by cordonctl). Fills reply or err.
 */
bool launcher_run(struct cordon_domain *domain, char *const *argv,
	struct json_object *reply, char *err, size_t errlen);
/* Adds state, pid, uptime_ms, restarts, last_exit, reason, agent to obj. */
void launcher_describe(struct cordon_domain *domain, struct json_object *obj);

#endif
