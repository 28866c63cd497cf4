#ifndef CORDON_INHIBIT_H
#define CORDON_INHIBIT_H

#include <stdbool.h>

struct cordon_server;
struct config_binding;

/*
 * zwp_keyboard_shortcuts_inhibit_manager_v1 for every domain (VM and
 * remote-desktop viewers): the focused window's inhibitor, and only that
 * one, is active; it then gets the keys of cordon's ordinary bindings, but
 * never the reserved ones (input_binding_reserved).
 */
bool inhibit_init(struct cordon_server *server);
void inhibit_finish(struct cordon_server *server);
/* Whether the keyboard focus holds an active inhibitor. */
bool inhibit_active(struct cordon_server *server);
/*
 * Keys no inhibitor gets: the escape key, secure copy and paste (and the
 * prompt's keys, VT switching and the lock, which are never bindings).
 */
bool inhibit_binding_reserved(const struct config_binding *binding);

#endif
