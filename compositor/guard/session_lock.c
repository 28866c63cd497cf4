#include <stdlib.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_session_lock_v1.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "compositor/guard/clipboard.h"
#include "compositor/wm/cursor.h"
#include "compositor/domain/domain.h"
#include "compositor/wm/idle.h"
#include "compositor/wm/input.h"
#include "compositor/wm/layer_shell.h"
#include "compositor/wm/output.h"
#include "compositor/guard/globals.h"
#include "compositor/guard/prompt.h"
#include "compositor/server.h"
#include "compositor/guard/session_lock.h"
#include "compositor/guard/attention.h"
#include "compositor/render/text_buffer.h"
#include "compositor/wm/view.h"

/* The cover: nothing of a window or a domain colour, only this. */
#define LOCK_COVER_COLOR 0x000000
#define LOCK_HINT_TEXT "The screen locker stopped; the session stays locked."
#define LOCK_HINT_TEXT2 "Run 'cordonctl lock' (from another VT or over ssh) to start it again."

struct cordon_session_lock {
	struct cordon_server *server;
	struct wlr_session_lock_manager_v1 *manager;
	/* Above every scene layer: the covers, then the lock surfaces. */
	struct wlr_scene_tree *tree;
	struct wlr_scene_tree *covers;
	struct wlr_scene_tree *surfaces_tree;
	bool locked;
	/* The lock of the locker that holds the session, or NULL once it died. */
	struct wlr_session_lock_v1 *lock;
	struct wl_list surfaces;    /* lock_surface.link */

	struct wl_listener new_lock;
	struct wl_listener lock_new_surface;
	struct wl_listener lock_unlock;
	struct wl_listener lock_destroy;
	struct wl_listener layout_change;
};

struct lock_surface {
	struct wl_list link;        /* cordon_session_lock.surfaces */
	struct cordon_session_lock *sl;
	struct wlr_session_lock_surface_v1 *wlr;
	struct wlr_scene_tree *tree;

	struct wl_listener map;
	struct wl_listener destroy;
};

static void color_rgba(uint32_t rgb, float out[4]) {
	out[0] = ((rgb >> 16) & 0xff) / 255.0f;
	out[1] = ((rgb >> 8) & 0xff) / 255.0f;
	out[2] = (rgb & 0xff) / 255.0f;
	out[3] = 1.0f;
}

static void lock_add_hint(struct cordon_session_lock *sl, struct wlr_box box) {
	struct cordon_server *server = sl->server;
	struct text_buffer_span s1 = {.text = LOCK_HINT_TEXT, .color = 0xffffff, .bold = true};
	struct text_buffer_span s2 = {.text = LOCK_HINT_TEXT2, .color = 0xdddddd};
	struct text_buffer_line lines[2] = {
		{.spans = &s1, .n_spans = 1},
		{.spans = &s2, .n_spans = 1},
	};
	struct box_spec spec = {
		.scale = 1.0f,
		.background = LOCK_COVER_COLOR,
		.border = 0x808080,
		.border_width = 2,
		.padding = 12,
		.line_spacing = 4,
		.align = TEXT_BUFFER_ALIGN_LEFT,
		.lines = lines,
		.n_lines = 2,
	};
	int w, h;
	if (!text_buffer_measure_box(server->text, &spec, &w, &h)) {
		return;
	}
	if (w > box.width) {
		w = box.width;
	}
	if (w < 1 || h > box.height) {
		return;
	}
	spec.width = w;
	spec.height = h;
	struct wlr_buffer *buffer = text_buffer_render_box(server->text, &spec);
	if (buffer == NULL) {
		return;
	}
	struct wlr_scene_buffer *sb = wlr_scene_buffer_create(sl->covers, buffer);
	wlr_buffer_drop(buffer);
	if (sb == NULL) {
		wlr_log(WLR_ERROR, "session lock: cannot draw the restart hint");
		return;
	}
	wlr_scene_buffer_set_dest_size(sb, w, h);
	wlr_scene_node_set_position(&sb->node, box.x + (box.width - w) / 2,
		box.y + (box.height - h) / 2);
}

static void lock_surface_place(struct lock_surface *ls) {
	struct cordon_server *server = ls->sl->server;
	struct wlr_box box = {0};
	wlr_output_layout_get_box(server->output_layout, ls->wlr->output, &box);
	if (wlr_box_empty(&box)) {
		wlr_scene_node_set_enabled(&ls->tree->node, false);
		return;
	}
	wlr_scene_node_set_enabled(&ls->tree->node, true);
	wlr_scene_node_set_position(&ls->tree->node, box.x, box.y);
	if (ls->wlr->pending.width != (uint32_t)box.width ||
			ls->wlr->pending.height != (uint32_t)box.height) {
		wlr_session_lock_surface_v1_configure(ls->wlr, box.width, box.height);
	}
}

/*
 * One opaque rect per output in the layout, whatever is or is not on it:
 * an output that appears while locked shows the cover from its first frame.
 */
static void lock_cover_all(struct cordon_session_lock *sl) {
	struct wlr_scene_node *child, *tmp;
	wl_list_for_each_safe(child, tmp, &sl->covers->children, link) {
		wlr_scene_node_destroy(child);
	}
	if (!sl->locked) {
		return;
	}
	float color[4];
	color_rgba(LOCK_COVER_COLOR, color);
	struct cordon_output *output;
	wl_list_for_each(output, &sl->server->outputs, link) {
		/* In the layout is enough: its scene output may come just after. */
		struct wlr_box box = output_box(output);
		if (wlr_box_empty(&box)) {
			continue;
		}
		struct wlr_scene_rect *rect =
			wlr_scene_rect_create(sl->covers, box.width, box.height, color);
		if (rect == NULL) {
			/* Nothing else may show: every layer stays hidden anyway. */
			wlr_log(WLR_ERROR, "session lock: cannot cover output %s",
				output->wlr_output->name);
			continue;
		}
		wlr_scene_node_set_position(&rect->node, box.x, box.y);
		if (sl->lock == NULL) {
			lock_add_hint(sl, box);
		}
	}
	struct lock_surface *ls;
	wl_list_for_each(ls, &sl->surfaces, link) {
		lock_surface_place(ls);
	}
}

bool session_lock_active(struct cordon_server *server) {
	return server->session_lock != NULL && server->session_lock->locked;
}

bool session_lock_owns_surface(struct cordon_server *server, struct wlr_surface *surface) {
	struct cordon_session_lock *sl = server->session_lock;
	if (sl == NULL || !sl->locked || surface == NULL) {
		return false;
	}
	struct wlr_session_lock_surface_v1 *wlr =
		wlr_session_lock_surface_v1_try_from_wlr_surface(
			wlr_surface_get_root_surface(surface));
	struct lock_surface *ls;
	wl_list_for_each(ls, &sl->surfaces, link) {
		if (ls->wlr == wlr) {
			return true;
		}
	}
	return false;
}

static void lock_focus(struct lock_surface *ls) {
	struct cordon_server *server = ls->sl->server;
	if (server->seat->keyboard_state.focused_surface == ls->wlr->surface) {
		return;
	}
	clipboard_focus_domain(server,
		domain_of_client(server, wl_resource_get_client(ls->wlr->resource)));
	input_keyboard_enter(server, ls->wlr->surface);
}

/* The mapped lock surface on the output under the pointer, else any mapped one. */
static struct lock_surface *lock_pick_surface(struct cordon_session_lock *sl) {
	struct cordon_server *server = sl->server;
	struct wlr_output *under = wlr_output_layout_output_at(server->output_layout,
		server->cursor->x, server->cursor->y);
	struct lock_surface *any = NULL, *ls;
	wl_list_for_each(ls, &sl->surfaces, link) {
		if (!ls->wlr->surface->mapped) {
			continue;
		}
		if (ls->wlr->output == under) {
			return ls;
		}
		if (any == NULL) {
			any = ls;
		}
	}
	return any;
}

void session_lock_pointer_pressed(struct cordon_server *server, struct wlr_surface *surface) {
	struct cordon_session_lock *sl = server->session_lock;
	if (sl == NULL || !session_lock_owns_surface(server, surface)) {
		return;
	}
	struct lock_surface *ls;
	wl_list_for_each(ls, &sl->surfaces, link) {
		if (ls->wlr->surface == wlr_surface_get_root_surface(surface)) {
			lock_focus(ls);
			return;
		}
	}
}

static void handle_lock_surface_map(struct wl_listener *listener, void *data) {
	struct lock_surface *ls = wl_container_of(listener, ls, map);
	struct cordon_server *server = ls->sl->server;
	struct wlr_surface *held = server->seat->keyboard_state.focused_surface;
	if (held == NULL || !session_lock_owns_surface(server, held)) {
		lock_focus(lock_pick_surface(ls->sl));
	}
	cursor_rebase(server);
}

static void lock_surface_free(struct lock_surface *ls) {
	wl_list_remove(&ls->map.link);
	wl_list_remove(&ls->destroy.link);
	wl_list_remove(&ls->link);
	free(ls);
}

static void handle_lock_surface_destroy(struct wl_listener *listener, void *data) {
	struct lock_surface *ls = wl_container_of(listener, ls, destroy);
	struct cordon_session_lock *sl = ls->sl;
	struct cordon_server *server = sl->server;
	bool had = server->seat->keyboard_state.focused_surface == ls->wlr->surface;
	/* The subsurface tree goes with the surface. */
	lock_surface_free(ls);
	if (had && sl->locked) {
		struct lock_surface *next = lock_pick_surface(sl);
		if (next != NULL) {
			lock_focus(next);
		} else {
			wlr_seat_keyboard_clear_focus(server->seat);
			clipboard_focus_domain(server, NULL);
		}
	}
}

static void handle_lock_new_surface(struct wl_listener *listener, void *data) {
	struct cordon_session_lock *sl = wl_container_of(listener, sl, lock_new_surface);
	struct wlr_session_lock_surface_v1 *wlr = data;
	struct lock_surface *ls = calloc(1, sizeof(*ls));
	if (ls == NULL || (ls->tree = wlr_scene_subsurface_tree_create(sl->surfaces_tree,
			wlr->surface)) == NULL) {
		wlr_log(WLR_ERROR, "session lock: cannot show a lock surface on %s",
			wlr->output->name);
		free(ls);
		wl_resource_post_no_memory(wlr->resource);
		return;
	}
	ls->sl = sl;
	ls->wlr = wlr;
	listener_connect(&wlr->surface->events.map, &ls->map, handle_lock_surface_map);
	listener_connect(&wlr->events.destroy, &ls->destroy, handle_lock_surface_destroy);
	wl_list_insert(&sl->surfaces, &ls->link);
	lock_surface_place(ls);
}

static void lock_unhook(struct cordon_session_lock *sl) {
	wl_list_remove(&sl->lock_new_surface.link);
	wl_list_remove(&sl->lock_unlock.link);
	wl_list_remove(&sl->lock_destroy.link);
	sl->lock = NULL;
}

/* Everything but the covers goes dark, and no client keeps any input. */
static void lock_engage(struct cordon_session_lock *sl) {
	struct cordon_server *server = sl->server;
	sl->locked = true;
	for (int i = 0; i < LAYER_COUNT; i++) {
		wlr_scene_node_set_enabled(&server->layers[i]->node, false);
	}
	wlr_scene_node_set_enabled(&sl->tree->node, true);
	lock_cover_all(sl);
	if (server->cycle.active) {
		view_cycle_end(server);
	}
	server->grab.mode = CURSOR_PASSTHROUGH;
	server->grab.view = NULL;
	view_end_grabs(server);
	wlr_seat_keyboard_clear_focus(server->seat);
	clipboard_focus_domain(server, NULL);
	wlr_seat_pointer_notify_clear_focus(server->seat);
	prompt_session_locked(server, true);
	attention_dismiss(server);
	/* No guest's cursor image stays up over the lock screen. */
	cursor_guest_refresh(server);
	cursor_rebase(server);
	idle_update_inhibit(server);
	wlr_log(WLR_INFO, "session lock: locked");
}

static void lock_release(struct cordon_session_lock *sl) {
	struct cordon_server *server = sl->server;
	sl->locked = false;
	lock_cover_all(sl);
	wlr_scene_node_set_enabled(&sl->tree->node, false);
	for (int i = 0; i < LAYER_COUNT; i++) {
		wlr_scene_node_set_enabled(&server->layers[i]->node, true);
	}
	wlr_seat_keyboard_clear_focus(server->seat);
	layer_shell_restore_focus(server);
	prompt_session_locked(server, false);
	cursor_rebase(server);
	idle_update_inhibit(server);
	wlr_log(WLR_INFO, "session lock: unlocked");
}

static void handle_lock_unlock(struct wl_listener *listener, void *data) {
	struct cordon_session_lock *sl = wl_container_of(listener, sl, lock_unlock);
	lock_unhook(sl);
	lock_release(sl);
}

static void handle_lock_destroy(struct wl_listener *listener, void *data) {
	struct cordon_session_lock *sl = wl_container_of(listener, sl, lock_destroy);
	/* Gone without unlock_and_destroy: the session stays locked. */
	lock_unhook(sl);
	wlr_log(WLR_ERROR, "session lock: the locker went away without unlocking; "
		"the session stays locked (cordonctl lock starts it again)");
	wlr_seat_keyboard_clear_focus(sl->server->seat);
	clipboard_focus_domain(sl->server, NULL);
	lock_cover_all(sl);
}

static void handle_new_lock(struct wl_listener *listener, void *data) {
	struct cordon_session_lock *sl = wl_container_of(listener, sl, new_lock);
	struct wlr_session_lock_v1 *lock = data;
	struct cordon_server *server = sl->server;
	struct cordon_domain *domain = domain_of_client(server,
		wl_resource_get_client(lock->resource));
	if (sl->lock != NULL) {
		/* One locker at a time; the one holding the lock stays in charge. */
		wlr_log(WLR_INFO, "session lock: [%s] asked to lock while locked; refused",
			domain ? domain->name : "?");
		wlr_session_lock_v1_destroy(lock);
		return;
	}
	sl->lock = lock;
	listener_connect(&lock->events.new_surface, &sl->lock_new_surface, handle_lock_new_surface);
	listener_connect(&lock->events.unlock, &sl->lock_unlock, handle_lock_unlock);
	listener_connect(&lock->events.destroy, &sl->lock_destroy, handle_lock_destroy);
	wlr_log(WLR_INFO, "session lock: [%s] locks the session%s", domain ? domain->name : "?",
		sl->locked ? " again (its locker had died)" : "");
	if (sl->locked) {
		lock_cover_all(sl);
	} else {
		lock_engage(sl);
	}
	/* The covers are opaque from this frame on: nothing else can show. */
	wlr_session_lock_v1_send_locked(lock);
}

static void handle_layout_change(struct wl_listener *listener, void *data) {
	struct cordon_session_lock *sl = wl_container_of(listener, sl, layout_change);
	if (sl->locked) {
		lock_cover_all(sl);
	}
}

bool session_lock_start_locker(struct cordon_server *server, const char **why) {
	struct cordon_session_lock *sl = server->session_lock;
	if (sl != NULL && sl->lock != NULL) {
		*why = "a locker holds the lock already";
		return false;
	}
	const char *locker = server->config->locker;
	if (locker == NULL || locker[0] == '\0') {
		*why = "no locker is configured ([general] locker)";
		return false;
	}
	if (!server_spawn(server, locker)) {
		*why = "the locker could not be started";
		return false;
	}
	return true;
}

bool session_lock_init(struct cordon_server *server) {
	struct cordon_session_lock *sl = calloc(1, sizeof(*sl));
	if (sl == NULL) {
		wlr_log(WLR_ERROR, "session lock: out of memory");
		return false;
	}
	sl->server = server;
	wl_list_init(&sl->surfaces);
	/* Created after the fixed layers, so it is above all of them. */
	sl->tree = wlr_scene_tree_create(&server->scene->tree);
	sl->covers = sl->tree ? wlr_scene_tree_create(sl->tree) : NULL;
	sl->surfaces_tree = sl->tree ? wlr_scene_tree_create(sl->tree) : NULL;
	sl->manager = wlr_session_lock_manager_v1_create(server->display);
	if (sl->covers == NULL || sl->surfaces_tree == NULL || sl->manager == NULL) {
		wlr_log(WLR_ERROR, "cannot create ext_session_lock_manager_v1 or its scene nodes");
		if (sl->tree != NULL) {
			wlr_scene_node_destroy(&sl->tree->node);
		}
		free(sl);
		return false;
	}
	wlr_scene_node_set_enabled(&sl->tree->node, false);
	/* Host-only: a guest that locks the screen owns everything typed next. */
	globals_register(server->globals, sl->manager->global, GLOBALS_HOST);
	listener_connect(&sl->manager->events.new_lock, &sl->new_lock, handle_new_lock);
	listener_connect(&server->output_layout->events.change, &sl->layout_change,
		handle_layout_change);
	server->session_lock = sl;
	return true;
}

void session_lock_finish(struct cordon_server *server) {
	struct cordon_session_lock *sl = server->session_lock;
	if (sl == NULL) {
		return;
	}
	if (sl->lock != NULL) {
		lock_unhook(sl);
	}
	struct lock_surface *ls, *tmp;
	wl_list_for_each_safe(ls, tmp, &sl->surfaces, link) {
		lock_surface_free(ls);
	}
	wl_list_remove(&sl->new_lock.link);
	wl_list_remove(&sl->layout_change.link);
	/* The tree goes with the scene. */
	free(sl);
	server->session_lock = NULL;
}
