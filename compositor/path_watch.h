#ifndef CORDON_PATH_WATCH_H
#define CORDON_PATH_WATCH_H

#include <wayland-server-core.h>
#include <wlr/util/log.h>

struct sock_watch;

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
 * Binds the socket at the watched path again, after it went; says why it
 * cannot at level (quiet after the first try: the reason was said then).
 * Success is sock_watch_bound on the watch's sock_watch.
 */
typedef void (*path_watch_rebind_fn)(void *data, enum wlr_log_importance level);

/*
 * Looks at path whenever something may have gone, delay_ms later rather
 * than at once, so that an rm -rf under way finishes before the socket is
 * bound again. When the file there is no longer the one bound (bound),
 * says so once (who: log prefix) and calls rebind(data, level), again
 * every delay_ms until it succeeds. Without inotify (none to be had) it
 * looks every delay_ms instead. NULL (logged) when it can do neither.
 */
struct path_watch *path_watch_create(struct wl_event_loop *loop, const char *path,
	int levels, int delay_ms, struct sock_watch *bound, const char *who,
	path_watch_rebind_fn rebind, void *data);
void path_watch_destroy(struct path_watch *watch); /* NULL is fine */

#endif
