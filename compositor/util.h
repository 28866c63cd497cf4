#ifndef CORDON_UTIL_H
#define CORDON_UTIL_H

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/stat.h>
#include <wlr/util/log.h>
#include "common/listener.h"
#include "common/sock.h"

/*
 * A lifecycle invariant (sway's sway_assert): logged with where it broke;
 * a debug build (the tests, the sanitizer build) aborts so the bug cannot
 * pass unseen, a release build goes on. Returns cond so the caller can
 * bail out.
 */
#define INVARIANT(cond, what) invariant_check((cond), (what), __FILE__, __LINE__)
static inline bool invariant_check(bool cond, const char *what, const char *file,
		int line) {
	if (!cond) {
		wlr_log(WLR_ERROR, "%s:%d: invariant broken: %s", file, line, what);
#ifndef NDEBUG
		abort();
#endif
	}
	return cond;
}

/*
 * sock_listen with its refusal logged at level as "who: why" (a socket
 * reached again after it was removed retries quietly) and a replaced stale
 * socket said once. Returns the fd or -1.
 */
static inline int listen_logged(const char *who, const char *path, int backlog,
		struct stat *bound, enum wlr_log_importance level) {
	char err[256];
	bool replaced;
	int fd = sock_listen(path, backlog, bound, &replaced, err, sizeof(err));
	if (fd < 0) {
		wlr_log(level, "%s: %s", who, err);
	} else if (replaced) {
		wlr_log(WLR_INFO, "%s: replaced the stale socket %s", who, path);
	}
	return fd;
}

/*
 * Whether n more descriptors can be had now, so that a connection is only
 * accepted when it can also be served: wl_client_create and
 * wl_event_loop_add_fd dup the accepted fd, and a connection accepted and
 * then dropped for want of that second descriptor is lost for good, while
 * one left in the backlog waits. errno says why not.
 */
static inline bool fd_room(int fd, int n) {
	int fds[4];
	int got = 0;
	bool ok = true;
	while (got < n && got < 4) {
		fds[got] = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (fds[got] < 0) {
			ok = false;
			break;
		}
		got++;
	}
	int err = errno;
	while (got > 0) {
		close(fds[--got]);
	}
	errno = err;
	return ok;
}

#endif
