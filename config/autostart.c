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

static const struct config_name_value user_session_names[] = {
	{ "auto", CONFIG_USER_SESSION_AUTO },
	{ "yes", CONFIG_USER_SESSION_YES },
	{ "no", CONFIG_USER_SESSION_NO },
	{ NULL, 0 },
};

bool config_parse_session_key(const struct config_item *it) {
	if (strcmp(it->e->key, "user-session") != 0) {
		return false;
	}
	int v;
	if (config_val_enum(it, user_session_names, &v)) {
		it->p->config->user_session = (enum config_user_session)v;
	}
	return true;
}

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
