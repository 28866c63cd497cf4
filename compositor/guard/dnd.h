#ifndef CORDON_DND_H
#define CORDON_DND_H

#include <stdbool.h>

struct cordon_server;
struct cordon_clipboard;
struct wlr_surface;

/*
 * Drag-and-drop under the clipboard guard: a drag carries a cordon proxy of
 * its source, so a drop into another domain is a paste under the pair's
 * policy (ask prompts at the drop), and a drag never enters a surface of a
 * domain whose policy is deny.
 */
void dnd_init(struct cordon_clipboard *clip);
void dnd_finish(struct cordon_clipboard *clip);

/* Whether the current drag may enter surface; false also takes it away
 * from the surface it was over. */
bool dnd_may_enter(struct cordon_server *server, struct wlr_surface *surface);

#endif
