#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "common/sock.h"

/* 1: removed or nothing there, 0: refused (err says why). */
static int sock_remove_stale(const char *path, const struct sockaddr_un *addr,
		bool *replaced, char *err, size_t err_len) {
	struct stat st;
	if (lstat(path, &st) < 0) {
		if (errno == ENOENT) {
			return 1;
		}
		snprintf(err, err_len, "cannot stat %s: %s", path, strerror(errno));
		return 0;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, err_len, "%s exists and is not a socket; not replacing it", path);
		return 0;
	}
	/*
	 * A probe of its own, non-blocking: a live listener with a full
	 * backlog says EAGAIN (EINPROGRESS on some kernels), which is not
	 * stale. Only ECONNREFUSED means nobody listens.
	 */
	int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (probe < 0) {
		snprintf(err, err_len, "socket() to probe %s: %s", path, strerror(errno));
		return 0;
	}
	int ret = connect(probe, (const struct sockaddr *)addr, sizeof(*addr));
	int e = errno;
	close(probe);
	if (ret == 0 || e == EAGAIN || e == EINPROGRESS) {
		snprintf(err, err_len, "socket %s is in use by another process", path);
		return 0;
	}
	if (e != ECONNREFUSED) {
		snprintf(err, err_len, "cannot probe the existing socket %s: %s", path,
			strerror(e));
		return 0;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, err_len, "cannot remove the stale socket %s: %s", path,
			strerror(errno));
		return 0;
	}
	*replaced = true;
	return 1;
}

int sock_listen(const char *path, int backlog, struct stat *bound, bool *replaced,
		char *err, size_t err_len) {
	*replaced = false;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(addr.sun_path)) {
		snprintf(err, err_len, "socket path %s is too long (%zu bytes, limit %zu)",
			path, strlen(path), sizeof(addr.sun_path) - 1);
		return -1;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (!sock_remove_stale(path, &addr, replaced, err, err_len)) {
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, err_len, "socket() for %s: %s", path, strerror(errno));
		return -1;
	}
	mode_t old_umask = umask(0177);
	int ret = bind(fd, (const struct sockaddr *)&addr, sizeof(addr));
	int e = errno;
	umask(old_umask);
	if (ret < 0) {
		snprintf(err, err_len, "cannot bind %s: %s", path, strerror(e));
		close(fd);
		return -1;
	}
	if (lstat(path, bound) < 0) {
		snprintf(err, err_len, "cannot stat %s: %s", path, strerror(errno));
	} else if (listen(fd, backlog) < 0) {
		snprintf(err, err_len, "cannot listen on %s: %s", path, strerror(errno));
	} else {
		return fd;
	}
	unlink(path);
	close(fd);
	return -1;
}

void sock_watch_bound(struct sock_watch *watch, const struct stat *st) {
	watch->dev = st->st_dev;
	watch->ino = st->st_ino;
	watch->lost = false;
}

bool sock_watch_is_ours(const struct sock_watch *watch, const char *path) {
	struct stat st;
	return lstat(path, &st) == 0 && st.st_dev == watch->dev && st.st_ino == watch->ino;
}

bool sock_watch_check(struct sock_watch *watch, const char *path, bool *first) {
	if (sock_watch_is_ours(watch, path)) {
		return true;
	}
	*first = !watch->lost;
	watch->lost = true;
	return false;
}
