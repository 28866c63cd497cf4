#ifndef CORDON_PATH_WATCH_H
#define CORDON_PATH_WATCH_H

#include <wayland-server-core.h>

/*
 * Tells when a socket file cordon listens on may have gone: removed,
 * renamed, or taken with one of the directories above it (rm -rf of the
 * runtime directory). inotify on the file's directory and `levels - 1`
 * directories above it, so nothing runs while nothing changes (a timer
 * polling the file woke cordon every second per socket). The callback is
 * a hint, not a verdict: it also runs when another file in one of those
 * directories goes. Callers look at the path a while later (a timer), so
 * an rm -rf under way finishes before the socket is bound again.
 */
struct path_watch;

typedef void (*path_watch_fn)(void *data);

/* NULL (logged) when inotify cannot be had. */
struct path_watch *path_watch_create(struct wl_event_loop *loop, const char *path,
	int levels, path_watch_fn fn, void *data);
void path_watch_destroy(struct path_watch *watch); /* NULL is fine */
/*
 * Watches the directories that are at the path's places now (after they
 * were made again); the callback does not need to call it, it runs after
 * each callback. False when a directory could not be watched (it may not
 * exist yet): the caller keeps checking by other means until it is true.
 */
bool path_watch_rearm(struct path_watch *watch);

#endif
