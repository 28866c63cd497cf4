#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "vmm/output.h"

/* Length of the well-formed UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n, uint32_t *cp) {
	size_t len;
	uint32_t min;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2, min = 0x80, *cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3, min = 0x800, *cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4, min = 0x10000, *cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n) {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			return 0;
		}
		*cp = *cp << 6 | (p[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) {
		return 0;
	}
	return len;
}

/* C1 controls and the bidi controls that reorder what a terminal shows. */
static bool unsafe_code_point(uint32_t cp) {
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
		(cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void output_sanitize(char *line, size_t len) {
	unsigned char *p = (unsigned char *)line;
	for (size_t i = 0; i < len; ) {
		uint32_t cp;
		size_t n = utf8_len(p + i, len - i, &cp);
		if (n == 0) {
			/* A stray byte: a raw C1 control in an 8-bit terminal. */
			p[i++] = '?';
			continue;
		}
		if ((cp < 0x20 && cp != '\t') || cp == 0x7f || unsafe_code_point(cp)) {
			memset(p + i, '?', n);
		}
		i += n;
	}
}

/* ---- the log file ---- */

void output_log_init(struct output_log *log, const char *path, size_t max_bytes) {
	*log = (struct output_log){ .path = path, .max_bytes = max_bytes, .fd = -1 };
}

static void log_open(struct output_log *log) {
	log->fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		O_NOFOLLOW | O_NOCTTY, 0600);
	if (log->fd < 0) {
		return;
	}
	struct stat st;
	log->size = fstat(log->fd, &st) == 0 ? (size_t)st.st_size : 0;
}

/*
 * A guest can print without end and $XDG_RUNTIME_DIR is a small tmpfs, so
 * the file is rotated to PATH.1 past max_bytes: at most twice that in all.
 */
static void log_rotate(struct output_log *log) {
	char *old = NULL;
	if (asprintf(&old, "%s.1", log->path) < 0) {
		return;
	}
	close(log->fd);
	log->fd = -1;
	if (rename(log->path, old) < 0) {
		unlink(log->path);
	}
	free(old);
	log_open(log);
}

/* False the first time in a row that a line could not be written. */
static bool log_failed(struct output_log *log) {
	if (log->failing) {
		return true;
	}
	log->failing = true;
	return false;
}

/*
 * Writes text whole into the current file. A full disk or a file size
 * limit (EFBIG; SIGXFSZ is ignored) gets one rotation, which frees the old
 * PATH.1 and starts an empty file, and one more try.
 */
static bool log_put(struct output_log *log, const char *text, size_t len) {
	for (int attempt = 0; attempt < 2; attempt++) {
		if (log->fd < 0) {
			log_open(log);
		}
		if (log->fd < 0) {
			return false;
		}
		ssize_t n = write(log->fd, text, len);
		if (n > 0) {
			log->size += (size_t)n;
		}
		if (n == (ssize_t)len) {
			return true;
		}
		if (n >= 0) {
			/* Cut short by the limit; the next write says why. */
			errno = EFBIG;
		}
		if (errno != EFBIG && errno != ENOSPC) {
			return false;
		}
		if (attempt == 0) {
			int err = errno;
			log_rotate(log);
			errno = err;
		}
	}
	return false;
}

bool output_log_write(struct output_log *log, const char *stream, const char *line) {
	if (!log->path) {
		return true;
	}
	if (log->fd < 0) {
		log_open(log);
		if (log->fd < 0) {
			return log_failed(log);
		}
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	char stamp[32] = "";
	if (localtime_r(&ts.tv_sec, &tm)) {
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	}
	char *text = NULL;
	int len = asprintf(&text, "%s.%03ld %s: %s\n", stamp, ts.tv_nsec / 1000000,
		stream, line);
	if (len < 0) {
		return true; /* out of memory: this line is lost, the log is not */
	}
	if (log->size + (size_t)len > log->max_bytes) {
		log_rotate(log);
	}
	bool ok = log_put(log, text, (size_t)len);
	int err = errno;
	free(text);
	if (ok) {
		log->failing = false;
		return true;
	}
	errno = err;
	return log_failed(log);
}

void output_log_close(struct output_log *log) {
	if (log->fd >= 0) {
		close(log->fd);
	}
	log->fd = -1;
	log->failing = false;
}

/* ---- streams ---- */

void output_stream_init(struct output_stream *st, const char *name, int fd,
		output_line_fn line, void *data) {
	st->name = name;
	st->fd = fd;
	st->source = NULL;
	st->line = line;
	st->data = data;
	st->len = 0;
}

static void emit(struct output_stream *st, char *line, size_t len) {
	if (len > 0 && line[len - 1] == '\r') {
		len--;
	}
	line[len] = '\0';
	output_sanitize(line, len);
	st->line(st, line, st->data);
}

static void split(struct output_stream *st) {
	size_t start = 0;
	for (size_t i = 0; i < st->len; i++) {
		if (st->buf[i] == '\n') {
			emit(st, st->buf + start, i - start);
			start = i + 1;
		}
	}
	if (start > 0) {
		memmove(st->buf, st->buf + start, st->len - start);
		st->len -= start;
	}
	if (st->len == OUTPUT_LINE_MAX) {
		emit(st, st->buf, st->len);
		st->len = 0;
	}
}

bool output_stream_read(struct output_stream *st, size_t budget) {
	if (st->fd < 0) {
		return false;
	}
	while (budget > 0) {
		ssize_t n = read(st->fd, st->buf + st->len, OUTPUT_LINE_MAX - st->len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return errno == EAGAIN;
		}
		if (n == 0) {
			return false;
		}
		st->len += (size_t)n;
		budget = (size_t)n >= budget ? 0 : budget - (size_t)n;
		split(st);
	}
	return true;
}

void output_stream_close(struct output_stream *st) {
	if (st->len > 0) {
		emit(st, st->buf, st->len);
		st->len = 0;
	}
	if (st->fd >= 0) {
		close(st->fd);
		st->fd = -1;
	}
}
