#ifndef CORDON_TABLET_H
#define CORDON_TABLET_H

#include <stdbool.h>

struct cordon_server;
struct wlr_input_device;

/*
 * Drawing tablets (zwp_tablet_manager_v2, wlroots' wlr_tablet_v2) for every
 * domain: a tool's proximity, motion, tip and buttons go to the surface
 * under it under the pointer's rules (nothing covered by a prompt, only
 * the locker while locked; a tip down is a click: it focuses the window and
 * counts as user input for activation), a pad's buttons, rings and strips
 * to the window holding the keyboard focus.
 */
bool tablet_init(struct cordon_server *server);
void tablet_finish(struct cordon_server *server);
/* A tablet or tablet pad from the backend. */
void tablet_add_device(struct cordon_server *server, struct wlr_input_device *device);

#endif
