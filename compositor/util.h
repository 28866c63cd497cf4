#ifndef CORDON_UTIL_H
#define CORDON_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>
#include "common/listener.h"

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
