#ifndef CORDON_CLIP_POLICY_H
#define CORDON_CLIP_POLICY_H

#include <stddef.h>
#include "config/config.h"

/*
 * The decision for data leaving domain `from` for domain `to` (from != to).
 * Pair rules (from's copy-to.TO, to's paste-from.FROM) are more specific
 * than general ones (copy-to, paste-from), which beat the trust rules:
 * [clipboard] up (from lower to higher trust), down (higher to lower) or
 * level (same trust). Among the rules of the most specific level that has
 * any, the stricter wins (deny > ask > allow). A trust rule that is not
 * written is [clipboard] default when that is written, else ask, deny and
 * ask. Domains without a config section (host, sandboxes) only contribute
 * through the other side's rules and their trust (host 9, sandboxes 1).
 */
enum config_clip_policy clip_policy_resolve(const struct cordon_config *config,
	const char *from, const char *to);

enum clip_policy_level {
	CLIP_POLICY_PAIR = 0,   /* copy-to.TO / paste-from.FROM */
	CLIP_POLICY_DOMAIN,     /* copy-to / paste-from */
	CLIP_POLICY_TRUST,      /* [clipboard] up / down / level */
	CLIP_POLICY_DEFAULT,    /* [clipboard] default standing in for it */
	CLIP_POLICY_BUILTIN,    /* nothing written: the built-in direction default */
};

/* Why clip_policy_resolve decided as it did. */
struct clip_policy_reason {
	enum config_clip_policy policy;
	enum clip_policy_level level;
	int from_trust, to_trust;
	const char *direction;  /* "up", "down" or "level" */
	/* The deciding rule, e.g. "[domain work] paste-from.host (line 7)". */
	char rule[160];
};

enum config_clip_policy clip_policy_explain(const struct cordon_config *config,
	const char *from, const char *to, struct clip_policy_reason *why);

/* "from untrusted (0) into work (2)" for a prompt; truncated to fit len. */
void clip_policy_direction_text(const struct cordon_config *config, const char *from,
	const char *to, char *buf, size_t len);

#endif
