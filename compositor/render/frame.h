#ifndef CORDON_FRAME_H
#define CORDON_FRAME_H

#include <stdbool.h>
#include <stdint.h>

struct cordon_view;
struct wlr_scene_tree;

/*
 * The frame cordon draws around every toplevel: a border in the domain's
 * colour on all sides and a titlebar reading "[domain] title". It lives in
 * the view's tree, beside (never inside) the client's surfaces, so nothing
 * the client draws or commits can move, cover or recolour it.
 */
enum frame_mode {
	FRAME_NORMAL = 0,  /* border + titlebar */
	FRAME_EDGE,        /* fullscreen guest: a thin unforgeable edge only */
	FRAME_NONE,        /* fullscreen host window */
};

struct cordon_frame *frame_create(struct cordon_view *view);
void frame_destroy(struct cordon_frame *frame);

/* Lays the frame out around content of width x height; re-renders if needed. */
void frame_update(struct cordon_frame *frame, int width, int height);
/* Re-reads colour, border width and font (config reload). */
void frame_refresh(struct cordon_frame *frame);
void frame_set_title(struct cordon_frame *frame, const char *title);
void frame_set_mode(struct cordon_frame *frame, enum frame_mode mode);
enum frame_mode frame_mode_of(const struct cordon_frame *frame);
void frame_set_active(struct cordon_frame *frame, bool active);
void frame_set_urgent(struct cordon_frame *frame, bool urgent);

/* Space the frame takes on each side of the content, in layout pixels. */
struct frame_extents {
	int left, right, top, bottom;
};
struct frame_extents frame_extents(const struct cordon_frame *frame);
/* The extents a frame in mode would have for this view's domain. */
struct frame_extents frame_extents_for(struct cordon_view *view, enum frame_mode mode);

/* Resize edges (WLR_EDGE_*) of the border at x, y relative to the view's tree. */
uint32_t frame_edges_at(const struct cordon_frame *frame, double x, double y);
bool frame_titlebar_at(const struct cordon_frame *frame, double x, double y);
const char *frame_cursor_name(uint32_t edges);

#endif
