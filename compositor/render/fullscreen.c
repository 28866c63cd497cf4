#include <stdio.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/render/fullscreen.h"
#include "compositor/render/identity.h"
#include "compositor/wm/output.h"
#include "compositor/render/frame.h"
#include "compositor/server.h"
#include "compositor/render/text_buffer.h"
#include "compositor/wm/view.h"

#define BANNER_MS 4000
#define BANNER_MARGIN 16

static int handle_banner_timeout(void *data) {
	struct cordon_view *view = data;
	fullscreen_banner_hide(view);
	return 0;
}

void fullscreen_banner_show(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	fullscreen_banner_hide(view);

	char head[CONFIG_DOMAIN_NAME_MAX + 8];
	snprintf(head, sizeof(head), "[%s]", view->domain->name);
	uint32_t fg = text_buffer_contrast_color(view->domain->color);
	struct text_buffer_span spans[] = {
		{.text = head, .color = fg, .bold = true},
		{.text = " is fullscreen \xe2\x80\x94 Super+Escape leaves", .color = fg},
	};
	struct text_buffer_line line = {.spans = spans, .n_spans = 2};
	struct box_spec spec = {
		.scale = 1.0f,
		.background = view->domain->color,
		.border = fg,
		.border_width = 2,
		.padding = 10,
		.lines = &line,
		.n_lines = 1,
	};
	struct wlr_box area = output_box(output_at(server, view->x, view->y));
	struct wlr_buffer *buffer = text_buffer_render_box_within(server->text, &spec, 0,
		area.width - 2 * BANNER_MARGIN);
	if (buffer == NULL) {
		return;
	}
	int w = spec.width, h = spec.height;
	/* The prompt layer is above every client surface, fullscreen ones included. */
	view->banner = wlr_scene_tree_create(server->layers[LAYER_PROMPT]);
	struct wlr_scene_buffer *sb =
		view->banner ? wlr_scene_buffer_create(view->banner, buffer) : NULL;
	wlr_buffer_drop(buffer);
	if (sb == NULL) {
		wlr_log(WLR_ERROR, "domain %s: cannot show the fullscreen banner",
			view->domain->name);
		fullscreen_banner_hide(view);
		return;
	}
	wlr_scene_buffer_set_dest_size(sb, w, h);
	wlr_scene_node_set_position(&view->banner->node, area.x + (area.width - w) / 2,
		area.y + BANNER_MARGIN);
	view->banner_timer = wl_event_loop_add_timer(server->loop, handle_banner_timeout, view);
	if (view->banner_timer != NULL) {
		wl_event_source_timer_update(view->banner_timer, BANNER_MS);
	}
}

void fullscreen_banner_hide(struct cordon_view *view) {
	if (view->banner_timer != NULL) {
		wl_event_source_remove(view->banner_timer);
		view->banner_timer = NULL;
	}
	if (view->banner != NULL) {
		wlr_scene_node_destroy(&view->banner->node);
		view->banner = NULL;
	}
}

void fullscreen_edge_update(struct cordon_view *view) {
	struct cordon_server *server = view->server;
	bool want = view->mapped && view->fullscreen &&
		frame_mode_of(view->frame) == FRAME_EDGE;
	if (!want) {
		if (view->edge_guard != NULL) {
			wlr_scene_node_destroy(&view->edge_guard->node);
			view->edge_guard = NULL;
		}
		return;
	}
	if (view->edge_guard == NULL) {
		float color[4] = {
			((view->domain->color >> 16) & 0xff) / 255.0f,
			((view->domain->color >> 8) & 0xff) / 255.0f,
			(view->domain->color & 0xff) / 255.0f,
			1.0f,
		};
		view->edge_guard = wlr_scene_tree_create(server->layers[LAYER_PROMPT]);
		/* Four sides in the colour, then the domain's pattern over each. */
		bool ok = view->edge_guard != NULL;
		for (int i = 0; ok && i < 4; i++) {
			ok = wlr_scene_rect_create(view->edge_guard, 0, 0, color) != NULL;
		}
		for (int i = 0; ok && i < 4; i++) {
			ok = identity_fill_create(view->edge_guard) != NULL;
		}
		if (!ok && view->edge_guard != NULL) {
			wlr_scene_node_destroy(&view->edge_guard->node);
			view->edge_guard = NULL;
		}
		if (view->edge_guard == NULL) {
			/* The edge in the window's own frame is still there. */
			wlr_log(WLR_ERROR, "domain %s: cannot draw the fullscreen edge above "
				"the layers", view->domain->name);
			return;
		}
	}
	struct frame_extents ext = frame_extents(view->frame);
	struct wlr_box geo = view_geometry(view);
	int w = geo.width + ext.left + ext.right;
	int h = geo.height + ext.top + ext.bottom;
	const struct wlr_box sides[4] = {
		{0, 0, w, ext.top},
		{0, h - ext.bottom, w, ext.bottom},
		{0, ext.top, ext.left, h - ext.top - ext.bottom},
		{w - ext.right, ext.top, ext.right, h - ext.top - ext.bottom},
	};
	int i = 0, j = 0;
	struct wlr_scene_node *node;
	wl_list_for_each(node, &view->edge_guard->children, link) {
		if (node->type == WLR_SCENE_NODE_RECT && i < 4) {
			struct wlr_scene_rect *rect = wlr_scene_rect_from_node(node);
			wlr_scene_node_set_position(node, sides[i].x, sides[i].y);
			wlr_scene_rect_set_size(rect, sides[i].width, sides[i].height);
			i++;
		} else if (node->type == WLR_SCENE_NODE_TREE && j < 4) {
			struct identity_fill *fill =
				identity_fill_from_tree(wlr_scene_tree_from_node(node));
			if (fill != NULL) {
				identity_fill_set(fill, server->identity, identity_pattern(view->domain),
					view->domain->color, &sides[j++]);
			}
		}
	}
	wlr_scene_node_set_position(&view->edge_guard->node, view->x - ext.left,
		view->y - ext.top);
	/* Shown with its window: on its workspace only. */
	wlr_scene_node_set_enabled(&view->edge_guard->node, view->tree->node.enabled);
}
