/*
 * cordonctl: talks to cordon's IPC socket. One request line out, one reply
 * line back (newline-delimited JSON); "events" then keeps reading. Uses
 * only libc and json-c, so it builds and runs without the compositor's
 * dependencies.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "common/mstime.h"
#include "common/strv.h"
#include "ctl/cordonctl.h"
#include "compositor/guard/sanitize.h"

#define CTL_REPLY_TIMEOUT_MS 10000
/* A reply larger than this is not cordon's. */
#define CTL_MAX_LINE (64 * 1024 * 1024)

struct ctl_subcommand {
	const char *name;
	const char *args;        /* for the usage text */
	const char *help;
	int min_args, max_args;
	/* Builds the request line from the arguments; NULL after a usage
	 * error it has printed. */
	char *(*request)(const struct ctl_subcommand *sub, char **argv);
	/* Prints a successful reply for people; NULL: prints nothing. */
	void (*print)(struct json_object *reply);
	/* Replaces the request/reply exchange (the event stream). */
	int (*run)(struct ctl_conn *conn, const struct ctl_options *options);
};

static volatile sig_atomic_t ctl_interrupted;

static void ctl_handle_signal(int sig) {
	(void)sig;
	ctl_interrupted = 1;
}

/* --- output helpers ------------------------------------------------------ */

/*
 * Window titles come from untrusted clients. cordon sanitises them, but a
 * terminal is the last place an escape sequence can do harm: C0, DEL and
 * C1 controls become '?'.
 */
char *ctl_clean(const char *text) {
	/* Guest and agent text reaches a terminal here: no escape sequence,
	 * C1 control, bidi override or ill-formed byte may pass. */
	return sanitize_text(text ? text : "", SIZE_MAX);
}

/* Columns a UTF-8 string takes, counting one per code point. */
static size_t ctl_width(const char *text) {
	size_t width = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if ((*p & 0xc0) != 0x80) {
			width++;
		}
	}
	return width;
}

/* Cells pushed row by row, the header row first; cleaned when printed. */
struct ctl_table {
	size_t ncols;
	struct strv cells;
};

static void ctl_table_add(struct ctl_table *table, const char *text) {
	strv_push(&table->cells, text);
}

/* Prints aligned columns (the last one unpadded) and frees the table. */
static void ctl_table_print(struct ctl_table *table) {
	struct strv *cells = &table->cells;
	for (size_t i = 0; !cells->failed && i < cells->len; i++) {
		char *clean = ctl_clean(cells->v[i]);
		free(cells->v[i]);
		cells->v[i] = clean;
		cells->failed = clean == NULL;
	}
	size_t *widths = cells->failed ? NULL : calloc(table->ncols, sizeof(*widths));
	if (!widths) {
		fprintf(stderr, "cordonctl: out of memory\n");
	} else {
		for (size_t i = 0; i < cells->len; i++) {
			size_t w = ctl_width(cells->v[i]);
			if (w > widths[i % table->ncols]) {
				widths[i % table->ncols] = w;
			}
		}
		for (size_t i = 0; i < cells->len; i++) {
			size_t col = i % table->ncols;
			fputs(cells->v[i], stdout);
			if (col + 1 == table->ncols) {
				putchar('\n');
			} else {
				size_t pad = widths[col] - ctl_width(cells->v[i]) + 2;
				printf("%*s", (int)pad, "");
			}
		}
		free(widths);
	}
	strv_discard(cells);
}

const char *ctl_str(struct json_object *obj, const char *key) {
	struct json_object *value;
	if (!json_object_object_get_ex(obj, key, &value) ||
			!json_object_is_type(value, json_type_string)) {
		return "-";
	}
	return json_object_get_string(value);
}

int64_t ctl_int(struct json_object *obj, const char *key) {
	return json_object_get_int64(json_object_object_get(obj, key));
}

static bool ctl_bool(struct json_object *obj, const char *key) {
	return json_object_get_boolean(json_object_object_get(obj, key));
}

/* The reply's array under key, or an empty one when it has none. */
size_t ctl_array(struct json_object *reply, const char *key,
		struct json_object **array) {
	*array = json_object_object_get(reply, key);
	if (!json_object_is_type(*array, json_type_array)) {
		return 0;
	}
	return json_object_array_length(*array);
}

/* The strings under each key up to NULL, a cell each. */
static void ctl_table_strs(struct ctl_table *table, struct json_object *obj, ...)
	__attribute__((sentinel));

static void ctl_table_strs(struct ctl_table *table, struct json_object *obj, ...) {
	va_list keys;
	va_start(keys, obj);
	for (const char *key; (key = va_arg(keys, const char *)) != NULL;) {
		ctl_table_add(table, ctl_str(obj, key));
	}
	va_end(keys);
}

/* The integer under key, as a cell. */
static void ctl_table_int(struct ctl_table *table, struct json_object *obj,
		const char *key) {
	strv_pushf(&table->cells, "%" PRId64, ctl_int(obj, key));
}

/* WIDTHxHEIGHT+X+Y of a window or an output. */
static void ctl_table_geometry(struct ctl_table *table, struct json_object *obj) {
	strv_pushf(&table->cells, "%" PRId64 "x%" PRId64 "%+" PRId64 "%+" PRId64,
		ctl_int(obj, "width"), ctl_int(obj, "height"),
		ctl_int(obj, "x"), ctl_int(obj, "y"));
}

/* A table of the reply's array under key: the headers, then row() of each element. */
static void ctl_print_list(struct json_object *reply, const char *key,
		const char *const *headers, size_t ncols,
		void (*row)(struct ctl_table *table, struct json_object *item)) {
	struct ctl_table table = { .ncols = ncols };
	for (size_t i = 0; i < ncols; i++) {
		ctl_table_add(&table, headers[i]);
	}
	struct json_object *list;
	size_t n = ctl_array(reply, key, &list);
	for (size_t i = 0; i < n; i++) {
		row(&table, json_object_array_get_idx(list, i));
	}
	ctl_table_print(&table);
}

#define CTL_PRINT_LIST(reply, key, headers, row) \
	ctl_print_list(reply, key, headers, sizeof(headers) / sizeof(headers[0]), row)

static void ctl_window_row(struct ctl_table *table, struct json_object *win) {
	char flags[64] = "";
	if (ctl_bool(win, "fullscreen")) {
		strcat(flags, "fullscreen,");
	}
	if (ctl_bool(win, "maximized")) {
		strcat(flags, "maximized,");
	}
	if (ctl_bool(win, "urgent")) {
		strcat(flags, "urgent,");
	}
	if (ctl_bool(win, "minimized")) {
		strcat(flags, "minimized,");
	}
	size_t flags_len = strlen(flags);
	if (flags_len > 0) {
		flags[flags_len - 1] = '\0';
	}
	ctl_table_int(table, win, "id");
	ctl_table_add(table, ctl_str(win, "domain"));
	ctl_table_int(table, win, "workspace");
	ctl_table_add(table, ctl_bool(win, "focused") ? "*" : "");
	ctl_table_geometry(table, win);
	ctl_table_add(table, flags_len > 0 ? flags : "-");
	ctl_table_strs(table, win, "app_id", "title", NULL);
}

static void ctl_print_windows(struct json_object *reply) {
	static const char *const headers[] = { "ID", "DOMAIN", "WS", "FOCUS",
		"GEOMETRY", "FLAGS", "APP_ID", "TITLE" };
	CTL_PRINT_LIST(reply, "windows", headers, ctl_window_row);
}

static void ctl_output_row(struct ctl_table *table, struct json_object *out) {
	int64_t mhz = ctl_int(out, "refresh");
	ctl_table_add(table, ctl_str(out, "name"));
	/* An output an idle daemon blanked is still in the layout. */
	bool blanked = strcmp(ctl_str(out, "power"), "off") == 0;
	ctl_table_add(table, !ctl_bool(out, "enabled") ? "no" :
		blanked ? "yes (off)" : "yes");
	ctl_table_geometry(table, out);
	strv_pushf(&table->cells, "%g",
		json_object_get_double(json_object_object_get(out, "scale")));
	ctl_table_add(table, ctl_str(out, "transform"));
	strv_pushf(&table->cells, "%" PRId64 ".%03" PRId64 " Hz", mhz / 1000, mhz % 1000);
	ctl_table_strs(table, out, "make", "model", NULL);
}

static void ctl_print_outputs(struct json_object *reply) {
	static const char *const headers[] = { "NAME", "ENABLED", "GEOMETRY",
		"SCALE", "TRANSFORM", "REFRESH", "MAKE", "MODEL" };
	CTL_PRINT_LIST(reply, "outputs", headers, ctl_output_row);
}

static void ctl_attention_row(struct ctl_table *table, struct json_object *s) {
	ctl_table_strs(table, s, "domain", "kind", NULL);
	ctl_table_int(table, s, "x");
	ctl_table_int(table, s, "y");
	ctl_table_int(table, s, "width");
	ctl_table_int(table, s, "height");
	bool focused = ctl_bool(s, "focused");
	bool host = ctl_bool(s, "host");
	ctl_table_add(table, focused && host ? "focused,host" : focused ? "focused" :
		host ? "host" : "-");
}

/* attention: who owns each visible surface, top of the stack first. */
static void ctl_print_attention(struct json_object *reply) {
	static const char *const headers[] = { "DOMAIN", "KIND", "X", "Y", "WIDTH",
		"HEIGHT", "MARK" };
	CTL_PRINT_LIST(reply, "surfaces", headers, ctl_attention_row);
}

static void ctl_domain_row(struct ctl_table *table, struct json_object *dom) {
	ctl_table_strs(table, dom, "name", "kind", "color", NULL);
	ctl_table_int(table, dom, "trust");
	ctl_table_strs(table, dom, "pattern", "badge", NULL);
	ctl_table_int(table, dom, "clients");
	ctl_table_int(table, dom, "windows");
	struct json_object *state = json_object_object_get(dom, "state");
	if (state == NULL) {
		for (int k = 0; k < 4; k++) {
			ctl_table_add(table, "-");
		}
	} else {
		ctl_table_add(table, json_object_get_string(state));
		if (ctl_int(dom, "pid") > 0) {
			ctl_table_int(table, dom, "pid");
		} else {
			ctl_table_add(table, "-");
		}
		int64_t up = ctl_int(dom, "uptime_ms") / 1000;
		strv_pushf(&table->cells, "%" PRId64 ":%02" PRId64 ":%02" PRId64, up / 3600,
			up / 60 % 60, up % 60);
		ctl_table_int(table, dom, "restarts");
	}
	ctl_table_strs(table, dom, "display", "socket", NULL);
}

static void ctl_print_domains(struct json_object *reply) {
	static const char *const headers[] = { "NAME", "KIND", "COLOR", "TRUST", "PATTERN",
		"BADGE", "CLIENTS", "WINDOWS", "STATE", "PID", "UPTIME", "RESTARTS", "DISPLAY", "SOCKET" };
	CTL_PRINT_LIST(reply, "domains", headers, ctl_domain_row);
}

static void ctl_prompt_row(struct ctl_table *table, struct json_object *p) {
	ctl_table_int(table, p, "id");
	ctl_table_strs(table, p, "from", "to", "mime", NULL);
	if (json_object_object_get(p, "size") != NULL) {
		ctl_table_int(table, p, "size");
	} else {
		ctl_table_add(table, "?");
	}
	ctl_table_add(table, ctl_bool(p, "visible") ? "yes" : "queued");
}

static void ctl_print_prompts(struct json_object *reply) {
	static const char *const headers[] = { "ID", "FROM", "TO", "MIME", "SIZE", "SHOWN" };
	CTL_PRINT_LIST(reply, "prompts", headers, ctl_prompt_row);
}

static void ctl_transfer_row(struct ctl_table *table, struct json_object *t) {
	time_t when = (time_t)ctl_int(t, "time");
	struct tm tm;
	char stamp[32] = "?";
	if (localtime_r(&when, &tm) != NULL) {
		strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	}
	ctl_table_add(table, stamp);
	ctl_table_strs(table, t, "kind", "from", "to", "mime", NULL);
	ctl_table_int(table, t, "bytes");
	ctl_table_strs(table, t, "decision", "result", NULL);
}

static void ctl_grant_row(struct ctl_table *table, struct json_object *g) {
	ctl_table_strs(table, g, "decision", "kind", "from", "to", NULL);
	ctl_table_int(table, g, "uses");
	strv_pushf(&table->cells, "in %" PRId64 " s", (ctl_int(g, "expires_in_ms") + 999) / 1000);
}

static void ctl_print_transfers(struct json_object *reply) {
	static const char *const headers[] = { "TIME", "KIND", "FROM", "TO", "MIME",
		"BYTES", "DECISION", "RESULT" };
	CTL_PRINT_LIST(reply, "transfers", headers, ctl_transfer_row);
	struct json_object *grants;
	if (ctl_array(reply, "grants", &grants) > 0) {
		static const char *const grant_headers[] = { "GRANT", "KIND", "FROM", "TO",
			"USES", "EXPIRES" };
		printf("\n");
		CTL_PRINT_LIST(reply, "grants", grant_headers, ctl_grant_row);
	}
}

static void ctl_print_version(struct json_object *reply) {
	printf("cordon %s\n", ctl_str(reply, "version"));
}

/* --- requests ------------------------------------------------------------ */

char *ctl_json_line(struct json_object *request) {
	char *line = NULL;
	if (request) {
		const char *text = json_object_to_json_string_ext(request,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		line = text ? strdup(text) : NULL;
	}
	json_object_put(request);
	if (!line) {
		fprintf(stderr, "cordonctl: out of memory\n");
	}
	return line;
}

struct json_object *ctl_cmd_object(const char *cmd) {
	struct json_object *request = json_object_new_object();
	struct json_object *name = json_object_new_string(cmd);
	if (!request || !name ||
			json_object_object_add(request, "cmd", name) < 0) {
		json_object_put(name);
		json_object_put(request);
		return NULL;
	}
	return request;
}

/* {"cmd": NAME}: the subcommands without arguments. */
static char *ctl_request_plain(const struct ctl_subcommand *sub, char **argv) {
	return ctl_json_line(ctl_cmd_object(sub->name));
}

/* A window or prompt id: 1 to UINT32_MAX in decimal digits, nothing else. */
static bool ctl_parse_id(const char *arg, uint32_t *id) {
	char *end;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end != '\0' || errno != 0 ||
			v == 0 || v > UINT32_MAX) {
		return false;
	}
	*id = (uint32_t)v;
	return true;
}

static char *ctl_request_focus(const struct ctl_subcommand *sub, char **argv) {
	const char *arg = argv[0];
	uint32_t id;
	if (!ctl_parse_id(arg, &id)) {
		fprintf(stderr, "cordonctl: focus: '%s' is not a window id "
			"(see cordonctl windows)\n", arg);
		return NULL;
	}
	struct json_object *request = ctl_cmd_object(sub->name);
	struct json_object *value = json_object_new_int64((int64_t)id);
	if (!request || !value ||
			json_object_object_add(request, "id", value) < 0) {
		json_object_put(value);
		json_object_put(request);
		request = NULL;
	}
	return ctl_json_line(request);
}

/*
 * The window commands: [ID] then the command's numbers. Without an ID
 * they act on the focused window; the arity tells the two apart.
 */
static const struct {
	const char *cmd;
	const char *fields[2];   /* the numbers it takes, in order */
} ctl_window_cmds[] = {
	{ "move", { "x", "y" } },
	{ "resize", { "width", "height" } },
	{ "to-workspace", { "workspace", NULL } },
	{ "maximize", { NULL, NULL } },
	{ "unmaximize", { NULL, NULL } },
	{ "fullscreen", { NULL, NULL } },
	{ "unfullscreen", { NULL, NULL } },
	{ "close", { NULL, NULL } },
};

static bool ctl_parse_int(const char *cmd, const char *what, const char *arg,
		int64_t min, int64_t max, int64_t *out) {
	char *end;
	errno = 0;
	long long v = strtoll(arg, &end, 10);
	if (arg[0] == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		fprintf(stderr, "cordonctl: %s: '%s' is not %s\n", cmd, arg, what);
		return false;
	}
	*out = v;
	return true;
}

static char *ctl_request_window(const struct ctl_subcommand *sub, char **argv) {
	const char *const *fields = NULL;
	for (size_t i = 0; i < sizeof(ctl_window_cmds) / sizeof(ctl_window_cmds[0]); i++) {
		if (strcmp(ctl_window_cmds[i].cmd, sub->name) == 0) {
			fields = ctl_window_cmds[i].fields;
		}
	}
	int nfields = fields == NULL ? 0 : (fields[0] != NULL) + (fields[1] != NULL);
	int nargs = 0;
	while (argv[nargs] != NULL) {
		nargs++;
	}
	struct json_object *request = ctl_cmd_object(sub->name);
	if (request == NULL) {
		return ctl_json_line(NULL);
	}
	int at = 0;
	int64_t v;
	if (nargs > nfields) {
		if (!ctl_parse_int(sub->name, "a window id (see cordonctl windows)",
				argv[at++], 1, UINT32_MAX, &v)) {
			json_object_put(request);
			return NULL;
		}
		json_object_object_add(request, "id", json_object_new_int64(v));
	}
	for (int i = 0; i < nfields; i++) {
		/* Range checks are cordon's, which knows the outputs and limits. */
		if (!ctl_parse_int(sub->name, "a whole number", argv[at++],
				INT64_MIN, INT64_MAX, &v)) {
			json_object_put(request);
			return NULL;
		}
		json_object_object_add(request, fields[i], json_object_new_int64(v));
	}
	return ctl_json_line(request);
}

/* list: the domains with their state, under the name a launcher user expects. */
static char *ctl_request_list(const struct ctl_subcommand *sub, char **argv) {
	return ctl_json_line(ctl_cmd_object("domains"));
}

/* start/stop/restart NAME: {"cmd": NAME, "name": DOMAIN}. */
static char *ctl_request_name(const struct ctl_subcommand *sub, char **argv) {
	struct json_object *request = ctl_cmd_object(sub->name);
	if (request != NULL &&
			json_object_object_add(request, "name", json_object_new_string(argv[0])) < 0) {
		json_object_put(request);
		request = NULL;
	}
	return ctl_json_line(request);
}

/* allow ID / deny ID: {"cmd":"answer","id":N,"decision":NAME}. */
static char *ctl_request_answer(const struct ctl_subcommand *sub, char **argv) {
	const char *arg = argv[0];
	uint32_t id;
	if (!ctl_parse_id(arg, &id)) {
		fprintf(stderr, "cordonctl: %s: '%s' is not a prompt id "
			"(see cordonctl prompts)\n", sub->name, arg);
		return NULL;
	}
	struct json_object *request = ctl_cmd_object("answer");
	if (request == NULL ||
			json_object_object_add(request, "id", json_object_new_int64((int64_t)id)) < 0 ||
			json_object_object_add(request, "decision",
				json_object_new_string(sub->name)) < 0) {
		json_object_put(request);
		request = NULL;
	}
	return ctl_json_line(request);
}

/* Sent as typed, so cordon's own validation can be tried from a shell. */
static char *ctl_request_raw(const struct ctl_subcommand *sub, char **argv) {
	if (strchr(argv[0], '\n')) {
		fprintf(stderr, "cordonctl: raw: the request must be one line\n");
		return NULL;
	}
	char *line = strdup(argv[0]);
	if (!line) {
		fprintf(stderr, "cordonctl: out of memory\n");
	}
	return line;
}

/* --- the connection ------------------------------------------------------ */

static bool ctl_connect(struct ctl_conn *conn, const char *path) {
	conn->path = path;
	conn->fd = -1;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "cordonctl: socket path %s is too long (limit %zu "
			"bytes)\n", path, sizeof(addr.sun_path) - 1);
		return false;
	}
	strcpy(addr.sun_path, path);
	conn->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (conn->fd < 0) {
		fprintf(stderr, "cordonctl: socket: %s\n", strerror(errno));
		return false;
	}
	if (connect(conn->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "cordonctl: cannot connect to %s: %s\n", path,
			strerror(errno));
		close(conn->fd);
		conn->fd = -1;
		return false;
	}
	return true;
}

static void ctl_disconnect(struct ctl_conn *conn) {
	if (conn->fd >= 0) {
		close(conn->fd);
	}
	free(conn->buf);
}

bool ctl_send_line(struct ctl_conn *conn, const char *line) {
	size_t len = strlen(line);
	char *msg = malloc(len + 1);
	if (!msg) {
		fprintf(stderr, "cordonctl: out of memory\n");
		return false;
	}
	memcpy(msg, line, len);
	msg[len] = '\n';
	size_t done = 0;
	while (done < len + 1) {
		/* MSG_NOSIGNAL: a vanished cordon is an error message, not a
		 * silent death by SIGPIPE. */
		ssize_t n = send(conn->fd, msg + done, len + 1 - done, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR && !ctl_interrupted) {
				continue;
			}
			fprintf(stderr, "cordonctl: sending to %s: %s\n", conn->path,
				strerror(errno));
			free(msg);
			return false;
		}
		done += (size_t)n;
	}
	free(msg);
	return true;
}

enum ctl_read {
	CTL_READ_LINE,
	CTL_READ_EOF,
	CTL_READ_TIMEOUT,
	CTL_READ_INTERRUPTED,
	CTL_READ_ERROR,    /* already reported */
};

/*
 * Reads one line (returned NUL-terminated in *line, valid until the next
 * call) within timeout_ms, or with no limit when timeout_ms < 0.
 */
static enum ctl_read ctl_read_line(struct ctl_conn *conn, int timeout_ms,
		char **line) {
	int64_t deadline = timeout_ms >= 0 ? mstime_now() + timeout_ms : -1;
	size_t scanned = 0;
	if (conn->used > 0) {
		memmove(conn->buf, conn->buf + conn->used, conn->len - conn->used);
		conn->len -= conn->used;
		conn->used = 0;
	}
	for (;;) {
		char *newline = conn->len > scanned ?
			memchr(conn->buf + scanned, '\n', conn->len - scanned) : NULL;
		if (newline) {
			*newline = '\0';
			*line = conn->buf;
			conn->used = (size_t)(newline - conn->buf) + 1;
			return CTL_READ_LINE;
		}
		scanned = conn->len;
		if (ctl_interrupted) {
			return CTL_READ_INTERRUPTED;
		}
		int wait = -1;
		if (deadline >= 0) {
			int64_t left = deadline - mstime_now();
			if (left <= 0) {
				return CTL_READ_TIMEOUT;
			}
			wait = (int)left;
		}
		struct pollfd pfd = { .fd = conn->fd, .events = POLLIN };
		int ret = poll(&pfd, 1, wait);
		if (ret < 0) {
			if (errno == EINTR) {
				continue;
			}
			fprintf(stderr, "cordonctl: poll: %s\n", strerror(errno));
			return CTL_READ_ERROR;
		}
		if (ret == 0) {
			continue;
		}
		if (conn->cap - conn->len < 4096) {
			if (conn->cap >= CTL_MAX_LINE) {
				fprintf(stderr, "cordonctl: a line from %s is over %d "
					"bytes\n", conn->path, CTL_MAX_LINE);
				return CTL_READ_ERROR;
			}
			size_t cap = conn->cap ? conn->cap * 2 : 65536;
			char *buf = realloc(conn->buf, cap);
			if (!buf) {
				fprintf(stderr, "cordonctl: out of memory\n");
				return CTL_READ_ERROR;
			}
			conn->buf = buf;
			conn->cap = cap;
		}
		ssize_t n = recv(conn->fd, conn->buf + conn->len,
			conn->cap - conn->len, 0);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			fprintf(stderr, "cordonctl: reading from %s: %s\n", conn->path,
				strerror(errno));
			return CTL_READ_ERROR;
		}
		if (n == 0) {
			return CTL_READ_EOF;
		}
		/* cordon never sends one; it would cut the line short. */
		if (memchr(conn->buf + conn->len, '\0', (size_t)n)) {
			fprintf(stderr, "cordonctl: %s sent a NUL byte\n", conn->path);
			return CTL_READ_ERROR;
		}
		conn->len += (size_t)n;
	}
}

/*
 * Reads the reply to the request just sent and parses it. Returns the
 * reply object, or NULL after printing why there is none.
 */
struct json_object *ctl_read_reply(struct ctl_conn *conn,
		char **line) {
	switch (ctl_read_line(conn, CTL_REPLY_TIMEOUT_MS, line)) {
	case CTL_READ_LINE:
		break;
	case CTL_READ_EOF:
		fprintf(stderr, "cordonctl: %s closed the connection without a "
			"reply\n", conn->path);
		return NULL;
	case CTL_READ_TIMEOUT:
		fprintf(stderr, "cordonctl: no reply from %s within %d s\n",
			conn->path, CTL_REPLY_TIMEOUT_MS / 1000);
		return NULL;
	case CTL_READ_INTERRUPTED:
		fprintf(stderr, "cordonctl: interrupted\n");
		return NULL;
	case CTL_READ_ERROR:
		return NULL;
	}
	struct json_object *reply = json_tokener_parse(*line);
	struct json_object *ok;
	if (!json_object_is_type(reply, json_type_object) ||
			!json_object_object_get_ex(reply, "ok", &ok) ||
			!json_object_is_type(ok, json_type_boolean)) {
		char *clean = ctl_clean(*line);
		fprintf(stderr, "cordonctl: %s sent a reply that is not a cordon "
			"reply: %.200s\n", conn->path, clean ? clean : "");
		free(clean);
		json_object_put(reply);
		return NULL;
	}
	return reply;
}

/* Exit status for a reply; prints cordon's error when it refused. */
int ctl_reply_status(struct json_object *reply) {
	if (json_object_get_boolean(json_object_object_get(reply, "ok"))) {
		return CTL_EXIT_OK;
	}
	struct json_object *error = json_object_object_get(reply, "error");
	char *msg = ctl_clean(json_object_is_type(error, json_type_string) ?
		json_object_get_string(error) : "request failed (no reason given)");
	fprintf(stderr, "cordonctl: %s\n", msg ? msg : "request failed");
	free(msg);
	/* A reload says every error of the file, one per line. */
	struct json_object *errors = json_object_object_get(reply, "errors");
	/* json-c asserts on the length of anything but an array. */
	size_t n_errors = json_object_is_type(errors, json_type_array) ?
		json_object_array_length(errors) : 0;
	for (size_t i = 0; i < n_errors; i++) {
		char *line = ctl_clean(json_object_get_string(json_object_array_get_idx(errors, i)));
		if (line != NULL) {
			fprintf(stderr, "%s\n", line);
		}
		free(line);
	}
	return CTL_EXIT_FAILED;
}

static int ctl_run_events(struct ctl_conn *conn,
		const struct ctl_options *options) {
	if (!ctl_send_line(conn, "{\"cmd\":\"subscribe\"}")) {
		return CTL_EXIT_USAGE;
	}
	char *line;
	struct json_object *reply = ctl_read_reply(conn, &line);
	if (!reply) {
		return CTL_EXIT_USAGE;
	}
	int status = ctl_reply_status(reply);
	json_object_put(reply);
	if (status != CTL_EXIT_OK) {
		return status;
	}
	fflush(stdout);
	for (;;) {
		switch (ctl_read_line(conn, -1, &line)) {
		case CTL_READ_LINE:
			/* Events are printed as they come, for jq and friends. */
			puts(line);
			fflush(stdout);
			break;
		case CTL_READ_EOF:
		case CTL_READ_INTERRUPTED:
			return CTL_EXIT_OK;
		case CTL_READ_TIMEOUT:
		case CTL_READ_ERROR:
			return CTL_EXIT_USAGE;
		}
	}
}

static const struct ctl_subcommand ctl_subcommands[] = {
	{ "windows", "", "list windows", 0, 0,
		ctl_request_plain, ctl_print_windows, NULL },
	{ "outputs", "", "list outputs", 0, 0,
		ctl_request_plain, ctl_print_outputs, NULL },
	{ "domains", "", "list domains", 0, 0,
		ctl_request_plain, ctl_print_domains, NULL },
	{ "attention", "", "list every visible surface with its domain", 0, 0,
		ctl_request_plain, ctl_print_attention, NULL },
	{ "focus", "ID", "focus a window, switching workspace", 1, 1,
		ctl_request_focus, NULL, NULL },
	{ "move", "[ID] X Y", "move a window (the focused one without ID)", 2, 3,
		ctl_request_window, NULL, NULL },
	{ "resize", "[ID] W H", "ask a window for a new size", 2, 3,
		ctl_request_window, NULL, NULL },
	{ "maximize", "[ID]", "maximize a window", 0, 1,
		ctl_request_window, NULL, NULL },
	{ "unmaximize", "[ID]", "restore a maximized window", 0, 1,
		ctl_request_window, NULL, NULL },
	{ "fullscreen", "[ID]", "make the focused window fullscreen", 0, 1,
		ctl_request_window, NULL, NULL },
	{ "unfullscreen", "[ID]", "leave fullscreen", 0, 1,
		ctl_request_window, NULL, NULL },
	{ "close", "[ID]", "ask a window to close", 0, 1,
		ctl_request_window, NULL, NULL },
	{ "to-workspace", "[ID] N", "move a window to workspace N (1-9)", 1, 2,
		ctl_request_window, NULL, NULL },
	{ "list", "", "the same as domains", 0, 0,
		ctl_request_list, ctl_print_domains, NULL },
	{ "start", "NAME", "start a VM or sandbox domain", 1, 1,
		ctl_request_name, NULL, NULL },
	{ "stop", "NAME", "stop it (crosvm stop, then signals)", 1, 1,
		ctl_request_name, NULL, NULL },
	{ "restart", "NAME", "stop it, then start it again", 1, 1,
		ctl_request_name, NULL, NULL },
	{ "run", "[--wait] [--timeout S] NAME -- CMD…",
		"run CMD in a domain, starting it if needed; print the pid", 2, 4096,
		NULL, NULL, ctl_run_run },
	{ "desktop-entries", "", "write .desktop launchers for every domain's apps",
		0, 0, NULL, NULL, ctl_run_desktop_entries },
	{ "reload", "", "read the config file again (a bad one changes nothing)", 0, 0,
		ctl_request_plain, NULL, NULL },
	{ "prompts", "", "list pending clipboard prompts", 0, 0,
		ctl_request_plain, ctl_print_prompts, NULL },
	{ "allow", "ID", "answer a clipboard prompt: allow once", 1, 1,
		ctl_request_answer, NULL, NULL },
	{ "deny", "ID", "answer a clipboard prompt: deny", 1, 1,
		ctl_request_answer, NULL, NULL },
	{ "transfers", "", "list recent cross-domain clipboard transfers", 0, 0,
		ctl_request_plain, ctl_print_transfers, NULL },
	{ "version", "", "print cordon's version", 0, 0,
		ctl_request_plain, ctl_print_version, NULL },
	{ "lock", "", "start the configured locker (again, if it died)", 0, 0,
		ctl_request_plain, NULL, NULL },
	{ "quit", "", "end the cordon session", 0, 0,
		ctl_request_plain, NULL, NULL },
	{ "events", "", "print events as they happen, one JSON line each", 0, 0,
		NULL, NULL, ctl_run_events },
	{ "raw", "JSON", "send one request line as given, print the reply", 1, 1,
		ctl_request_raw, NULL, NULL },
};

#define CTL_N_SUBCOMMANDS (sizeof(ctl_subcommands) / sizeof(ctl_subcommands[0]))

static void ctl_usage(FILE *out) {
	fprintf(out, "usage: cordonctl [--json] [-s SOCKET] COMMAND [ARGS]\n\n"
		"commands:\n");
	for (size_t i = 0; i < CTL_N_SUBCOMMANDS; i++) {
		const struct ctl_subcommand *sub = &ctl_subcommands[i];
		char head[64];
		snprintf(head, sizeof(head), "%s %s", sub->name, sub->args);
		fprintf(out, "  %-14s %s\n", head, sub->help);
	}
	fprintf(out, "\noptions:\n"
		"  -j, --json           print cordon's reply as JSON\n"
		"  -s, --socket SOCKET  IPC socket (default $CORDON_SOCK, else\n"
		"                       $XDG_RUNTIME_DIR/cordon/ipc.sock)\n"
		"  -h, --help           show this help\n");
}

/* The socket to use; *owned is set when the caller must free it. */
static const char *ctl_socket_path(const char *option, char **owned) {
	*owned = NULL;
	if (option) {
		return option;
	}
	const char *env = getenv("CORDON_SOCK");
	if (env && *env) {
		return env;
	}
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	if (!runtime || !*runtime) {
		fprintf(stderr, "cordonctl: XDG_RUNTIME_DIR is not set; name the "
			"socket with -s SOCKET or CORDON_SOCK\n");
		return NULL;
	}
	if (asprintf(owned, "%s/cordon/ipc.sock", runtime) < 0) {
		*owned = NULL;
		fprintf(stderr, "cordonctl: out of memory\n");
		return NULL;
	}
	return *owned;
}

int main(int argc, char *argv[]) {
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_options options = { 0 };
	const char *socket_option = NULL;
	int opt;
	/* '+': options end at the command, so its arguments are its own. */
	while ((opt = getopt_long(argc, argv, "+hjs:", long_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			options.json = true;
			break;
		case 's':
			socket_option = optarg;
			break;
		case 'h':
			ctl_usage(stdout);
			return CTL_EXIT_OK;
		default:
			ctl_usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	const char *name = argv[optind];
	const struct ctl_subcommand *sub = NULL;
	for (size_t i = 0; i < CTL_N_SUBCOMMANDS; i++) {
		if (strcmp(ctl_subcommands[i].name, name) == 0) {
			sub = &ctl_subcommands[i];
			break;
		}
	}
	if (!sub) {
		fprintf(stderr, "cordonctl: unknown command '%s'\n", name);
		ctl_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	int nargs = argc - optind - 1;
	if (nargs < sub->min_args || nargs > sub->max_args) {
		fprintf(stderr, "usage: cordonctl [--json] [-s SOCKET] %s %s\n",
			sub->name, sub->args);
		return CTL_EXIT_USAGE;
	}

	struct sigaction sa = { .sa_handler = ctl_handle_signal };
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll must return so "events" can end cleanly. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	char *request = NULL;
	if (sub->request) {
		request = sub->request(sub, argv + optind + 1);
		if (!request) {
			return CTL_EXIT_USAGE;
		}
	}

	char *owned_path;
	const char *path = ctl_socket_path(socket_option, &owned_path);
	struct ctl_conn conn = { .fd = -1 };
	int status = CTL_EXIT_USAGE;
	if (!path || !ctl_connect(&conn, path)) {
		goto out;
	}
	if (sub->run) {
		options.args = argv + optind + 1;
		options.nargs = nargs;
		status = sub->run(&conn, &options);
		goto out;
	}
	if (!ctl_send_line(&conn, request)) {
		goto out;
	}
	char *line;
	struct json_object *reply = ctl_read_reply(&conn, &line);
	if (!reply) {
		goto out;
	}
	status = ctl_reply_status(reply);
	/* raw and --json print the reply itself; focus and quit have nothing
	 * to say on success. */
	if (options.json || sub->request == ctl_request_raw) {
		puts(line);
	} else if (status == CTL_EXIT_OK && sub->print) {
		sub->print(reply);
	}
	json_object_put(reply);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "cordonctl: writing the output: %s\n",
			strerror(errno));
		status = CTL_EXIT_FAILED;
	}

out:
	ctl_disconnect(&conn);
	free(owned_path);
	free(request);
	return status;
}
