#include <stdio.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/render/fullscreen.h"
#include "compositor/wm/output.h"
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
	int w, h;
	if (!text_buffer_measure_box(server->text, &spec, &w, &h)) {
		return;
	}
	struct wlr_box area = output_box(output_at(server, view->x, view->y));
	if (w > area.width - 2 * BANNER_MARGIN) {
		w = area.width - 2 * BANNER_MARGIN;
	}
	spec.width = w;
	spec.height = h;
	struct wlr_buffer *buffer = text_buffer_render_box(server->text, &spec);
	if (buffer == NULL) {
		return;
	}
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
