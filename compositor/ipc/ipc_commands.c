#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wlr/types/wlr_output.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/util/box.h>
#include <wlr/util/log.h>
#include "compositor/guard/attention.h"
#include "compositor/wm/cursor.h"
#include "compositor/domain/domain.h"
#include "compositor/guard/clipboard.h"
#include "compositor/render/frame.h"
#include "compositor/ipc/ipc.h"
#include "compositor/ipc/ipc_json.h"
#include "compositor/domain/launcher.h"
#include "compositor/guard/prompt.h"
#include "compositor/domain/reload.h"
#include "compositor/wm/output.h"
#include "compositor/server.h"
#include "compositor/wm/view.h"
#include "compositor/guard/session_lock.h"

/*
 * The compositor's IPC commands. Each command declares the fields it takes
 * besides "cmd"; ipc_commands_dispatch checks presence, type and range of
 * each (and refuses any other field, so a typo is an error, not a silent
 * default) before the handler runs. A window command gets its window from
 * dispatch: the one named by "id", else the focused one. A new command is
 * one handler and one table entry.
 */

struct ipc_command_field {
	const char *name;
	enum json_type type;
	bool required;
	int64_t min, max; /* an integer's range; none when both are 0 */
};

/* The most fields a command takes besides "cmd". */
#define IPC_COMMAND_FIELDS 3

struct ipc_command {
	const char *name;
	/* Returns the reply, or NULL when out of memory. view is the window
	 * of a window command, NULL for the others. */
	struct json_object *(*run)(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request);
	bool window;   /* acts on a window */
	bool geometry; /* moves or resizes it: see window_geometry_refused */
	/* Unused places have a NULL name. */
	struct ipc_command_field fields[IPC_COMMAND_FIELDS];
};

/* {"ok":true, key: value}; takes value, NULL when out of memory. */
static struct json_object *ok_with(const char *key, struct json_object *value) {
	struct json_object *reply = ipc_ok();
	if (!reply || !ipc_json_put(reply, key, value)) {
		json_object_put(reply);
		if (!reply) {
			json_object_put(value);
		}
		return NULL;
	}
	return reply;
}

static struct json_object *ipc_commands_version(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	return ok_with("version", json_object_new_string(CORDON_VERSION));
}

/* Whether an element of a list is listed (NULL: all are). */
typedef bool (*list_listed_fn)(struct wl_list *link);
/* An element's JSON form (ipc_json.c); NULL when out of memory. */
typedef struct json_object *(*list_item_fn)(struct cordon_server *server,
	struct wl_list *link);

/* {"ok":true, key: [item of each listed element of head, in its order]}. */
static struct json_object *list_reply(struct cordon_server *server, const char *key,
		struct wl_list *head, list_listed_fn listed, list_item_fn item) {
	struct json_object *list = json_object_new_array();
	if (!list) {
		return NULL;
	}
	for (struct wl_list *link = head->next; link != head; link = link->next) {
		if (listed != NULL && !listed(link)) {
			continue;
		}
		struct json_object *obj = item(server, link);
		if (!obj || json_object_array_add(list, obj) < 0) {
			json_object_put(obj);
			json_object_put(list);
			return NULL;
		}
	}
	return ok_with(key, list);
}

/* Unmapped views are not listed by "windows". */
static bool window_listed(struct wl_list *link) {
	struct cordon_view *view = wl_container_of(link, view, link);
	return view->mapped;
}

static struct json_object *window_item(struct cordon_server *server, struct wl_list *link) {
	struct cordon_view *view = wl_container_of(link, view, link);
	return ipc_json_window(view);
}

static struct json_object *output_item(struct cordon_server *server, struct wl_list *link) {
	struct cordon_output *output = wl_container_of(link, output, link);
	return ipc_json_output(server, output);
}

static struct json_object *domain_item(struct cordon_server *server, struct wl_list *link) {
	struct cordon_domain *domain = wl_container_of(link, domain, link);
	return ipc_json_domain(domain);
}

static struct json_object *ipc_commands_windows(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	/* server->views is in focus order, most recent first; so is the list. */
	return list_reply(server, "windows", &server->views, window_listed, window_item);
}

static struct json_object *ipc_commands_outputs(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	return list_reply(server, "outputs", &server->outputs, NULL, output_item);
}

static struct json_object *ipc_commands_domains(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	return list_reply(server, "domains", &server->domains, NULL, domain_item);
}

/* "id" is required: dispatch found the window it names. */
static struct json_object *ipc_commands_focus(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	/* One step, even across workspaces: no other window is focused on the way. */
	view_focus(view);
	cursor_rebase(server);
	return ipc_ok();
}

/* ---- window commands: what the user's keys can do, for scripts ---- */

/* Coordinates further out than this are a typo, and would overflow an int. */
#define WINDOW_COORD_MAX (1 << 20)
/* Larger than any output; a client may still refuse a size it cannot take. */
#define WINDOW_SIZE_MAX 16384

/* The window named by "id", else the focused one; NULL with *error set. */
static struct cordon_view *window_target(struct cordon_server *server,
		struct json_object *request, struct json_object **error) {
	struct json_object *id_obj;
	if (!json_object_object_get_ex(request, "id", &id_obj)) {
		if (server->focused_view == NULL) {
			*error = ipc_error("no window has focus; name one with \"id\"");
		}
		return server->focused_view;
	}
	int64_t id = json_object_get_int64(id_obj);
	struct cordon_view *view = id >= 1 && id <= UINT32_MAX ?
		view_from_id(server, (uint32_t)id) : NULL;
	/* Unmapped views are not listed by "windows": not there to act on. */
	if (view == NULL || !view->mapped) {
		*error = ipc_error("no window with id %s",
			json_object_to_json_string_ext(id_obj, JSON_C_TO_STRING_PLAIN));
		return NULL;
	}
	return view;
}

/* {"ok":true,"window":{…}}: the window as "windows" lists it now. */
static struct json_object *window_reply(struct cordon_server *server,
		struct cordon_view *view) {
	return ok_with("window", ipc_json_window(view));
}

/*
 * Moving or resizing fights with a pointer grab (whose next motion would
 * undo it) and with maximize and fullscreen (whose size is the output's).
 */
static struct json_object *window_geometry_refused(struct cordon_server *server,
		struct cordon_view *view) {
	if (server->grab.mode != CURSOR_PASSTHROUGH) {
		return ipc_error("a window is being moved or resized with the pointer; "
			"try again when the button is up");
	}
	if (view->fullscreen) {
		return ipc_error("window %" PRIu32 " is fullscreen (unfullscreen it first)",
			view->id);
	}
	if (view->maximized) {
		return ipc_error("window %" PRIu32 " is maximized (unmaximize it first)",
			view->id);
	}
	return NULL;
}

/* An integer field whose range dispatch checked (struct ipc_command_field). */
static int int_field(struct json_object *request, const char *name) {
	return (int)json_object_get_int64(json_object_object_get(request, name));
}

/* Whether the request's "cmd" is name (for a command and its undoing). */
static bool cmd_is(struct json_object *request, const char *name) {
	return strcmp(json_object_get_string(json_object_object_get(request, "cmd")),
		name) == 0;
}

static struct json_object *ipc_commands_move(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	int x = int_field(request, "x"), y = int_field(request, "y");
	/* Somewhere the user can see it and grab its titlebar. */
	struct wlr_box geo = view_geometry(view);
	struct frame_extents ext = frame_extents(view->frame);
	struct wlr_box frame = {
		x - ext.left, y - ext.top,
		geo.width + ext.left + ext.right, ext.top > 0 ? ext.top : 1,
	};
	bool on_output = false;
	struct cordon_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		struct wlr_box box = output_box(output), inter;
		if (output->scene_output != NULL &&
				wlr_box_intersection(&inter, &box, &frame)) {
			on_output = true;
			break;
		}
	}
	if (!on_output) {
		return ipc_error("window %" PRIu32 " at %d,%d would have its titlebar "
			"on no output (see cordonctl outputs)", view->id, x, y);
	}
	/* A size still on its way keeps its anchored edge where the move put it. */
	if (view->has_pending) {
		view->pending.x += x - view->x;
		view->pending.y += y - view->y;
	}
	view->x = x;
	view->y = y;
	view_update_position(view);
	/* Pointer focus follows the scene; keyboard focus stays where it is. */
	cursor_rebase(server);
	return window_reply(server, view);
}

static struct json_object *ipc_commands_resize(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	int width = int_field(request, "width"), height = int_field(request, "height");
	/* The client's own limits (0: none); asking past them is ignored. */
	/* An X11 window's limits are its own affair: it answers what it takes. */
	struct wlr_xdg_toplevel_state none = {0};
	struct wlr_xdg_toplevel_state *cur = view->toplevel ? &view->toplevel->current : &none;
	if ((cur->min_width > 0 && width < cur->min_width) ||
			(cur->max_width > 0 && width > cur->max_width) ||
			(cur->min_height > 0 && height < cur->min_height) ||
			(cur->max_height > 0 && height > cur->max_height)) {
		return ipc_error("window %" PRIu32 " takes sizes from %" PRId32 "x%" PRId32
			" to %s (asked for %dx%d)", view->id, cur->min_width, cur->min_height,
			cur->max_width > 0 || cur->max_height > 0 ? "its maximum" : "any",
			width, height);
	}
	view_request_geometry(view, (struct wlr_box){ view->x, view->y, width, height });
	struct json_object *reply = window_reply(server, view);
	struct json_object *asked = json_object_new_object();
	if (reply == NULL || asked == NULL || !ipc_json_put_int(asked, "width", width) ||
			!ipc_json_put_int(asked, "height", height) || !ipc_json_put(reply, "requested", asked)) {
		json_object_put(asked);
		json_object_put(reply);
		return NULL;
	}
	return reply;
}

static struct json_object *ipc_commands_maximize(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	bool on = cmd_is(request, "maximize");
	if (view->fullscreen) {
		return ipc_error("window %" PRIu32 " is fullscreen (unfullscreen it first)",
			view->id);
	}
	view_set_maximized(view, on);
	return window_reply(server, view);
}

static struct json_object *ipc_commands_fullscreen(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	bool on = cmd_is(request, "fullscreen");
	/*
	 * A fullscreen window covers all others: one the user is not typing
	 * into would hide the window that gets the keys. As with the key
	 * binding, only the focused window goes fullscreen.
	 */
	if (on && !view->fullscreen && view != server->focused_view) {
		return ipc_error("window %" PRIu32 " does not have focus; only the "
			"focused window may go fullscreen (cordonctl focus %" PRIu32 " first)",
			view->id, view->id);
	}
	view_set_fullscreen(view, on);
	if (view->fullscreen != on) {
		return ipc_error("domain %s may not go fullscreen (fullscreen = deny)",
			view->domain->name);
	}
	return window_reply(server, view);
}

static struct json_object *ipc_commands_close(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	/* Asks the client; the window goes when it unmaps (event "close"). */
	view_close(view);
	return window_reply(server, view);
}

static struct json_object *ipc_commands_to_workspace(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	view_move_to_workspace(view, int_field(request, "workspace") - 1);
	return window_reply(server, view);
}

/* attention: every visible surface with its domain (guard/attention.c). */
static struct json_object *ipc_commands_attention(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	struct json_object *list = attention_list(server);
	return list != NULL ? ok_with("surfaces", list) : NULL;
}

static struct cordon_domain *named_domain(struct cordon_server *server,
		struct json_object *request, struct json_object **error) {
	const char *name = json_object_get_string(json_object_object_get(request, "name"));
	struct cordon_domain *domain = domain_find(server, name);
	if (domain == NULL) {
		*error = ipc_error("no domain named '%s'", name);
	}
	return domain;
}

typedef bool (*launcher_fn)(struct cordon_domain *domain, char *err, size_t errlen);

static struct json_object *domain_action(struct cordon_server *server,
		struct json_object *request, launcher_fn fn) {
	struct json_object *error = NULL;
	struct cordon_domain *domain = named_domain(server, request, &error);
	if (domain == NULL) {
		return error;
	}
	char err[512];
	if (!fn(domain, err, sizeof(err))) {
		return ipc_error("%s", err);
	}
	return ipc_ok();
}

static struct json_object *ipc_commands_start(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	return domain_action(server, request, launcher_start);
}

static struct json_object *ipc_commands_stop(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	return domain_action(server, request, launcher_stop);
}

static struct json_object *ipc_commands_restart(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	return domain_action(server, request, launcher_restart);
}

/* Largest argv cordonctl run may ask for; the agent caps requests at 64 KiB. */
#define RUN_MAX_ARGS 1024

static struct json_object *ipc_commands_run(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	struct json_object *error = NULL;
	struct cordon_domain *domain = named_domain(server, request, &error);
	if (domain == NULL) {
		return error;
	}
	struct json_object *argv_obj = json_object_object_get(request, "argv");
	size_t n = json_object_array_length(argv_obj);
	if (n == 0 || n > RUN_MAX_ARGS) {
		return ipc_error("field 'argv' must hold 1 to %d strings", RUN_MAX_ARGS);
	}
	char **argv = calloc(n + 1, sizeof(*argv));
	if (argv == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *arg = json_object_array_get_idx(argv_obj, i);
		if (!json_object_is_type(arg, json_type_string)) {
			free(argv);
			return ipc_error("field 'argv' must hold only strings (item %zu is not)", i);
		}
		argv[i] = (char *)json_object_get_string(arg);
	}
	struct json_object *reply = ipc_ok();
	char err[512];
	if (reply != NULL && !launcher_run(domain, argv, reply, err, sizeof(err))) {
		json_object_put(reply);
		reply = ipc_error("%s", err);
	}
	free(argv);
	return reply;
}

static struct json_object *ipc_commands_reload(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	struct config_errors errs = {0};
	if (reload_config(server, &errs)) {
		config_errors_finish(&errs);
		return ipc_ok();
	}
	struct json_object *reply = ipc_error("the configuration has %zu error%s; the running "
		"configuration stays", errs.len, errs.len == 1 ? "" : "s");
	struct json_object *list = json_object_new_array();
	for (size_t i = 0; list != NULL && i < errs.len; i++) {
		json_object_array_add(list, json_object_new_string(errs.msgs[i]));
	}
	if (reply != NULL) {
		json_object_object_add(reply, "errors", list);
	} else {
		json_object_put(list);
	}
	config_errors_finish(&errs);
	return reply;
}

static struct json_object *ipc_commands_quit(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	struct json_object *reply = ipc_ok();
	if (!reply) {
		return NULL;
	}
	/* Only ends the loop after this dispatch; the reply is written at
	 * once, and ipc_destroy tries again for whatever did not fit. */
	server_terminate(server);
	return reply;
}

static struct json_object *ipc_commands_lock(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	const char *why = NULL;
	if (!session_lock_start_locker(server, &why)) {
		return ipc_error("%s", why);
	}
	return ipc_ok();
}

static struct json_object *ipc_commands_prompts(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	struct json_object *list = prompt_list(server);
	return list ? ok_with("prompts", list) : NULL;
}

static struct json_object *ipc_commands_answer(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	int64_t id = json_object_get_int64(json_object_object_get(request, "id"));
	const char *decision = json_object_get_string(json_object_object_get(request, "decision"));
	bool allow;
	if (strcmp(decision, "allow") == 0) {
		allow = true;
	} else if (strcmp(decision, "deny") == 0) {
		allow = false;
	} else {
		return ipc_error("field 'decision' must be \"allow\" or \"deny\"");
	}
	if (id < 1 || id > UINT32_MAX || !prompt_answer(server, (uint32_t)id, allow)) {
		return ipc_error("no pending prompt with id %" PRId64, id);
	}
	return ipc_ok();
}

static struct json_object *ipc_commands_transfers(struct cordon_server *server,
		struct cordon_view *view, struct json_object *request) {
	struct json_object *list = clipboard_transfers(server);
	struct json_object *reply = list ? ok_with("transfers", list) : NULL;
	struct json_object *grants = reply ? clipboard_grants(server) : NULL;
	if (grants != NULL) {
		json_object_object_add(reply, "grants", grants);
	}
	return reply;
}

/* Fields of the table below. */
#define FIELD(name, type) { name, json_type_##type, true, 0, 0 }
#define RANGED(name, min, max) { name, json_type_int, true, min, max }
#define WINDOW_ID { "id", json_type_int, false, 0, 0 }
#define COORD(name) RANGED(name, -WINDOW_COORD_MAX, WINDOW_COORD_MAX)
#define SIZE(name) RANGED(name, 1, WINDOW_SIZE_MAX)

/* "subscribe" is the transport's own (ipc.c). */
static const struct ipc_command ipc_commands[] = {
	{ .name = "answer", .run = ipc_commands_answer,
		.fields = { FIELD("id", int), FIELD("decision", string) } },
	{ .name = "attention", .run = ipc_commands_attention },
	{ .name = "close", .run = ipc_commands_close, .window = true,
		.fields = { WINDOW_ID } },
	{ .name = "domains", .run = ipc_commands_domains },
	{ .name = "focus", .run = ipc_commands_focus, .window = true,
		.fields = { FIELD("id", int) } },
	{ .name = "fullscreen", .run = ipc_commands_fullscreen, .window = true,
		.fields = { WINDOW_ID } },
	{ .name = "lock", .run = ipc_commands_lock },
	{ .name = "maximize", .run = ipc_commands_maximize, .window = true,
		.fields = { WINDOW_ID } },
	{ .name = "move", .run = ipc_commands_move, .window = true, .geometry = true,
		.fields = { WINDOW_ID, COORD("x"), COORD("y") } },
	{ .name = "outputs", .run = ipc_commands_outputs },
	{ .name = "prompts", .run = ipc_commands_prompts },
	{ .name = "quit", .run = ipc_commands_quit },
	{ .name = "reload", .run = ipc_commands_reload },
	{ .name = "resize", .run = ipc_commands_resize, .window = true, .geometry = true,
		.fields = { WINDOW_ID, SIZE("width"), SIZE("height") } },
	{ .name = "restart", .run = ipc_commands_restart, .fields = { FIELD("name", string) } },
	{ .name = "run", .run = ipc_commands_run,
		.fields = { FIELD("name", string), FIELD("argv", array) } },
	{ .name = "start", .run = ipc_commands_start, .fields = { FIELD("name", string) } },
	{ .name = "stop", .run = ipc_commands_stop, .fields = { FIELD("name", string) } },
	{ .name = "to-workspace", .run = ipc_commands_to_workspace, .window = true,
		.fields = { WINDOW_ID, RANGED("workspace", 1, SERVER_WORKSPACES) } },
	{ .name = "transfers", .run = ipc_commands_transfers },
	{ .name = "unfullscreen", .run = ipc_commands_fullscreen, .window = true,
		.fields = { WINDOW_ID } },
	{ .name = "unmaximize", .run = ipc_commands_maximize, .window = true,
		.fields = { WINDOW_ID } },
	{ .name = "version", .run = ipc_commands_version },
	{ .name = "windows", .run = ipc_commands_windows },
};

static const char *type_phrase(enum json_type type) {
	switch (type) {
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	case json_type_null: return "null";
	}
	return "a value";
}

static bool type_fits(struct json_object *value, enum json_type type) {
	/* Any integer is also a number. */
	if (type == json_type_double && json_object_is_type(value, json_type_int)) {
		return true;
	}
	return json_object_is_type(value, type);
}

/* The command's field named key; NULL when it takes none of that name. */
static const struct ipc_command_field *command_field(const struct ipc_command *command,
		const char *key) {
	for (size_t i = 0; i < IPC_COMMAND_FIELDS && command->fields[i].name; i++) {
		if (strcmp(command->fields[i].name, key) == 0) {
			return &command->fields[i];
		}
	}
	return NULL;
}

/* NULL when the request's fields are the command's and of their type, else the error reply. */
static struct json_object *check_fields(const struct ipc_command *command,
		struct json_object *request) {
	json_object_object_foreach(request, key, value) {
		if (strcmp(key, "cmd") == 0) {
			continue;
		}
		const struct ipc_command_field *field = command_field(command, key);
		if (!field) {
			return ipc_error("unknown field '%.64s' for '%s'", key,
				command->name);
		}
		if (!type_fits(value, field->type)) {
			return ipc_error("field '%s' must be %s", field->name,
				type_phrase(field->type));
		}
	}
	for (size_t i = 0; i < IPC_COMMAND_FIELDS && command->fields[i].name; i++) {
		const struct ipc_command_field *field = &command->fields[i];
		if (field->required &&
				!json_object_object_get_ex(request, field->name, NULL)) {
			return ipc_error("missing field '%s' for '%s'", field->name,
				command->name);
		}
	}
	return NULL;
}

/* NULL when each integer field given is in its range, else the error reply. */
static struct json_object *check_ranges(const struct ipc_command *command,
		struct json_object *request) {
	for (size_t i = 0; i < IPC_COMMAND_FIELDS && command->fields[i].name; i++) {
		const struct ipc_command_field *field = &command->fields[i];
		struct json_object *value;
		if ((field->min == 0 && field->max == 0) ||
				!json_object_object_get_ex(request, field->name, &value)) {
			continue;
		}
		int64_t v = json_object_get_int64(value);
		if (v < field->min || v > field->max) {
			return ipc_error("field '%s' must be from %" PRId64 " to %" PRId64
				" (got %" PRId64 ")", field->name, field->min, field->max, v);
		}
	}
	return NULL;
}

struct json_object *ipc_commands_dispatch(struct ipc_connection *conn,
		const char *cmd, struct json_object *request, void *data) {
	struct cordon_server *server = data;
	const struct ipc_command *command = NULL;
	for (size_t i = 0; i < sizeof(ipc_commands) / sizeof(ipc_commands[0]);
			i++) {
		if (strcmp(ipc_commands[i].name, cmd) == 0) {
			command = &ipc_commands[i];
			break;
		}
	}
	if (!command) {
		return NULL; /* the transport answers "unknown command" */
	}
	/* In this order: a request's form, its window, whether that may
	 * change now, then the values. */
	struct json_object *error = check_fields(command, request);
	struct cordon_view *view = NULL;
	if (error || (command->window &&
			(view = window_target(server, request, &error)) == NULL) ||
			(command->geometry &&
			(error = window_geometry_refused(server, view)) != NULL) ||
			(error = check_ranges(command, request)) != NULL) {
		return error;
	}
	struct json_object *reply = command->run(server, view, request);
	if (!reply) {
		wlr_log(WLR_ERROR, "IPC: out of memory answering '%s'", cmd);
		return ipc_error("out of memory answering '%s'", cmd);
	}
	return reply;
}
