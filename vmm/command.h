#ifndef CORDON_VMM_COMMAND_H
#define CORDON_VMM_COMMAND_H

/*
 * Templates of kind = command domains: `command` starts the sandbox and
 * `exec` runs something inside it. Substituted values are shell-quoted, so
 * a socket path or domain name can never inject shell syntax; write the
 * placeholders unquoted ({socket}, not '{socket}').
 */

struct command_vars {
	const char *socket;   /* {socket}: the domain's Wayland socket */
	const char *display;  /* {display}: its X display ":N", "" when it has none */
	const char *dir;      /* {dir}: the domain's runtime directory */
	const char *name;     /* {name}: the domain name */
	char *const *cmd;     /* {cmd}: argv, each word quoted; NULL: not expanded */
};

/* Quotes s for sh when it needs it. Returns a new string or NULL. */
char *command_shell_quote(const char *s);

/*
 * Replaces every {socket}, {display}, {dir}, {name} and {cmd} whose value is set;
 * anything else in braces (${HOME}, {a,b}) is left as written. Returns a
 * new string or NULL on allocation failure.
 */
char *command_expand(const char *tmpl, const struct command_vars *vars);

/* {"/bin/sh", "-c", expanded, NULL}, or NULL on allocation failure. */
char **command_argv(const char *tmpl, const struct command_vars *vars);

#endif
