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

static void unknown_key(struct config_parse *p, const struct config_section *sec,
		const struct config_entry *e) {
	config_section_error(p, sec, e->line, "unknown key '%s'", e->key);
}

void config_parse_general(struct config_parse *p,
		const struct config_section *sec) {
	struct cordon_config *c = p->config;
	struct config_item it;
	for (size_t i = 0; config_next_item(p, sec, &i, &it); i++) {
		const struct config_entry *e = it.e;
		if (strcmp(e->key, "border-width") == 0) {
			config_val_set_int(&c->border_width, &it, 0, 64);
		} else if (strcmp(e->key, "host-color") == 0) {
			config_val_color(&it, &c->host_color);
		} else if (strcmp(e->key, "title-max") == 0) {
			config_val_set_int(&c->title_max, &it, 16, 4096);
		} else if (strcmp(e->key, "font") == 0) {
			config_val_string(&it, &c->font);
		} else if (strcmp(e->key, "cursor-theme") == 0) {
			config_val_string(&it, &c->cursor_theme);
		} else if (strcmp(e->key, "locker") == 0) {
			config_val_string(&it, &c->locker);
		} else if (strcmp(e->key, "cursor-size") == 0) {
			config_val_set_int(&c->cursor_size, &it, 8, 256);
		} else if (strcmp(e->key, "xwayland") == 0) {
			if (!config_xwayland_parse(e->value, &c->host_xwayland)) {
				config_section_error(p, sec, e->line,
					"xwayland: '%s' is not one of no, lazy, yes", e->value);
			}
		} else if (config_parse_session_key(&it)) {
			/* parsed */
		} else {
			unknown_key(p, sec, e);
		}
	}
}

/* An empty keyboard string means "the xkb default", the same as leaving it out. */
static void set_xkb(char **field, const struct config_item *it) {
	if (it->e->value[0] == '\0') {
		free(*field);
		*field = NULL;
		return;
	}
	config_val_string(it, field);
}

void config_parse_keyboard(struct config_parse *p,
		const struct config_section *sec) {
	struct cordon_config *c = p->config;
	struct config_item it;
	for (size_t i = 0; config_next_item(p, sec, &i, &it); i++) {
		const struct config_entry *e = it.e;
		if (strcmp(e->key, "layout") == 0) {
			set_xkb(&c->xkb_layout, &it);
		} else if (strcmp(e->key, "variant") == 0) {
			set_xkb(&c->xkb_variant, &it);
		} else if (strcmp(e->key, "options") == 0) {
			set_xkb(&c->xkb_options, &it);
		} else if (strcmp(e->key, "model") == 0) {
			set_xkb(&c->xkb_model, &it);
		} else if (strcmp(e->key, "rules") == 0) {
			set_xkb(&c->xkb_rules, &it);
		} else if (strcmp(e->key, "repeat-rate") == 0) {
			config_val_set_int(&c->repeat_rate, &it, 0, 1000);
		} else if (strcmp(e->key, "repeat-delay") == 0) {
			config_val_set_int(&c->repeat_delay, &it, 0, 10000);
		} else {
			unknown_key(p, sec, e);
		}
	}
}

void config_parse_pointer(struct config_parse *p,
		const struct config_section *sec) {
	struct cordon_config *c = p->config;
	struct config_item it;
	for (size_t i = 0; config_next_item(p, sec, &i, &it); i++) {
		const struct config_entry *e = it.e;
		if (strcmp(e->key, "natural-scroll") == 0) {
			config_val_bool(&it, &c->natural_scroll);
		} else if (strcmp(e->key, "tap") == 0) {
			config_val_bool(&it, &c->tap_to_click);
		} else if (strcmp(e->key, "accel") == 0) {
			config_val_decimal(&it, -1, 1, &c->accel_speed);
		} else {
			unknown_key(p, sec, e);
		}
	}
}

static bool is_output_name(const char *name) {
	if (strcmp(name, "*") == 0) {
		return true;
	}
	for (const char *c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr("-_.", *c)) {
			return false;
		}
	}
	return *name != '\0' && strlen(name) <= 64;
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

void config_parse_output(struct config_parse *p,
		const struct config_section *sec) {
	struct cordon_config *c = p->config;
	if (!is_output_name(sec->arg)) {
		config_error(p, sec->line, "bad output name '%s' (expected a "
			"connector name such as HDMI-A-1 or HEADLESS-1, or *)", sec->arg);
	}
	struct config_output *prev;
	wl_list_for_each(prev, &c->outputs, link) {
		if (strcmp(prev->name, sec->arg) == 0) {
			config_error(p, sec->line, "output '%s' is configured twice "
				"(lines %d and %d)", sec->arg, prev->line, sec->line);
			break;
		}
	}
	struct config_output *out = calloc(1, sizeof(*out));
	if (out == NULL || (out->name = strdup(sec->arg)) == NULL) {
		free(out);
		p->oom = true;
		return;
	}
	out->transform = -1;
	out->line = sec->line;
	wl_list_insert(c->outputs.prev, &out->link);

	struct config_item it;
	for (size_t i = 0; config_next_item(p, sec, &i, &it); i++) {
		const struct config_entry *e = it.e;
		if (strcmp(e->key, "mode") == 0) {
			parse_mode(&it, out);
		} else if (strcmp(e->key, "position") == 0) {
			parse_position(&it, out);
		} else if (strcmp(e->key, "scale") == 0) {
			config_val_decimal(&it, 0.25, 10, &out->scale);
		} else if (strcmp(e->key, "transform") == 0) {
			config_val_enum(&it, transform_names, &out->transform);
		} else if (strcmp(e->key, "enable") == 0) {
			bool enable;
			if (config_val_bool(&it, &enable)) {
				out->disabled = !enable;
			}
		} else {
			unknown_key(p, sec, e);
		}
	}
}

static bool is_engine_name(const char *name) {
	size_t len = strlen(name);
	for (const char *c = name; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr("-_.", *c)) {
			return false;
		}
	}
	return len >= 1 && len <= 64;
}

void config_parse_sandbox(struct config_parse *p,
		const struct config_section *sec) {
	struct cordon_config *c = p->config;
	if (!is_engine_name(sec->arg)) {
		config_error(p, sec->line, "bad sandbox engine name '%s' (expected "
			"1 to 64 of A-Z, a-z, 0-9, '.', '_' or '-', e.g. flatpak)",
			sec->arg);
	}
	struct config_sandbox *prev;
	wl_list_for_each(prev, &c->sandboxes, link) {
		if (strcmp(prev->engine, sec->arg) == 0) {
			config_error(p, sec->line, "sandbox '%s' is configured twice "
				"(lines %d and %d)", sec->arg, prev->line, sec->line);
			break;
		}
	}
	struct config_sandbox *sb = calloc(1, sizeof(*sb));
	if (sb == NULL || (sb->engine = strdup(sec->arg)) == NULL) {
		free(sb);
		p->oom = true;
		return;
	}
	sb->color = COLOUR_DEFAULT;
	sb->line = sec->line;
	wl_list_insert(c->sandboxes.prev, &sb->link);
	struct config_item it;
	for (size_t i = 0; config_next_item(p, sec, &i, &it); i++) {
		const struct config_entry *e = it.e;
		if (strcmp(e->key, "color") == 0) {
			config_val_color(&it, &sb->color);
		} else {
			unknown_key(p, sec, e);
		}
	}
}

const struct config_name_value config_clip_policy_names[] = {
	{ "ask", CONFIG_CLIP_ASK },
	{ "allow", CONFIG_CLIP_ALLOW },
	{ "deny", CONFIG_CLIP_DENY },
	{ NULL, 0 },
};

void config_parse_clipboard(struct config_parse *p,
		const struct config_section *sec) {
	struct config_clipboard *clip = &p->config->clipboard;
	struct config_item it;
	for (size_t i = 0; config_next_item(p, sec, &i, &it); i++) {
		const struct config_entry *e = it.e;
		if (strcmp(e->key, "default") == 0) {
			int v;
			if (config_val_enum(&it, config_clip_policy_names, &v)) {
				clip->default_policy = (enum config_clip_policy)v;
				clip->default_given = true;
			}
		} else if (strcmp(e->key, "up") == 0 || strcmp(e->key, "down") == 0 ||
				strcmp(e->key, "level") == 0) {
			int v;
			if (config_val_enum(&it, config_clip_policy_names, &v)) {
				*(e->key[0] == 'u' ? &clip->up : e->key[0] == 'd' ?
					&clip->down : &clip->level) = (enum config_clip_policy)v;
			}
		} else if (strcmp(e->key, "max-bytes") == 0) {
			uint64_t max = 4ull << 30, v;
			if (max > SIZE_MAX) {
				max = SIZE_MAX;
			}
			if (config_val_size(&it, 1, max, &v)) {
				clip->max_bytes = (size_t)v;
			}
		} else if (strcmp(e->key, "timeout") == 0) {
			long long ms;
			if (config_val_duration_ms(&it, 100, 3600 * 1000, &ms)) {
				clip->timeout_ms = (int)ms;
			}
		} else if (strcmp(e->key, "grant") == 0) {
			long long ms;
			if (config_val_duration_ms(&it, 0, 3600 * 1000, &ms)) {
				clip->grant_ms = (int)ms;
			}
		} else if (strcmp(e->key, "mime") == 0) {
			config_val_list(&it, NULL, NULL, &clip->mime);
		} else {
			unknown_key(p, sec, e);
		}
	}
}
