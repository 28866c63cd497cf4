#ifndef CORDON_CLIP_POLICY_H
#define CORDON_CLIP_POLICY_H

#include "config/config.h"

/*
 * The decision for data leaving domain `from` for domain `to` (from != to).
 * Pair rules (from's copy-to.TO, to's paste-from.FROM) are more specific
 * than general ones (copy-to, paste-from), which beat [clipboard] default.
 * Among the rules of the most specific level that has any, the stricter
 * wins (deny > ask > allow). Domains without a config section (host,
 * sandboxes) only contribute through the other side's rules.
 */
enum config_clip_policy clip_policy_resolve(const struct cordon_config *config,
	const char *from, const char *to);

#endif
