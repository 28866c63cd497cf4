#include <stdlib.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/types/wlr_xdg_shell.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "common/colour.h"
#include "compositor/domain/domain.h"
#include "compositor/wm/output.h"
#include "compositor/wm/popup.h"
#include "compositor/server.h"
#include "compositor/wm/view.h"

#define POPUP_BORDER 2

/*
 * A popup lives in a wrapper tree beside its border rects, inside its
 * toplevel's popup tree or its parent popup's tree, so it moves with the
 * parent and the rects sit outside anything the client can draw.
 */
struct cordon_popup {
	struct cordon_server *server;
	struct cordon_view *view;       /* the toplevel it belongs to */
	struct wlr_xdg_popup *xdg_popup;
	struct wlr_scene_tree *wrapper;
	struct wlr_scene_tree *surface_tree;
	struct wlr_scene_rect *border[4];
	struct wlr_scene_rect *backing;   /* under a guest's popup: opaque */
	/* What the frame and clip were last laid out for. */
	struct wlr_box clip;
	int frame_x, frame_y;
	bool framed;

	struct wl_listener commit;
	struct wl_listener reposition;
	struct wl_listener destroy;
	struct wl_listener wrapper_destroy;
};

static struct cordon_view *popup_toplevel_view(struct wlr_xdg_popup *popup) {
	struct wlr_surface *parent = popup->parent;
	while (parent != NULL) {
		struct wlr_xdg_toplevel *toplevel = wlr_xdg_toplevel_try_from_wlr_surface(parent);
		if (toplevel != NULL) {
			struct wlr_scene_tree *tree = toplevel->base->data;
			return tree ? tree->node.parent->node.data : NULL;
		}
		struct wlr_xdg_popup *pp = wlr_xdg_popup_try_from_wlr_surface(parent);
		if (pp == NULL) {
			return NULL;
		}
		parent = pp->parent;
	}
	return NULL;
}

/*
 * Keeps the popup and its frame on the output its toplevel is on. wlroots
 * wants the box in the root toplevel's surface coordinates: the content
 * origin (view->x, view->y) is the surface's geometry origin, so the
 * surface itself sits at view->x - geo.x.
 */
static void popup_unconstrain(struct cordon_popup *popup) {
	struct cordon_view *view = popup->view;
	struct wlr_box box = output_box(view_output(view));
	int b = popup->border[0] != NULL ? POPUP_BORDER : 0;
	box.x += b - (view->x - view->geo.x);
	box.y += b - (view->y - view->geo.y);
	box.width -= 2 * b;
	box.height -= 2 * b;
	if (box.width < 1 || box.height < 1) {
		return;
	}
	wlr_xdg_popup_unconstrain_from_box(popup->xdg_popup, &box);
}

static void popup_update_border(struct cordon_popup *popup) {
	struct wlr_box geo = xdg_surface_geometry(popup->xdg_popup->base);
	/*
	 * wlroots puts the popup's xdg tree at its configured place and draws
	 * the surface at -geometry inside it: the tree's origin is the
	 * geometry's top-left corner.
	 */
	int x = popup->surface_tree->node.x;
	int y = popup->surface_tree->node.y;
	int w = geo.width, h = geo.height, b = POPUP_BORDER;
	if (popup->framed && popup->frame_x == x && popup->frame_y == y &&
			wlr_box_equal(&popup->clip, &geo)) {
		return;
	}
	if (popup->backing != NULL) {
		wlr_scene_rect_set_size(popup->backing, w, h);
		wlr_scene_node_set_position(&popup->backing->node, x, y);
	}
	wlr_scene_rect_set_size(popup->border[0], w + 2 * b, b);
	wlr_scene_node_set_position(&popup->border[0]->node, x - b, y - b);
	wlr_scene_rect_set_size(popup->border[1], w + 2 * b, b);
	wlr_scene_node_set_position(&popup->border[1]->node, x - b, y + h);
	wlr_scene_rect_set_size(popup->border[2], b, h);
	wlr_scene_node_set_position(&popup->border[2]->node, x - b, y);
	wlr_scene_rect_set_size(popup->border[3], b, h);
	wlr_scene_node_set_position(&popup->border[3]->node, x + w, y);
	popup->frame_x = x;
	popup->frame_y = y;
	popup->framed = true;
	/*
	 * Like a guest's toplevel, its popup is clipped to its geometry (the
	 * subsurface tree is the xdg tree's first child; nested popups come
	 * later and get their own frame), so it cannot paint over its frame.
	 * Only a changed geometry re-clips: that walks every subsurface.
	 */
	if (!wl_list_empty(&popup->surface_tree->children) && !wlr_box_equal(&popup->clip, &geo)) {
		struct wlr_scene_node *surfaces =
			wl_container_of(popup->surface_tree->children.next, surfaces, link);
		popup->clip = geo;
		wlr_scene_subsurface_tree_set_clip(surfaces, &popup->clip);
	}
}

static void handle_popup_commit(struct wl_listener *listener, void *data) {
	struct cordon_popup *popup = wl_container_of(listener, popup, commit);
	if (popup->wrapper == NULL) {
		return;
	}
	if (popup->xdg_popup->base->initial_commit) {
		popup_unconstrain(popup);
	}
	if (popup->border[0] != NULL) {
		popup_update_border(popup);
	}
}

static void handle_popup_reposition(struct wl_listener *listener, void *data) {
	struct cordon_popup *popup = wl_container_of(listener, popup, reposition);
	if (popup->wrapper != NULL) {
		popup_unconstrain(popup);
	}
}

/*
 * The wrapper can die first, with the parent's tree (a client that
 * disconnects tears its toplevel down before its popups).
 */
static void handle_popup_wrapper_destroy(struct wl_listener *listener, void *data) {
	struct cordon_popup *popup = wl_container_of(listener, popup, wrapper_destroy);
	wl_list_remove(&popup->wrapper_destroy.link);
	popup->wrapper = NULL;
	popup->surface_tree = NULL;
	for (int i = 0; i < 4; i++) {
		popup->border[i] = NULL;
	}
	popup->backing = NULL;
}

static void handle_popup_destroy(struct wl_listener *listener, void *data) {
	struct cordon_popup *popup = wl_container_of(listener, popup, destroy);
	wl_list_remove(&popup->commit.link);
	wl_list_remove(&popup->reposition.link);
	wl_list_remove(&popup->destroy.link);
	if (popup->wrapper != NULL) {
		wl_list_remove(&popup->wrapper_destroy.link);
		wlr_scene_node_destroy(&popup->wrapper->node);
	}
	free(popup);
}

void handle_new_xdg_popup(struct wl_listener *listener, void *data) {
	struct cordon_server *server = wl_container_of(listener, server, new_xdg_popup);
	struct wlr_xdg_popup *xdg_popup = data;
	struct wlr_xdg_surface *parent = xdg_popup->parent ?
		wlr_xdg_surface_try_from_wlr_surface(xdg_popup->parent) : NULL;
	struct cordon_view *view = popup_toplevel_view(xdg_popup);
	if (parent == NULL || parent->data == NULL || view == NULL) {
		/* Parentless popups are not placeable; the client gets nothing shown. */
		wlr_log(WLR_DEBUG, "popup without a known parent ignored");
		return;
	}
	struct cordon_popup *popup = calloc(1, sizeof(*popup));
	if (popup == NULL) {
		wl_resource_post_no_memory(xdg_popup->resource);
		return;
	}
	popup->server = server;
	popup->view = view;
	popup->xdg_popup = xdg_popup;
	/*
	 * A toplevel's popups go in its popup tree, above its frame (a menu
	 * reaching past the window is not cut by the border); nested ones in
	 * their parent popup's tree.
	 */
	struct wlr_scene_tree *parent_tree =
		wlr_xdg_toplevel_try_from_wlr_surface(xdg_popup->parent) != NULL ?
		view->popup_tree : parent->data;
	popup->wrapper = wlr_scene_tree_create(parent_tree);
	if (popup->wrapper != NULL && !domain_is_host(view->domain)) {
		float color[4];
		colour_to_float(view->domain->color, color);
		for (int i = 0; i < 4; i++) {
			popup->border[i] = wlr_scene_rect_create(popup->wrapper, 0, 0, color);
			if (popup->border[i] == NULL) {
				break;
			}
		}
		/* First in the wrapper, so under the popup's surfaces. */
		popup->backing = popup->border[3] != NULL ?
			wlr_scene_rect_create(popup->wrapper, 0, 0, color) : NULL;
		if (popup->backing != NULL) {
			wlr_scene_node_lower_to_bottom(&popup->backing->node);
		} else {
			popup->border[3] = NULL;
		}
	}
	popup->surface_tree = popup->wrapper ?
		wlr_scene_xdg_surface_create(popup->wrapper, xdg_popup->base) : NULL;
	bool framed = domain_is_host(view->domain) || popup->border[3] != NULL;
	if (popup->surface_tree == NULL || !framed) {
		wlr_log(WLR_ERROR, "domain %s: cannot create a popup's scene nodes",
			view->domain->name);
		if (popup->wrapper != NULL) {
			wlr_scene_node_destroy(&popup->wrapper->node);
		}
		free(popup);
		wl_resource_post_no_memory(xdg_popup->resource);
		return;
	}
	if (popup->border[3] == NULL) {
		popup->border[0] = NULL;
	} else {
		/* The frame is drawn above the popup's own surfaces. */
		for (int i = 0; i < 4; i++) {
			wlr_scene_node_raise_to_top(&popup->border[i]->node);
		}
	}
	xdg_popup->base->data = popup->surface_tree;
	listener_connect(&popup->wrapper->node.events.destroy, &popup->wrapper_destroy,
		handle_popup_wrapper_destroy);

	listener_connect(&xdg_popup->base->surface->events.commit, &popup->commit,
		handle_popup_commit);
	listener_connect(&xdg_popup->events.reposition, &popup->reposition,
		handle_popup_reposition);
	listener_connect(&xdg_popup->events.destroy, &popup->destroy, handle_popup_destroy);
}
