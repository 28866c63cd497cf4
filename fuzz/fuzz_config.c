/*
 * The config parser from memory: any text gives a config or a list of
 * errors, never a crash, a hang or a leak. Each parsed config is also
 * serialised back through the strings the IPC and logs use.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	char *text = malloc(size + 1);
	if (text == NULL) {
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	struct config_errors errs = {0};
	struct cordon_config *config = config_load_string(text, "fuzz.config", &errs);
	if (config != NULL) {
		if (errs.len != 0) {
			abort(); /* a config came back together with errors */
		}
		const struct config_domain *d;
		wl_list_for_each(d, &config->domains, link) {
			if (d->name == NULL || config_kind_name(d->kind) == NULL ||
					config_find_domain(config, d->name) == NULL) {
				abort();
			}
		}
		const struct config_binding *b;
		wl_list_for_each(b, &config->bindings, link) {
			if (config_action_name(b->action) == NULL) {
				abort();
			}
		}
		config_destroy(config);
	} else if (errs.len == 0) {
		abort(); /* refused without saying why */
	}
	config_errors_finish(&errs);
	uint32_t color;
	config_parse_color(text, &color);
	free(text);
	return 0;
}
