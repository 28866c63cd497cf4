#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wayland-server-protocol.h>
#include "common/colour.h"
#include "config/internal.h"

/* The sections with fixed fields: everything but [keys] and [domain]. */

bool config_repeated_key(struct config_parse *p,
		const struct config_section *sec, size_t i) {
	for (size_t j = 0; j < i; j++) {
		if (strcmp(sec->entries[j].key, sec->entries[i].key) == 0) {
			config_section_error(p, sec, sec->entries[i].line,
				"key '%s' given twice (first on line %d)",
				sec->entries[i].key, sec->entries[j].line);
			return true;
		}
	}
	return false;
}

bool config_next_item(struct config_parse *p, const struct config_section *sec,
		size_t *i, struct config_item *it) {
	for (; *i < sec->n_entries; (*i)++) {
		if (!config_repeated_key(p, sec, *i)) {
			*it = (struct config_item){ p, sec, &sec->entries[*i] };
			return true;
		}
	}
	return false;
}

const struct config_field config_general_fields[] = {
	CONFIG_INT("border-width", struct cordon_config, border_width, 0, 64),
	CONFIG_COLOR("host-color", struct cordon_config, host_color),
	CONFIG_INT("title-max", struct cordon_config, title_max, 16, 4096),
	CONFIG_STRING("font", struct cordon_config, font),
	CONFIG_STRING("cursor-theme", struct cordon_config, cursor_theme),
	CONFIG_STRING("locker", struct cordon_config, locker),
	CONFIG_INT("cursor-size", struct cordon_config, cursor_size, 8, 256),
	CONFIG_ENUM("xwayland", struct cordon_config, host_xwayland, config_xwayland_names),
	CONFIG_ENUM("user-session", struct cordon_config, user_session,
		config_user_session_names),
	{ 0 },
};

/* An empty keyboard string means "the xkb default", the same as leaving it out. */
const struct config_field config_keyboard_fields[] = {
	CONFIG_OPTIONAL("layout", struct cordon_config, xkb_layout),
	CONFIG_OPTIONAL("variant", struct cordon_config, xkb_variant),
	CONFIG_OPTIONAL("options", struct cordon_config, xkb_options),
	CONFIG_OPTIONAL("model", struct cordon_config, xkb_model),
	CONFIG_OPTIONAL("rules", struct cordon_config, xkb_rules),
	CONFIG_INT("repeat-rate", struct cordon_config, repeat_rate, 0, 1000),
	CONFIG_INT("repeat-delay", struct cordon_config, repeat_delay, 0, 10000),
	{ 0 },
};

const struct config_field config_pointer_fields[] = {
	CONFIG_BOOL("natural-scroll", struct cordon_config, natural_scroll),
	CONFIG_BOOL("tap", struct cordon_config, tap_to_click),
	CONFIG_DECIMAL("accel", struct cordon_config, accel_speed, -1, 1),
	{ 0 },
};

/* 1 to 64 of A-Z, a-z, 0-9, '.', '_' or '-': a connector or an engine. */
static bool is_plain_name(const char *name) {
	size_t len = strlen(name);
	for (const char *c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr("-_.", *c)) {
			return false;
		}
	}
	return len >= 1 && len <= 64;
}

static bool is_output_name(const char *name) {
	return strcmp(name, "*") == 0 || is_plain_name(name);
}

/* Splits text at the first sep into a copy of each side. */
static bool split_at(const char *text, char sep, char **left, char **right) {
	const char *at = strchr(text, sep);
	*left = *right = NULL;
	if (at == NULL) {
		return false;
	}
	*left = strndup(text, (size_t)(at - text));
	*right = strdup(at + 1);
	return *left != NULL && *right != NULL;
}

static char *trim(char *s) {
	while (isspace((unsigned char)*s)) {
		s++;
	}
	size_t len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1])) {
		s[--len] = '\0';
	}
	return s;
}

static void parse_mode(const struct config_item *it, struct config_output *out) {
	char *size = NULL, *rate = NULL, *w = NULL, *h = NULL;
	long long width, height;
	double hz = 0;
	bool overflow, ok = false;
	if (strchr(it->e->value, '@') != NULL) {
		ok = split_at(it->e->value, '@', &size, &rate);
	} else {
		size = strdup(it->e->value);
		ok = size != NULL;
	}
	if (!ok) {
		goto bad;
	}
	if (rate != NULL) {
		size_t len = strlen(rate);
		if (len > 2 && strcasecmp(rate + len - 2, "hz") == 0) {
			rate[len - 2] = '\0';
		}
		if (!config_str_to_decimal(rate, &hz) || hz <= 0 || hz > 1000) {
			ok = false;
			goto bad;
		}
	}
	ok = split_at(size, 'x', &w, &h) &&
		config_str_to_ll(w, &width, &overflow) && !overflow &&
		config_str_to_ll(h, &height, &overflow) && !overflow &&
		width >= 1 && width <= 16384 && height >= 1 && height <= 16384;
	if (ok) {
		out->has_mode = true;
		out->width = (int)width;
		out->height = (int)height;
		out->refresh_mhz = (int)(hz * 1000 + 0.5);
	}
bad:
	if (!ok) {
		config_item_error(it, "bad mode '%s' (expected WIDTHxHEIGHT or "
			"WIDTHxHEIGHT@HZ with sizes 1 to 16384 and HZ up to 1000, "
			"e.g. 1920x1080@59.94)", it->e->value);
	}
	free(size);
	free(rate);
	free(w);
	free(h);
}

static void parse_position(const struct config_item *it,
		struct config_output *out) {
	char *xs = NULL, *ys = NULL;
	long long x, y;
	bool overflow;
	bool ok = split_at(it->e->value, ',', &xs, &ys) &&
		config_str_to_ll(trim(xs), &x, &overflow) && !overflow &&
		config_str_to_ll(trim(ys), &y, &overflow) && !overflow &&
		x >= -1000000 && x <= 1000000 && y >= -1000000 && y <= 1000000;
	if (ok) {
		out->has_position = true;
		out->x = (int)x;
		out->y = (int)y;
	} else {
		config_item_error(it, "bad position '%s' (expected X,Y in layout "
			"pixels, e.g. 1920,0)", it->e->value);
	}
	free(xs);
	free(ys);
}

static const struct config_name_value transform_names[] = {
	{ "normal", WL_OUTPUT_TRANSFORM_NORMAL },
	{ "90", WL_OUTPUT_TRANSFORM_90 },
	{ "180", WL_OUTPUT_TRANSFORM_180 },
	{ "270", WL_OUTPUT_TRANSFORM_270 },
	{ "flipped", WL_OUTPUT_TRANSFORM_FLIPPED },
	{ "flipped-90", WL_OUTPUT_TRANSFORM_FLIPPED_90 },
	{ "flipped-180", WL_OUTPUT_TRANSFORM_FLIPPED_180 },
	{ "flipped-270", WL_OUTPUT_TRANSFORM_FLIPPED_270 },
	{ NULL, 0 },
};

/* The keys of [output NAME] that are more than a field. */
static bool parse_output_key(const struct config_item *it, void *item) {
	struct config_output *out = item;
	const char *k = it->e->key;
	if (strcmp(k, "mode") == 0) {
		parse_mode(it, out);
	} else if (strcmp(k, "position") == 0) {
		parse_position(it, out);
	} else if (strcmp(k, "enable") == 0) {
		bool enable;
		if (config_val_bool(it, &enable)) {
			out->disabled = !enable;
		}
	} else {
		return false;
	}
	return true;
}

static const struct config_field output_fields[] = {
	CONFIG_DECIMAL("scale", struct config_output, scale, 0.25, 10),
	CONFIG_ENUM("transform", struct config_output, transform, transform_names),
	{ 0 },
};

static const struct config_field sandbox_fields[] = {
	CONFIG_COLOR("color", struct config_sandbox, color),
	{ 0 },
};

/*
 * A [TYPE NAME] section that adds an item to a list of the config: the
 * item starts as a copy of defaults, then gets the name, the line and the
 * keys. Where the name, line and list link sit in the item is by offset,
 * so outputs and sandboxes share this code.
 */
struct named_section {
	const char *what;            /* "bad WHAT name" */
	bool (*name_ok)(const char *name);
	const char *expected;        /* the names name_ok takes */
	size_t list;                 /* of the struct wl_list in struct cordon_config */
	const void *defaults;
	size_t size, link, name, line; /* the item's size and offsets */
	const struct config_field *fields;
	bool (*parse_key)(const struct config_item *it, void *item);
};

static void parse_named(struct config_parse *p, const struct config_section *sec,
		const struct named_section *ns) {
	if (!ns->name_ok(sec->arg)) {
		config_error(p, sec->line, "bad %s name '%s' (expected %s)", ns->what,
			sec->arg, ns->expected);
	}
	for (const struct config_section *prev = p->sections; prev < sec; prev++) {
		if (strcmp(prev->type, sec->type) == 0 && prev->arg != NULL &&
				strcmp(prev->arg, sec->arg) == 0) {
			config_error(p, sec->line, "%s '%s' is configured twice "
				"(lines %d and %d)", sec->type, sec->arg, prev->line, sec->line);
			break;
		}
	}
	char *item = malloc(ns->size);
	char *name = strdup(sec->arg);
	if (item == NULL || name == NULL) {
		free(item);
		free(name);
		config_note_oom(p);
		return;
	}
	memcpy(item, ns->defaults, ns->size);
	memcpy(item + ns->name, &name, sizeof(name));
	memcpy(item + ns->line, &sec->line, sizeof(sec->line));
	struct wl_list *list = (struct wl_list *)((char *)p->config + ns->list);
	wl_list_insert(list->prev, (struct wl_list *)(item + ns->link));
	config_parse_fields(p, sec, ns->fields, item, ns->parse_key);
}

#define NAMED_ITEM(type, name_field) sizeof(type), offsetof(type, link), \
	CONFIG_OFFSET(type, name_field, char *), CONFIG_OFFSET(type, line, int)

static const struct config_output output_defaults = { .transform = -1 };
static const struct named_section output_section = {
	"output", is_output_name, "a connector name such as HDMI-A-1 or HEADLESS-1, or *",
	offsetof(struct cordon_config, outputs), &output_defaults,
	NAMED_ITEM(struct config_output, name), output_fields, parse_output_key,
};

static const struct config_sandbox sandbox_defaults = { .color = COLOUR_DEFAULT };
static const struct named_section sandbox_section = {
	"sandbox engine", is_plain_name, "1 to 64 of A-Z, a-z, 0-9, '.', '_' or '-', e.g. flatpak",
	offsetof(struct cordon_config, sandboxes), &sandbox_defaults,
	NAMED_ITEM(struct config_sandbox, engine), sandbox_fields, NULL,
};

void config_parse_output(struct config_parse *p, const struct config_section *sec) {
	parse_named(p, sec, &output_section);
}

void config_parse_sandbox(struct config_parse *p, const struct config_section *sec) {
	parse_named(p, sec, &sandbox_section);
}

/* The keys of [clipboard] that are more than a field. */
static bool parse_clipboard_key(const struct config_item *it, void *base) {
	struct config_clipboard *clip = base;
	const char *k = it->e->key;
	if (strcmp(k, "default") == 0) {
		int v;
		if (config_val_enum(it, config_clip_policy_names, &v)) {
			clip->default_policy = (enum config_clip_policy)v;
			clip->default_given = true;
		}
	} else if (strcmp(k, "max-bytes") == 0) {
		uint64_t max = 4ull << 30, bytes;
		if (max > SIZE_MAX) {
			max = SIZE_MAX;
		}
		if (config_val_size(it, 1, max, &bytes)) {
			clip->max_bytes = (size_t)bytes;
		}
	} else if (strcmp(k, "timeout") == 0) {
		long long ms;
		if (config_val_duration_ms(it, 100, 3600 * 1000, &ms)) {
			clip->timeout_ms = (int)ms;
		}
	} else if (strcmp(k, "grant") == 0) {
		long long ms;
		if (config_val_duration_ms(it, 0, 3600 * 1000, &ms)) {
			clip->grant_ms = (int)ms;
		}
	} else if (strcmp(k, "mime") == 0) {
		config_val_list(it, NULL, NULL, &clip->mime);
	} else {
		return false;
	}
	return true;
}

static const struct config_field clipboard_fields[] = {
	CONFIG_ENUM("up", struct config_clipboard, up, config_clip_policy_names),
	CONFIG_ENUM("down", struct config_clipboard, down, config_clip_policy_names),
	CONFIG_ENUM("level", struct config_clipboard, level, config_clip_policy_names),
	{ 0 },
};

void config_parse_clipboard(struct config_parse *p,
		const struct config_section *sec) {
	config_parse_fields(p, sec, clipboard_fields, &p->config->clipboard,
		parse_clipboard_key);
}
