#include <json-c/json.h>
#include <stdio.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/util/box.h>
#include "compositor/domain/domain.h"
#include "compositor/domain/launcher.h"
#include "compositor/ipc/ipc_json.h"
#include "compositor/server.h"
#include "compositor/wm/output.h"
#include "compositor/wm/view.h"
#include "compositor/wm/xwayland.h"

bool ipc_json_put(struct json_object *obj, const char *key, struct json_object *value) {
	if (!value) {
		return false;
	}
	if (json_object_object_add(obj, key, value) < 0) {
		json_object_put(value);
		return false;
	}
	return true;
}

bool ipc_json_put_string(struct json_object *obj, const char *key, const char *value) {
	if (!value) {
		return json_object_object_add(obj, key, NULL) == 0;
	}
	return ipc_json_put(obj, key, json_object_new_string(value));
}

bool ipc_json_put_int(struct json_object *obj, const char *key, int64_t value) {
	return ipc_json_put(obj, key, json_object_new_int64(value));
}

bool ipc_json_put_bool(struct json_object *obj, const char *key, bool value) {
	return ipc_json_put(obj, key, json_object_new_boolean(value));
}

struct json_object *ipc_json_window(struct cordon_view *view) {
	struct json_object *win = json_object_new_object();
	if (!win) {
		return NULL;
	}
	struct wlr_box box = view_geometry(view);
	bool ok = ipc_json_put_int(win, "id", view->id) &&
		ipc_json_put_string(win, "domain", view->domain ? view->domain->name : NULL) &&
		ipc_json_put_string(win, "title", view->title ? view->title : "") &&
		ipc_json_put_string(win, "app_id", view->app_id ? view->app_id : "") &&
		ipc_json_put_int(win, "x", box.x) &&
		ipc_json_put_int(win, "y", box.y) &&
		ipc_json_put_int(win, "width", box.width) &&
		ipc_json_put_int(win, "height", box.height) &&
		ipc_json_put_bool(win, "focused", view == view->server->focused_view) &&
		ipc_json_put_int(win, "workspace", view->workspace + 1) &&
		ipc_json_put_bool(win, "urgent", view->urgent) &&
		ipc_json_put_bool(win, "fullscreen", view->fullscreen) &&
		ipc_json_put_bool(win, "maximized", view->maximized) &&
		ipc_json_put_bool(win, "minimized", view->minimized);
	if (!ok) {
		json_object_put(win);
		return NULL;
	}
	return win;
}

static const char *transform_name(enum wl_output_transform transform) {
	switch (transform) {
	case WL_OUTPUT_TRANSFORM_NORMAL: return "normal";
	case WL_OUTPUT_TRANSFORM_90: return "90";
	case WL_OUTPUT_TRANSFORM_180: return "180";
	case WL_OUTPUT_TRANSFORM_270: return "270";
	case WL_OUTPUT_TRANSFORM_FLIPPED: return "flipped";
	case WL_OUTPUT_TRANSFORM_FLIPPED_90: return "flipped-90";
	case WL_OUTPUT_TRANSFORM_FLIPPED_180: return "flipped-180";
	case WL_OUTPUT_TRANSFORM_FLIPPED_270: return "flipped-270";
	}
	return "unknown";
}

struct json_object *ipc_json_output(struct cordon_server *server,
		struct cordon_output *output) {
	struct wlr_output *wlr_output = output->wlr_output;
	struct json_object *out = json_object_new_object();
	if (!out) {
		return NULL;
	}
	/* Layout box: logical size after scale and transform; empty when the
	 * output is not in the layout (disabled). */
	struct wlr_box box;
	wlr_output_layout_get_box(server->output_layout, wlr_output, &box);
	bool ok = ipc_json_put_string(out, "name", wlr_output->name) &&
		ipc_json_put_string(out, "make", wlr_output->make) &&
		ipc_json_put_string(out, "model", wlr_output->model) &&
		ipc_json_put_int(out, "x", box.x) &&
		ipc_json_put_int(out, "y", box.y) &&
		ipc_json_put_int(out, "width", box.width) &&
		ipc_json_put_int(out, "height", box.height) &&
		ipc_json_put(out, "scale", json_object_new_double(wlr_output->scale)) &&
		ipc_json_put_string(out, "transform", transform_name(wlr_output->transform)) &&
		ipc_json_put_int(out, "refresh", wlr_output->refresh) &&
		/* Enabled: in the layout; power: lit (an idle daemon may blank it). */
		ipc_json_put_bool(out, "enabled", output->scene_output != NULL) &&
		ipc_json_put_string(out, "power", wlr_output->enabled ? "on" : "off");
	if (!ok) {
		json_object_put(out);
		return NULL;
	}
	return out;
}

static const char *domain_kind(const struct cordon_domain *domain) {
	switch (domain->type) {
	case DOMAIN_HOST:
		return "host";
	case DOMAIN_SANDBOX:
		return "sandbox";
	case DOMAIN_CONFIG:
		/* A config domain always has its config; "socket" is its default. */
		return domain->config ? config_kind_name(domain->config->kind) :
			"socket";
	}
	return "unknown";
}

struct json_object *ipc_json_domain(struct cordon_domain *domain) {
	struct json_object *dom = json_object_new_object();
	if (!dom) {
		return NULL;
	}
	char color[8];
	snprintf(color, sizeof(color), "#%06x", domain->color & 0xffffffu);
	bool ok = ipc_json_put_string(dom, "name", domain->name) &&
		ipc_json_put_string(dom, "kind", domain_kind(domain)) &&
		ipc_json_put_string(dom, "color", color) &&
		ipc_json_put_string(dom, "socket", domain->socket_path) &&
		ipc_json_put_string(dom, "display", xwayland_display(domain)) &&
		ipc_json_put_int(dom, "clients", domain->n_clients) &&
		ipc_json_put_int(dom, "windows", domain->n_views);
	/* Identity beyond colour (config/identity.c). */
	const struct cordon_config *cfg = domain->server->config;
	char badge[CONFIG_BADGE_SIZE];
	config_domain_badge(cfg, domain->name, badge);
	ok = ok && ipc_json_put_int(dom, "trust", config_domain_trust(cfg, domain->name)) &&
		ipc_json_put_string(dom, "pattern",
			config_pattern_name(config_domain_pattern(cfg, domain->name))) &&
		ipc_json_put_string(dom, "badge", badge);
	if (!ok) {
		json_object_put(dom);
		return NULL;
	}
	struct json_object *apps = json_object_new_array();
	for (char **app = domain->config ? domain->config->apps : NULL; app && *app; app++) {
		json_object_array_add(apps, json_object_new_string(*app));
	}
	json_object_object_add(dom, "apps", apps);
	launcher_describe(domain, dom);
	return dom;
}
