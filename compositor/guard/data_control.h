#ifndef CORDON_DATA_CONTROL_H
#define CORDON_DATA_CONTROL_H

#include <stdbool.h>

struct cordon_server;

/*
 * zwlr_data_control_manager_v1, cordon's own implementation: host-only.
 * wlroots' mirrors the seat selection, which in cordon is a proxy made for
 * whichever domain has the keyboard. Here a clipboard manager sees its own
 * domain's view instead (the host's, for the host), whoever is focused:
 * its domain's own selection straight, another domain's only under the
 * pair's policy (never offered under deny, asked for under ask), and what
 * it sets becomes its domain's selection.
 */
bool data_control_init(struct cordon_server *server);
void data_control_finish(struct cordon_server *server);
/* A selection changed (clipboard.c): managers are told once the loop is idle. */
void data_control_selection_changed(struct cordon_server *server);

#endif
