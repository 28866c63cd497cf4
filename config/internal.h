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

/*
 * A key that only sets a field, described by a table row (config/fields.c)
 * rather than a branch of its own. offset is into the struct the section
 * fills; the CONFIG_* row macros below check the field's type at compile
 * time.
 */
enum config_field_type {
	CONFIG_FIELD_CUSTOM = 0, /* read by the section's own code */
	CONFIG_FIELD_INT,        /* int, min to max */
	CONFIG_FIELD_DECIMAL,    /* double, min to max */
	CONFIG_FIELD_BOOL,       /* bool */
	CONFIG_FIELD_COLOR,      /* uint32_t 0xrrggbb */
	CONFIG_FIELD_ENUM,       /* an int-sized enum, one of names */
	CONFIG_FIELD_STRING,     /* char *, a copy; empty is an error */
	CONFIG_FIELD_OPTIONAL,   /* char *, a copy; empty is NULL (the default) */
};

struct config_field {
	const char *key;
	enum config_field_type type;
	size_t offset;
	double min, max;
	const struct config_name_value *names;
};

/* offsetof(st, member), refused at compile time unless member is a ctype. */
#define CONFIG_OFFSET(st, member, ctype) \
	(offsetof(st, member) + 0 * sizeof((ctype *){ &((st *)NULL)->member }))
#define CONFIG_ENUM_OFFSET(st, member) (offsetof(st, member) + \
	0 * sizeof(char[sizeof(((st *)NULL)->member) == sizeof(int) ? 1 : -1]))

#define CONFIG_INT(key, st, member, min, max) \
	{ (key), CONFIG_FIELD_INT, CONFIG_OFFSET(st, member, int), (min), (max), NULL }
#define CONFIG_DECIMAL(key, st, member, min, max) \
	{ (key), CONFIG_FIELD_DECIMAL, CONFIG_OFFSET(st, member, double), (min), (max), NULL }
#define CONFIG_BOOL(key, st, member) \
	{ (key), CONFIG_FIELD_BOOL, CONFIG_OFFSET(st, member, bool), 0, 0, NULL }
#define CONFIG_COLOR(key, st, member) \
	{ (key), CONFIG_FIELD_COLOR, CONFIG_OFFSET(st, member, uint32_t), 0, 0, NULL }
#define CONFIG_ENUM(key, st, member, names) \
	{ (key), CONFIG_FIELD_ENUM, CONFIG_ENUM_OFFSET(st, member), 0, 0, (names) }
#define CONFIG_STRING(key, st, member) \
	{ (key), CONFIG_FIELD_STRING, CONFIG_OFFSET(st, member, char *), 0, 0, NULL }
#define CONFIG_OPTIONAL(key, st, member) \
	{ (key), CONFIG_FIELD_OPTIONAL, CONFIG_OFFSET(st, member, char *), 0, 0, NULL }
#define CONFIG_CUSTOM(key) { (key), CONFIG_FIELD_CUSTOM, 0, 0, 0, NULL }

/* Reads the item into f's field of base; false for a CONFIG_FIELD_CUSTOM f. */
bool config_field_set(const struct config_field *f, void *base,
	const struct config_item *it);
/* config_field_set with the row for the item's key; false if fields has none. */
bool config_fields_parse(const struct config_field *fields, void *base,
	const struct config_item *it);
/*
 * A whole section: each key (given once) by its row in fields (ended by
 * { 0 }), else by parse_key (may be NULL; false: not one of its keys),
 * else an unknown key.
 */
void config_parse_fields(struct config_parse *p, const struct config_section *sec,
	const struct config_field *fields, void *base,
	bool (*parse_key)(const struct config_item *it, void *base));

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
/* [general], [keyboard] and [pointer]: fields of struct cordon_config only. */
extern const struct config_field config_general_fields[];
extern const struct config_field config_keyboard_fields[];
extern const struct config_field config_pointer_fields[];
void config_parse_output(struct config_parse *p,
	const struct config_section *sec);
void config_parse_sandbox(struct config_parse *p,
	const struct config_section *sec);
void config_parse_clipboard(struct config_parse *p,
	const struct config_section *sec);
void config_parse_keys(struct config_parse *p, const struct config_section *sec);
void config_parse_autostart(struct config_parse *p,
	const struct config_section *sec);
/* [general] user-session (autostart.c) and xwayland (domains.c, also a domain key). */
extern const struct config_name_value config_user_session_names[];
extern const struct config_name_value config_xwayland_names[];
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
