#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>
#include <wlr/util/log.h>
#include "compositor/guard/transfer.h"

/* Bigger pipes mean fewer wakeups per megabyte; the kernel may refuse. */
#define TRANSFER_PIPE_SIZE (1024 * 1024)
#define TRANSFER_CHUNK (1024 * 1024)
/* Below this a target's pipe is left as it is (64 KiB by default). */
#define TRANSFER_GROW_OUTPUT (64 * 1024)

struct transfer {
	struct wl_event_loop *loop;
	const struct transfer_impl *impl;
	void *data;
	size_t max_bytes;
	int timeout_ms;

	int in_read;            /* our end of the source's pipe, -1 once done */
	int in_write;           /* the source's end until handed out */
	int out_fd;             /* the target's fd, -1 when none yet */
	int memfd;
	size_t bytes;           /* payload read */
	off_t out_off;          /* payload written */
	bool read_complete;
	bool released;
	bool target_gone;       /* the target closed its end before the release */
	bool finishing;
	bool busy;              /* in a handler that uses t after a callback */
	bool free_later;        /* finished while busy: the handler frees it */

	struct wl_event_source *in_source;
	struct wl_event_source *out_source;
	struct wl_event_source *timer;
	struct wl_event_source *idle;
};

static void transfer_close_fd(int *fd) {
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void transfer_remove_source(struct wl_event_source **source) {
	if (*source != NULL) {
		wl_event_source_remove(*source);
		*source = NULL;
	}
}

/* Stops every source and closes both pipes' ends it holds (not the buffer). */
static void transfer_release_io(struct transfer *t) {
	transfer_remove_source(&t->in_source);
	transfer_remove_source(&t->out_source);
	transfer_remove_source(&t->timer);
	transfer_remove_source(&t->idle);
	/* Closing our read end is what tells a still-writing source EPIPE. */
	transfer_close_fd(&t->in_read);
	transfer_close_fd(&t->in_write);
	transfer_close_fd(&t->out_fd);
}

/* A transfer that failed while being made: what it has goes, no callback runs. */
static struct transfer *transfer_discard(struct transfer *t) {
	transfer_release_io(t);
	transfer_close_fd(&t->memfd);
	free(t);
	return NULL;
}

static void transfer_finish(struct transfer *t, bool delivered, const char *why) {
	if (t->finishing) {
		return;
	}
	t->finishing = true;
	transfer_release_io(t);
	if (!t->read_complete && t->impl->read_done != NULL) {
		t->read_complete = false;
		t->impl->read_done(t, false, why);
	}
	t->impl->finished(t, delivered, why);
	transfer_close_fd(&t->memfd);
	if (t->busy) {
		t->free_later = true;
		return;
	}
	free(t);
}

void transfer_abort(struct transfer *t, const char *why) {
	transfer_finish(t, false, why);
}

static int handle_transfer_out(int fd, uint32_t mask, void *data);

/*
 * A paste's fd is usually the write end of the target's pipe, 64 KiB by
 * default: every 64 KiB would cost a wakeup of cordon and of the reader.
 * Grow it (never shrink it) for a big payload; anything else is left alone.
 */
static void transfer_grow_output(struct transfer *t) {
	if (t->bytes - (size_t)t->out_off <= TRANSFER_GROW_OUTPUT) {
		return;
	}
	int size = fcntl(t->out_fd, F_GETPIPE_SZ);
	if (size > 0 && size < TRANSFER_PIPE_SIZE) {
		fcntl(t->out_fd, F_SETPIPE_SZ, TRANSFER_PIPE_SIZE);
	}
}

static void transfer_start_writing(struct transfer *t) {
	if (!t->read_complete || !t->released || t->out_fd < 0 || t->finishing) {
		return;
	}
	transfer_remove_source(&t->out_source);
	if ((off_t)t->bytes == t->out_off) {
		transfer_finish(t, true, NULL);
		return;
	}
	transfer_grow_output(t);
	t->out_source = wl_event_loop_add_fd(t->loop, t->out_fd, WL_EVENT_WRITABLE,
		handle_transfer_out, t);
	if (t->out_source == NULL) {
		transfer_finish(t, false, "cannot watch the target");
	}
}

static int handle_transfer_out(int fd, uint32_t mask, void *data) {
	struct transfer *t = data;
	if (!t->read_complete || !t->released) {
		/* Only watched for errors so far: the target gave up early. */
		if (!(mask & (WL_EVENT_ERROR | WL_EVENT_HANGUP))) {
			return 0;
		}
		if (t->released || t->impl->target_gone == NULL) {
			transfer_finish(t, false, "the target closed early");
			return 0;
		}
		/* The question stays: the answer may still matter to a retry. */
		transfer_remove_source(&t->out_source);
		transfer_close_fd(&t->out_fd);
		t->target_gone = true;
		t->impl->target_gone(t);
		return 0;
	}
	while ((size_t)t->out_off < t->bytes) {
		size_t left = t->bytes - (size_t)t->out_off;
		ssize_t n = sendfile(t->out_fd, t->memfd, &t->out_off,
			left < TRANSFER_CHUNK ? left : TRANSFER_CHUNK);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				return 0;
			}
			transfer_finish(t, false, errno == EPIPE ?
				"the target closed early" : "cannot write to the target");
			return 0;
		}
		if (n == 0) {
			transfer_finish(t, false, "the target stopped taking data");
			return 0;
		}
	}
	transfer_finish(t, true, NULL);
	return 0;
}

static void transfer_read_finished(struct transfer *t) {
	t->read_complete = true;
	transfer_remove_source(&t->in_source);
	transfer_close_fd(&t->in_read);
	if (!t->released) {
		/*
		 * Everything is in; what is left is waiting for permission (the
		 * user's answer, which has its own timeout). The clock starts
		 * again for the writing once released.
		 */
		wl_event_source_timer_update(t->timer, 0);
	}
	if (t->impl->read_done != NULL) {
		t->impl->read_done(t, true, NULL);
	}
	/* read_done may have released, aborted or kept the transfer waiting. */
}

static int handle_transfer_in(int fd, uint32_t mask, void *data) {
	struct transfer *t = data;
	for (;;) {
		/* One byte past the limit is enough to know it was exceeded. */
		size_t room = t->max_bytes - t->bytes + 1;
		loff_t off = (loff_t)t->bytes;
		ssize_t n = splice(t->in_read, NULL, t->memfd, &off,
			room < TRANSFER_CHUNK ? room : TRANSFER_CHUNK, SPLICE_F_NONBLOCK);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				return 0;
			}
			transfer_finish(t, false, "cannot read from the source");
			return 0;
		}
		if (n == 0) {
			break;
		}
		t->bytes += (size_t)n;
		if (t->bytes > t->max_bytes) {
			transfer_finish(t, false, "the data exceeds max-bytes");
			return 0;
		}
	}
	/* read_done may finish the transfer (secure copy does): t must outlive it. */
	t->busy = true;
	transfer_read_finished(t);
	if (!t->finishing) {
		transfer_start_writing(t);
	}
	t->busy = false;
	if (t->free_later) {
		free(t);
	}
	return 0;
}

static int handle_transfer_timeout(void *data) {
	struct transfer *t = data;
	transfer_finish(t, false, "timed out");
	return 0;
}

static struct transfer *transfer_alloc(struct wl_event_loop *loop,
		const struct transfer_impl *impl, void *data, int timeout_ms) {
	struct transfer *t = calloc(1, sizeof(*t));
	if (t == NULL) {
		wlr_log(WLR_ERROR, "transfer: out of memory");
		return NULL;
	}
	t->loop = loop;
	t->impl = impl;
	t->data = data;
	t->timeout_ms = timeout_ms;
	t->in_read = t->in_write = t->out_fd = t->memfd = -1;
	t->timer = wl_event_loop_add_timer(loop, handle_transfer_timeout, t);
	if (t->timer == NULL) {
		wlr_log(WLR_ERROR, "transfer: cannot create a timer");
		free(t);
		return NULL;
	}
	wl_event_source_timer_update(t->timer, timeout_ms);
	return t;
}

struct transfer *transfer_create(struct wl_event_loop *loop,
		const struct transfer_impl *impl, void *data, size_t max_bytes, int timeout_ms) {
	struct transfer *t = transfer_alloc(loop, impl, data, timeout_ms);
	if (t == NULL) {
		return NULL;
	}
	t->max_bytes = max_bytes;
	int fds[2];
	t->memfd = memfd_create("cordon-clipboard", MFD_CLOEXEC);
	if (t->memfd < 0 || pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		wlr_log_errno(WLR_ERROR, "transfer: cannot create its buffers");
		return transfer_discard(t);
	}
	t->in_read = fds[0];
	t->in_write = fds[1];
	fcntl(t->in_read, F_SETPIPE_SZ, TRANSFER_PIPE_SIZE);
	/* The source's end blocks like any pipe a client would expect. */
	fcntl(t->in_write, F_SETFL, fcntl(t->in_write, F_GETFL) & ~O_NONBLOCK);
	t->in_source = wl_event_loop_add_fd(loop, t->in_read, WL_EVENT_READABLE,
		handle_transfer_in, t);
	if (t->in_source == NULL) {
		wlr_log(WLR_ERROR, "transfer: cannot watch the source");
		return transfer_discard(t);
	}
	return t;
}

static void handle_transfer_idle_start(void *data) {
	struct transfer *t = data;
	t->idle = NULL;
	transfer_start_writing(t);
}

struct transfer *transfer_create_from_memfd(struct wl_event_loop *loop,
		const struct transfer_impl *impl, void *data, int memfd, size_t len,
		int timeout_ms) {
	struct transfer *t = transfer_alloc(loop, impl, data, timeout_ms);
	if (t == NULL) {
		return NULL;
	}
	t->memfd = fcntl(memfd, F_DUPFD_CLOEXEC, 0);
	if (t->memfd < 0) {
		wlr_log_errno(WLR_ERROR, "transfer: cannot duplicate its buffer");
		return transfer_discard(t);
	}
	t->bytes = len;
	t->max_bytes = len;
	t->read_complete = true;
	t->released = true;
	return t;
}

int transfer_take_input_fd(struct transfer *t) {
	int fd = t->in_write;
	t->in_write = -1;
	return fd;
}

void transfer_set_output(struct transfer *t, int fd) {
	transfer_close_fd(&t->out_fd);
	t->out_fd = fd;
	if (fd < 0) {
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (t->read_complete && t->released) {
		/* Start from the loop, so callers never see finished() re-entrantly. */
		t->idle = wl_event_loop_add_idle(t->loop, handle_transfer_idle_start, t);
		return;
	}
	/* Mask 0 still reports errors: a target that gives up is noticed early. */
	t->out_source = wl_event_loop_add_fd(t->loop, fd, 0, handle_transfer_out, t);
}

void transfer_release(struct transfer *t) {
	if (t->target_gone) {
		transfer_finish(t, false, "the target stopped waiting");
		return;
	}
	if (!t->released && t->read_complete) {
		wl_event_source_timer_update(t->timer, t->timeout_ms);
	}
	t->released = true;
	transfer_start_writing(t);
}

void *transfer_data(struct transfer *t) {
	return t->data;
}

size_t transfer_bytes(struct transfer *t) {
	return t->bytes;
}

bool transfer_target_gone(struct transfer *t) {
	return t->target_gone;
}

int transfer_steal_memfd(struct transfer *t, size_t *len) {
	int fd = t->memfd;
	*len = t->bytes;
	t->memfd = -1;
	t->bytes = 0;
	return fd;
}
