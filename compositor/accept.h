#ifndef CORDON_ACCEPT_H
#define CORDON_ACCEPT_H

#include <stdbool.h>
#include <wayland-server-core.h>
#include <wlr/util/log.h>

/*
 * Accepting on a listening socket that cordon's level-triggered loop
 * watches (a domain's socket, the host socket, IPC). When accept fails for
 * want of descriptors or memory the socket stays readable and the loop
 * would call again at once, for ever, logging each time: listening stops
 * for ACCEPT_PAUSE_MS instead, said once per spell of failures, and the
 * connection waits in the backlog rather than being accepted and lost.
 */
#define ACCEPT_PAUSE_MS 250

struct accept_pace {
	struct wl_event_source *listen; /* the listening socket's source */
	struct wl_event_source *timer;  /* resumes listening after a pause */
	const char *who;                /* log prefix: "IPC", "domain work" */
	const char *what;               /* "clients", "connections" */
	const char *path;               /* the socket file, for the log */
	bool failing;                   /* said once until an accept works */
};

/* Makes the resume timer; false (logged by the caller) if it cannot. */
bool accept_pace_init(struct accept_pace *pace, struct wl_event_loop *loop);
void accept_pace_finish(struct accept_pace *pace);
/*
 * Accepts one connection on fd (with flags for accept4) once there is room
 * for it and for the loop's dup of it. Returns the fd, or -1 when there was
 * nothing to take, no room (listening paused) or an error (logged).
 */
int accept_pace_accept(struct accept_pace *pace, int fd, int flags);
/* Pauses listening: what the accepted connection needed next ran out. */
void accept_pace_pause(struct accept_pace *pace, int err);
/* A connection was taken in full: says so once after a spell of failures. */
void accept_pace_done(struct accept_pace *pace);
/*
 * fd, the socket just bound again at pace->path, takes the place of
 * *listen_fd (closed) and of *source: handler(data) runs when it is
 * readable, and a pause is over. False, said at level, when the loop cannot
 * watch it: fd is closed and its file unlinked, the old socket stays.
 */
bool accept_pace_rebind(struct accept_pace *pace, struct wl_event_loop *loop, int fd,
	int *listen_fd, struct wl_event_source **source, wl_event_loop_fd_func_t handler,
	void *data, enum wlr_log_importance level);
/* Whether err means descriptors or memory ran out. */
bool accept_out_of_room(int err);

#endif
