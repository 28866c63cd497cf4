#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/edges.h>
#include <wlr/util/log.h>
#include "common/colour.h"
#include "compositor/domain/domain.h"
#include "compositor/render/frame.h"
#include "compositor/render/frame_identity.h"
#include "compositor/render/identity.h"
#include "compositor/server.h"
#include "compositor/render/text_buffer.h"
#include "compositor/wm/view.h"

#define FRAME_EDGE_WIDTH 3
#define TITLEBAR_PADDING 4
/* Grab zone beyond a thin border, so resizing does not need pixel aim. */
#define RESIZE_ZONE 6
/* An urgent window's titlebar is drawn with this mark before the tag. */
#define URGENT_MARK "\xe2\x97\x8f "

struct cordon_frame {
	struct cordon_view *view;
	struct wlr_scene_tree *tree;
	struct wlr_scene_rect *border[4]; /* top, bottom, left, right */
	/* Under a guest's content: nothing of another domain shows through it. */
	struct wlr_scene_rect *backing;
	struct wlr_scene_buffer *titlebar;
	struct frame_identity *identity;  /* pattern and badge: frame_identity.c */
	int badge_width;                  /* logical px left of the titlebar buffer */
	enum frame_mode mode;
	bool active, urgent;
	int width, height;                /* content size last laid out */
	float laid_out_scale;             /* 0 until the first layout */
	int border_width, titlebar_height;
	/* What the titlebar buffer was rendered for: re-render only on change. */
	char *rendered_title;
	int rendered_width;
	float rendered_scale;
	bool rendered_urgent;
	char *title;
};

static int frame_titlebar_height_for(struct cordon_server *server) {
	int font = text_buffer_font_height(server->text, NULL);
	return (font > 0 ? font : 14) + 2 * TITLEBAR_PADDING;
}

struct frame_extents frame_extents_for(struct cordon_view *view, enum frame_mode mode) {
	struct cordon_server *server = view->server;
	switch (mode) {
	case FRAME_NONE:
		return (struct frame_extents){0};
	case FRAME_EDGE:
		return (struct frame_extents){FRAME_EDGE_WIDTH, FRAME_EDGE_WIDTH,
			FRAME_EDGE_WIDTH, FRAME_EDGE_WIDTH};
	case FRAME_NORMAL:
		break;
	}
	int bw = server->config->border_width;
	int th = view->frame ? view->frame->titlebar_height : frame_titlebar_height_for(server);
	return (struct frame_extents){bw, bw, bw + th, bw};
}

struct frame_extents frame_extents(const struct cordon_frame *frame) {
	return frame_extents_for(frame->view, frame->mode);
}

enum frame_mode frame_mode_of(const struct cordon_frame *frame) {
	return frame->mode;
}

/*
 * The largest scale of any output (at least 1): the tag is drawn once, and
 * drawn for the densest output it is crisp on all of them.
 */
static float frame_scale(struct cordon_frame *frame) {
	float scale = 1.0f;
	struct wlr_scene_output *so;
	wl_list_for_each(so, &frame->view->server->scene->outputs, link) {
		if (so->output->scale > scale) {
			scale = so->output->scale;
		}
	}
	return scale;
}

static void frame_render_titlebar(struct cordon_frame *frame) {
	struct cordon_view *view = frame->view;
	struct cordon_server *server = view->server;
	if (frame->mode != FRAME_NORMAL || frame->width <= 0) {
		wlr_scene_node_set_enabled(&frame->titlebar->node, false);
		return;
	}
	float scale = frame_scale(frame);
	const char *title = frame->title ? frame->title : "";
	if (frame->rendered_title != NULL && strcmp(frame->rendered_title, title) == 0 &&
			frame->rendered_width == frame->width && frame->rendered_scale == scale &&
			frame->rendered_urgent == frame->urgent) {
		wlr_scene_node_set_enabled(&frame->titlebar->node, true);
		return;
	}
	/* The tag comes from cordon's domain record, never from client text. */
	char tag[CONFIG_DOMAIN_NAME_MAX + 300];
	snprintf(tag, sizeof(tag), "%s[%s]", frame->urgent ? URGENT_MARK : "",
		view->domain->name);
	int width = frame->width - frame->badge_width;
	if (ceilf(width * scale) > TEXT_BUFFER_MAX_PIXELS) {
		width = (int)(TEXT_BUFFER_MAX_PIXELS / scale);
	}
	struct titlebar_spec spec = {
		.width = width,
		.height = frame->titlebar_height,
		.scale = scale,
		.background = view->domain->color,
		.texture = identity_texture(server->identity, identity_pattern(view->domain),
			view->domain->color),
		.tag = tag,
		.title = title,
		.padding = 6,
	};
	struct wlr_buffer *buffer = text_buffer_render_titlebar(server->text, &spec);
	if (buffer == NULL) {
		wlr_log(WLR_ERROR, "domain %s: cannot render a titlebar %dx%d", view->domain->name,
			width, frame->titlebar_height);
		return;
	}
	wlr_scene_buffer_set_buffer(frame->titlebar, buffer);
	wlr_buffer_drop(buffer);
	wlr_scene_buffer_set_dest_size(frame->titlebar, width, frame->titlebar_height);
	wlr_scene_node_set_enabled(&frame->titlebar->node, true);
	free(frame->rendered_title);
	frame->rendered_title = strdup(title);
	frame->rendered_width = frame->width;
	frame->rendered_scale = scale;
	frame->rendered_urgent = frame->urgent;
}

static void frame_layout(struct cordon_frame *frame) {
	struct frame_extents e = frame_extents(frame);
	int w = frame->width, h = frame->height;
	int outer_w = w + e.left + e.right;
	bool visible = frame->mode != FRAME_NONE;
	frame->laid_out_scale = frame_scale(frame);
	for (int i = 0; i < 4; i++) {
		wlr_scene_node_set_enabled(&frame->border[i]->node, visible);
	}
	if (frame->backing != NULL) {
		wlr_scene_rect_set_size(frame->backing, w, h);
		wlr_scene_node_set_position(&frame->backing->node, e.left, e.top);
	}
	if (!visible) {
		wlr_scene_node_set_enabled(&frame->titlebar->node, false);
		frame_identity_borders(frame->identity, frame->view->domain, NULL);
		frame->badge_width = frame_identity_badge(frame->identity, frame->view->domain,
			0, 0, 0, 1.0f, 0);
		return;
	}
	/* Top and bottom span the full width; the sides fill between them. */
	int side_top = frame->mode == FRAME_NORMAL ? e.left : e.top;
	wlr_scene_rect_set_size(frame->border[0], outer_w, side_top);
	wlr_scene_node_set_position(&frame->border[0]->node, 0, 0);
	wlr_scene_rect_set_size(frame->border[1], outer_w, e.bottom);
	wlr_scene_node_set_position(&frame->border[1]->node, 0, e.top + h);
	wlr_scene_rect_set_size(frame->border[2], e.left, e.top + h - side_top);
	wlr_scene_node_set_position(&frame->border[2]->node, 0, side_top);
	wlr_scene_rect_set_size(frame->border[3], e.right, e.top + h - side_top);
	wlr_scene_node_set_position(&frame->border[3]->node, e.left + w, side_top);
	const struct wlr_box sides[4] = {
		{0, 0, outer_w, side_top},
		{0, e.top + h, outer_w, e.bottom},
		{0, side_top, e.left, e.top + h - side_top},
		{e.left + w, side_top, e.right, e.top + h - side_top},
	};
	frame_identity_borders(frame->identity, frame->view->domain, sides);
	frame->badge_width = frame_identity_badge(frame->identity, frame->view->domain,
		e.left, side_top, frame->titlebar_height, frame_scale(frame),
		frame->mode == FRAME_NORMAL ? w : 0);
	wlr_scene_node_set_position(&frame->titlebar->node, e.left + frame->badge_width,
		side_top);
	frame_render_titlebar(frame);
}

struct cordon_frame *frame_create(struct cordon_view *view) {
	struct cordon_frame *frame = calloc(1, sizeof(*frame));
	if (frame == NULL) {
		return NULL;
	}
	frame->view = view;
	frame->border_width = view->server->config->border_width;
	frame->titlebar_height = frame_titlebar_height_for(view->server);
	/*
	 * Above the client's surfaces: anything a client draws outside its
	 * window geometry (shadows, a fake titlebar) ends under cordon's frame.
	 */
	frame->tree = wlr_scene_tree_create(view->tree);
	if (frame->tree == NULL) {
		free(frame);
		return NULL;
	}
	float color[4];
	colour_to_float(view->domain->color, color);
	for (int i = 0; i < 4; i++) {
		frame->border[i] = wlr_scene_rect_create(frame->tree, 0, 0, color);
		if (frame->border[i] == NULL) {
			goto fail;
		}
	}
	frame->titlebar = wlr_scene_buffer_create(frame->tree, NULL);
	if (frame->titlebar == NULL) {
		goto fail;
	}
	frame->identity = frame_identity_create(frame->tree);
	if (frame->identity == NULL) {
		goto fail;
	}
	/*
	 * A guest's window is opaque: where it draws nothing (rounded corners,
	 * a transparent background) the domain colour shows, never the window
	 * of another domain beneath, framed as if it were the guest's.
	 */
	if (!domain_is_host(view->domain)) {
		frame->backing = wlr_scene_rect_create(view->tree, 0, 0, color);
		if (frame->backing == NULL) {
			goto fail;
		}
		wlr_scene_node_lower_to_bottom(&frame->backing->node);
	}
	return frame;
fail:
	frame_identity_destroy(frame->identity);
	wlr_scene_node_destroy(&frame->tree->node);
	free(frame);
	return NULL;
}

void frame_destroy(struct cordon_frame *frame) {
	if (frame == NULL) {
		return;
	}
	/* The nodes go with the view's tree. */
	frame_identity_destroy(frame->identity);
	free(frame->rendered_title);
	free(frame->title);
	free(frame);
}

void frame_refresh(struct cordon_frame *frame) {
	float color[4];
	colour_to_float(frame->view->domain->color, color);
	for (int i = 0; i < 4; i++) {
		wlr_scene_rect_set_color(frame->border[i], color);
	}
	if (frame->backing != NULL) {
		wlr_scene_rect_set_color(frame->backing, color);
	}
	frame->border_width = frame->view->server->config->border_width;
	frame->titlebar_height = frame_titlebar_height_for(frame->view->server);
	/* Forget what was rendered: colour and font may have changed. */
	free(frame->rendered_title);
	frame->rendered_title = NULL;
	if (frame->width > 0) {
		frame_layout(frame);
	}
}

void frame_update(struct cordon_frame *frame, int width, int height) {
	/*
	 * Every commit lands here; most change nothing of the frame. Mode,
	 * title, urgency and reload lay it out through their own calls.
	 */
	if (frame->laid_out_scale != 0 && width == frame->width && height == frame->height &&
			frame_scale(frame) == frame->laid_out_scale) {
		return;
	}
	frame->width = width;
	frame->height = height;
	frame_layout(frame);
}

void frame_set_title(struct cordon_frame *frame, const char *title) {
	char *copy = strdup(title ? title : "");
	if (copy == NULL) {
		return;
	}
	free(frame->title);
	frame->title = copy;
	if (frame->width > 0) {
		frame_render_titlebar(frame);
	}
}

void frame_set_mode(struct cordon_frame *frame, enum frame_mode mode) {
	frame->mode = mode;
	if (frame->width > 0) {
		frame_layout(frame);
	}
}

void frame_set_active(struct cordon_frame *frame, bool active) {
	/* The colour stays the domain's: focus must never change who it claims to be. */
	frame->active = active;
}

void frame_set_urgent(struct cordon_frame *frame, bool urgent) {
	frame->urgent = urgent;
	if (frame->width > 0) {
		frame_render_titlebar(frame);
	}
}

uint32_t frame_edges_at(const struct cordon_frame *frame, double x, double y) {
	if (frame->mode != FRAME_NORMAL) {
		return WLR_EDGE_NONE;
	}
	struct frame_extents e = frame_extents(frame);
	double outer_w = frame->width + e.left + e.right;
	double outer_h = frame->height + e.top + e.bottom;
	int zone = frame->border_width > RESIZE_ZONE ? frame->border_width : RESIZE_ZONE;
	uint32_t edges = 0;
	if (x < zone) {
		edges |= WLR_EDGE_LEFT;
	} else if (x >= outer_w - zone) {
		edges |= WLR_EDGE_RIGHT;
	}
	if (y < frame->border_width) {
		edges |= WLR_EDGE_TOP;
	} else if (y >= outer_h - zone) {
		edges |= WLR_EDGE_BOTTOM;
	}
	return edges;
}

bool frame_titlebar_at(const struct cordon_frame *frame, double x, double y) {
	if (frame->mode != FRAME_NORMAL) {
		return false;
	}
	struct frame_extents e = frame_extents(frame);
	return y >= 0 && y < e.top && x >= 0 && x < frame->width + e.left + e.right;
}

const char *frame_cursor_name(uint32_t edges) {
	switch (edges) {
	case WLR_EDGE_TOP:
		return "n-resize";
	case WLR_EDGE_BOTTOM:
		return "s-resize";
	case WLR_EDGE_LEFT:
		return "w-resize";
	case WLR_EDGE_RIGHT:
		return "e-resize";
	case WLR_EDGE_TOP | WLR_EDGE_LEFT:
		return "nw-resize";
	case WLR_EDGE_TOP | WLR_EDGE_RIGHT:
		return "ne-resize";
	case WLR_EDGE_BOTTOM | WLR_EDGE_LEFT:
		return "sw-resize";
	case WLR_EDGE_BOTTOM | WLR_EDGE_RIGHT:
		return "se-resize";
	default:
		return "default";
	}
}
