#ifndef CORDON_IDLE_H
#define CORDON_IDLE_H

#include <stdbool.h>

struct cordon_server;

/*
 * ext_idle_notifier_v1 (host-only: when the user is away is the host's
 * business) told of every key, pointer motion, button and scroll; and
 * zwp_idle_inhibit_manager_v1, offered to guests but mediated: a guest's
 * inhibitor counts only while its window is on screen (shown workspace,
 * drawn on an output), its domain allows it (idle-inhibit), and the
 * session is not locked.
 */
bool idle_init(struct cordon_server *server);
void idle_finish(struct cordon_server *server);

/* The user did something: idle timers start over. */
void idle_notify_activity(struct cordon_server *server);
/* Recomputes whether idle is inhibited now (lock, windows shown or hidden). */
void idle_update_inhibit(struct cordon_server *server);

#endif
