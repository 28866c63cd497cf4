#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "common/array.h"
#include "common/colour.h"
#include "common/strv.h"
#include "config/internal.h"

/* A config is a few KiB; anything this large is not one. */
#define CONFIG_FILE_MAX (1 << 20)

static const char *const default_mime[] = {
	"text/plain;charset=utf-8", "text/plain", "UTF8_STRING", "STRING", "TEXT",
};

/* ---- errors ------------------------------------------------------------ */

static void add_error(struct config_parse *p, int line, char *msg) {
	if (msg == NULL) {
		p->oom = true;
		return;
	}
	struct config_error_rec *grown =
		array_grow(p->errors, p->n_errors, &p->cap_errors, sizeof(*grown));
	if (grown == NULL) {
		free(msg);
		p->oom = true;
		return;
	}
	p->errors = grown;
	p->errors[p->n_errors] = (struct config_error_rec){
		.line = line,
		.seq = p->n_errors,
		.msg = msg,
	};
	p->n_errors++;
}

static char *vformat(const char *fmt, va_list ap) {
	char *s;
	if (vasprintf(&s, fmt, ap) < 0) {
		return NULL;
	}
	return s;
}

void config_error(struct config_parse *p, int line, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	add_error(p, line, vformat(fmt, ap));
	va_end(ap);
}

static void prefixed_error(struct config_parse *p, int line,
		const char *prefix, const char *fmt, va_list ap) {
	char *body = vformat(fmt, ap);
	if (body == NULL) {
		p->oom = true;
		return;
	}
	char *msg;
	if (asprintf(&msg, "%s%s", prefix, body) < 0) {
		msg = NULL;
	}
	free(body);
	add_error(p, line, msg);
}

void config_section_error(struct config_parse *p,
		const struct config_section *sec, int line, const char *fmt, ...) {
	char *prefix;
	if (asprintf(&prefix, "[%s] ", sec->header) < 0) {
		p->oom = true;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	prefixed_error(p, line, prefix, fmt, ap);
	va_end(ap);
	free(prefix);
}

void config_item_error(const struct config_item *it, const char *fmt, ...) {
	char *prefix;
	if (asprintf(&prefix, "[%s] %s: ", it->sec->header, it->e->key) < 0) {
		it->p->oom = true;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	prefixed_error(it->p, it->e->line, prefix, fmt, ap);
	va_end(ap);
	free(prefix);
}

void config_note_oom(struct config_parse *p) {
	p->oom = true;
}

static int error_cmp(const void *a, const void *b) {
	const struct config_error_rec *x = a, *y = b;
	if (x->line != y->line) {
		return x->line < y->line ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void push_message(struct config_errors *errs, char *msg) {
	if (msg == NULL) {
		return;
	}
	char **grown = realloc(errs->msgs, (errs->len + 1) * sizeof(char *));
	if (grown == NULL) {
		free(msg);
		return;
	}
	errs->msgs = grown;
	errs->msgs[errs->len++] = msg;
}

void config_errors_add(struct config_errors *errs, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	push_message(errs, vformat(fmt, ap));
	va_end(ap);
}

/* Hands the errors, in file order, to the caller as "FILE:LINE: message". */
static void report_errors(struct config_parse *p, struct config_errors *errs) {
	qsort(p->errors, p->n_errors, sizeof(p->errors[0]), error_cmp);
	for (size_t i = 0; i < p->n_errors; i++) {
		struct config_error_rec *e = &p->errors[i];
		if (errs != NULL) {
			char *msg;
			int r = e->line > 0
				? asprintf(&msg, "%s:%d: %s", p->name, e->line, e->msg)
				: asprintf(&msg, "%s: %s", p->name, e->msg);
			push_message(errs, r < 0 ? NULL : msg);
		}
		free(e->msg);
	}
	if (p->oom && errs != NULL) {
		config_errors_add(errs, "%s: out of memory while reading the config", p->name);
	}
	free(p->errors);
	p->errors = NULL;
	p->n_errors = p->cap_errors = 0;
}

void config_errors_finish(struct config_errors *errs) {
	if (errs == NULL) {
		return;
	}
	for (size_t i = 0; i < errs->len; i++) {
		free(errs->msgs[i]);
	}
	free(errs->msgs);
	errs->msgs = NULL;
	errs->len = 0;
}

/* ---- phase one: libinih splits the text -------------------------------- */

#define NO_SECTION ((size_t)-1)

struct reader {
	struct config_parse *p;
	const char *pos, *end;
	int lineno;
	bool cont_pending;  /* the last key line ended with a backslash */
	bool is_cont;       /* the line inih holds continues the last value */
	bool skip_keys;     /* under a broken header: its keys belong nowhere */
	size_t section;     /* index into p->sections, or NO_SECTION */
	/* The key and value of the line inih holds, cut out of the text. */
	const char *key, *value;
	size_t key_len, value_len;
};

static void section_free(struct config_section *sec) {
	for (size_t i = 0; i < sec->n_entries; i++) {
		free(sec->entries[i].key);
		free(sec->entries[i].value);
	}
	free(sec->entries);
	free(sec->header);
	free(sec->type);
	free(sec->arg);
}

static bool add_section(struct config_parse *p, const char *header,
		size_t len, int line) {
	struct config_section *grown =
		array_grow(p->sections, p->n_sections, &p->cap_sections, sizeof(*grown));
	if (grown == NULL) {
		return false;
	}
	p->sections = grown;
	struct config_section sec = { .line = line };
	sec.header = strndup(header, len);
	size_t type_len = 0;
	while (type_len < len && !isspace((unsigned char)header[type_len])) {
		type_len++;
	}
	sec.type = strndup(header, type_len);
	const char *arg = header + type_len;
	const char *end = header + len;
	while (arg < end && isspace((unsigned char)*arg)) {
		arg++;
	}
	if (arg < end) {
		sec.arg = strndup(arg, (size_t)(end - arg));
	}
	if (sec.header == NULL || sec.type == NULL || (arg < end && sec.arg == NULL)) {
		section_free(&sec);
		return false;
	}
	p->sections[p->n_sections++] = sec;
	return true;
}

/*
 * Where inih would end a section name, key or value: at one of chars, or
 * at an inline comment (a ';' after a blank), with the same rules as inih
 * so that a config means what inih's documentation says it means.
 */
static const char *find_chars_or_comment(const char *s, const char *end,
		const char *chars) {
	bool was_blank = false;
	for (; s < end; s++) {
		if (strchr(chars, *s) != NULL || (was_blank && *s == ';')) {
			return s;
		}
		was_blank = isspace((unsigned char)*s);
	}
	return end;
}

/* A value as inih cuts it: up to an inline comment, without outer blanks. */
static void cut_value(struct reader *r, const char *s, const char *e) {
	e = find_chars_or_comment(s, e, "");
	while (s < e && isspace((unsigned char)*s)) {
		s++;
	}
	while (e > s && isspace((unsigned char)e[-1])) {
		e--;
	}
	r->value = s;
	r->value_len = (size_t)(e - s);
}

/*
 * Gives inih a stand-in for the line: inih reads each line into a fixed
 * buffer (INI_MAX_LINE, 200 bytes in Debian's build) that no caller can
 * enlarge, so inih never sees the text itself, only as much as it needs to
 * call the handler for a key ("k=") or a continuation (" c"), to start a
 * section ("[s]") or to skip the line (""). The key and value are in r.
 */
static char *give(char *buf, int size, const char *standin) {
	size_t len = strlen(standin);
	if (size < 0 || len >= (size_t)size) {
		return NULL;
	}
	memcpy(buf, standin, len + 1);
	return buf;
}

/*
 * inih's line reader, and the lexer. It counts lines (this inih calls the
 * handler without line numbers), finds section headers itself (inih does
 * not report empty sections, and a section given twice would look like
 * one), reports every malformed line (inih reports only the first), decides
 * continuation (leading blanks are dropped, so only a line after a trailing
 * backslash continues the value before it) and cuts out the key and value,
 * so a line is as long as the user needs.
 */
static char *read_line(char *buf, int size, void *stream) {
	struct reader *r = stream;
	struct config_parse *p = r->p;
	if (r->pos >= r->end) {
		return NULL;
	}
	const char *nl = memchr(r->pos, '\n', (size_t)(r->end - r->pos));
	const char *s = r->pos;
	const char *e = nl ? nl : r->end;
	r->pos = nl ? nl + 1 : r->end;
	r->lineno++;
	r->is_cont = false;
	r->key = r->value = NULL;
	r->key_len = r->value_len = 0;
	bool cont = r->cont_pending;
	r->cont_pending = false;

	if (r->lineno == 1 && e - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
	}
	while (s < e && isspace((unsigned char)*s)) {
		s++;
	}
	while (e > s && isspace((unsigned char)e[-1])) {
		e--;
	}
	size_t len = (size_t)(e - s);
	if (len == 0 || *s == ';' || *s == '#') {
		return give(buf, size, "");
	}

	if (cont && *s != '[') {
		if (e[-1] == '\\') {
			r->cont_pending = true;
			e--;
		}
		r->is_cont = true;
		cut_value(r, s, e);
		return give(buf, size, " c");
	}

	if (*s == '[') {
		const char *close = find_chars_or_comment(s + 1, e, "]");
		r->section = NO_SECTION;
		r->skip_keys = true;
		if (close == e || *close != ']') {
			config_error(p, r->lineno, "section header without a closing ']'");
			return give(buf, size, "");
		}
		const char *after = close + 1;
		while (after < e && isspace((unsigned char)*after)) {
			after++;
		}
		if (after < e && *after != ';') {
			config_error(p, r->lineno, "unexpected text after section "
				"header: '%.*s'", (int)(e - after), after);
		}
		const char *h = s + 1;
		const char *he = close;
		while (h < he && isspace((unsigned char)*h)) {
			h++;
		}
		while (he > h && isspace((unsigned char)he[-1])) {
			he--;
		}
		if (h == he) {
			config_error(p, r->lineno, "empty section header '[]'");
		} else if (!add_section(p, h, (size_t)(he - h), r->lineno)) {
			p->oom = true;
		} else {
			r->section = p->n_sections - 1;
			r->skip_keys = false;
		}
		return give(buf, size, "[s]");
	}

	const char *sep = find_chars_or_comment(s, e, "=:");
	if (sep == e || (*sep != '=' && *sep != ':')) {
		config_error(p, r->lineno, "expected 'key = value' or a [section] "
			"header, got '%.*s'", (int)len, s);
		return give(buf, size, "");
	}
	if (sep == s) {
		config_error(p, r->lineno, "missing key name before '%c'", *sep);
		return give(buf, size, "");
	}
	if (e[-1] == '\\') {
		r->cont_pending = true;
		e--;
	}
	const char *ke = sep;
	while (ke > s && isspace((unsigned char)ke[-1])) {
		ke--;
	}
	r->key = s;
	r->key_len = (size_t)(ke - s);
	cut_value(r, sep + 1, e);
	return give(buf, size, "k=");
}

static bool add_entry(struct config_section *sec, const struct reader *r) {
	struct config_entry *grown =
		array_grow(sec->entries, sec->n_entries, &sec->cap_entries, sizeof(*grown));
	if (grown == NULL) {
		return false;
	}
	sec->entries = grown;
	struct config_entry entry = {
		.key = strndup(r->key, r->key_len),
		.value = strndup(r->value, r->value_len),
		.line = r->lineno,
	};
	if (entry.key == NULL || entry.value == NULL) {
		free(entry.key);
		free(entry.value);
		return false;
	}
	sec->entries[sec->n_entries++] = entry;
	return true;
}

static bool append_value(struct config_entry *entry, const struct reader *r) {
	if (r->value_len == 0) {
		return true;
	}
	size_t old = strlen(entry->value);
	size_t sep = old > 0 ? 1 : 0;
	char *joined = realloc(entry->value, old + sep + r->value_len + 1);
	if (joined == NULL) {
		return false;
	}
	if (sep) {
		joined[old] = ' ';
	}
	memcpy(joined + old + sep, r->value, r->value_len);
	joined[old + sep + r->value_len] = '\0';
	entry->value = joined;
	return true;
}

/* inih's handler: inih's own section, name and value are stand-ins. */
static int handle_entry(void *user, const char *section, const char *name,
		const char *value) {
	struct reader *r = user;
	struct config_parse *p = r->p;
	if (r->skip_keys || (r->key == NULL && !r->is_cont)) {
		return 1;
	}
	if (r->section == NO_SECTION) {
		if (!r->is_cont) {
			config_error(p, r->lineno, "key '%.*s' outside any section "
				"(put a [section] header above it)", (int)r->key_len, r->key);
		}
		return 1;
	}
	struct config_section *sec = &p->sections[r->section];
	bool ok;
	if (r->is_cont) {
		ok = sec->n_entries == 0 ||
			append_value(&sec->entries[sec->n_entries - 1], r);
	} else {
		ok = add_entry(sec, r);
	}
	if (!ok) {
		p->oom = true;
	}
	return 1;
}

static void split_text(struct config_parse *p, const char *text, size_t len) {
	struct reader r = {
		.p = p,
		.pos = text,
		.end = text + len,
		.section = NO_SECTION,
	};
	int ret = ini_parse_stream(read_line, &r, handle_entry, &r);
	if (r.pos < r.end) {
		/* Only a libinih built with a buffer of under 4 bytes stops early. */
		config_error(p, r.lineno, "libinih stopped reading here");
	}
	if (ret == -2) {
		p->oom = true;
	} else if (ret != 0 && p->n_errors == 0) {
		/* The reader hides every malformed line it knows from inih. */
		config_error(p, ret > 0 ? ret : 0, "syntax error");
	}
}

/* ---- phase two: sections ----------------------------------------------- */

enum section_type {
	SEC_GENERAL,
	SEC_KEYBOARD,
	SEC_POINTER,
	SEC_KEYS,
	SEC_CLIPBOARD,
	SEC_OUTPUT,
	SEC_DOMAIN,
	SEC_SANDBOX,
	SEC_AUTOSTART,
	SEC_COUNT,
};

static const struct {
	const char *name;
	bool named;  /* [type NAME] rather than [type] */
	const char *example;
} section_types[SEC_COUNT] = {
	[SEC_GENERAL] = { "general", false, NULL },
	[SEC_KEYBOARD] = { "keyboard", false, NULL },
	[SEC_POINTER] = { "pointer", false, NULL },
	[SEC_KEYS] = { "keys", false, NULL },
	[SEC_CLIPBOARD] = { "clipboard", false, NULL },
	[SEC_OUTPUT] = { "output", true, "[output HDMI-A-1] or [output *]" },
	[SEC_DOMAIN] = { "domain", true, "[domain work]" },
	[SEC_SANDBOX] = { "sandbox", true, "[sandbox flatpak]" },
	[SEC_AUTOSTART] = { "autostart", false, NULL },
};

static void interpret(struct config_parse *p) {
	int first_line[SEC_COUNT] = { 0 };
	for (size_t i = 0; i < p->n_sections; i++) {
		const struct config_section *sec = &p->sections[i];
		int type = -1;
		for (int t = 0; t < SEC_COUNT; t++) {
			if (strcmp(sec->type, section_types[t].name) == 0) {
				type = t;
				break;
			}
		}
		if (type < 0) {
			config_error(p, sec->line, "unknown section [%s] (expected "
				"general, keyboard, pointer, keys, clipboard, output NAME, "
				"domain NAME, sandbox ENGINE or autostart)", sec->header);
			continue;
		}
		if (section_types[type].named && sec->arg == NULL) {
			config_error(p, sec->line, "section [%s] needs a name, e.g. %s",
				sec->type, section_types[type].example);
			continue;
		}
		if (!section_types[type].named) {
			if (sec->arg != NULL) {
				config_error(p, sec->line, "section [%s] takes no name",
					sec->type);
				continue;
			}
			if (first_line[type] != 0) {
				config_error(p, sec->line, "section [%s] given twice "
					"(first on line %d)", sec->type, first_line[type]);
			}
			first_line[type] = sec->line;
		}
		switch ((enum section_type)type) {
		case SEC_GENERAL: config_parse_fields(p, sec, config_general_fields, p->config, NULL); break;
		case SEC_KEYBOARD: config_parse_fields(p, sec, config_keyboard_fields, p->config, NULL); break;
		case SEC_POINTER: config_parse_fields(p, sec, config_pointer_fields, p->config, NULL); break;
		case SEC_KEYS: config_parse_keys(p, sec); break;
		case SEC_CLIPBOARD: config_parse_clipboard(p, sec); break;
		case SEC_OUTPUT: config_parse_output(p, sec); break;
		case SEC_DOMAIN: config_parse_domain(p, sec); break;
		case SEC_SANDBOX: config_parse_sandbox(p, sec); break;
		case SEC_AUTOSTART: config_parse_autostart(p, sec); break;
		case SEC_COUNT: break;
		}
	}
}

/* ---- public API -------------------------------------------------------- */

struct cordon_config *config_create_default(void) {
	struct cordon_config *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return NULL;
	}
	wl_list_init(&c->outputs);
	wl_list_init(&c->bindings);
	wl_list_init(&c->domains);
	wl_list_init(&c->sandboxes);
	c->border_width = 4;
	c->host_color = 0x3c3c3c;
	c->host_xwayland = CONFIG_XWAYLAND_LAZY;
	c->title_max = CONFIG_DEFAULT_TITLE_MAX;
	c->font = strdup("monospace 10");
	c->cursor_size = 24;
	c->repeat_rate = 25;
	c->repeat_delay = 600;
	c->tap_to_click = true;
	c->clipboard.default_policy = CONFIG_CLIP_ASK;
	c->clipboard.max_bytes = 1 << 20;
	c->clipboard.timeout_ms = 30 * 1000;
	c->clipboard.grant_ms = 30 * 1000;
	size_t n_mime = sizeof(default_mime) / sizeof(default_mime[0]);
	c->clipboard.mime = calloc(n_mime + 1, sizeof(char *));
	c->autostart = strv_new();
	bool ok = c->font != NULL && c->clipboard.mime != NULL && c->autostart != NULL;
	for (size_t i = 0; ok && i < n_mime; i++) {
		c->clipboard.mime[i] = strdup(default_mime[i]);
		ok = c->clipboard.mime[i] != NULL;
	}
	if (!ok || !config_add_default_bindings(c)) {
		config_destroy(c);
		return NULL;
	}
	return c;
}

static struct cordon_config *load_buffer(const char *text, size_t len,
		const char *name, struct config_errors *errs) {
	struct config_parse p = { .name = name ? name : "<config>" };
	p.config = config_create_default();
	if (p.config == NULL || (p.config->path = strdup(p.name)) == NULL) {
		p.oom = true;
	} else {
		const char *nul = memchr(text, '\0', len);
		if (nul != NULL) {
			int line = 1;
			for (const char *c = text; c < nul; c++) {
				line += *c == '\n';
			}
			config_error(&p, line, "NUL byte in the file");
		} else {
			split_text(&p, text, len);
			interpret(&p);
			config_check_domains(&p);
		}
	}
	for (size_t i = 0; i < p.n_sections; i++) {
		section_free(&p.sections[i]);
	}
	free(p.sections);
	if (p.n_errors > 0 || p.oom) {
		report_errors(&p, errs);
		config_destroy(p.config);
		return NULL;
	}
	free(p.errors);
	return p.config;
}

struct cordon_config *config_load_string(const char *text, const char *name,
		struct config_errors *errs) {
	return load_buffer(text ? text : "", text ? strlen(text) : 0, name, errs);
}

static void file_error(const char *path, const char *what, int err,
		struct config_errors *errs) {
	if (errs != NULL) {
		config_errors_add(errs, "%s: %s: %s", path, what, strerror(err));
	}
}

/*
 * Reads path whole. A missing file is reported only when the caller asked
 * for that file by name; *missing lets config_load move on to the next place.
 */
static bool read_file(const char *path, bool report_missing, char **text,
		size_t *len, bool *missing, struct config_errors *errs) {
	FILE *f = fopen(path, "rb");
	*missing = f == NULL && (errno == ENOENT || errno == ENOTDIR);
	if (f == NULL) {
		if (!*missing || report_missing) {
			file_error(path, "cannot open", errno, errs);
		}
		return false;
	}
	struct stat st;
	int err = 0;
	const char *what = "cannot read";
	if (fstat(fileno(f), &st) != 0) {
		err = errno;
	} else if (!S_ISREG(st.st_mode)) {
		what = "not a regular file";
		err = EINVAL;
	} else if (st.st_size > CONFIG_FILE_MAX) {
		what = "too large for a config";
		err = EFBIG;
	}
	char *buf = err ? NULL : malloc((size_t)st.st_size + 1);
	if (err == 0 && buf == NULL) {
		err = ENOMEM;
	}
	size_t n = 0;
	if (err == 0) {
		n = fread(buf, 1, (size_t)st.st_size, f);
		if (ferror(f)) {
			err = EIO;
		}
	}
	fclose(f);
	if (err != 0) {
		file_error(path, what, err, errs);
		free(buf);
		return false;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return true;
}

static struct cordon_config *load_path(const char *path, bool report_missing,
		bool *missing, struct config_errors *errs) {
	char *text;
	size_t len;
	if (!read_file(path, report_missing, &text, &len, missing, errs)) {
		return NULL;
	}
	struct cordon_config *config = load_buffer(text, len, path, errs);
	free(text);
	return config;
}

struct cordon_config *config_load_file(const char *path,
		struct config_errors *errs) {
	bool missing;
	return load_path(path, true, &missing, errs);
}

struct cordon_config *config_load(const char *explicit_path,
		struct config_errors *errs) {
	if (explicit_path != NULL) {
		return config_load_file(explicit_path, errs);
	}
	char *user = NULL;
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int r = 0;
	/* The XDG spec calls a relative XDG_CONFIG_HOME invalid: ignore it. */
	if (xdg != NULL && xdg[0] == '/') {
		r = asprintf(&user, "%s/cordon/config", xdg);
	} else if (home != NULL && home[0] == '/') {
		r = asprintf(&user, "%s/.config/cordon/config", home);
	}
	if (r < 0) {
		/* Silently falling back to /etc would load the wrong file. */
		if (errs != NULL) {
			push_message(errs, strdup("out of memory while looking for "
				"the config file"));
		}
		return NULL;
	}
	const char *const candidates[] = { user, "/etc/xdg/cordon/config" };
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
		bool missing;
		if (candidates[i] == NULL) {
			continue;
		}
		struct cordon_config *config =
			load_path(candidates[i], false, &missing, errs);
		if (config != NULL || !missing) {
			free(user);
			return config;
		}
	}
	free(user);
	return config_create_default();
}

void config_destroy(struct cordon_config *config) {
	if (config == NULL) {
		return;
	}
	free(config->path);
	free(config->font);
	free(config->locker);
	free(config->cursor_theme);
	free(config->xkb_layout);
	free(config->xkb_variant);
	free(config->xkb_options);
	free(config->xkb_model);
	free(config->xkb_rules);
	struct config_output *out, *out_tmp;
	wl_list_for_each_safe(out, out_tmp, &config->outputs, link) {
		wl_list_remove(&out->link);
		free(out->name);
		free(out);
	}
	struct config_binding *b, *b_tmp;
	wl_list_for_each_safe(b, b_tmp, &config->bindings, link) {
		wl_list_remove(&b->link);
		free(b->arg);
		free(b);
	}
	struct config_domain *d, *d_tmp;
	wl_list_for_each_safe(d, d_tmp, &config->domains, link) {
		wl_list_remove(&d->link);
		config_domain_free(d);
	}
	struct config_sandbox *sb, *sb_tmp;
	wl_list_for_each_safe(sb, sb_tmp, &config->sandboxes, link) {
		wl_list_remove(&sb->link);
		free(sb->engine);
		free(sb);
	}
	strv_free(config->clipboard.mime);
	strv_free(config->autostart);
	free(config);
}

struct config_domain *config_find_domain(const struct cordon_config *config,
		const char *name) {
	struct config_domain *d;
	wl_list_for_each(d, &config->domains, link) {
		if (strcmp(d->name, name) == 0) {
			return d;
		}
	}
	return NULL;
}

uint32_t config_sandbox_color(const struct cordon_config *config, const char *domain_name) {
	const char *colon = strchr(domain_name, ':');
	size_t n = colon != NULL ? (size_t)(colon - domain_name) : strlen(domain_name);
	const struct config_sandbox *sb;
	wl_list_for_each(sb, &config->sandboxes, link) {
		if (strlen(sb->engine) == n && strncmp(sb->engine, domain_name, n) == 0) {
			return sb->color;
		}
	}
	return COLOUR_DEFAULT;
}

const char *config_kind_name(enum config_domain_kind kind) {
	switch (kind) {
	case CONFIG_DOMAIN_SOCKET: return "socket";
	case CONFIG_DOMAIN_COMMAND: return "command";
	case CONFIG_DOMAIN_CROSVM: return "crosvm";
	case CONFIG_DOMAIN_QEMU: return "qemu";
	}
	return "unknown";
}

/* The policies a config may name (unset is only the absence of one). */
const struct config_name_value config_clip_policy_names[] = {
	{ "ask", CONFIG_CLIP_ASK },
	{ "allow", CONFIG_CLIP_ALLOW },
	{ "deny", CONFIG_CLIP_DENY },
	{ NULL, 0 },
};

const char *config_clip_policy_name(enum config_clip_policy policy) {
	switch (policy) {
	case CONFIG_CLIP_UNSET: return "unset";
	case CONFIG_CLIP_ALLOW: return "allow";
	case CONFIG_CLIP_ASK: return "ask";
	case CONFIG_CLIP_DENY: return "deny";
	}
	return "unknown";
}
