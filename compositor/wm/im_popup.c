#include <stdlib.h>
#include <wlr/types/wlr_compositor.h>
#include <wlr/types/wlr_input_method_v2.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/box.h>
#include <wlr/util/log.h>
#include "common/colour.h"
#include "common/listener.h"
#include "compositor/domain/domain.h"
#include "compositor/guard/session_lock.h"
#include "compositor/server.h"
#include "compositor/wm/im_popup.h"
#include "compositor/wm/output.h"
#include "compositor/wm/text_input.h"
#include "compositor/wm/view.h"

#define IM_POPUP_BORDER 2
/* A field's cursor rectangle is the guest's word: kept far from int overflow. */
#define IM_POPUP_CURSOR_MAX 65536

static int im_popup_clamp(int v, int lo, int hi) {
	return v < lo ? lo : v > hi ? hi : v;
}

struct im_popup {
	struct wl_list link;             /* the text input module's list */
	struct cordon_server *server;
	struct wlr_input_popup_surface_v2 *popup;
	struct wlr_scene_tree *tree;     /* at the popup surface's origin */
	struct wlr_scene_rect *backing;  /* under the surface: opaque */
	struct wlr_scene_rect *border[4];
	struct wlr_scene_tree *surfaces;
	struct wlr_box clip;
	struct wlr_box sent;             /* the text cursor last told, popup-local */
	bool told;

	struct wl_listener commit;
	struct wl_listener map;
	struct wl_listener unmap;
	struct wl_listener destroy;
};

static void im_popup_hide(struct im_popup *p) {
	wlr_scene_node_set_enabled(&p->tree->node, false);
}

/* The focused window whose text input is served, its cursor box in layout coordinates. */
static struct cordon_view *im_popup_target(struct cordon_server *server, struct wlr_box *cursor) {
	struct wlr_box local;
	struct wlr_surface *surface = text_input_served(server, &local);
	struct cordon_view *view = server->focused_view;
	/* A layer or lock surface's field gets no popup: only windows have a frame to match. */
	if (surface == NULL || view == NULL || !view->mapped || view_surface(view) != surface ||
			session_lock_active(server)) {
		return NULL;
	}
	/* The surface sits at the content origin less its geometry's offset. */
	int m = IM_POPUP_CURSOR_MAX;
	*cursor = (struct wlr_box){
		.x = view->x - view->geo.x + im_popup_clamp(local.x, -m, m),
		.y = view->y - view->geo.y + im_popup_clamp(local.y, -m, m),
		.width = im_popup_clamp(local.width, 0, m),
		.height = im_popup_clamp(local.height, 0, m),
	};
	return view;
}

static void im_popup_place(struct im_popup *p) {
	struct cordon_server *server = p->server;
	struct wlr_surface *surface = p->popup->surface;
	struct wlr_box cursor;
	struct cordon_view *view = im_popup_target(server, &cursor);
	if (view == NULL || !surface->mapped) {
		im_popup_hide(p);
		return;
	}
	struct cordon_output *output = output_at(server, cursor.x, cursor.y);
	if (output == NULL) {
		output = view_output(view);
	}
	if (output == NULL) {
		im_popup_hide(p);
		return;
	}
	struct wlr_box box = output_box(output);
	int b = IM_POPUP_BORDER;
	/* Never larger than the output, frame included: the rest is cut. */
	int w = surface->current.width < box.width - 2 * b ? surface->current.width :
		box.width - 2 * b;
	int h = surface->current.height < box.height - 2 * b ? surface->current.height :
		box.height - 2 * b;
	if (w < 1 || h < 1) {
		im_popup_hide(p);
		return;
	}
	/* Below the text cursor, or above it where the output ends. */
	int x = cursor.x;
	int y = cursor.y + cursor.height + b;
	if (y + h + b > box.y + box.height) {
		y = cursor.y - b - h;
	}
	/* Whatever the cursor says (a guest's field may claim any place), on the output. */
	if (x + w + b > box.x + box.width) {
		x = box.x + box.width - b - w;
	}
	if (x < box.x + b) {
		x = box.x + b;
	}
	if (y + h + b > box.y + box.height) {
		y = box.y + box.height - b - h;
	}
	if (y < box.y + b) {
		y = box.y + b;
	}
	float color[4];
	colour_to_float(view->domain->color, color);
	wlr_scene_rect_set_color(p->backing, color);
	wlr_scene_rect_set_size(p->backing, w, h);
	for (int i = 0; i < 4; i++) {
		wlr_scene_rect_set_color(p->border[i], color);
	}
	wlr_scene_rect_set_size(p->border[0], w + 2 * b, b);
	wlr_scene_node_set_position(&p->border[0]->node, -b, -b);
	wlr_scene_rect_set_size(p->border[1], w + 2 * b, b);
	wlr_scene_node_set_position(&p->border[1]->node, -b, h);
	wlr_scene_rect_set_size(p->border[2], b, h);
	wlr_scene_node_set_position(&p->border[2]->node, -b, 0);
	wlr_scene_rect_set_size(p->border[3], b, h);
	wlr_scene_node_set_position(&p->border[3]->node, w, 0);
	struct wlr_box clip = {0, 0, w, h};
	if (!wlr_box_equal(&clip, &p->clip)) {
		p->clip = clip;
		wlr_scene_subsurface_tree_set_clip(&p->surfaces->node, &p->clip);
	}
	wlr_scene_node_set_position(&p->tree->node, x, y);
	wlr_scene_node_set_enabled(&p->tree->node, true);
	/* Told only when it changed: the input method redraws on every one. */
	struct wlr_box rel = {cursor.x - x, cursor.y - y, cursor.width, cursor.height};
	if (!p->told || !wlr_box_equal(&rel, &p->sent)) {
		p->sent = rel;
		p->told = true;
		wlr_input_popup_surface_v2_send_text_input_rectangle(p->popup, &rel);
	}
}

void im_popup_place_all(struct cordon_server *server, struct wl_list *list) {
	struct im_popup *p;
	wl_list_for_each(p, list, link) {
		im_popup_place(p);
	}
}

static void handle_commit(struct wl_listener *listener, void *data) {
	struct im_popup *p = wl_container_of(listener, p, commit);
	im_popup_place(p);
}

static void handle_map(struct wl_listener *listener, void *data) {
	struct im_popup *p = wl_container_of(listener, p, map);
	im_popup_place(p);
}

static void handle_unmap(struct wl_listener *listener, void *data) {
	struct im_popup *p = wl_container_of(listener, p, unmap);
	im_popup_hide(p);
}

static void handle_destroy(struct wl_listener *listener, void *data) {
	struct im_popup *p = wl_container_of(listener, p, destroy);
	wl_list_remove(&p->commit.link);
	wl_list_remove(&p->map.link);
	wl_list_remove(&p->unmap.link);
	wl_list_remove(&p->destroy.link);
	wl_list_remove(&p->link);
	wlr_scene_node_destroy(&p->tree->node);
	free(p);
}

void im_popup_create(struct cordon_server *server, struct wlr_input_popup_surface_v2 *popup,
		struct wl_list *list) {
	struct im_popup *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		wlr_log(WLR_ERROR, "input method popup: out of memory");
		wl_resource_post_no_memory(popup->resource);
		return;
	}
	p->server = server;
	p->popup = popup;
	/* Above every window and the host's panels, below cordon's prompts. */
	p->tree = wlr_scene_tree_create(server->layers[LAYER_OVERLAY]);
	static const float none[4] = {0, 0, 0, 1};
	bool ok = p->tree != NULL &&
		(p->backing = wlr_scene_rect_create(p->tree, 0, 0, none)) != NULL &&
		(p->surfaces = wlr_scene_subsurface_tree_create(p->tree, popup->surface)) != NULL;
	for (int i = 0; ok && i < 4; i++) {
		/* After the surfaces: the frame is drawn over anything they reach. */
		ok = (p->border[i] = wlr_scene_rect_create(p->tree, 0, 0, none)) != NULL;
	}
	if (!ok) {
		wlr_log(WLR_ERROR, "input method popup: cannot create its scene nodes");
		if (p->tree != NULL) {
			wlr_scene_node_destroy(&p->tree->node);
		}
		free(p);
		wl_resource_post_no_memory(popup->resource);
		return;
	}
	im_popup_hide(p);
	listener_connect(&popup->surface->events.commit, &p->commit, handle_commit);
	listener_connect(&popup->surface->events.map, &p->map, handle_map);
	listener_connect(&popup->surface->events.unmap, &p->unmap, handle_unmap);
	listener_connect(&popup->events.destroy, &p->destroy, handle_destroy);
	wl_list_insert(list, &p->link);
	im_popup_place(p);
}
