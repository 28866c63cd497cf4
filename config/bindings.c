#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xkbcommon/xkbcommon-keysyms.h>
#include "config/internal.h"

#define SUPER CONFIG_MOD_LOGO
#define SHIFT CONFIG_MOD_SHIFT
#define ALT CONFIG_MOD_ALT
#define CTRL CONFIG_MOD_CTRL

static const struct {
	const char *name;
	uint32_t mod;
} modifier_names[] = {
	{ "super", SUPER }, { "logo", SUPER }, { "mod4", SUPER },
	{ "alt", ALT }, { "mod1", ALT },
	{ "ctrl", CTRL }, { "control", CTRL },
	{ "shift", SHIFT },
};

enum action_arg {
	ARG_NONE,
	ARG_COMMAND,
	ARG_WORKSPACE,
};

static const struct {
	const char *name;
	enum config_action action;
	enum action_arg arg;
} action_names[] = {
	{ "exec", CONFIG_ACTION_EXEC, ARG_COMMAND },
	{ "close", CONFIG_ACTION_CLOSE, ARG_NONE },
	{ "quit", CONFIG_ACTION_QUIT, ARG_NONE },
	{ "workspace", CONFIG_ACTION_WORKSPACE, ARG_WORKSPACE },
	{ "move-to-workspace", CONFIG_ACTION_MOVE_TO_WORKSPACE, ARG_WORKSPACE },
	{ "fullscreen", CONFIG_ACTION_FULLSCREEN, ARG_NONE },
	{ "maximize", CONFIG_ACTION_MAXIMIZE, ARG_NONE },
	{ "cycle", CONFIG_ACTION_CYCLE, ARG_NONE },
	{ "cycle-back", CONFIG_ACTION_CYCLE_BACK, ARG_NONE },
	{ "leave-fullscreen", CONFIG_ACTION_LEAVE_FULLSCREEN, ARG_NONE },
	{ "secure-copy", CONFIG_ACTION_SECURE_COPY, ARG_NONE },
	{ "secure-paste", CONFIG_ACTION_SECURE_PASTE, ARG_NONE },
	{ "reload", CONFIG_ACTION_RELOAD, ARG_NONE },
	{ "attention", CONFIG_ACTION_ATTENTION, ARG_NONE },
};

#define N_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

const char *config_action_name(enum config_action action) {
	for (size_t i = 0; i < N_ACTIONS; i++) {
		if (action_names[i].action == action) {
			return action_names[i].name;
		}
	}
	return "unknown";
}

static const struct {
	uint32_t modifiers;
	xkb_keysym_t keysym;
	enum config_action action;
	const char *arg;
} default_bindings[] = {
	{ SUPER, XKB_KEY_Return, CONFIG_ACTION_EXEC, "foot" },
	{ SUPER | SHIFT, XKB_KEY_q, CONFIG_ACTION_CLOSE, NULL },
	{ SUPER | SHIFT, XKB_KEY_e, CONFIG_ACTION_QUIT, NULL },
	{ ALT, XKB_KEY_Tab, CONFIG_ACTION_CYCLE, NULL },
	{ ALT | SHIFT, XKB_KEY_Tab, CONFIG_ACTION_CYCLE_BACK, NULL },
	{ SUPER, XKB_KEY_f, CONFIG_ACTION_FULLSCREEN, NULL },
	{ SUPER, XKB_KEY_m, CONFIG_ACTION_MAXIMIZE, NULL },
	{ SUPER, XKB_KEY_Escape, CONFIG_ACTION_LEAVE_FULLSCREEN, NULL },
	{ SUPER | SHIFT, XKB_KEY_c, CONFIG_ACTION_SECURE_COPY, NULL },
	{ SUPER | SHIFT, XKB_KEY_v, CONFIG_ACTION_SECURE_PASTE, NULL },
	{ SUPER | SHIFT, XKB_KEY_r, CONFIG_ACTION_RELOAD, NULL },
	{ SUPER, XKB_KEY_i, CONFIG_ACTION_ATTENTION, NULL },
};

static struct config_binding *binding_new(struct cordon_config *config,
		uint32_t modifiers, xkb_keysym_t keysym, enum config_action action,
		const char *arg, int num, int line) {
	struct config_binding *b = calloc(1, sizeof(*b));
	if (b == NULL) {
		return NULL;
	}
	if (arg != NULL && (b->arg = strdup(arg)) == NULL) {
		free(b);
		return NULL;
	}
	b->modifiers = modifiers;
	b->keysym = keysym;
	b->action = action;
	b->num = num;
	b->line = line;
	wl_list_insert(config->bindings.prev, &b->link);
	return b;
}

bool config_add_default_bindings(struct cordon_config *config) {
	for (size_t i = 0; i < sizeof(default_bindings) / sizeof(default_bindings[0]); i++) {
		if (!binding_new(config, default_bindings[i].modifiers,
				default_bindings[i].keysym, default_bindings[i].action,
				default_bindings[i].arg, 0, 0)) {
			return false;
		}
	}
	for (int n = 1; n <= 9; n++) {
		xkb_keysym_t digit = XKB_KEY_0 + (xkb_keysym_t)n;
		if (!binding_new(config, SUPER, digit, CONFIG_ACTION_WORKSPACE,
				NULL, n, 0) ||
				!binding_new(config, SUPER | SHIFT, digit,
				CONFIG_ACTION_MOVE_TO_WORKSPACE, NULL, n, 0)) {
			return false;
		}
	}
	return true;
}

/* Parses "Super+Shift+q"; reports and returns false if it is not a combo. */
static bool parse_combo(struct config_parse *p, const struct config_section *sec,
		const struct config_entry *e, uint32_t *mods, xkb_keysym_t *sym) {
	const char *combo = e->key;
	*mods = 0;
	const char *part = combo;
	for (;;) {
		const char *plus = strchr(part, '+');
		size_t len = plus ? (size_t)(plus - part) : strlen(part);
		if (len == 0) {
			config_section_error(p, sec, e->line, "bad key combination "
				"'%s': empty part (write the + key as 'plus')", combo);
			return false;
		}
		if (plus == NULL) {
			char *name = strndup(part, len);
			if (name == NULL) {
				config_note_oom(p);
				return false;
			}
			xkb_keysym_t ks =
				xkb_keysym_from_name(name, XKB_KEYSYM_CASE_INSENSITIVE);
			free(name);
			if (ks == XKB_KEY_NoSymbol) {
				config_section_error(p, sec, e->line, "unknown key '%.*s' "
					"in '%s' (expected an xkb keysym name such as Return, "
					"Tab, Escape, q, 1 or F1)", (int)len, part, combo);
				return false;
			}
			/* Bindings match the unshifted keysym: Shift is a modifier. */
			*sym = xkb_keysym_to_lower(ks);
			return true;
		}
		uint32_t mod = 0;
		for (size_t i = 0; i < sizeof(modifier_names) / sizeof(modifier_names[0]); i++) {
			if (strlen(modifier_names[i].name) == len &&
					strncasecmp(part, modifier_names[i].name, len) == 0) {
				mod = modifier_names[i].mod;
				break;
			}
		}
		if (mod == 0) {
			config_section_error(p, sec, e->line, "unknown modifier '%.*s' "
				"in '%s' (expected Super, Logo, Mod4, Alt, Mod1, Ctrl, "
				"Control or Shift)", (int)len, part, combo);
			return false;
		}
		if (*mods & mod) {
			config_section_error(p, sec, e->line, "modifier '%.*s' given "
				"twice in '%s'", (int)len, part, combo);
			return false;
		}
		*mods |= mod;
		part = plus + 1;
	}
}

struct parsed_action {
	bool none;
	enum config_action action;
	const char *arg;  /* points into the entry's value */
	int num;
};

static bool parse_action(const struct config_item *it, struct parsed_action *out) {
	const char *v = it->e->value;
	size_t len = 0;
	while (v[len] != '\0' && !isspace((unsigned char)v[len])) {
		len++;
	}
	const char *rest = v + len;
	while (isspace((unsigned char)*rest)) {
		rest++;
	}
	*out = (struct parsed_action){ 0 };
	if (len == 4 && strncmp(v, "none", 4) == 0) {
		out->none = true;
		if (*rest != '\0') {
			config_item_error(it, "action 'none' takes no argument");
			return false;
		}
		return true;
	}
	for (size_t i = 0; i < N_ACTIONS; i++) {
		if (strlen(action_names[i].name) != len ||
				strncmp(v, action_names[i].name, len) != 0) {
			continue;
		}
		out->action = action_names[i].action;
		switch (action_names[i].arg) {
		case ARG_NONE:
			if (*rest != '\0') {
				config_item_error(it, "action '%s' takes no argument, got "
					"'%s'", action_names[i].name, rest);
				return false;
			}
			return true;
		case ARG_COMMAND:
			if (*rest == '\0') {
				config_item_error(it, "action 'exec' needs a command");
				return false;
			}
			out->arg = rest;
			return true;
		case ARG_WORKSPACE: {
			long long n;
			bool overflow;
			if (!config_str_to_ll(rest, &n, &overflow) || overflow ||
					n < 1 || n > 9) {
				config_item_error(it, "action '%s' needs a workspace number "
					"from 1 to 9, got '%s'", action_names[i].name, rest);
				return false;
			}
			out->num = (int)n;
			return true;
		}
		}
	}
	config_item_error(it, "unknown action '%.*s' (expected exec, close, quit, "
		"workspace, move-to-workspace, fullscreen, maximize, cycle, "
		"cycle-back, leave-fullscreen, secure-copy, secure-paste, reload, attention or "
		"none)", (int)len, v);
	return false;
}

static struct config_binding *find_binding(struct cordon_config *config,
		uint32_t mods, xkb_keysym_t sym) {
	struct config_binding *b;
	wl_list_for_each(b, &config->bindings, link) {
		if (b->modifiers == mods && b->keysym == sym) {
			return b;
		}
	}
	return NULL;
}

struct seen_combo {
	uint32_t mods;
	xkb_keysym_t sym;
	int line;
};

void config_parse_keys(struct config_parse *p, const struct config_section *sec) {
	struct cordon_config *c = p->config;
	/* Combos this section named, "none" included, to catch repeats. */
	struct seen_combo *seen = calloc(sec->n_entries + 1, sizeof(*seen));
	size_t n_seen = 0;
	if (seen == NULL) {
		config_note_oom(p);
		return;
	}
	for (size_t i = 0; i < sec->n_entries; i++) {
		const struct config_entry *e = &sec->entries[i];
		struct config_item it = { p, sec, e };
		uint32_t mods;
		xkb_keysym_t sym;
		struct parsed_action act;
		bool combo_ok = parse_combo(p, sec, e, &mods, &sym);
		bool action_ok = parse_action(&it, &act);
		if (!combo_ok) {
			continue;
		}
		bool repeat = false;
		for (size_t j = 0; j < n_seen; j++) {
			if (seen[j].mods == mods && seen[j].sym == sym) {
				config_section_error(p, sec, e->line, "'%s' is bound twice "
					"(first on line %d)", e->key, seen[j].line);
				repeat = true;
				break;
			}
		}
		if (repeat) {
			continue;
		}
		seen[n_seen++] = (struct seen_combo){ mods, sym, e->line };
		if (!action_ok) {
			continue;
		}
		if (mods == SUPER && sym == XKB_KEY_Escape &&
				(act.none || act.action != CONFIG_ACTION_LEAVE_FULLSCREEN)) {
			config_section_error(p, sec, e->line, "'%s' always leaves "
				"fullscreen, so that no fullscreen window can keep the "
				"screen; it cannot be rebound or removed", e->key);
			continue;
		}
		struct config_binding *old = find_binding(c, mods, sym);
		if (old != NULL) {
			wl_list_remove(&old->link);
			free(old->arg);
			free(old);
		}
		if (!act.none && !binding_new(c, mods, sym, act.action, act.arg,
				act.num, e->line)) {
			config_note_oom(p);
		}
	}
	free(seen);
}
