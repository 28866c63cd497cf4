#include <string.h>
#include "compositor/guard/clip_policy.h"

static enum config_clip_policy clip_rule_for(const struct wl_list *rules,
		const char *other) {
	const struct config_clip_rule *rule;
	wl_list_for_each(rule, rules, link) {
		if (strcmp(rule->other, other) == 0) {
			return rule->policy;
		}
	}
	return CONFIG_CLIP_UNSET;
}

static enum config_clip_policy stricter(enum config_clip_policy a,
		enum config_clip_policy b) {
	return a > b ? a : b;
}

enum config_clip_policy clip_policy_resolve(const struct cordon_config *config,
		const char *from, const char *to) {
	const struct config_domain *src = NULL, *dst = NULL, *d;
	wl_list_for_each(d, &config->domains, link) {
		if (strcmp(d->name, from) == 0) {
			src = d;
		}
		if (strcmp(d->name, to) == 0) {
			dst = d;
		}
	}
	enum config_clip_policy pair = CONFIG_CLIP_UNSET, general = CONFIG_CLIP_UNSET;
	if (src != NULL) {
		pair = stricter(pair, clip_rule_for(&src->copy_to_rules, to));
		general = stricter(general, src->copy_to);
	}
	if (dst != NULL) {
		pair = stricter(pair, clip_rule_for(&dst->paste_from_rules, from));
		general = stricter(general, dst->paste_from);
	}
	if (pair != CONFIG_CLIP_UNSET) {
		return pair;
	}
	if (general != CONFIG_CLIP_UNSET) {
		return general;
	}
	return config->clipboard.default_policy != CONFIG_CLIP_UNSET ?
		config->clipboard.default_policy : CONFIG_CLIP_ASK;
}
