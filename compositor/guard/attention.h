#ifndef CORDON_ATTENTION_H
#define CORDON_ATTENTION_H

#include <stdbool.h>
#include <stdint.h>

struct cordon_server;
struct json_object;

/*
 * The secure-attention key (default Super+I): an overlay drawn by cordon
 * above everything that outlines every visible surface (toplevels, popups,
 * layer surfaces, X11 windows, the cursor image) and labels it with its
 * domain's name, colour, pattern and badge; the focused one is marked, the
 * host's say so. The binding is reserved (no shortcuts inhibitor gets it,
 * a popup grab does not see it) and inert while the session is locked. Any
 * key or click ends the overlay and reaches nobody.
 */
bool attention_init(struct cordon_server *server);
void attention_finish(struct cordon_server *server);
void attention_show(struct cordon_server *server);
void attention_dismiss(struct cordon_server *server); /* nothing when not shown */
bool attention_active(struct cordon_server *server);
/*
 * A pointer button: true when it is the overlay's (a press that ends it,
 * or the release of such a press), and so must reach nobody.
 */
bool attention_handle_button(struct cordon_server *server, uint32_t button, bool pressed);
/*
 * The visible surfaces as a JSON array of {domain, kind, x, y, width,
 * height, focused, host}, top of the stack first; NULL when out of memory.
 */
struct json_object *attention_list(struct cordon_server *server);

#endif
