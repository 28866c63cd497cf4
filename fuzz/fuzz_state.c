/*
 * State fuzzer: two guest domains (red, blue) talking the protocol while
 * the user's keyboard and pointer act and the host's IPC focuses windows
 * and answers prompts, in an order the input chooses. After every step it
 * checks what cordon promises, and aborts when a promise is broken:
 *
 *  1. keyboard focus: a guest client holds the seat's keyboard focus only
 *     if it owns the window IPC reports as focused;
 *  2. clipboard: no byte of one domain's selection reaches another domain
 *     without a transfer record (delivered, or a secure copy) saying so;
 *  3. frames: no pixel of a guest window's own surfaces lies outside its
 *     content box, i.e. on its frame, its "[domain] title" tag or beyond.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include <linux/input-event-codes.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_shell.h>
#include "compositor/guard/clipboard_internal.h"
#include "compositor/domain/domain.h"
#include "compositor/render/frame.h"
#include "compositor/ipc/ipc.h"
#include "compositor/guard/prompt.h"
#include "compositor/server.h"
#include "compositor/wm/view.h"
#include "fuzz/harness.h"
#include "fuzz/wire.h"

#define STATE_MAX_STEPS 160

static const char fuzz_config[] =
	HARNESS_CONFIG_RED
	HARNESS_CONFIG_BLUE
	"paste-from.red = allow\n"
	"[clipboard]\n"
	"default = ask\n"
	/* The user's keys may do anything but start programs on the host. */
	"[keys]\n"
	"Super+Return = none\n";

enum { RED = 0, BLUE = 1, N_GUESTS = 2 };
static const char *const guest_names[N_GUESTS] = {"red", "blue"};
static const char *const guest_markers[N_GUESTS] = {"cordon-fuzz-red", "cordon-fuzz-blue"};

struct state {
	struct fuzz_harness *harness;
	struct wire_client *guests[N_GUESTS];
	/* Deliveries the clipboard recorded, by source and target, not yet matched by bytes. */
	int credit[N_GUESTS][N_GUESTS];
	bool secure[N_GUESTS][N_GUESTS];
	size_t history_seen; /* history_next as of the last look */
	uint8_t keys_down[16];
	int n_keys_down;
	bool button_down;
};

/* libFuzzer gives no context pointer: the one state lives here. */
static struct state *fuzz;

static void handle_exit(void) {
	free(fuzz);
	fuzz = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
	(void)argc;
	(void)argv;
	fuzz = calloc(1, sizeof(*fuzz));
	if (fuzz == NULL) {
		abort();
	}
	fuzz->harness = harness_for_run(fuzz_config);
	fuzz->history_seen = fuzz->harness->server->clipboard->history_next;
	atexit(handle_exit);
	return 0;
}

static int guest_of_name(const char *name) {
	for (int i = 0; i < N_GUESTS; i++) {
		if (name != NULL && strcmp(name, guest_names[i]) == 0) {
			return i;
		}
	}
	return -1;
}

/* A data source is asked for its data: each guest's payload names it. */
static void handle_fd(struct wire_client *client, const struct wire_object *object,
		const struct wl_message *event, int fd, void *data) {
	(void)object;
	int who = (int)(intptr_t)data;
	(void)client;
	if (strcmp(event->name, "send") == 0) {
		const char *m = guest_markers[who];
		if (write(fd, m, strlen(m)) < 0) {
			/* The reader may be gone; nothing to account then. */
		}
	}
	close(fd);
}

static void pump_all(struct state *st) {
	for (int round = 0; round < 3; round++) {
		harness_pump(st->harness);
		for (int i = 0; i < N_GUESTS; i++) {
			if (st->guests[i] != NULL) {
				wire_client_read(st->guests[i]);
			}
		}
	}
	harness_pump(st->harness);
}

static void pump_cb(void *data) {
	pump_all(data);
}

/* Turns the transfer history added since the last look into credit. */
static void account_history(struct state *st) {
	struct cordon_clipboard *clip = st->harness->server->clipboard;
	size_t next = clip->history_next;
	while (st->history_seen != next) {
		const struct clip_history *h = &clip->history[st->history_seen];
		st->history_seen = (st->history_seen + 1) % CLIP_HISTORY;
		int from = guest_of_name(h->from), to = guest_of_name(h->to);
		if (from < 0 || to < 0) {
			continue;
		}
		if (h->result != NULL && strcmp(h->result, "delivered") == 0) {
			st->credit[from][to]++;
		}
		if (h->decision != NULL && strcmp(h->decision, "secure") == 0) {
			st->secure[from][to] = true;
		}
	}
}

/* Invariant 2: every cross-domain payload that arrived was recorded. */
static void check_clipboard(struct state *st) {
	for (int to = 0; to < N_GUESTS; to++) {
		struct wire_client *c = st->guests[to];
		for (size_t p = 0; c != NULL && p < c->n_pipes; p++) {
			char buf[4096];
			ssize_t n = read(c->pipes[p], buf, sizeof(buf) - 1);
			if (n <= 0 || c->pipe_seen[p]) {
				continue;
			}
			buf[n] = '\0';
			for (int from = 0; from < N_GUESTS; from++) {
				if (from == to || strstr(buf, guest_markers[from]) == NULL) {
					continue;
				}
				c->pipe_seen[p] = true;
				/* The record is written when the transfer ends; let it end. */
				pump_all(st);
				account_history(st);
				if (st->secure[from][to]) {
					continue;
				}
				if (st->credit[from][to] <= 0) {
					harness_fail("%s's clipboard bytes reached %s with no transfer record",
						guest_names[from], guest_names[to]);
				}
				st->credit[from][to]--;
			}
		}
	}
}

/* Invariant 1: the seat's keyboard focus follows the focused window. */
static void check_focus(struct state *st) {
	struct cordon_server *server = st->harness->server;
	struct wlr_surface *surface = server->seat->keyboard_state.focused_surface;
	if (surface == NULL || surface->resource == NULL) {
		return;
	}
	struct wl_client *client = wl_resource_get_client(surface->resource);
	struct domain_client *record = wl_client_get_user_data(client);
	if (record == NULL || domain_is_host(record->domain)) {
		return;
	}
	struct cordon_view *focused = server->focused_view;
	if (focused == NULL || focused->toplevel == NULL ||
			focused->toplevel->base->client->client != client) {
		harness_fail("a %s client holds the keyboard while IPC reports %s focused",
			record->domain->name,
			focused ? focused->domain->name : "no window");
	}
}

struct frame_check {
	struct cordon_view *view;
	struct wlr_box content;
	int tree_x, tree_y;
};

static void check_buffer(struct wlr_scene_buffer *buffer, int sx, int sy, void *data) {
	struct frame_check *fc = data;
	struct wlr_scene_surface *ss = wlr_scene_surface_try_from_buffer(buffer);
	if (ss == NULL) {
		return;
	}
	/* Popups carry their own frame; only the toplevel's surfaces are held to its box. */
	struct wlr_surface *root = wlr_surface_get_root_surface(ss->surface);
	struct wlr_xdg_surface *xdg = wlr_xdg_surface_try_from_wlr_surface(root);
	if (xdg == NULL || xdg->role != WLR_XDG_SURFACE_ROLE_TOPLEVEL ||
			xdg->toplevel != fc->view->toplevel) {
		return;
	}
	int w = buffer->dst_width, h = buffer->dst_height;
	if ((w == 0 || h == 0) && buffer->buffer != NULL) {
		w = buffer->buffer->width;
		h = buffer->buffer->height;
	}
	if (w <= 0 || h <= 0) {
		return;
	}
	/* wlroots counts from the walked node's parent: the view's tree. */
	struct wlr_box box = {.x = fc->tree_x + sx, .y = fc->tree_y + sy, .width = w, .height = h};
	const struct wlr_box *c = &fc->content;
	if (box.x < c->x || box.y < c->y || box.x + box.width > c->x + c->width ||
			box.y + box.height > c->y + c->height) {
		struct wlr_box set = xdg->current.geometry;
		harness_fail("a %s window draws at %d,%d %dx%d, outside its content box "
			"%d,%d %dx%d: over its own frame and tag or beyond (surface %dx%d, "
			"window geometry set to %d,%d %dx%d, source box %.0f,%.0f %.0fx%.0f)",
			fc->view->domain->name, box.x, box.y, box.width, box.height,
			c->x, c->y, c->width, c->height, ss->surface->current.width,
			ss->surface->current.height, set.x, set.y, set.width, set.height,
			buffer->src_box.x, buffer->src_box.y, buffer->src_box.width,
			buffer->src_box.height);
	}
}

/* Invariant 3: a guest's pixels stay inside the frame cordon draws for it. */
static void check_frames(struct state *st) {
	struct cordon_view *view;
	wl_list_for_each(view, &st->harness->server->views, link) {
		if (!view->mapped || view->hidden || domain_is_host(view->domain) ||
				view->surface_tree == NULL || !view->tree->node.enabled) {
			continue;
		}
		int lx, ly;
		if (!wlr_scene_node_coords(&view->tree->node, &lx, &ly)) {
			continue; /* not shown: an ancestor is disabled */
		}
		/* Where the frame is drawn, whatever view->x says. */
		struct frame_extents ext = frame_extents(view->frame);
		struct wlr_box geo = view_geometry(view);
		/* Read as cordon must read it: at least 1x1 (issue 9, finding 2). */
		geo.width = geo.width < 1 ? 1 : geo.width;
		geo.height = geo.height < 1 ? 1 : geo.height;
		struct frame_check fc = {.view = view, .content = {lx + ext.left, ly + ext.top,
			geo.width, geo.height}, .tree_x = lx, .tree_y = ly};
		if (fc.content.x != geo.x || fc.content.y != geo.y) {
			harness_fail("a %s window is drawn at %d,%d while cordon (and IPC) "
				"has it at %d,%d (%s%s, frame mode %d, cursor mode %d%s)", view->domain->name,
				fc.content.x, fc.content.y, geo.x, geo.y,
				view->fullscreen ? "fullscreen" : "not fullscreen",
				view->maximized ? ", maximized" : "", (int)frame_mode_of(view->frame),
				(int)st->harness->server->grab.mode,
				st->harness->server->grab.view == view ? " on it" : "");
		}
		wlr_scene_node_for_each_buffer(&view->surface_tree->node, check_buffer, &fc);
	}
}

static void check_all(struct state *st) {
	check_focus(st);
	check_clipboard(st);
	check_frames(st);
}

/* The n-th window in the server's list (most recently focused first). */
static struct cordon_view *nth_view(struct state *st, uint8_t n) {
	int count = wl_list_length(&st->harness->server->views);
	if (count == 0) {
		return NULL;
	}
	int k = n % count;
	struct cordon_view *view;
	wl_list_for_each(view, &st->harness->server->views, link) {
		if (k-- == 0) {
			return view;
		}
	}
	return NULL;
}

/* Where the pointer goes: a window's titlebar, middle or edge, or anywhere. */
static void pointer_to(struct state *st, struct fuzz_bytes *in) {
	struct wlr_box layout;
	wlr_output_layout_get_box(st->harness->server->output_layout, NULL, &layout);
	if (wlr_box_empty(&layout)) {
		return;
	}
	uint8_t sel = fuzz_u8(in);
	double x, y;
	struct cordon_view *view = nth_view(st, fuzz_u8(in));
	if (view != NULL && sel < 192) {
		struct wlr_box g = view_geometry(view);
		switch (sel % 4) {
		case 0: x = g.x + g.width / 2.0; y = g.y + g.height / 2.0; break;
		case 1: x = g.x + g.width / 2.0; y = g.y - 8; break;  /* titlebar */
		case 2: x = g.x - 2; y = g.y + g.height / 2.0; break; /* left border */
		default: x = g.x + g.width + 1; y = g.y + g.height + 1; break;
		}
	} else {
		x = layout.x + layout.width * fuzz_u8(in) / 255.0;
		y = layout.y + layout.height * fuzz_u8(in) / 255.0;
	}
	harness_motion(st->harness, (x - layout.x) / layout.width, (y - layout.y) / layout.height);
}

static const uint32_t state_keys[] = {
	KEY_A, KEY_Y, KEY_N, KEY_ESC, KEY_TAB, KEY_LEFTALT, KEY_LEFTMETA, KEY_ENTER,
	KEY_V, KEY_C, KEY_LEFTCTRL, KEY_LEFTSHIFT, KEY_F, KEY_1, KEY_2, KEY_Q,
};

static void key(struct state *st, struct fuzz_bytes *in) {
	uint8_t sel = fuzz_u8(in);
	uint32_t code = state_keys[sel % (sizeof(state_keys) / sizeof(state_keys[0]))];
	bool pressed = !(sel & 0x80);
	int found = -1;
	for (int i = 0; i < st->n_keys_down; i++) {
		if (st->keys_down[i] == code) {
			found = i;
		}
	}
	/* A keyboard never presses a key that is down, nor releases one that is up. */
	if (pressed && found < 0 && st->n_keys_down < 16) {
		st->keys_down[st->n_keys_down++] = (uint8_t)code;
	} else if (!pressed && found >= 0) {
		st->keys_down[found] = st->keys_down[--st->n_keys_down];
	} else {
		return;
	}
	harness_key(st->harness, code, pressed);
	if (sel & 0x40 && pressed) {
		/* A tap: press and release in one step. */
		st->keys_down[--st->n_keys_down] = 0;
		harness_key(st->harness, code, false);
	}
}

static struct json_object *ipc(struct state *st, const char *cmd,
		struct json_object *request) {
	json_object_object_add(request, "cmd", json_object_new_string(cmd));
	struct json_object *reply = ipc_commands_dispatch(NULL, cmd, request, st->harness->server);
	json_object_put(request);
	return reply;
}

static void ipc_focus(struct state *st, struct fuzz_bytes *in) {
	struct cordon_view *view = nth_view(st, fuzz_u8(in));
	struct json_object *req = json_object_new_object();
	json_object_object_add(req, "id", json_object_new_int64(view ? view->id : 9999));
	json_object_put(ipc(st, "focus", req));
}

static void ipc_answer(struct state *st, struct fuzz_bytes *in) {
	struct json_object *list = prompt_list(st->harness->server);
	size_t n = list ? json_object_array_length(list) : 0;
	if (n > 0) {
		struct json_object *p = json_object_array_get_idx(list, fuzz_u8(in) % n);
		struct json_object *id = json_object_object_get(p, "id");
		struct json_object *req = json_object_new_object();
		json_object_object_add(req, "id", json_object_new_int64(json_object_get_int64(id)));
		json_object_object_add(req, "decision",
			json_object_new_string(fuzz_u8(in) & 1 ? "allow" : "deny"));
		json_object_put(ipc(st, "answer", req));
	}
	json_object_put(list);
}

static void release_all(struct state *st) {
	while (st->n_keys_down > 0) {
		harness_key(st->harness, st->keys_down[--st->n_keys_down], false);
	}
	if (st->button_down) {
		st->button_down = false;
		harness_button(st->harness, BTN_LEFT, false);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	struct state *st = fuzz;
	struct fuzz_bytes in = {.p = data, .n = size};
	struct wire_client clients[N_GUESTS];
	for (int i = 0; i < N_GUESTS; i++) {
		st->guests[i] = &clients[i];
		wire_client_init(&clients[i], harness_connect(st->harness, guest_names[i]));
		clients[i].on_fd = handle_fd;
		clients[i].on_fd_data = (void *)(intptr_t)i;
	}
	for (int i = 0; i < N_GUESTS; i++) {
		wire_client_start(&clients[i], pump_cb, st);
		wire_client_setup(&clients[i], pump_cb, st);
	}
	for (int step = 0; step < STATE_MAX_STEPS && !fuzz_empty(&in); step++) {
		uint8_t op = fuzz_u8(&in);
		struct wire_client *g = &clients[op & 1];
		switch ((op >> 1) % 10) {
		case 0: case 1:
			wire_client_step(g, &in, pump_cb, st);
			break;
		case 2: /* a window, a popup, a selection, a subsurface */
			wire_client_macro(g, &in, (uint8_t)(fuzz_u8(&in) % 4), pump_cb, st);
			break;
		case 3:
			pointer_to(st, &in);
			break;
		case 4: {
			bool press = !st->button_down;
			st->button_down = press;
			harness_button(st->harness, BTN_LEFT, press);
			if (press && (fuzz_u8(&in) & 1)) {
				st->button_down = false;
				harness_button(st->harness, BTN_LEFT, false);
			}
			break;
		}
		case 5:
			key(st, &in);
			break;
		case 6:
			ipc_focus(st, &in);
			break;
		case 7:
			ipc_answer(st, &in);
			break;
		case 8:
			wire_client_paste(g, fuzz_u8(&in) & 1, pump_cb, st);
			break;
		case 9: /* a guest that reads late */
			pump_all(st);
			break;
		}
		pump_all(st);
		check_all(st);
	}
	release_all(st);
	pump_all(st);
	check_all(st);
	for (int i = 0; i < N_GUESTS; i++) {
		wire_client_finish(&clients[i]);
		st->guests[i] = NULL;
	}
	for (int i = 0; i < N_GUESTS; i++) {
		harness_wait_disconnected(st->harness, guest_names[i]);
	}
	account_history(st);
	memset(st->credit, 0, sizeof(st->credit));
	memset(st->secure, 0, sizeof(st->secure));
	if (prompt_active(st->harness->server)) {
		harness_fail("a prompt outlived both guests");
	}
	harness_check_clean(st->harness);
	return 0;
}
