#ifndef CORDON_VMM_OUTPUT_H
#define CORDON_VMM_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A child's output, line by line, and the per-domain log file it goes to.
 * No event loop in here: the supervisor owns the fd sources and calls
 * output_stream_read() from them, so its re-entrancy guard covers the line
 * callbacks.
 */

#define OUTPUT_LINE_MAX 4096   /* longer lines are split */

/* An append-only log file, rotated to PATH.1 past max_bytes. */
struct output_log {
	const char *path;     /* borrowed; NULL: no log */
	size_t max_bytes;
	int fd;
	size_t size;
	bool failing;         /* the last line could not be written: said once */
};

void output_log_init(struct output_log *log, const char *path, size_t max_bytes);
/*
 * Appends "2024-01-02T03:04:05.678 STREAM: LINE". A line that does not fit
 * (full disk, file size limit) rotates the file and is tried once more.
 * Returns false (errno set) only for the first line in a row that could not
 * be opened or written, so the caller can say so once; the next line is
 * tried again, so the log resumes when there is room.
 */
bool output_log_write(struct output_log *log, const char *stream, const char *line);
void output_log_close(struct output_log *log);

struct output_stream;
/* line is NUL-terminated, sanitised, without its newline; it may be modified. */
typedef void (*output_line_fn)(struct output_stream *st, char *line, void *data);

struct output_stream {
	const char *name;     /* "stdout", "stderr", … */
	int fd;               /* read end, non-blocking; -1 when closed */
	void *source;         /* for the owner: its wl_event_source */
	output_line_fn line;
	void *data;
	size_t len;
	char buf[OUTPUT_LINE_MAX + 1];
};

void output_stream_init(struct output_stream *st, const char *name, int fd,
	output_line_fn line, void *data);
/* Reads up to budget bytes; false at end of file or on an error. */
bool output_stream_read(struct output_stream *st, size_t budget);
/* Passes on a partial last line and closes the fd. */
void output_stream_close(struct output_stream *st);

/*
 * Makes line safe to print, in place and at the same length: control
 * characters (but tab), DEL, C1 controls (U+0080..U+009F), bidi controls
 * (U+061C, U+200E/F, U+202A..E, U+2066..9) and every byte that is not part
 * of well-formed UTF-8 become '?' (one per byte), so a guest cannot put
 * escape sequences into a log or a terminal, or reorder a line.
 */
void output_sanitize(char *line, size_t len);

#endif
