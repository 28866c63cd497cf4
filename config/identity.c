#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "config/internal.h"

/*
 * What tells one domain from another besides its colour: trust (for the
 * clipboard), pattern and badge (drawn by cordon beside the colour, so a
 * user who cannot tell two colours apart still can tell the domains).
 */

static const struct config_name_value pattern_names[] = {
	{ "solid", CONFIG_PATTERN_SOLID },
	{ "stripes", CONFIG_PATTERN_STRIPES },
	{ "dots", CONFIG_PATTERN_DOTS },
	{ "checks", CONFIG_PATTERN_CHECKS },
	{ NULL, 0 },
};

const char *config_pattern_name(enum config_pattern pattern) {
	for (const struct config_name_value *n = pattern_names; n->name != NULL; n++) {
		if (n->value == (int)pattern) {
			return n->name;
		}
	}
	return "solid";
}

/* Length of the UTF-8 sequence at s, or 0 when it is not a valid one. */
static size_t utf8_char(const unsigned char *s, uint32_t *cp) {
	size_t len;
	uint32_t c;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			return 0;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (c < min[len] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
		return 0;
	}
	*cp = c;
	return len;
}

/*
 * A character a badge may hold: visible, drawn left to right on its own.
 * No controls, blanks, combining marks, format or bidi characters (which
 * would draw nothing or reorder), no private use.
 */
static bool badge_char_ok(uint32_t c) {
	if (c <= 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad) {
		return false;
	}
	if ((c >= 0x0300 && c <= 0x036f) || (c >= 0x2000 && c <= 0x206f) ||
			(c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff ||
			(c >= 0xe000 && c <= 0xf8ff) || (c >= 0xfff0 && c <= 0xffff) ||
			(c >= 0xe0000) || c == 0x3000 || c == 0x061c) {
		return false;
	}
	return true;
}

/* Whether text is 1 to CONFIG_BADGE_CHARS allowed characters. */
static bool badge_ok(const char *text) {
	const unsigned char *s = (const unsigned char *)text;
	int n = 0;
	while (*s) {
		uint32_t c;
		size_t len = utf8_char(s, &c);
		if (len == 0 || !badge_char_ok(c)) {
			return false;
		}
		s += len;
		n++;
	}
	return n >= 1 && n <= CONFIG_BADGE_CHARS && strlen(text) < CONFIG_BADGE_SIZE;
}

/* The badge of a domain that names none: its first letter or digit, upper case. */
static void badge_default(const char *name, char out[CONFIG_BADGE_SIZE]) {
	const char *s = name;
	while (*s && !isalnum((unsigned char)*s)) {
		s++;
	}
	out[0] = (char)toupper((unsigned char)(*s ? *s : '?'));
	out[1] = '\0';
}

bool config_parse_identity_key(const struct config_item *it, struct config_domain *d) {
	const char *k = it->e->key;
	if (strcmp(k, "trust") == 0) {
		config_val_set_int(&d->trust, it, CONFIG_TRUST_MIN, CONFIG_TRUST_MAX);
	} else if (strcmp(k, "pattern") == 0) {
		int v;
		if (config_val_enum(it, pattern_names, &v)) {
			d->pattern = (enum config_pattern)v;
			d->pattern_line = it->e->line;
		}
	} else if (strcmp(k, "badge") == 0) {
		if (!badge_ok(it->e->value)) {
			config_item_error(it, "bad badge '%s' (expected 1 to %d visible "
				"characters, no blanks, controls or direction marks)",
				it->e->value, CONFIG_BADGE_CHARS);
			return true;
		}
		snprintf(d->badge, sizeof(d->badge), "%s", it->e->value);
	} else {
		return false;
	}
	return true;
}

static bool pattern_taken(struct cordon_config *c, const struct config_domain *self,
		uint32_t color, enum config_pattern pattern) {
	const struct config_domain *d;
	wl_list_for_each(d, &c->domains, link) {
		if (d != self && d->color == color && d->pattern == pattern) {
			return true;
		}
	}
	return false;
}

void config_check_identity(struct config_parse *p) {
	struct cordon_config *c = p->config;
	struct config_domain *d, *prev;
	/* Patterns the user wrote: two domains that look alike are an error. */
	wl_list_for_each(d, &c->domains, link) {
		if (d->badge[0] == '\0') {
			badge_default(d->name, d->badge);
		}
		if (d->pattern_line == 0) {
			continue;
		}
		wl_list_for_each(prev, &c->domains, link) {
			if (prev == d) {
				break;
			}
			if (prev->pattern_line != 0 && prev->color == d->color &&
					prev->pattern == d->pattern) {
				config_error(p, d->pattern_line, "[domain %s] pattern: '%s' in "
					"colour #%06x is already domain '%s' (line %d); give one of "
					"them another pattern or colour", d->name,
					config_pattern_name(d->pattern), d->color, prev->name,
					prev->pattern_line);
			}
		}
	}
	/* The others get the first pattern no domain of their colour has yet. */
	wl_list_for_each(d, &c->domains, link) {
		if (d->pattern_line != 0) {
			continue;
		}
		enum config_pattern pick = CONFIG_PATTERN_UNSET;
		int n_same = 0;
		wl_list_for_each(prev, &c->domains, link) {
			if (prev == d) {
				break;
			}
			n_same += prev->color == d->color;
		}
		for (int pat = CONFIG_PATTERN_SOLID; pat < CONFIG_PATTERN_COUNT; pat++) {
			if (!pattern_taken(c, d, d->color, (enum config_pattern)pat)) {
				pick = (enum config_pattern)pat;
				break;
			}
		}
		if (pick == CONFIG_PATTERN_UNSET) {
			/*
			 * More than four domains in one colour (usually the default
			 * grey): the patterns repeat and the badge and name must tell
			 * them apart. Not an error: a config without colours still runs.
			 */
			pick = (enum config_pattern)(CONFIG_PATTERN_SOLID + n_same % 4);
		}
		d->pattern = pick;
	}
}

int config_domain_trust(const struct cordon_config *config, const char *name) {
	if (strcmp(name, "host") == 0) {
		return CONFIG_TRUST_HOST;
	}
	const struct config_domain *d = config_find_domain(config, name);
	return d != NULL ? d->trust : CONFIG_TRUST_DEFAULT;
}

enum config_pattern config_domain_pattern(const struct cordon_config *config,
		const char *name) {
	const struct config_domain *d = config_find_domain(config, name);
	return d != NULL && d->pattern != CONFIG_PATTERN_UNSET ? d->pattern :
		CONFIG_PATTERN_SOLID;
}

void config_domain_badge(const struct cordon_config *config, const char *name,
		char badge_out[CONFIG_BADGE_SIZE]) {
	const struct config_domain *d = config_find_domain(config, name);
	if (d != NULL && d->badge[0] != '\0') {
		memcpy(badge_out, d->badge, CONFIG_BADGE_SIZE);
	} else {
		badge_default(name, badge_out);
	}
}
