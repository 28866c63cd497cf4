#ifndef CORDON_FOREIGN_TOPLEVEL_H
#define CORDON_FOREIGN_TOPLEVEL_H

#include <stdbool.h>

struct cordon_server;
struct cordon_view;

/*
 * zwlr_foreign_toplevel_manager_v1 and ext_foreign_toplevel_list_v1, both
 * host-only: taskbars see each mapped window as "[domain] title" with its
 * sanitised app id, the tag always cordon's own, so no window can pass for
 * another domain's (host windows carry "[host]" like their frame).
 */
bool foreign_toplevel_init(struct cordon_server *server);
void foreign_toplevel_finish(struct cordon_server *server);

/* Follows a window event ("new", "close", "focus", "title", "state", ...). */
void foreign_toplevel_window_event(struct cordon_view *view, const char *change);
/* Title, app id or state changed without an event of its own. */
void foreign_toplevel_update(struct cordon_view *view);
/* The view is going: its handles go first (idempotent). */
void foreign_toplevel_forget(struct cordon_view *view);

#endif
