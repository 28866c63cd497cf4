#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "vmm/console.h"
#include "vmm/errmsg.h"
#include "vmm/output.h"

/* Per wakeup, so a flooding guest shares the event loop with everyone. */
#define CONSOLE_READ_BUDGET (64 * 1024)

struct vmm_console {
	struct wl_event_loop *loop;
	char *fifo;
	char *log_path;
	struct output_log log;
	int read_fd;
	/* Our own writer: with it the FIFO never reads end-of-file (which
	 * would wake the loop without end) between two crosvm runs. */
	int write_fd;
	struct wl_event_source *source;
	struct output_stream stream;
};

static void handle_console_line(struct output_stream *st, char *line, void *data) {
	struct vmm_console *c = data;
	output_log_write(&c->log, "console", line);
}

static int handle_console_readable(int fd, uint32_t mask, void *data) {
	struct vmm_console *c = data;
	output_stream_read(&c->stream, CONSOLE_READ_BUDGET);
	return 0;
}

struct vmm_console *vmm_console_create(struct wl_event_loop *loop, const char *dir,
		size_t max_bytes) {
	struct vmm_console *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return NULL;
	}
	c->loop = loop;
	c->read_fd = c->write_fd = -1;
	if (asprintf(&c->fifo, "%s/console.fifo", dir) < 0) {
		c->fifo = NULL;
	}
	if (asprintf(&c->log_path, "%s/serial.log", dir) < 0) {
		c->log_path = NULL;
	}
	if (c->fifo == NULL || c->log_path == NULL) {
		vmm_console_destroy(c);
		return NULL;
	}
	output_log_init(&c->log, c->log_path, max_bytes);
	return c;
}

const char *vmm_console_fifo(const struct vmm_console *c) {
	return c->fifo;
}

const char *vmm_console_log(const struct vmm_console *c) {
	return c->log_path;
}

void vmm_console_set_max(struct vmm_console *c, size_t max_bytes) {
	c->log.max_bytes = max_bytes;
}

bool vmm_console_open(struct vmm_console *c, char *err, size_t errlen) {
	if (c->source != NULL) {
		return true;
	}
	struct stat st;
	if (lstat(c->fifo, &st) == 0 && !S_ISFIFO(st.st_mode)) {
		return errmsg_fail(err, errlen, "%s exists and is not a FIFO", c->fifo);
	}
	if (mkfifo(c->fifo, 0600) < 0 && errno != EEXIST) {
		return errmsg_fail(err, errlen, "cannot create %s: %s", c->fifo, strerror(errno));
	}
	c->read_fd = open(c->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (c->read_fd >= 0) {
		c->write_fd = open(c->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	}
	if (c->read_fd < 0 || c->write_fd < 0 || fstat(c->read_fd, &st) < 0 ||
			!S_ISFIFO(st.st_mode) || st.st_uid != getuid()) {
		int e = errno;
		if (c->read_fd >= 0) {
			close(c->read_fd);
		}
		if (c->write_fd >= 0) {
			close(c->write_fd);
		}
		c->read_fd = c->write_fd = -1;
		return errmsg_fail(err, errlen, "cannot open %s: %s", c->fifo,
			e ? strerror(e) : "not our FIFO");
	}
	output_stream_init(&c->stream, "console", c->read_fd, handle_console_line, c);
	c->source = wl_event_loop_add_fd(c->loop, c->read_fd, WL_EVENT_READABLE,
		handle_console_readable, c);
	if (c->source == NULL) {
		close(c->write_fd);
		output_stream_close(&c->stream);
		c->read_fd = c->write_fd = -1;
		return errmsg_fail(err, errlen, "cannot watch %s", c->fifo);
	}
	return true;
}

void vmm_console_destroy(struct vmm_console *c) {
	if (c == NULL) {
		return;
	}
	if (c->source != NULL) {
		wl_event_source_remove(c->source);
		/* What is already in the pipe still belongs in the log. */
		output_stream_read(&c->stream, 16 * CONSOLE_READ_BUDGET);
		output_stream_close(&c->stream);
		close(c->write_fd);
		unlink(c->fifo);
	}
	output_log_close(&c->log);
	free(c->fifo);
	free(c->log_path);
	free(c);
}
