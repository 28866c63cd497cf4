#ifndef CORDON_CONSTRAINTS_H
#define CORDON_CONSTRAINTS_H

#include <stdbool.h>
#include <stdint.h>

struct cordon_server;
struct wlr_pointer_motion_event;

/*
 * zwp_pointer_constraints_v1 and zwp_relative_pointer_manager_v1 for every
 * domain (games, VM and remote-desktop viewers). A lock or confinement
 * holds only while its window has the keyboard focus; the escape key and
 * any focus change release it, and a notice names the domain holding it.
 */
bool constraints_init(struct cordon_server *server);
void constraints_finish(struct cordon_server *server);
/*
 * Relative motion to the pointer's client, then the cursor moved within
 * what the active constraint allows.
 */
void constraints_pointer_motion(struct cordon_server *server,
	struct wlr_pointer_motion_event *event);
/* The escape key: the active constraint ends until focus moves. */
void constraints_release(struct cordon_server *server);

#endif
