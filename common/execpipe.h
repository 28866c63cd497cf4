#ifndef CORDON_COMMON_EXECPIPE_H
#define CORDON_COMMON_EXECPIPE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>

/*
 * The parent's end of an exec-report pipe: the child holds the write end
 * close-on-exec and writes a report (an errno, a stage) only when its exec
 * fails. Reads that report, retrying a read a signal cut short, and closes
 * fd. True with the report in buf when a whole one came; false at EOF (the
 * exec went through) or on a short or failed read.
 *
 * Header-only and async-signal-safe: the guest agent, which links nothing,
 * and a keeper between fork and exec use it too.
 */
static inline bool execpipe_failed(int fd, void *buf, size_t len) {
	ssize_t n;
	do {
		n = read(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	close(fd);
	return n == (ssize_t)len;
}

#endif
