#include <stdlib.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/render/frame.h"
#include "compositor/server.h"
#include "compositor/util.h"
#include "compositor/wm/view.h"

/*
 * The part of a window's life that xdg toplevels and X11 windows share:
 * its record, its scene nodes (tree, surfaces, frame, popup tree) and its
 * place in the server's and its domain's lists. Each shell adds its own
 * listeners around it.
 */
struct cordon_view *view_create(struct cordon_domain *domain, const char *kind,
		view_surfaces_fn make_surfaces, void *data) {
	struct cordon_server *server = domain->server;
	struct cordon_view *view = calloc(1, sizeof(*view));
	if (view == NULL) {
		wlr_log(WLR_ERROR, "domain %s: out of memory for %s", domain->name, kind);
		return NULL;
	}
	view->server = server;
	view->domain = domain;
	view->id = server->next_view_id++;
	view->tree = wlr_scene_tree_create(server->layers[LAYER_VIEWS]);
	bool surfaces = view->tree != NULL && make_surfaces(view, data);
	view->frame = surfaces ? frame_create(view) : NULL;
	view->popup_tree = view->frame ? wlr_scene_tree_create(view->tree) : NULL;
	if (view->popup_tree == NULL) {
		wlr_log(WLR_ERROR, "domain %s: cannot create the scene nodes of %s",
			domain->name, kind);
		frame_destroy(view->frame);
		if (view->tree != NULL) {
			wlr_scene_node_destroy(&view->tree->node);
		}
		free(view);
		return NULL;
	}
	view->tree->node.data = view;
	wlr_scene_node_set_enabled(&view->tree->node, false);
	/* Unlinked views are not in the MRU list yet: view_map puts them there. */
	wl_list_insert(server->views.prev, &view->link);
	wl_list_insert(&domain->views, &view->domain_link);
	domain->n_views++;
	return view;
}

void view_free(struct cordon_view *view) {
	INVARIANT(!view->mapped, "a view is unmapped before it is freed");
	wl_list_remove(&view->link);
	wl_list_remove(&view->domain_link);
	view->domain->n_views--;
	frame_destroy(view->frame);
	wlr_scene_node_destroy(&view->tree->node);
	free(view->title);
	free(view->app_id);
	free(view);
}
