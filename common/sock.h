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

/*
 * The socket file a listener bound, watched so that one removed under it
 * (rm -rf of the runtime directory, a cleanup script) is bound again at
 * the same path, and so teardown never removes a successor's file.
 */
struct sock_watch {
	dev_t dev;
	ino_t ino;
	bool lost; /* gone and not bound again yet */
};

/* Remembers st as the file bound; nothing is lost. */
void sock_watch_bound(struct sock_watch *watch, const struct stat *st);
/* Whether the file at path is the one bound. */
bool sock_watch_is_ours(const struct sock_watch *watch, const char *path);
/*
 * Whether the file at path is still the one bound. When it is not, the
 * caller binds it again; *first says whether it just went (say so, and
 * why a rebind fails) or an earlier rebind failed already (quietly now).
 */
bool sock_watch_check(struct sock_watch *watch, const char *path, bool *first);

#endif
