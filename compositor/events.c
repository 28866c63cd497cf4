#include <json-c/json.h>
#include "compositor/domain.h"
#include "compositor/events.h"
#include "compositor/foreign_toplevel.h"
#include "compositor/ipc.h"
#include "compositor/server.h"
#include "compositor/view.h"

void events_window(struct cordon_view *view, const char *change) {
	struct cordon_server *server = view->server;
	/* Taskbars follow the same changes as IPC subscribers. */
	foreign_toplevel_window_event(view, change);
	if (server->ipc == NULL) {
		return;
	}
	struct json_object *body = json_object_new_object();
	if (body == NULL) {
		return;
	}
	struct wlr_box geo = view_geometry(view);
	json_object_object_add(body, "change", json_object_new_string(change));
	json_object_object_add(body, "id", json_object_new_int64(view->id));
	json_object_object_add(body, "domain", json_object_new_string(view->domain->name));
	json_object_object_add(body, "title", json_object_new_string(view->title ? view->title : ""));
	json_object_object_add(body, "app_id",
		json_object_new_string(view->app_id ? view->app_id : ""));
	json_object_object_add(body, "x", json_object_new_int(geo.x));
	json_object_object_add(body, "y", json_object_new_int(geo.y));
	json_object_object_add(body, "width", json_object_new_int(geo.width));
	json_object_object_add(body, "height", json_object_new_int(geo.height));
	json_object_object_add(body, "workspace", json_object_new_int(view->workspace + 1));
	json_object_object_add(body, "focused",
		json_object_new_boolean(server->focused_view == view));
	ipc_broadcast(server->ipc, "window", body);
	json_object_put(body);
}

void events_domain(struct cordon_domain *domain, const char *change) {
	struct cordon_server *server = domain->server;
	if (server->ipc == NULL) {
		return;
	}
	struct json_object *body = json_object_new_object();
	if (body == NULL) {
		return;
	}
	json_object_object_add(body, "change", json_object_new_string(change));
	json_object_object_add(body, "name", json_object_new_string(domain->name));
	json_object_object_add(body, "clients", json_object_new_int(domain->n_clients));
	json_object_object_add(body, "windows", json_object_new_int(domain->n_views));
	ipc_broadcast(server->ipc, "domain", body);
	json_object_put(body);
}
