#include <stdlib.h>
#include <string.h>
#include "common/strv.h"
#include "config/internal.h"

/*
 * [autostart]: one `exec = COMMAND` per host program, run with /bin/sh -c
 * in file order once cordon is ready. The key repeats, unlike any other.
 */

static bool autostart_push(struct config_parse *p, const char *command) {
	char **list = p->config->autostart;
	size_t len = 0;
	while (list[len] != NULL) {
		len++;
	}
	char *copy = strdup(command);
	char **grown = realloc(list, (len + 2) * sizeof(char *));
	if (copy == NULL || grown == NULL) {
		free(copy);
		if (grown != NULL) {
			p->config->autostart = grown;
		}
		config_note_oom(p);
		return false;
	}
	grown[len] = copy;
	grown[len + 1] = NULL;
	p->config->autostart = grown;
	return true;
}

/* [general] user-session: whether cordon runs the login session's units. */
const struct config_name_value config_user_session_names[] = {
	{ "auto", CONFIG_USER_SESSION_AUTO },
	{ "yes", CONFIG_USER_SESSION_YES },
	{ "no", CONFIG_USER_SESSION_NO },
	{ NULL, 0 },
};

void config_parse_autostart(struct config_parse *p,
		const struct config_section *sec) {
	for (size_t i = 0; i < sec->n_entries; i++) {
		const struct config_entry *e = &sec->entries[i];
		struct config_item it = { p, sec, e };
		if (strcmp(e->key, "exec") != 0) {
			config_section_error(p, sec, e->line, "unknown key '%s' "
				"(expected exec = COMMAND)", e->key);
			continue;
		}
		if (e->value[0] == '\0') {
			config_item_error(&it, "needs a command");
			continue;
		}
		/* sh would only fail once the session runs: say so now. */
		const char *err = NULL;
		char **words = config_shell_split(e->value, &err);
		if (words == NULL) {
			if (err == NULL) {
				config_note_oom(p);
			} else {
				config_item_error(&it, "%s", err);
			}
			continue;
		}
		strv_free(words);
		autostart_push(p, e->value);
	}
}
