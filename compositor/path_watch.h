#ifndef CORDON_PATH_WATCH_H
#define CORDON_PATH_WATCH_H

#include <wayland-server-core.h>

/*
 * Tells when a socket file cordon listens on may have gone: removed,
 * renamed, or taken with one of the directories above it (rm -rf of the
 * runtime directory). inotify on the file's directory and `levels - 1`
 * directories above it, so nothing runs while nothing changes (a timer
 * polling the file woke cordon every second per socket). An event is a
 * hint, not a verdict: it also comes when another file in one of those
 * directories goes.
 */
struct path_watch;

/*
 * Arms timer (delay_ms) whenever something may have gone: the caller's
 * timer handler looks at the path then, a while later rather than at once,
 * so that an rm -rf under way finishes before the socket is bound again.
 * NULL (logged) when inotify cannot be had.
 */
struct path_watch *path_watch_create(struct wl_event_loop *loop, const char *path,
	int levels, struct wl_event_source *timer, int delay_ms);
void path_watch_destroy(struct path_watch *watch); /* NULL is fine */
/*
 * Watches the directories that are at the path's places now (after they
 * were made again). False when one could not be watched (it may not
 * exist yet).
 */
bool path_watch_rearm(struct path_watch *watch);
/*
 * For the timer's handler, after it looked: the timer runs again in
 * delay_ms only while the socket is still lost (binding again failed) or
 * the directories cannot be watched; otherwise inotify wakes it next.
 */
void path_watch_looked(struct path_watch *watch, bool lost);

#endif
