#include <stdlib.h>
#include <string.h>
#include "config/internal.h"

/* Keys that only set a field: one reader per type instead of a branch per key. */

bool config_field_set(const struct config_field *f, void *base,
		const struct config_item *it) {
	void *at = (char *)base + f->offset;
	switch (f->type) {
	case CONFIG_FIELD_CUSTOM:
		return false;
	case CONFIG_FIELD_INT:
		config_val_set_int(at, it, (long long)f->min, (long long)f->max);
		return true;
	case CONFIG_FIELD_DECIMAL:
		config_val_decimal(it, f->min, f->max, at);
		return true;
	case CONFIG_FIELD_BOOL:
		config_val_bool(it, at);
		return true;
	case CONFIG_FIELD_COLOR:
		config_val_color(it, at);
		return true;
	case CONFIG_FIELD_ENUM: {
		/* An int-sized enum (CONFIG_ENUM checks): copied, not aliased. */
		int v;
		if (config_val_enum(it, f->names, &v)) {
			memcpy(at, &v, sizeof(v));
		}
		return true;
	}
	case CONFIG_FIELD_STRING:
		config_val_string(it, at);
		return true;
	case CONFIG_FIELD_OPTIONAL:
		if (it->e->value[0] == '\0') {
			char **field = at;
			free(*field);
			*field = NULL;
		} else {
			config_val_string(it, at);
		}
		return true;
	}
	return false;
}

bool config_fields_parse(const struct config_field *fields, void *base,
		const struct config_item *it) {
	for (const struct config_field *f = fields; f->key != NULL; f++) {
		if (strcmp(f->key, it->e->key) == 0) {
			return config_field_set(f, base, it);
		}
	}
	return false;
}

void config_parse_fields(struct config_parse *p, const struct config_section *sec,
		const struct config_field *fields, void *base,
		bool (*parse_key)(const struct config_item *it, void *base)) {
	struct config_item it;
	for (size_t i = 0; config_next_item(p, sec, &i, &it); i++) {
		if (!config_fields_parse(fields, base, &it) &&
				(parse_key == NULL || !parse_key(&it, base))) {
			config_section_error(p, sec, it.e->line, "unknown key '%s'", it.e->key);
		}
	}
}
