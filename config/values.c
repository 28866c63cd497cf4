#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "common/strv.h"
#include "config/internal.h"

/*
 * The labels are the Okabe–Ito palette (Okabe and Ito, "Color Universal
 * Design", 2008), chosen to stay apart under protanopia, deuteranopia and
 * tritanopia; red is its vermillion, green its bluish green, purple its
 * reddish purple. Grey and black are the neutral extras. Colour is never
 * the only mark: each domain has a pattern and a badge too (identity.c).
 */
static const struct {
	const char *name;
	uint32_t rgb;
} color_labels[] = {
	{ "red", 0xd55e00 },
	{ "orange", 0xe69f00 },
	{ "yellow", 0xf0e442 },
	{ "green", 0x009e73 },
	{ "sky", 0x56b4e9 },
	{ "blue", 0x0072b2 },
	{ "purple", 0xcc79a7 },
	{ "gray", 0x888a85 },
	{ "black", 0x2e3436 },
};

static int hex_digit(char c) {
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

bool config_parse_color(const char *text, uint32_t *out) {
	if (text == NULL) {
		return false;
	}
	if (text[0] == '#') {
		uint32_t rgb = 0;
		size_t i;
		for (i = 1; i <= 6; i++) {
			int d = hex_digit(text[i]);
			if (d < 0) {
				return false;
			}
			rgb = rgb << 4 | (uint32_t)d;
		}
		if (text[i] != '\0') {
			return false;
		}
		*out = rgb;
		return true;
	}
	for (size_t i = 0; i < sizeof(color_labels) / sizeof(color_labels[0]); i++) {
		if (strcasecmp(text, color_labels[i].name) == 0) {
			*out = color_labels[i].rgb;
			return true;
		}
	}
	return false;
}

bool config_val_color(const struct config_item *it, uint32_t *out) {
	if (config_parse_color(it->e->value, out)) {
		return true;
	}
	config_item_error(it, "bad colour '%s' (expected #rrggbb or one of red, "
		"orange, yellow, green, sky, blue, purple, gray, black)", it->e->value);
	return false;
}

/*
 * Digits only (and a leading minus): strtoll alone would accept leading
 * blanks, a plus sign and hexadecimal-looking junk after the number.
 */
bool config_str_to_ll(const char *s, long long *out, bool *overflow) {
	const char *d = s[0] == '-' ? s + 1 : s;
	if (*d == '\0') {
		return false;
	}
	for (const char *c = d; *c; c++) {
		if (!isdigit((unsigned char)*c)) {
			return false;
		}
	}
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	*overflow = errno == ERANGE;
	*out = v;
	return true;
}

bool config_val_int(const struct config_item *it, long long min,
		long long max, long long *out) {
	long long v;
	bool overflow;
	if (!config_str_to_ll(it->e->value, &v, &overflow)) {
		config_item_error(it, "bad number '%s' (expected an integer from "
			"%lld to %lld)", it->e->value, min, max);
		return false;
	}
	if (overflow || v < min || v > max) {
		config_item_error(it, "%s is out of range (%lld to %lld)",
			it->e->value, min, max);
		return false;
	}
	*out = v;
	return true;
}

void config_val_set_int(int *field, const struct config_item *it,
		long long min, long long max) {
	long long v;
	if (config_val_int(it, min, max, &v)) {
		*field = (int)v;
	}
}

static const struct config_name_value bool_names[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
	{ NULL, 0 },
};

bool config_val_bool(const struct config_item *it, bool *out) {
	for (const struct config_name_value *n = bool_names; n->name; n++) {
		if (strcasecmp(it->e->value, n->name) == 0) {
			*out = n->value != 0;
			return true;
		}
	}
	config_item_error(it, "bad boolean '%s' (expected yes, no, true, false, "
		"on, off, 1 or 0)", it->e->value);
	return false;
}

/*
 * By hand rather than strtod, whose decimal point follows LC_NUMERIC: a
 * compositor that sets a locale must not start misreading "1.5".
 */
bool config_str_to_decimal(const char *s, double *out) {
	bool neg = false;
	if (*s == '-') {
		neg = true;
		s++;
	}
	double v = 0;
	int digits = 0;
	while (isdigit((unsigned char)*s)) {
		v = v * 10 + (*s - '0');
		digits++;
		s++;
	}
	if (*s == '.') {
		s++;
		double scale = 0.1;
		while (isdigit((unsigned char)*s)) {
			v += (*s - '0') * scale;
			scale /= 10;
			digits++;
			s++;
		}
	}
	if (digits == 0 || *s != '\0') {
		return false;
	}
	*out = neg ? -v : v;
	return true;
}

bool config_val_decimal(const struct config_item *it, double min, double max,
		double *out) {
	double v;
	if (!config_str_to_decimal(it->e->value, &v)) {
		config_item_error(it, "bad number '%s' (expected a decimal number "
			"from %g to %g)", it->e->value, min, max);
		return false;
	}
	if (v < min || v > max) {
		config_item_error(it, "%s is out of range (%g to %g)",
			it->e->value, min, max);
		return false;
	}
	*out = v;
	return true;
}

bool config_val_enum(const struct config_item *it,
		const struct config_name_value *names, int *out) {
	for (const struct config_name_value *n = names; n->name; n++) {
		if (strcmp(it->e->value, n->name) == 0) {
			*out = n->value;
			return true;
		}
	}
	char expected[256];
	size_t len = 0;
	expected[0] = '\0';
	for (const struct config_name_value *n = names; n->name; n++) {
		const char *sep = n == names ? "" : n[1].name ? ", " : " or ";
		int w = snprintf(expected + len, sizeof(expected) - len, "%s%s",
			sep, n->name);
		if (w < 0 || (size_t)w >= sizeof(expected) - len) {
			break;
		}
		len += (size_t)w;
	}
	config_item_error(it, "bad value '%s' (expected %s)", it->e->value,
		expected);
	return false;
}

bool config_val_string(const struct config_item *it, char **out) {
	if (it->e->value[0] == '\0') {
		config_item_error(it, "empty value");
		return false;
	}
	char *copy = strdup(it->e->value);
	if (copy == NULL) {
		config_note_oom(it->p);
		return false;
	}
	free(*out);
	*out = copy;
	return true;
}

bool config_val_list(const struct config_item *it,
		bool (*check)(const char *item), const char *what, char ***out) {
	struct strv list = {0};
	const char *s = it->e->value;
	if (*s == '\0') {
		config_item_error(it, "empty value");
		return false;
	}
	bool ok = true;
	for (;;) {
		const char *comma = strchr(s, ',');
		const char *end = comma ? comma : s + strlen(s);
		const char *b = s;
		while (b < end && isspace((unsigned char)*b)) {
			b++;
		}
		const char *e = end;
		while (e > b && isspace((unsigned char)e[-1])) {
			e--;
		}
		if (b == e) {
			config_item_error(it, "empty item in list '%s'", it->e->value);
			ok = false;
		} else if (strv_pushn(&list, b, (size_t)(e - b)), list.failed) {
			config_note_oom(it->p);
			ok = false;
			break;
		} else if (check != NULL && !check(list.v[list.len - 1])) {
			config_item_error(it, "bad %s '%s'", what, list.v[list.len - 1]);
			ok = false;
		}
		if (comma == NULL) {
			break;
		}
		s = comma + 1;
	}
	if (!ok) {
		strv_discard(&list);
		return false;
	}
	char **done = strv_finish(&list);
	if (done == NULL) {
		config_note_oom(it->p);
		return false;
	}
	strv_free(*out);
	*out = done;
	return true;
}

/* Splits "123K" into 123 and "K"; false if there are no leading digits. */
static bool split_number(const char *s, uint64_t *num, const char **suffix) {
	if (!isdigit((unsigned char)*s)) {
		return false;
	}
	uint64_t v = 0;
	while (isdigit((unsigned char)*s)) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10) {
			v = UINT64_MAX;
		} else {
			v = v * 10 + d;
		}
		s++;
	}
	*num = v;
	*suffix = s;
	return true;
}

static uint64_t mul_sat(uint64_t a, uint64_t b) {
	return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

bool config_val_size(const struct config_item *it, uint64_t min,
		uint64_t max, uint64_t *out) {
	uint64_t v;
	const char *suffix;
	uint64_t unit = 0;
	if (split_number(it->e->value, &v, &suffix)) {
		if (*suffix == '\0') {
			unit = 1;
		} else if (suffix[1] == '\0') {
			switch (*suffix) {
			case 'K': case 'k': unit = 1ull << 10; break;
			case 'M': case 'm': unit = 1ull << 20; break;
			case 'G': case 'g': unit = 1ull << 30; break;
			}
		}
	}
	if (unit == 0) {
		config_item_error(it, "bad size '%s' (expected a number of bytes "
			"with an optional K, M or G suffix)", it->e->value);
		return false;
	}
	v = mul_sat(v, unit);
	if (v < min || v > max) {
		config_item_error(it, "%s is out of range (%llu to %llu bytes)",
			it->e->value, (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool config_val_duration_ms(const struct config_item *it, long long min_ms,
		long long max_ms, long long *out) {
	uint64_t v;
	const char *suffix;
	uint64_t unit = 0;
	if (split_number(it->e->value, &v, &suffix)) {
		if (*suffix == '\0' || strcmp(suffix, "s") == 0) {
			unit = 1000;
		} else if (strcmp(suffix, "ms") == 0) {
			unit = 1;
		}
	}
	if (unit == 0) {
		config_item_error(it, "bad duration '%s' (expected seconds, e.g. "
			"30 or 30s, or milliseconds, e.g. 500ms)", it->e->value);
		return false;
	}
	v = mul_sat(v, unit);
	if (v < (uint64_t)min_ms || v > (uint64_t)max_ms) {
		config_item_error(it, "%s is out of range (%lldms to %lldms)",
			it->e->value, min_ms, max_ms);
		return false;
	}
	*out = (long long)v;
	return true;
}

char **config_shell_split(const char *text, const char **err) {
	*err = NULL;
	struct strv words = {0};
	size_t cap = strlen(text) + 1;
	char *word = malloc(cap);
	if (word == NULL) {
		goto fail;
	}
	const char *s = text;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n') {
			s++;
		}
		if (*s == '\0') {
			break;
		}
		/* Each word is at most as long as the text, so word never overflows. */
		size_t len = 0;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\n') {
			if (*s == '\'') {
				const char *close = strchr(s + 1, '\'');
				if (close == NULL) {
					*err = "unterminated single quote";
					goto fail;
				}
				memcpy(word + len, s + 1, (size_t)(close - s - 1));
				len += (size_t)(close - s - 1);
				s = close + 1;
			} else if (*s == '"') {
				s++;
				while (*s != '"') {
					if (*s == '\0') {
						*err = "unterminated double quote";
						goto fail;
					}
					if (*s == '\\' && s[1] != '\0' && strchr("\"\\$`", s[1])) {
						s++;
					}
					word[len++] = *s++;
				}
				s++;
			} else if (*s == '\\') {
				if (s[1] == '\0') {
					*err = "backslash at the end";
					goto fail;
				}
				word[len++] = s[1];
				s += 2;
			} else {
				word[len++] = *s++;
			}
		}
		strv_pushn(&words, word, len);
	}
	free(word);
	return strv_finish(&words);
fail:
	free(word);
	strv_discard(&words);
	return NULL;
}

bool config_is_domain_name(const char *name) {
	size_t len = strlen(name);
	if (len == 0 || len > CONFIG_DOMAIN_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '-'))) {
			return false;
		}
	}
	return true;
}
