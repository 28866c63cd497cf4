#ifndef CORDON_CORDONCTL_H
#define CORDON_CORDONCTL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Shared by cordonctl's files: the connection to cordon and reply helpers. */

enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_FAILED = 1,  /* cordon answered "ok": false */
	CTL_EXIT_USAGE = 2,   /* bad usage, or cordon could not be asked */
};

struct ctl_conn {
	int fd;
	const char *path;
	char *buf;
	size_t len, cap;
	size_t used;   /* the line handed out last, with its newline */
};

struct ctl_options {
	bool json;
	/* The subcommand's own arguments, for subcommands that parse them. */
	char **args;
	int nargs;
};

const char *ctl_str(struct json_object *obj, const char *key);
/* text made safe for a terminal (sanitize_text); free() it. NULL: no memory. */
char *ctl_clean(const char *text);
int64_t ctl_int(struct json_object *obj, const char *key);
size_t ctl_array(struct json_object *reply, const char *key, struct json_object **list);
/* The request as one line with its newline; takes request, NULL on failure. */
char *ctl_json_line(struct json_object *request);
struct json_object *ctl_cmd_object(const char *cmd);
bool ctl_send_line(struct ctl_conn *conn, const char *line);
/* The next reply; *line is the raw text. NULL after saying why. */
struct json_object *ctl_read_reply(struct ctl_conn *conn, char **line);
/* The exit status for a reply, printing its error if any. */
int ctl_reply_status(struct json_object *reply);

/* ctl_launch.c */
int ctl_run_run(struct ctl_conn *conn, const struct ctl_options *options);
int ctl_run_desktop_entries(struct ctl_conn *conn, const struct ctl_options *options);

#endif
