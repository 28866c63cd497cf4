#ifndef CORDON_SESSION_LOCK_H
#define CORDON_SESSION_LOCK_H

#include <stdbool.h>

struct cordon_server;
struct wlr_surface;

/*
 * ext_session_lock_v1, host-only. From the lock request until the locker's
 * unlock_and_destroy, every output shows a solid cover with the lock
 * surfaces on it and nothing else: every scene layer (windows, layer
 * surfaces, prompts, notices, fullscreen edges) is hidden, only lock
 * surfaces get keyboard or pointer, key bindings are inert, prompts wait
 * and cross-domain pastes are refused. A locker that dies leaves the
 * session locked, the cover showing how to start it again (cordonctl lock);
 * only a new locker's unlock ends it. Outputs added while locked are
 * covered as they appear.
 */
bool session_lock_init(struct cordon_server *server);
void session_lock_finish(struct cordon_server *server);

bool session_lock_active(struct cordon_server *server);
/* Whether surface is one of the current locker's lock surfaces. */
bool session_lock_owns_surface(struct cordon_server *server, struct wlr_surface *surface);
/* A press on a lock surface of another output gives it the keyboard. */
void session_lock_pointer_pressed(struct cordon_server *server, struct wlr_surface *surface);

/*
 * cordonctl lock: starts the configured locker unless one holds the lock
 * now. False with *why set when there is nothing to do or it failed.
 */
bool session_lock_start_locker(struct cordon_server *server, const char **why);

#endif
