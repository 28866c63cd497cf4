#include <json-c/json.h>
#include "compositor/domain/domain.h"
#include "compositor/ipc/events.h"
#include "compositor/ipc/ipc.h"
#include "compositor/ipc/ipc_json.h"
#include "compositor/server.h"
#include "compositor/wm/foreign_toplevel.h"
#include "compositor/wm/view.h"

/* Sends body (taken) with its change as event name to every subscriber. */
static void events_send(struct cordon_server *server, const char *name,
		struct json_object *body, const char *change) {
	if (body != NULL && ipc_json_put_string(body, "change", change)) {
		ipc_broadcast(server->ipc, name, body);
	}
	json_object_put(body);
}

void events_window(struct cordon_view *view, const char *change) {
	/* Taskbars follow the same changes as IPC subscribers. */
	foreign_toplevel_window_event(view, change);
	if (view->server->ipc != NULL) {
		events_send(view->server, "window", ipc_json_window(view), change);
	}
}

void events_domain(struct cordon_domain *domain, const char *change) {
	if (domain->server->ipc != NULL) {
		events_send(domain->server, "domain", ipc_json_domain(domain), change);
	}
}
