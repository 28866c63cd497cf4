#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_layer_shell_v1.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_seat.h>
#include <wlr/types/wlr_session_lock_v1.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/box.h>
#include <wlr/util/log.h>
#include <wlr/xwayland.h>
#include "common/colour.h"
#include "compositor/domain/domain.h"
#include "compositor/guard/attention.h"
#include "compositor/guard/prompt.h"
#include "compositor/guard/session_lock.h"
#include "compositor/render/identity.h"
#include "compositor/render/text_buffer.h"
#include "compositor/server.h"
#include "compositor/wm/input.h"

/* A hostile guest may map many surfaces; past this they are counted, not listed. */
#define ATTENTION_MAX_ITEMS 1024
/* Buttons whose press ended the overlay, so their releases reach nobody either. */
#define ATTENTION_MAX_HELD 16
#define ATTENTION_OUTLINE 3
#define ATTENTION_OUTLINE_FOCUSED 6
/*
 * While the overlay is up, what is on screen is compared with what it shows
 * this often, and it is drawn again on any difference: a window mapped,
 * moved or closed under it must not sit beneath another's label.
 */
#define ATTENTION_RECHECK_MS 50

struct attention_item {
	struct cordon_domain *domain;
	const char *kind;          /* toplevel, popup, layer, x11, lock, surface, cursor */
	struct wlr_surface *root;  /* NULL for cordon's own cursor */
	struct wlr_box box;        /* layout coordinates */
	bool focused;
};

struct attention_items {
	struct attention_item *v;
	size_t len, cap;
	size_t omitted;
};

/* A label rendered for one (domain, kind, focus), kept while the overlay is up. */
struct attention_label {
	char *domain;
	uint32_t color;
	const char *kind;
	bool focused;
	struct wlr_buffer *buffer;
	int width, height;
};

struct cordon_attention {
	struct cordon_server *server;
	struct wlr_scene_tree *tree;   /* the overlay while it is up, else NULL */
	struct attention_items shown;  /* what it shows */
	struct attention_label *labels;
	size_t n_labels;
	struct wl_event_source *recheck;
	uint32_t held[ATTENTION_MAX_HELD];
	int n_held;
};

static int handle_recheck(void *data);

bool attention_init(struct cordon_server *server) {
	struct cordon_attention *a = calloc(1, sizeof(*a));
	if (a == NULL) {
		wlr_log(WLR_ERROR, "attention: out of memory");
		return false;
	}
	a->server = server;
	a->recheck = wl_event_loop_add_timer(server->loop, handle_recheck, a);
	if (a->recheck == NULL) {
		wlr_log(WLR_ERROR, "attention: cannot create its timer");
		free(a);
		return false;
	}
	server->attention = a;
	return true;
}

void attention_finish(struct cordon_server *server) {
	if (server->attention == NULL) {
		return;
	}
	attention_dismiss(server);
	wl_event_source_remove(server->attention->recheck);
	free(server->attention);
	server->attention = NULL;
}

bool attention_active(struct cordon_server *server) {
	return server->attention != NULL && server->attention->tree != NULL;
}

void attention_dismiss(struct cordon_server *server) {
	struct cordon_attention *a = server->attention;
	if (a == NULL || a->tree == NULL) {
		return;
	}
	wlr_scene_node_destroy(&a->tree->node);
	a->tree = NULL;
	wl_event_source_timer_update(a->recheck, 0);
	/* The focused client learns the modifiers again (none while it was up). */
	if (!prompt_active(server)) {
		input_prompts_closed(server);
	}
	free(a->shown.v);
	a->shown = (struct attention_items){0};
	for (size_t i = 0; i < a->n_labels; i++) {
		free(a->labels[i].domain);
		wlr_buffer_drop(a->labels[i].buffer);
	}
	free(a->labels);
	a->labels = NULL;
	a->n_labels = 0;
}

bool attention_handle_button(struct cordon_server *server, uint32_t button, bool pressed) {
	struct cordon_attention *a = server->attention;
	if (a == NULL) {
		return false;
	}
	if (pressed && a->tree != NULL) {
		attention_dismiss(server);
		if (a->n_held < ATTENTION_MAX_HELD) {
			a->held[a->n_held++] = button;
		}
		return true;
	}
	for (int i = 0; !pressed && i < a->n_held; i++) {
		if (a->held[i] == button) {
			a->held[i] = a->held[--a->n_held];
			return true;
		}
	}
	return false;
}

static const char *surface_kind(struct wlr_surface *root) {
	if (wlr_xdg_toplevel_try_from_wlr_surface(root) != NULL) {
		return "toplevel";
	}
	if (wlr_xdg_popup_try_from_wlr_surface(root) != NULL) {
		return "popup";
	}
	if (wlr_layer_surface_v1_try_from_wlr_surface(root) != NULL) {
		return "layer";
	}
	if (wlr_xwayland_surface_try_from_wlr_surface(root) != NULL) {
		return "x11";
	}
	if (wlr_session_lock_surface_v1_try_from_wlr_surface(root) != NULL) {
		return "lock";
	}
	return "surface";
}

static struct attention_item *items_add(struct attention_items *items) {
	if (items->len == ATTENTION_MAX_ITEMS) {
		items->omitted++;
		return NULL;
	}
	if (items->len == items->cap) {
		size_t cap = items->cap ? items->cap * 2 : 16;
		struct attention_item *grown = realloc(items->v, cap * sizeof(*grown));
		if (grown == NULL) {
			items->omitted++;
			return NULL;
		}
		items->v = grown;
		items->cap = cap;
	}
	struct attention_item *it = &items->v[items->len++];
	*it = (struct attention_item){0};
	return it;
}

/* One surface's buffer on screen: joins its root's item, or starts one. */
static void items_note(struct cordon_server *server, struct attention_items *items,
		struct wlr_surface *surface, const struct wlr_box *box) {
	struct wlr_surface *root = wlr_surface_get_root_surface(surface);
	/* Newest first: a surface tree's buffers come one after another. */
	for (size_t i = items->len; i-- > 0;) {
		if (items->v[i].root == root) {
			struct wlr_box *u = &items->v[i].box;
			int x2 = u->x + u->width > box->x + box->width ?
				u->x + u->width : box->x + box->width;
			int y2 = u->y + u->height > box->y + box->height ?
				u->y + u->height : box->y + box->height;
			u->x = u->x < box->x ? u->x : box->x;
			u->y = u->y < box->y ? u->y : box->y;
			u->width = x2 - u->x;
			u->height = y2 - u->y;
			return;
		}
	}
	struct attention_item *it = items_add(items);
	if (it == NULL) {
		return;
	}
	it->root = root;
	it->box = *box;
	it->kind = surface_kind(root);
	it->domain = domain_of_client(server, wl_resource_get_client(root->resource));
	struct wlr_surface *focus = server->seat->keyboard_state.focused_surface;
	it->focused = focus != NULL && wlr_surface_get_root_surface(focus) == root;
}

/*
 * Every enabled surface buffer in the scene, topmost first (children are
 * walked last to first, the way they are stacked).
 */
static void items_walk(struct cordon_server *server, struct attention_items *items,
		struct wlr_scene_node *node) {
	if (!node->enabled) {
		return;
	}
	if (node->type == WLR_SCENE_NODE_TREE) {
		struct wlr_scene_tree *tree = wlr_scene_tree_from_node(node);
		struct wlr_scene_node *child;
		wl_list_for_each_reverse(child, &tree->children, link) {
			items_walk(server, items, child);
		}
		return;
	}
	if (node->type != WLR_SCENE_NODE_BUFFER) {
		return;
	}
	struct wlr_scene_buffer *buffer = wlr_scene_buffer_from_node(node);
	struct wlr_scene_surface *ss = wlr_scene_surface_try_from_buffer(buffer);
	if (ss == NULL || ss->surface == NULL || ss->surface->resource == NULL) {
		return;   /* cordon's own pixels: frames, prompts, banners */
	}
	int lx, ly;
	if (!wlr_scene_node_coords(node, &lx, &ly)) {
		return;
	}
	int w = buffer->dst_width > 0 ? buffer->dst_width : ss->surface->current.width;
	int h = buffer->dst_height > 0 ? buffer->dst_height : ss->surface->current.height;
	if (w <= 0 || h <= 0) {
		return;
	}
	struct wlr_box box = {lx, ly, w, h};
	items_note(server, items, ss->surface, &box);
}

/* The cursor image: a guest's surface when one is shown, else cordon's own. */
static void items_cursor(struct cordon_server *server, struct attention_items *items) {
	struct attention_item *it = items_add(items);
	if (it == NULL) {
		return;
	}
	it->kind = "cursor";
	int x = (int)server->cursor->x, y = (int)server->cursor->y;
	struct wlr_surface *guest = server->guest_cursor_shown ? server->guest_cursor : NULL;
	if (guest != NULL && guest->resource != NULL) {
		it->root = guest;
		it->domain = domain_of_client(server, wl_resource_get_client(guest->resource));
		it->box = (struct wlr_box){x - server->guest_hotspot_x,
			y - server->guest_hotspot_y, guest->current.width, guest->current.height};
	} else {
		it->domain = server->host_domain;
		int size = server->config->cursor_size > 0 ? server->config->cursor_size : 24;
		it->box = (struct wlr_box){x, y, size, size};
	}
	if (it->box.width <= 0 || it->box.height <= 0) {
		it->box.width = it->box.height = 1;
	}
}

static void items_collect(struct cordon_server *server, struct attention_items *items) {
	items_cursor(server, items);
	items_walk(server, items, &server->scene->tree.node);
}

struct json_object *attention_list(struct cordon_server *server) {
	struct attention_items items = {0};
	items_collect(server, &items);
	struct json_object *list = json_object_new_array();
	for (size_t i = 0; list != NULL && i < items.len; i++) {
		const struct attention_item *it = &items.v[i];
		struct json_object *o = json_object_new_object();
		if (o == NULL || json_object_array_add(list, o) < 0) {
			json_object_put(o);
			json_object_put(list);
			list = NULL;
			break;
		}
		const char *name = it->domain != NULL ? it->domain->name : "host";
		json_object_object_add(o, "domain", json_object_new_string(name));
		json_object_object_add(o, "kind", json_object_new_string(it->kind));
		json_object_object_add(o, "x", json_object_new_int(it->box.x));
		json_object_object_add(o, "y", json_object_new_int(it->box.y));
		json_object_object_add(o, "width", json_object_new_int(it->box.width));
		json_object_object_add(o, "height", json_object_new_int(it->box.height));
		json_object_object_add(o, "focused", json_object_new_boolean(it->focused));
		json_object_object_add(o, "host", json_object_new_boolean(
			it->domain == NULL || domain_is_host(it->domain)));
	}
	if (items.omitted > 0) {
		wlr_log(WLR_INFO, "attention: %zu surfaces not listed (over %d)", items.omitted,
			ATTENTION_MAX_ITEMS);
	}
	free(items.v);
	return list;
}

static bool outline(struct wlr_scene_tree *tree, struct cordon_server *server,
		const struct attention_item *it) {
	const struct cordon_domain *domain = it->domain;
	int t = it->focused ? ATTENTION_OUTLINE_FOCUSED : ATTENTION_OUTLINE;
	const struct wlr_box *b = &it->box;
	const struct wlr_box sides[4] = {
		{b->x - t, b->y - t, b->width + 2 * t, t},
		{b->x - t, b->y + b->height, b->width + 2 * t, t},
		{b->x - t, b->y, t, b->height},
		{b->x + b->width, b->y, t, b->height},
	};
	float color[4];
	colour_to_float(domain->color, color);
	for (int i = 0; i < 4; i++) {
		struct wlr_scene_rect *r = wlr_scene_rect_create(tree, sides[i].width,
			sides[i].height, color);
		struct identity_fill *fill = r != NULL ? identity_fill_create(tree) : NULL;
		if (fill == NULL) {
			return false;
		}
		wlr_scene_node_set_position(&r->node, sides[i].x, sides[i].y);
		identity_fill_set(fill, server->identity, identity_pattern(domain),
			domain->color, &sides[i]);
	}
	return true;
}

/* Labels already placed, so that no label hides another. */
struct attention_placed {
	struct wlr_box v[ATTENTION_MAX_ITEMS];
	size_t len;
};

static bool overlaps(const struct attention_placed *placed, const struct wlr_box *b) {
	for (size_t i = 0; i < placed->len; i++) {
		const struct wlr_box *o = &placed->v[i];
		if (b->x < o->x + o->width && o->x < b->x + b->width &&
				b->y < o->y + o->height && o->y < b->y + b->height) {
			return true;
		}
	}
	return false;
}

/* "work · toplevel · stripes" and a mark (focused, host): rendered once per overlay. */
static struct attention_label *label_get(struct cordon_attention *a,
		const struct attention_item *it) {
	struct cordon_server *server = a->server;
	const struct cordon_domain *domain = it->domain;
	for (size_t i = 0; i < a->n_labels; i++) {
		struct attention_label *l = &a->labels[i];
		if (strcmp(l->domain, domain->name) == 0 && l->color == domain->color &&
				strcmp(l->kind, it->kind) == 0 && l->focused == it->focused) {
			return l;
		}
	}
	char text[CONFIG_DOMAIN_NAME_MAX + 300], mark[64];
	snprintf(text, sizeof(text), "%s \xc2\xb7 %s \xc2\xb7 %s", domain->name, it->kind,
		config_pattern_name(identity_pattern(domain)));
	snprintf(mark, sizeof(mark), "%s%s%s", it->focused ? "\xe2\x96\xb6 FOCUSED" : "",
		it->focused && domain_is_host(domain) ? "  " : "",
		domain_is_host(domain) ? "HOST (trusted)" : "");
	struct text_buffer_span name = {.text = text, .color = 0xffffff, .bold = true};
	struct text_buffer_span flag = {.text = mark, .color = 0xf5c211, .bold = true};
	struct text_buffer_line lines[2] = {
		{.spans = &name, .n_spans = 1},
		{.spans = &flag, .n_spans = 1},
	};
	struct box_spec spec = {
		.scale = 1.0f,
		.background = 0x000000,
		.border = domain->color,
		.border_width = 3,
		.padding = 4,
		.line_spacing = 2,
		.align = TEXT_BUFFER_ALIGN_LEFT,
		.lines = lines,
		.n_lines = mark[0] != '\0' ? 2 : 1,
	};
	int w, h;
	if (!text_buffer_measure_box(server->text, &spec, &w, &h)) {
		return NULL;
	}
	spec.width = w > TEXT_BUFFER_MAX_PIXELS / 2 ? TEXT_BUFFER_MAX_PIXELS / 2 : w;
	spec.height = h;
	struct attention_label *grown = realloc(a->labels, (a->n_labels + 1) * sizeof(*grown));
	if (grown == NULL) {
		return NULL;
	}
	a->labels = grown;
	struct attention_label *l = &a->labels[a->n_labels];
	*l = (struct attention_label){
		.domain = strdup(domain->name),
		.color = domain->color,
		.kind = it->kind,
		.focused = it->focused,
		.width = spec.width,
		.height = h,
	};
	l->buffer = l->domain != NULL ? text_buffer_render_box(server->text, &spec) : NULL;
	if (l->buffer == NULL) {
		free(l->domain);
		return NULL;
	}
	a->n_labels++;
	return l;
}

/* The label of it, with its domain's badge box before it, clear of those placed. */
static bool label(struct cordon_attention *a, const struct attention_item *it,
		struct attention_placed *placed) {
	struct cordon_server *server = a->server;
	struct wlr_scene_tree *tree = a->tree;
	struct attention_label *l = label_get(a, it);
	if (l == NULL) {
		return false;
	}
	char badge[CONFIG_BADGE_SIZE];
	identity_badge_text(it->domain, badge);
	int w = l->width, h = l->height;
	int bh = text_buffer_font_height(server->text, NULL) + 8;
	int bw = 0;
	struct wlr_buffer *bbuf = identity_badge(server->identity, server->text, badge,
		bh > 8 ? bh : 22, 1.0f, &bw);
	struct wlr_scene_buffer *node = wlr_scene_buffer_create(tree, l->buffer);
	if (node == NULL) {
		return false;
	}
	/*
	 * Inside the surface's top-left corner, or beside a cursor; moved down
	 * past the labels already placed (those of surfaces above it).
	 */
	int x = it->box.x, y = it->box.y;
	if (strcmp(it->kind, "cursor") == 0) {
		x += it->box.width;
		y += it->box.height;
	}
	struct wlr_box want = {x, y, bw + w, h > bh ? h : bh};
	for (int tries = 0; tries < 64 && overlaps(placed, &want); tries++) {
		want.y += want.height / 2 + 1;
	}
	y = want.y;
	if (placed->len < ATTENTION_MAX_ITEMS) {
		placed->v[placed->len++] = want;
	}
	if (bbuf != NULL) {
		struct wlr_scene_buffer *bnode = wlr_scene_buffer_create(tree, bbuf);
		if (bnode == NULL) {
			return false;
		}
		wlr_scene_node_set_position(&bnode->node, x, y);
		x += bw;
	}
	wlr_scene_node_set_position(&node->node, x, y);
	return true;
}

/* (Re)draws the overlay for items, which it takes; false (logged) on failure. */
static bool attention_draw(struct cordon_attention *a, struct attention_items *items) {
	struct cordon_server *server = a->server;
	if (a->tree != NULL) {
		wlr_scene_node_destroy(&a->tree->node);
	}
	free(a->shown.v);
	a->shown = *items;
	*items = (struct attention_items){0};
	a->tree = wlr_scene_tree_create(server->layers[LAYER_PROMPT]);
	if (a->tree == NULL) {
		return false;
	}
	struct wlr_box all;
	wlr_output_layout_get_box(server->output_layout, NULL, &all);
	const float dim[4] = {0.0f, 0.0f, 0.0f, 0.35f};
	struct wlr_scene_rect *shade = wlr_scene_rect_create(a->tree, all.width, all.height, dim);
	bool ok = shade != NULL;
	if (ok) {
		wlr_scene_node_set_position(&shade->node, all.x, all.y);
	}
	/* Outlines bottom of the stack first; the labels above them, topmost placed first. */
	for (size_t i = a->shown.len; ok && i > 0; i--) {
		const struct attention_item *it = &a->shown.v[i - 1];
		ok = it->domain == NULL || outline(a->tree, server, it);
	}
	struct attention_placed *placed = calloc(1, sizeof(*placed));
	ok = ok && placed != NULL;
	for (size_t i = 0; ok && i < a->shown.len; i++) {
		const struct attention_item *it = &a->shown.v[i];
		ok = it->domain == NULL || label(a, it, placed);
	}
	free(placed);
	wl_event_source_timer_update(a->recheck, ATTENTION_RECHECK_MS);
	return ok;
}

static bool items_equal(const struct attention_items *x, const struct attention_items *y) {
	if (x->len != y->len) {
		return false;
	}
	for (size_t i = 0; i < x->len; i++) {
		const struct attention_item *p = &x->v[i], *q = &y->v[i];
		if (p->domain != q->domain || p->kind != q->kind || p->root != q->root ||
				p->focused != q->focused || !wlr_box_equal(&p->box, &q->box)) {
			return false;
		}
	}
	return true;
}

static int handle_recheck(void *data) {
	struct cordon_attention *a = data;
	if (a->tree == NULL) {
		return 0;
	}
	struct attention_items items = {0};
	items_collect(a->server, &items);
	if (items_equal(&items, &a->shown)) {
		free(items.v);
		wl_event_source_timer_update(a->recheck, ATTENTION_RECHECK_MS);
		return 0;
	}
	if (!attention_draw(a, &items)) {
		wlr_log(WLR_ERROR, "attention: cannot redraw the overlay; it ends");
		attention_dismiss(a->server);
	}
	return 0;
}

void attention_show(struct cordon_server *server) {
	struct cordon_attention *a = server->attention;
	if (a == NULL || session_lock_active(server)) {
		return;   /* inert while locked: nothing of the desktop shows then */
	}
	attention_dismiss(server);
	/* Keys the focused client holds are released to it: none repeats under the overlay. */
	input_prompts_opened(server);
	struct attention_items items = {0};
	items_collect(server, &items);
	size_t n = items.len;
	if (!attention_draw(a, &items)) {
		wlr_log(WLR_ERROR, "attention: cannot draw the overlay for %zu surfaces", n);
		attention_dismiss(server);
		return;
	}
	wlr_log(WLR_INFO, "attention: overlay over %zu surfaces", n);
}
