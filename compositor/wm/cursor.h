#ifndef CORDON_CURSOR_H
#define CORDON_CURSOR_H

#include <stdbool.h>
#include <stdint.h>
#include <wlr/util/box.h>

struct cordon_server;
struct cordon_view;
struct wlr_surface;

enum cursor_mode {
	CURSOR_PASSTHROUGH = 0,
	CURSOR_MOVE,
	CURSOR_RESIZE,
};

/* An interactive move or resize: begun by view.c, driven by cursor motion. */
struct cursor_grab {
	enum cursor_mode mode;
	struct cordon_view *view;
	double x, y;                 /* move: cursor less the view origin; resize: cursor */
	struct wlr_box geobox;       /* the view's geometry at the start */
	uint32_t edges;              /* WLR_EDGE_* being resized */
};

/*
 * The implicit grab: the surface the first held button went to, and its
 * layout origin then; the pointer stays with it until the last release.
 */
struct cursor_press {
	struct wlr_surface *surface; /* compared, never used */
	double ox, oy;
};
struct wlr_cursor_shape_manager_v1;

bool cursor_init(struct cordon_server *server);
void cursor_init_shape(struct cordon_server *server,
	struct wlr_cursor_shape_manager_v1 *manager);
void cursor_finish(struct cordon_server *server);
/*
 * After a commit: re-sends pointer focus and position only if the surface
 * under the still cursor, or the point on it, changed.
 */
void cursor_refresh(struct cordon_server *server);
/* Re-sends pointer focus after the scene changed under a still cursor. */
void cursor_rebase(struct cordon_server *server);
/*
 * Re-decides whether a guest's cursor image may be shown (it fits a box
 * around the pointer, covers no other domain's window, no prompt is up);
 * call when a prompt appears or goes.
 */
void cursor_guest_refresh(struct cordon_server *server);

#endif
