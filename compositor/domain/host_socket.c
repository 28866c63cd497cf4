#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "compositor/accept.h"
#include "compositor/domain/host_socket.h"
#include "compositor/util.h"

/* libwayland tries as many names; more would be a runaway. */
#define HOST_SOCKET_NAMES 32

struct host_socket {
	struct wl_display *display;
	char name[32];
	char path[sizeof(((struct sockaddr_un *)NULL)->sun_path)];
	char lock_path[sizeof(((struct sockaddr_un *)NULL)->sun_path) + 5];
	int fd, lock_fd;
	dev_t dev;
	ino_t ino;
	struct wl_event_source *source;
	struct accept_pace pace; /* accept that pauses when out of room */
};

static int handle_accept(int fd, uint32_t mask, void *data) {
	struct host_socket *hs = data;
	int client_fd = accept_pace_accept(&hs->pace, fd, SOCK_CLOEXEC);
	if (client_fd < 0) {
		return 0;
	}
	/* Tagged as host lazily, by domain_of_client, like any host client. */
	if (wl_client_create(hs->display, client_fd) == NULL) {
		wlr_log_errno(WLR_ERROR, "wl_client_create for a host client failed");
		close(client_fd);
		return 0;
	}
	accept_pace_done(&hs->pace);
	return 0;
}

/*
 * Claims wayland-n: its lock file, held with flock for cordon's life, says
 * the name is taken; a socket file without a held lock is a dead
 * compositor's and is replaced.
 */
static bool host_socket_claim(struct host_socket *hs, const char *runtime, int n) {
	snprintf(hs->name, sizeof(hs->name), "wayland-%d", n);
	int len = snprintf(hs->path, sizeof(hs->path), "%s/%s", runtime, hs->name);
	if (len < 0 || (size_t)len >= sizeof(hs->path)) {
		wlr_log(WLR_ERROR, "XDG_RUNTIME_DIR %s is too long for a socket path", runtime);
		return false;
	}
	snprintf(hs->lock_path, sizeof(hs->lock_path), "%s.lock", hs->path);
	hs->lock_fd = open(hs->lock_path, O_CREAT | O_CLOEXEC | O_RDWR | O_NOFOLLOW,
		0660);
	if (hs->lock_fd < 0) {
		wlr_log_errno(WLR_ERROR, "cannot open %s", hs->lock_path);
		return false;
	}
	if (flock(hs->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		close(hs->lock_fd);
		hs->lock_fd = -1;
		return false;
	}
	struct stat st;
	if (lstat(hs->path, &st) == 0) {
		unlink(hs->path);
	}
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	memcpy(addr.sun_path, hs->path, (size_t)len + 1);
	hs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (hs->fd < 0 || bind(hs->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
			listen(hs->fd, 128) < 0 || lstat(hs->path, &st) < 0) {
		wlr_log_errno(WLR_ERROR, "cannot listen on %s", hs->path);
		if (hs->fd >= 0) {
			close(hs->fd);
			hs->fd = -1;
		}
		unlink(hs->lock_path);
		close(hs->lock_fd);
		hs->lock_fd = -1;
		return false;
	}
	hs->dev = st.st_dev;
	hs->ino = st.st_ino;
	return true;
}

struct host_socket *host_socket_create(struct wl_display *display) {
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	if (runtime == NULL || runtime[0] != '/') {
		wlr_log(WLR_ERROR, "XDG_RUNTIME_DIR is not set to an absolute path");
		return NULL;
	}
	struct host_socket *hs = calloc(1, sizeof(*hs));
	if (hs == NULL) {
		wlr_log(WLR_ERROR, "out of memory for the host socket");
		return NULL;
	}
	hs->display = display;
	hs->fd = hs->lock_fd = -1;
	bool claimed = false;
	for (int n = 0; n < HOST_SOCKET_NAMES && !claimed; n++) {
		claimed = host_socket_claim(hs, runtime, n);
	}
	if (!claimed) {
		wlr_log(WLR_ERROR, "no free wayland-0 to wayland-%d in %s",
			HOST_SOCKET_NAMES - 1, runtime);
		free(hs);
		return NULL;
	}
	struct wl_event_loop *loop = wl_display_get_event_loop(display);
	hs->source = wl_event_loop_add_fd(loop, hs->fd, WL_EVENT_READABLE, handle_accept, hs);
	hs->pace = (struct accept_pace){
		.listen = hs->source, .who = "host socket", .what = "host clients",
		.path = hs->path,
	};
	if (hs->source == NULL || !accept_pace_init(&hs->pace, loop)) {
		wlr_log(WLR_ERROR, "cannot watch %s", hs->path);
		host_socket_destroy(hs);
		return NULL;
	}
	return hs;
}

const char *host_socket_name(const struct host_socket *hs) {
	return hs->name;
}

void host_socket_destroy(struct host_socket *hs) {
	if (hs == NULL) {
		return;
	}
	if (hs->source != NULL) {
		wl_event_source_remove(hs->source);
	}
	accept_pace_finish(&hs->pace);
	struct stat st;
	if (lstat(hs->path, &st) == 0 && st.st_dev == hs->dev && st.st_ino == hs->ino) {
		unlink(hs->path);
	}
	close(hs->fd);
	/* The lock file goes while still locked, so nobody takes a half-gone name. */
	unlink(hs->lock_path);
	close(hs->lock_fd);
	free(hs);
}
