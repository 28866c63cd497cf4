#ifndef CORDON_COMMON_SOCK_H
#define CORDON_COMMON_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/*
 * Binds and listens on a Unix socket at path, mode 0600 from birth (no
 * window where another user could connect), non-blocking and close-on-exec.
 *
 * A socket file already at path is probed first: one that refuses
 * connections is stale (left by a process that died) and is replaced; one
 * that accepts, or whose backlog is full (EAGAIN), belongs to a live
 * listener and is left alone. Anything that is not a socket is never
 * touched.
 *
 * Returns the fd, with *bound the file made and *replaced whether a stale
 * socket was removed; or -1 with the reason in err and nothing left behind.
 */
int sock_listen(const char *path, int backlog, struct stat *bound, bool *replaced,
	char *err, size_t err_len);

#endif
