#ifndef CORDON_CONFIG_INTERNAL_H
#define CORDON_CONFIG_INTERNAL_H

/*
 * Shared by the parser's files only. Parsing runs in two phases: libinih
 * splits the text into sections and key/value entries (phase one, so that a
 * value continued with a trailing backslash is whole before anyone reads
 * it), then each section is interpreted into struct cordon_config.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "config/config.h"

struct config_entry {
	char *key;
	char *value;
	int line;
};

struct config_section {
	char *header;           /* text between the brackets, trimmed */
	char *type;             /* first word of the header */
	char *arg;              /* the rest, trimmed, or NULL */
	int line;
	struct config_entry *entries;
	size_t n_entries, cap_entries;
};

struct config_error_rec {
	int line;               /* 0: about the whole file */
	size_t seq;             /* keeps errors of one line in report order */
	char *msg;
};

struct config_parse {
	const char *name;       /* file name used in messages */
	struct cordon_config *config;

	struct config_section *sections;
	size_t n_sections, cap_sections;

	struct config_error_rec *errors;
	size_t n_errors, cap_errors;
	bool oom;               /* an allocation failed: the load fails too */
};

/* One entry being interpreted, for messages that name section and key. */
struct config_item {
	struct config_parse *p;
	const struct config_section *sec;
	const struct config_entry *e;
};

struct config_name_value {
	const char *name;
	int value;
};

__attribute__((format(printf, 3, 4)))
void config_error(struct config_parse *p, int line, const char *fmt, ...);
/* "[header] message" at line. */
__attribute__((format(printf, 4, 5)))
void config_section_error(struct config_parse *p,
	const struct config_section *sec, int line, const char *fmt, ...);
/* "[header] key: message" at the entry's line. */
__attribute__((format(printf, 2, 3)))
void config_item_error(const struct config_item *it, const char *fmt, ...);
void config_note_oom(struct config_parse *p);

/*
 * Value readers. Each reports its own error (naming section, key and what
 * was expected) and returns false, leaving *out untouched.
 */
bool config_val_int(const struct config_item *it, long long min,
	long long max, long long *out);
/* config_val_int into an int field. */
void config_val_set_int(int *field, const struct config_item *it,
	long long min, long long max);
bool config_val_bool(const struct config_item *it, bool *out);
bool config_val_decimal(const struct config_item *it, double min, double max,
	double *out);
bool config_val_color(const struct config_item *it, uint32_t *out);
bool config_val_enum(const struct config_item *it,
	const struct config_name_value *names, int *out);
/* Replaces *out with a copy; an empty value is an error. */
bool config_val_string(const struct config_item *it, char **out);
/* Comma list, items trimmed; each passes check if it is given. */
bool config_val_list(const struct config_item *it,
	bool (*check)(const char *item), const char *what, char ***out);
bool config_val_size(const struct config_item *it, uint64_t min,
	uint64_t max, uint64_t *out);
bool config_val_duration_ms(const struct config_item *it, long long min_ms,
	long long max_ms, long long *out);

/* Whole-string conversions: no blanks, no plus sign, no trailing text. */
bool config_str_to_ll(const char *s, long long *out, bool *overflow);
bool config_str_to_decimal(const char *s, double *out);

/* A NULL-terminated array with no elements, so readers never meet NULL. */

/*
 * Splits like a POSIX shell without expansions: blanks separate words,
 * single quotes keep everything, double quotes keep everything but \" \\ \$
 * and \`, a backslash outside quotes keeps the next character. Returns NULL
 * with *err set to a static message on a syntax error or with *err NULL when
 * out of memory.
 */
char **config_shell_split(const char *text, const char **err);

bool config_is_domain_name(const char *name);

extern const struct config_name_value config_clip_policy_names[];

/* Reports entry i if its key came earlier in the section; true if so. */
bool config_repeated_key(struct config_parse *p,
	const struct config_section *sec, size_t i);
/*
 * The section's entry at *i or the next after it whose key was not given
 * before (a repeat is reported as an error and skipped): false at the end.
 * for (size_t i = 0; config_next_item(p, sec, &i, &it); i++) { ... }
 */
bool config_next_item(struct config_parse *p, const struct config_section *sec,
	size_t *i, struct config_item *it);

/* The file's sections, by type. */
void config_parse_general(struct config_parse *p,
	const struct config_section *sec);
void config_parse_keyboard(struct config_parse *p,
	const struct config_section *sec);
void config_parse_pointer(struct config_parse *p,
	const struct config_section *sec);
void config_parse_output(struct config_parse *p,
	const struct config_section *sec);
void config_parse_sandbox(struct config_parse *p,
	const struct config_section *sec);
void config_parse_clipboard(struct config_parse *p,
	const struct config_section *sec);
void config_parse_keys(struct config_parse *p, const struct config_section *sec);
void config_parse_autostart(struct config_parse *p,
	const struct config_section *sec);
/* [general] keys of the login session (autostart.c); false if not one. */
bool config_parse_session_key(const struct config_item *it);
/* kind = qemu keys qemu, accel, relay (config/qemu_keys.c); false: not one of them. */
struct config_domain;
bool config_parse_qemu_key(const struct config_item *it, struct config_domain *d);
/* agent = serial, the only agent a qemu domain has. */
void config_parse_qemu_agent(const struct config_item *it, struct config_domain *d);
bool config_add_default_bindings(struct cordon_config *config);
void config_parse_domain(struct config_parse *p,
	const struct config_section *sec);
/* Checks that need every domain: pair rules, unique CIDs. */
void config_check_domains(struct config_parse *p);
void config_domain_free(struct config_domain *domain);
/* trust, pattern and badge of a [domain]; false when key is none of them. */
bool config_parse_identity_key(const struct config_item *it, struct config_domain *d);
/* Default patterns and badges; an explicit look-alike pair is an error. */
void config_check_identity(struct config_parse *p);

#endif
