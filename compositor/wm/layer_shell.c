#include <stdlib.h>
#include <string.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/types/wlr_layer_shell_v1.h>
#include <wlr/types/wlr_output_layout.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/log.h>
#include "compositor/guard/clipboard.h"
#include "compositor/wm/cursor.h"
#include "compositor/domain/domain.h"
#include "compositor/wm/input.h"
#include "compositor/wm/layer_shell.h"
#include "compositor/wm/output.h"
#include "compositor/guard/globals.h"
#include "compositor/server.h"
#include "compositor/guard/session_lock.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"

#define LAYER_SHELL_VERSION 4

/* What the exclusive zones of one output take from each of its edges. */
struct layer_reserved {
	const struct wlr_output *wlr_output; /* compared, never used */
	int top, right, bottom, left;
};

struct cordon_layer_shell {
	struct cordon_server *server;
	struct wlr_layer_shell_v1 *shell;
	struct wl_list surfaces;    /* layer_surface.link */
	/* The layer surface the keyboard was given to last, or NULL. */
	struct layer_surface *focused;
	struct layer_reserved *reserved;
	size_t n_reserved;

	struct wl_listener new_surface;
	struct wl_listener layout_change;
};

struct layer_surface {
	struct wl_list link;        /* cordon_layer_shell.surfaces */
	struct cordon_layer_shell *ls;
	struct wlr_layer_surface_v1 *wlr;
	struct wlr_scene_layer_surface_v1 *scene;
	enum zwlr_layer_shell_v1_layer layer; /* the scene layer it is in now */
	bool mapped;

	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener commit;
	struct wl_listener new_popup;
	struct wl_listener output_destroy;
	struct wl_listener destroy;
};

/* A popup of a layer surface, or of one of its popups. */
struct layer_popup {
	struct layer_surface *owner;
	struct wlr_xdg_popup *xdg_popup;
	struct wlr_scene_tree *tree;

	struct wl_listener commit;
	struct wl_listener new_popup;
	struct wl_listener destroy;
};

static struct wlr_scene_tree *layer_tree_for(struct cordon_server *server,
		enum zwlr_layer_shell_v1_layer layer) {
	switch (layer) {
	case ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND:
		return server->layers[LAYER_BACKGROUND];
	case ZWLR_LAYER_SHELL_V1_LAYER_BOTTOM:
		return server->layers[LAYER_BOTTOM];
	case ZWLR_LAYER_SHELL_V1_LAYER_TOP:
		return server->layers[LAYER_TOP];
	case ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY:
		break;
	}
	return server->layers[LAYER_OVERLAY];
}

static struct cordon_output *layer_output_of(struct cordon_server *server,
		const struct wlr_output *wlr_output) {
	struct cordon_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		if (output->wlr_output == wlr_output) {
			return output;
		}
	}
	return NULL;
}

struct wlr_box layer_shell_usable_box(struct cordon_server *server,
		struct cordon_output *output) {
	struct wlr_box box = output_box(output);
	struct cordon_layer_shell *ls = server->layer_shell;
	if (output == NULL || ls == NULL) {
		return box;
	}
	for (size_t i = 0; i < ls->n_reserved; i++) {
		const struct layer_reserved *r = &ls->reserved[i];
		if (r->wlr_output != output->wlr_output) {
			continue;
		}
		/* Never less than a sliver: a window must stay reachable. */
		if (box.width - r->left - r->right >= 16 && box.height - r->top - r->bottom >= 16) {
			box.x += r->left;
			box.y += r->top;
			box.width -= r->left + r->right;
			box.height -= r->top + r->bottom;
		}
		break;
	}
	return box;
}

/*
 * Lays out one output's layer surfaces, the top layers first and those
 * with an exclusive zone before the others, and records what the zones of
 * the mapped ones leave to windows.
 */
static void layer_arrange_output(struct cordon_layer_shell *ls, struct cordon_output *output,
		struct layer_reserved *reserved) {
	struct wlr_box full = output_box(output);
	struct wlr_box usable = full;
	for (int layer = ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY;
			layer >= ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND; layer--) {
		for (int pass = 0; pass < 2; pass++) {
			struct layer_surface *s;
			wl_list_for_each(s, &ls->surfaces, link) {
				struct wlr_layer_surface_v1 *wlr = s->wlr;
				if (wlr->output != output->wlr_output || !wlr->initialized ||
						(int)wlr->current.layer != layer ||
						(wlr->current.exclusive_zone > 0) != (pass == 0)) {
					continue;
				}
				/* Unmapped surfaces get their size but reserve nothing. */
				struct wlr_box scratch = usable;
				wlr_scene_layer_surface_v1_configure(s->scene, &full,
					s->mapped ? &usable : &scratch);
				wlr_scene_node_set_enabled(&s->scene->tree->node, s->mapped);
			}
		}
	}
	reserved->wlr_output = output->wlr_output;
	reserved->left = usable.x - full.x;
	reserved->top = usable.y - full.y;
	reserved->right = (full.x + full.width) - (usable.x + usable.width);
	reserved->bottom = (full.y + full.height) - (usable.y + usable.height);
}

/* Every output, then the windows that fit the usable area follow it. */
static void layer_arrange(struct cordon_layer_shell *ls) {
	struct cordon_server *server = ls->server;
	size_t n = wl_list_length(&server->outputs);
	struct layer_reserved *reserved = calloc(n > 0 ? n : 1, sizeof(*reserved));
	if (reserved == NULL) {
		wlr_log(WLR_ERROR, "layer shell: out of memory arranging %zu outputs", n);
		return;
	}
	size_t i = 0;
	struct cordon_output *output;
	wl_list_for_each(output, &server->outputs, link) {
		/* In the layout: its scene output may be made just after this. */
		struct wlr_box box = output_box(output);
		if (!wlr_box_empty(&box) && i < n) {
			layer_arrange_output(ls, output, &reserved[i++]);
		}
	}
	/* A surface on an output that is not shown is not shown either. */
	struct layer_surface *s;
	wl_list_for_each(s, &ls->surfaces, link) {
		struct cordon_output *o = layer_output_of(server, s->wlr->output);
		struct wlr_box box = output_box(o);
		if (o == NULL || wlr_box_empty(&box)) {
			wlr_scene_node_set_enabled(&s->scene->tree->node, false);
		}
	}
	bool changed = i != ls->n_reserved ||
		(i > 0 && memcmp(reserved, ls->reserved, i * sizeof(*reserved)) != 0);
	free(ls->reserved);
	ls->reserved = reserved;
	ls->n_reserved = i;
	if (changed) {
		view_arrange_output(server);
	}
}

static bool layer_takes_keyboard(struct layer_surface *s) {
	return s->mapped && s->wlr->current.keyboard_interactive !=
		ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE;
}

/* Exclusive only counts above the windows, as the protocol says. */
static bool layer_exclusive(struct layer_surface *s) {
	return s->mapped && s->wlr->current.keyboard_interactive ==
			ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE &&
		s->wlr->current.layer >= ZWLR_LAYER_SHELL_V1_LAYER_TOP;
}

static void layer_focus(struct layer_surface *s) {
	struct cordon_server *server = s->ls->server;
	if (session_lock_active(server)) {
		return;
	}
	struct wlr_surface *surface = s->wlr->surface;
	if (server->seat->keyboard_state.focused_surface == surface) {
		s->ls->focused = s;
		return;
	}
	view_end_grabs(server);
	/* The layer client's own domain clipboard (the host's) before the enter. */
	clipboard_focus_domain(server,
		domain_of_client(server, wl_resource_get_client(s->wlr->resource)));
	input_keyboard_enter(server, surface);
	s->ls->focused = s;
	wlr_log(WLR_DEBUG, "layer shell: keyboard to '%s'", s->wlr->namespace);
}

/* The topmost mapped exclusive surface: it has the keyboard while mapped. */
static struct layer_surface *layer_top_exclusive(struct cordon_layer_shell *ls) {
	struct layer_surface *best = NULL, *s;
	wl_list_for_each(s, &ls->surfaces, link) {
		if (layer_exclusive(s) && (best == NULL || s->wlr->current.layer >
				best->wlr->current.layer)) {
			best = s;
		}
	}
	return best;
}

bool layer_shell_keyboard_exclusive(struct cordon_server *server) {
	struct cordon_layer_shell *ls = server->layer_shell;
	return ls != NULL && layer_top_exclusive(ls) != NULL;
}

void layer_shell_restore_focus(struct cordon_server *server) {
	struct cordon_layer_shell *ls = server->layer_shell;
	if (session_lock_active(server)) {
		return;
	}
	struct layer_surface *top = ls != NULL ? layer_top_exclusive(ls) : NULL;
	if (top != NULL) {
		layer_focus(top);
		return;
	}
	if (ls != NULL) {
		ls->focused = NULL;
	}
	view_refocus(server);
}

/* Whether s had the keyboard: then it goes back where it belongs. */
static void layer_release(struct layer_surface *s) {
	struct cordon_layer_shell *ls = s->ls;
	struct wlr_surface *held = ls->server->seat->keyboard_state.focused_surface;
	bool had = ls->focused == s || (held != NULL && held == s->wlr->surface);
	if (ls->focused == s) {
		ls->focused = NULL;
	}
	if (had) {
		layer_shell_restore_focus(ls->server);
	}
}

static struct layer_surface *layer_surface_of(struct wlr_surface *surface) {
	for (int depth = 0; surface != NULL && depth < 64; depth++) {
		surface = wlr_surface_get_root_surface(surface);
		struct wlr_layer_surface_v1 *wlr = wlr_layer_surface_v1_try_from_wlr_surface(surface);
		if (wlr != NULL) {
			return wlr->data;
		}
		struct wlr_xdg_popup *popup = wlr_xdg_popup_try_from_wlr_surface(surface);
		if (popup == NULL) {
			return NULL;
		}
		surface = popup->parent;
	}
	return NULL;
}

bool layer_shell_owns_surface(struct wlr_surface *surface) {
	return layer_surface_of(surface) != NULL;
}

void layer_shell_pointer_pressed(struct cordon_server *server, struct wlr_surface *surface) {
	struct layer_surface *s = layer_surface_of(surface);
	if (s == NULL || !layer_takes_keyboard(s)) {
		return;
	}
	/* An exclusive one above keeps the keyboard whatever is clicked. */
	struct layer_surface *top = layer_top_exclusive(s->ls);
	if (top == NULL || top == s) {
		layer_focus(s);
	}
}

static void layer_popup_unconstrain(struct layer_popup *p) {
	struct layer_surface *s = p->owner;
	struct cordon_output *output = layer_output_of(s->ls->server, s->wlr->output);
	if (output == NULL) {
		return;
	}
	/* In the layer surface's own coordinates, as wlroots wants the box. */
	struct wlr_box box = output_box(output);
	box.x -= s->scene->tree->node.x;
	box.y -= s->scene->tree->node.y;
	wlr_xdg_popup_unconstrain_from_box(p->xdg_popup, &box);
}

static void layer_popup_create(struct layer_surface *owner, struct wlr_xdg_popup *xdg_popup,
	struct wlr_scene_tree *parent);

static void handle_popup_commit(struct wl_listener *listener, void *data) {
	struct layer_popup *p = wl_container_of(listener, p, commit);
	if (p->xdg_popup->base->initial_commit) {
		layer_popup_unconstrain(p);
	}
}

static void handle_popup_new_popup(struct wl_listener *listener, void *data) {
	struct layer_popup *p = wl_container_of(listener, p, new_popup);
	layer_popup_create(p->owner, data, p->tree);
}

static void handle_popup_destroy(struct wl_listener *listener, void *data) {
	struct layer_popup *p = wl_container_of(listener, p, destroy);
	wl_list_remove(&p->commit.link);
	wl_list_remove(&p->new_popup.link);
	wl_list_remove(&p->destroy.link);
	free(p);
}

static void layer_popup_create(struct layer_surface *owner, struct wlr_xdg_popup *xdg_popup,
		struct wlr_scene_tree *parent) {
	struct layer_popup *p = calloc(1, sizeof(*p));
	if (p == NULL || (p->tree = wlr_scene_xdg_surface_create(parent, xdg_popup->base)) ==
			NULL) {
		wlr_log(WLR_ERROR, "layer shell: cannot show a popup of '%s'", owner->wlr->namespace);
		free(p);
		wl_resource_post_no_memory(xdg_popup->resource);
		return;
	}
	p->owner = owner;
	p->xdg_popup = xdg_popup;
	/* popup.c leaves it alone: its parent is no window. The tree dies with it. */
	xdg_popup->base->data = p->tree;
	listener_connect(&xdg_popup->base->surface->events.commit, &p->commit, handle_popup_commit);
	listener_connect(&xdg_popup->base->events.new_popup, &p->new_popup, handle_popup_new_popup);
	listener_connect(&xdg_popup->events.destroy, &p->destroy, handle_popup_destroy);
}

static void handle_layer_new_popup(struct wl_listener *listener, void *data) {
	struct layer_surface *s = wl_container_of(listener, s, new_popup);
	layer_popup_create(s, data, s->scene->tree);
}

static void handle_layer_map(struct wl_listener *listener, void *data) {
	struct layer_surface *s = wl_container_of(listener, s, map);
	s->mapped = true;
	layer_arrange(s->ls);
	/* A launcher above the windows takes the keyboard as it appears. */
	if (layer_takes_keyboard(s) &&
			s->wlr->current.layer >= ZWLR_LAYER_SHELL_V1_LAYER_TOP) {
		struct layer_surface *top = layer_top_exclusive(s->ls);
		layer_focus(top != NULL ? top : s);
	}
	cursor_rebase(s->ls->server);
}

static void handle_layer_unmap(struct wl_listener *listener, void *data) {
	struct layer_surface *s = wl_container_of(listener, s, unmap);
	s->mapped = false;
	layer_arrange(s->ls);
	layer_release(s);
	cursor_rebase(s->ls->server);
}

/*
 * A 1x1 buffer (wallpapers in one colour: swaybg -c) is a solid colour
 * stretched over the output; filtered, pixman fades it towards the edges.
 */
static void layer_unfilter_solid(struct wlr_scene_buffer *buffer, int sx, int sy,
		void *data) {
	if (buffer->buffer != NULL && buffer->buffer->width == 1 &&
			buffer->buffer->height == 1) {
		wlr_scene_buffer_set_filter_mode(buffer, WLR_SCALE_FILTER_NEAREST);
	}
}

/*
 * A size of 0 leaves that axis to cordon only when the surface is anchored
 * to both of its edges; the protocol makes anything else an error, which
 * wlroots 0.18 does not raise. Raised here, before any configure is sent.
 */
static bool layer_size_valid(struct wlr_layer_surface_v1 *wlr) {
	const uint32_t horiz = ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT |
		ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
	const uint32_t vert = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP |
		ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM;
	const char *why = NULL;
	if (wlr->current.desired_width == 0 && (wlr->current.anchor & horiz) != horiz) {
		why = "width 0 requested without anchors to both the left and right edges";
	} else if (wlr->current.desired_height == 0 && (wlr->current.anchor & vert) != vert) {
		why = "height 0 requested without anchors to both the top and bottom edges";
	}
	if (why == NULL) {
		return true;
	}
	wlr_log(WLR_INFO, "layer shell: '%s': %s", wlr->namespace, why);
	wl_resource_post_error(wlr->resource, ZWLR_LAYER_SURFACE_V1_ERROR_INVALID_SIZE, "%s", why);
	return false;
}

static void handle_layer_commit(struct wl_listener *listener, void *data) {
	struct layer_surface *s = wl_container_of(listener, s, commit);
	struct wlr_layer_surface_v1 *wlr = s->wlr;
	if (!wlr->initialized || !layer_size_valid(wlr)) {
		return;
	}
	wlr_scene_node_for_each_buffer(&s->scene->tree->node, layer_unfilter_solid, NULL);
	uint32_t committed = wlr->current.committed;
	if (wlr->current.layer != s->layer) {
		s->layer = wlr->current.layer;
		wlr_scene_node_reparent(&s->scene->tree->node,
			layer_tree_for(s->ls->server, s->layer));
	}
	if (committed != 0 || wlr->initial_commit) {
		layer_arrange(s->ls);
	}
	if (committed & (WLR_LAYER_SURFACE_V1_STATE_KEYBOARD_INTERACTIVITY |
			WLR_LAYER_SURFACE_V1_STATE_LAYER)) {
		if (layer_exclusive(s)) {
			layer_focus(s);
		} else if (!layer_takes_keyboard(s)) {
			layer_release(s);
		}
	}
}

static void layer_surface_free(struct layer_surface *s) {
	wl_list_remove(&s->map.link);
	wl_list_remove(&s->unmap.link);
	wl_list_remove(&s->commit.link);
	wl_list_remove(&s->new_popup.link);
	wl_list_remove(&s->output_destroy.link);
	wl_list_remove(&s->destroy.link);
	wl_list_remove(&s->link);
	s->wlr->data = NULL;
	free(s);
}

static void handle_layer_destroy(struct wl_listener *listener, void *data) {
	struct layer_surface *s = wl_container_of(listener, s, destroy);
	struct cordon_layer_shell *ls = s->ls;
	/* The scene helper frees its tree with the surface. */
	if (ls->focused == s) {
		ls->focused = NULL;
	}
	layer_surface_free(s);
	layer_arrange(ls);
}

static void handle_layer_output_destroy(struct wl_listener *listener, void *data) {
	struct layer_surface *s = wl_container_of(listener, s, output_destroy);
	/* Sends closed; the destroy handler frees the record. */
	wl_list_remove(&s->output_destroy.link);
	wl_list_init(&s->output_destroy.link);
	wlr_layer_surface_v1_destroy(s->wlr);
}

static void handle_new_layer_surface(struct wl_listener *listener, void *data) {
	struct cordon_layer_shell *ls = wl_container_of(listener, ls, new_surface);
	struct cordon_server *server = ls->server;
	struct wlr_layer_surface_v1 *wlr = data;
	if (wlr->output == NULL) {
		struct cordon_output *output = output_at(server, server->cursor->x,
			server->cursor->y);
		if (output == NULL) {
			wlr_log(WLR_INFO, "layer shell: no output for '%s'; closed", wlr->namespace);
			wlr_layer_surface_v1_destroy(wlr);
			return;
		}
		wlr->output = output->wlr_output;
	}
	struct layer_surface *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		wlr_log(WLR_ERROR, "layer shell: out of memory for '%s'", wlr->namespace);
		wl_resource_post_no_memory(wlr->resource);
		return;
	}
	s->ls = ls;
	s->wlr = wlr;
	s->layer = wlr->pending.layer;
	s->scene = wlr_scene_layer_surface_v1_create(layer_tree_for(server, s->layer), wlr);
	if (s->scene == NULL) {
		wlr_log(WLR_ERROR, "layer shell: cannot create the scene nodes of '%s'",
			wlr->namespace);
		free(s);
		wl_resource_post_no_memory(wlr->resource);
		return;
	}
	/* No data on the tree: view_at takes any tree with data for a window. */
	wlr->data = s;
	listener_connect(&wlr->surface->events.map, &s->map, handle_layer_map);
	listener_connect(&wlr->surface->events.unmap, &s->unmap, handle_layer_unmap);
	listener_connect(&wlr->surface->events.commit, &s->commit, handle_layer_commit);
	listener_connect(&wlr->events.new_popup, &s->new_popup, handle_layer_new_popup);
	listener_connect(&wlr->output->events.destroy, &s->output_destroy,
		handle_layer_output_destroy);
	listener_connect(&wlr->events.destroy, &s->destroy, handle_layer_destroy);
	wl_list_insert(&ls->surfaces, &s->link);
	struct cordon_domain *domain = domain_of_client(server,
		wl_resource_get_client(wlr->resource));
	wlr_log(WLR_INFO, "layer shell: [%s] surface '%s' on %s", domain ? domain->name : "?",
		wlr->namespace, wlr->output->name);
}

static void handle_layout_change(struct wl_listener *listener, void *data) {
	struct cordon_layer_shell *ls = wl_container_of(listener, ls, layout_change);
	layer_arrange(ls);
}

bool layer_shell_init(struct cordon_server *server) {
	struct cordon_layer_shell *ls = calloc(1, sizeof(*ls));
	if (ls == NULL) {
		wlr_log(WLR_ERROR, "layer shell: out of memory");
		return false;
	}
	ls->server = server;
	wl_list_init(&ls->surfaces);
	ls->shell = wlr_layer_shell_v1_create(server->display, LAYER_SHELL_VERSION);
	if (ls->shell == NULL) {
		wlr_log(WLR_ERROR, "cannot create zwlr_layer_shell_v1 version %d",
			LAYER_SHELL_VERSION);
		free(ls);
		return false;
	}
	/* Host-only: a guest surface above every window could fake anything. */
	globals_register(server->globals, ls->shell->global, GLOBALS_HOST);
	listener_connect(&ls->shell->events.new_surface, &ls->new_surface,
		handle_new_layer_surface);
	listener_connect(&server->output_layout->events.change, &ls->layout_change,
		handle_layout_change);
	server->layer_shell = ls;
	return true;
}

void layer_shell_finish(struct cordon_server *server) {
	struct cordon_layer_shell *ls = server->layer_shell;
	if (ls == NULL) {
		return;
	}
	/* Clients are gone by now; what is left never mapped a client. */
	struct layer_surface *s, *tmp;
	wl_list_for_each_safe(s, tmp, &ls->surfaces, link) {
		layer_surface_free(s);
	}
	wl_list_remove(&ls->new_surface.link);
	wl_list_remove(&ls->layout_change.link);
	free(ls->reserved);
	free(ls);
	server->layer_shell = NULL;
}
