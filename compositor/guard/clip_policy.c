#include <stdio.h>
#include <string.h>
#include "compositor/guard/clip_policy.h"

static const struct config_clip_rule *clip_rule_for(const struct wl_list *rules,
		const char *other) {
	const struct config_clip_rule *rule;
	wl_list_for_each(rule, rules, link) {
		if (strcmp(rule->other, other) == 0) {
			return rule;
		}
	}
	return NULL;
}

/* One candidate rule: the stricter wins, the first of equals is named. */
static void consider(struct clip_policy_reason *why, enum config_clip_policy policy,
		const char *domain, const char *key, const char *other, int line) {
	if (policy == CONFIG_CLIP_UNSET || policy <= why->policy) {
		return;
	}
	why->policy = policy;
	if (line > 0) {
		snprintf(why->rule, sizeof(why->rule), "[domain %s] %s%s%s (line %d)",
			domain, key, other ? "." : "", other ? other : "", line);
	} else {
		snprintf(why->rule, sizeof(why->rule), "[domain %s] %s%s%s", domain, key,
			other ? "." : "", other ? other : "");
	}
}

enum config_clip_policy clip_policy_explain(const struct cordon_config *config,
		const char *from, const char *to, struct clip_policy_reason *why) {
	const struct config_domain *src = config_find_domain(config, from);
	const struct config_domain *dst = config_find_domain(config, to);
	*why = (struct clip_policy_reason){
		.policy = CONFIG_CLIP_UNSET,
		.from_trust = config_domain_trust(config, from),
		.to_trust = config_domain_trust(config, to),
	};
	why->direction = why->from_trust < why->to_trust ? "up" :
		why->from_trust > why->to_trust ? "down" : "level";
	why->level = CLIP_POLICY_PAIR;
	if (src != NULL) {
		const struct config_clip_rule *r = clip_rule_for(&src->copy_to_rules, to);
		if (r != NULL) {
			consider(why, r->policy, from, "copy-to", to, r->line);
		}
	}
	if (dst != NULL) {
		const struct config_clip_rule *r = clip_rule_for(&dst->paste_from_rules, from);
		if (r != NULL) {
			consider(why, r->policy, to, "paste-from", from, r->line);
		}
	}
	if (why->policy != CONFIG_CLIP_UNSET) {
		return why->policy;
	}
	why->level = CLIP_POLICY_DOMAIN;
	if (src != NULL) {
		consider(why, src->copy_to, from, "copy-to", NULL, src->copy_to_line);
	}
	if (dst != NULL) {
		consider(why, dst->paste_from, to, "paste-from", NULL, dst->paste_from_line);
	}
	if (why->policy != CONFIG_CLIP_UNSET) {
		return why->policy;
	}

	const struct config_clipboard *cc = &config->clipboard;
	enum config_clip_policy trust_rule, builtin;
	if (why->from_trust < why->to_trust) {
		trust_rule = cc->up;
		builtin = CONFIG_CLIP_ASK;
	} else if (why->from_trust > why->to_trust) {
		trust_rule = cc->down;
		builtin = CONFIG_CLIP_DENY;
	} else {
		trust_rule = cc->level;
		builtin = CONFIG_CLIP_ASK;
	}
	if (trust_rule != CONFIG_CLIP_UNSET) {
		why->level = CLIP_POLICY_TRUST;
		why->policy = trust_rule;
		snprintf(why->rule, sizeof(why->rule), "[clipboard] %s", why->direction);
	} else if (cc->default_given && cc->default_policy != CONFIG_CLIP_UNSET) {
		why->level = CLIP_POLICY_DEFAULT;
		why->policy = cc->default_policy;
		snprintf(why->rule, sizeof(why->rule), "[clipboard] default (no %s)",
			why->direction);
	} else {
		why->level = CLIP_POLICY_BUILTIN;
		why->policy = builtin;
		snprintf(why->rule, sizeof(why->rule), "built-in %s", why->direction);
	}
	return why->policy;
}

enum config_clip_policy clip_policy_resolve(const struct cordon_config *config,
		const char *from, const char *to) {
	struct clip_policy_reason why;
	return clip_policy_explain(config, from, to, &why);
}

void clip_policy_direction_text(const struct cordon_config *config, const char *from,
		const char *to, char *buf, size_t len) {
	snprintf(buf, len, "from %s (%d) into %s (%d)", from,
		config_domain_trust(config, from), to, config_domain_trust(config, to));
}
