#ifndef CORDON_CURSOR_H
#define CORDON_CURSOR_H

#include <stdbool.h>

struct cordon_server;
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
