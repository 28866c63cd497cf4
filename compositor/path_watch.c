#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "common/sock.h"
#include "compositor/path_watch.h"

#define PATH_WATCH_LEVELS 4
#define PATH_WATCH_MASK (IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF | \
	IN_ONLYDIR | IN_EXCL_UNLINK)

struct path_watch {
	int fd;                         /* inotify, or -1: looking every delay_ms */
	struct wl_event_source *source;
	char *path;
	int levels;
	int wd[PATH_WATCH_LEVELS];
	struct wl_event_source *timer;  /* looks at the path */
	int delay_ms;
	struct sock_watch *bound;
	const char *who;
	path_watch_rebind_fn rebind;
	void *data;
};

/*
 * Watches the directories that are at the path's places now (after they
 * were made again). False when one could not be watched (it may not
 * exist yet).
 */
static bool path_watch_rearm(struct path_watch *watch) {
	char dir[PATH_MAX];
	size_t len = strlen(watch->path);
	if (len >= sizeof(dir)) {
		return false;
	}
	memcpy(dir, watch->path, len + 1);
	/* The same directory keeps its wd: adding it again changes nothing. */
	int wd[PATH_WATCH_LEVELS];
	bool ok = true;
	for (int i = 0; i < watch->levels; i++) {
		wd[i] = -1;
	}
	for (int i = 0; i < watch->levels; i++) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL) {
			break;
		}
		if (slash == dir) {
			slash[1] = '\0';
		} else {
			*slash = '\0';
		}
		wd[i] = inotify_add_watch(watch->fd, dir, PATH_WATCH_MASK);
		if (wd[i] < 0) {
			ok = false;
		}
		if (slash == dir) {
			break;
		}
	}
	/* A directory moved away is watched no more (its wd is not reused). */
	for (int i = 0; i < watch->levels; i++) {
		bool kept = watch->wd[i] < 0;
		for (int j = 0; j < watch->levels && !kept; j++) {
			kept = wd[j] == watch->wd[i];
		}
		if (!kept) {
			/* One gone with its directory already: EINVAL, harmless. */
			inotify_rm_watch(watch->fd, watch->wd[i]);
		}
	}
	memcpy(watch->wd, wd, sizeof(wd[0]) * (size_t)watch->levels);
	return ok;
}

static int handle_path_watch_event(int fd, uint32_t mask, void *data) {
	struct path_watch *watch = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			/* IN_IGNORED alone is a watch going away (rearm's own doing). */
			changed |= (ev->mask & ~(uint32_t)IN_IGNORED) != 0;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (changed) {
		wl_event_source_timer_update(watch->timer, watch->delay_ms);
		path_watch_rearm(watch);
	}
	return 0;
}

/*
 * After a look the timer runs again in delay_ms only while the socket is
 * still lost or the directories cannot be watched (or there is no
 * inotify); otherwise inotify wakes it next.
 */
static int handle_path_watch_timer(void *data) {
	struct path_watch *watch = data;
	bool first;
	if (!sock_watch_check(watch->bound, watch->path, &first)) {
		if (first) {
			wlr_log(WLR_ERROR, "%s: socket %s was removed; binding it again",
				watch->who, watch->path);
		}
		watch->rebind(watch->data, first ? WLR_ERROR : WLR_DEBUG);
	}
	if (watch->bound->lost || watch->fd < 0 || !path_watch_rearm(watch)) {
		wl_event_source_timer_update(watch->timer, watch->delay_ms);
	}
	return 0;
}

/* inotify on the path's directories; false (logged) when there is none. */
static bool path_watch_start_inotify(struct path_watch *watch, struct wl_event_loop *loop) {
	watch->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (watch->fd < 0) {
		wlr_log_errno(WLR_ERROR, "path watch %s: inotify", watch->path);
		return false;
	}
	watch->source = wl_event_loop_add_fd(loop, watch->fd, WL_EVENT_READABLE,
		handle_path_watch_event, watch);
	if (watch->source == NULL) {
		wlr_log(WLR_ERROR, "path watch %s: cannot add inotify to the event loop",
			watch->path);
		close(watch->fd);
		watch->fd = -1;
		return false;
	}
	path_watch_rearm(watch);
	return true;
}

struct path_watch *path_watch_create(struct wl_event_loop *loop, const char *path,
		int levels, int delay_ms, struct sock_watch *bound, const char *who,
		path_watch_rebind_fn rebind, void *data) {
	struct path_watch *watch = calloc(1, sizeof(*watch));
	if (watch == NULL || (watch->path = strdup(path)) == NULL) {
		wlr_log(WLR_ERROR, "path watch %s: out of memory", path);
		free(watch);
		return NULL;
	}
	watch->fd = -1;
	watch->levels = levels < 1 ? 1 : levels > PATH_WATCH_LEVELS ? PATH_WATCH_LEVELS : levels;
	for (int i = 0; i < PATH_WATCH_LEVELS; i++) {
		watch->wd[i] = -1;
	}
	watch->delay_ms = delay_ms;
	watch->bound = bound;
	watch->who = who;
	watch->rebind = rebind;
	watch->data = data;
	watch->timer = wl_event_loop_add_timer(loop, handle_path_watch_timer, watch);
	if (watch->timer == NULL) {
		wlr_log(WLR_ERROR, "path watch %s: cannot create a timer", path);
		path_watch_destroy(watch);
		return NULL;
	}
	/* Without inotify: a look every delay_ms, as the timer's handler goes on. */
	if (!path_watch_start_inotify(watch, loop) &&
			wl_event_source_timer_update(watch->timer, delay_ms) < 0) {
		wlr_log(WLR_ERROR, "path watch %s: cannot arm its timer", path);
		path_watch_destroy(watch);
		return NULL;
	}
	return watch;
}

void path_watch_destroy(struct path_watch *watch) {
	if (watch == NULL) {
		return;
	}
	if (watch->source != NULL) {
		wl_event_source_remove(watch->source);
	}
	if (watch->timer != NULL) {
		wl_event_source_remove(watch->timer);
	}
	if (watch->fd >= 0) {
		close(watch->fd);
	}
	free(watch->path);
	free(watch);
}
