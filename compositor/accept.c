#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "compositor/accept.h"
#include "compositor/util.h"

bool accept_out_of_room(int err) {
	return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

static int handle_accept_resume(void *data) {
	struct accept_pace *pace = data;
	wl_event_source_fd_update(pace->listen, WL_EVENT_READABLE);
	return 0;
}

bool accept_pace_init(struct accept_pace *pace, struct wl_event_loop *loop) {
	pace->timer = wl_event_loop_add_timer(loop, handle_accept_resume, pace);
	return pace->timer != NULL;
}

void accept_pace_finish(struct accept_pace *pace) {
	if (pace->timer != NULL) {
		wl_event_source_remove(pace->timer);
		pace->timer = NULL;
	}
}

void accept_pace_pause(struct accept_pace *pace, int err) {
	if (!pace->failing) {
		errno = err;
		wlr_log_errno(WLR_ERROR, "%s: cannot accept on %s; new %s wait until cordon "
			"has room", pace->who, pace->path, pace->what);
		pace->failing = true;
	}
	wl_event_source_fd_update(pace->listen, 0);
	wl_event_source_timer_update(pace->timer, ACCEPT_PAUSE_MS);
}

int accept_pace_accept(struct accept_pace *pace, int fd, int flags) {
	/* The connection's fd and the loop's dup of it. */
	if (!fd_room(fd, 2)) {
		accept_pace_pause(pace, errno);
		return -1;
	}
	int client = accept4(fd, NULL, NULL, flags);
	if (client < 0) {
		int err = errno;
		if (accept_out_of_room(err)) {
			accept_pace_pause(pace, err);
		} else if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR &&
				err != ECONNABORTED) {
			errno = err;
			wlr_log_errno(WLR_ERROR, "%s: accept on %s failed", pace->who, pace->path);
		}
	}
	return client;
}

void accept_pace_done(struct accept_pace *pace) {
	if (pace->failing) {
		wlr_log(WLR_INFO, "%s: accepting %s on %s again", pace->who, pace->what,
			pace->path);
		pace->failing = false;
	}
}

bool accept_pace_rebind(struct accept_pace *pace, struct wl_event_loop *loop, int fd,
		int *listen_fd, struct wl_event_source **source, wl_event_loop_fd_func_t handler,
		void *data, enum wlr_log_importance level) {
	struct wl_event_source *listen = wl_event_loop_add_fd(loop, fd, WL_EVENT_READABLE,
		handler, data);
	if (listen == NULL) {
		wlr_log(level, "%s: cannot watch %s", pace->who, pace->path);
		unlink(pace->path);
		close(fd);
		return false;
	}
	wl_event_source_remove(*source);
	close(*listen_fd);
	*source = listen;
	*listen_fd = fd;
	/* A paused accept resumes with the new socket. */
	pace->listen = listen;
	pace->failing = false;
	wl_event_source_timer_update(pace->timer, 0);
	wlr_log(WLR_INFO, "%s: listening on %s again", pace->who, pace->path);
	return true;
}
