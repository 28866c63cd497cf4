#include <string.h>
#include "compositor/guard/clip_explain.h"
#include "compositor/guard/clip_policy.h"

static bool known(const struct cordon_config *config, const char *name) {
	return strcmp(name, "host") == 0 || config_find_domain(
		(struct cordon_config *)config, name) != NULL;
}

static void row(FILE *out, const struct cordon_config *config, const char *from,
		const char *to) {
	struct clip_policy_reason why;
	clip_policy_explain(config, from, to, &why);
	fprintf(out, "%-16s %5d  %-16s %5d  %-9s %-6s %s\n", from, why.from_trust, to,
		why.to_trust, why.direction,
		config_clip_policy_name(why.policy), why.rule);
}

bool clip_explain_print(FILE *out, FILE *err, const struct cordon_config *config,
		const char *from, const char *to) {
	if (from != NULL && !known(config, from)) {
		fprintf(err, "cordon: --explain-policy: no domain named '%s' (host or a "
			"[domain] of the config)\n", from);
		return false;
	}
	if (to != NULL && !known(config, to)) {
		fprintf(err, "cordon: --explain-policy: no domain named '%s' (host or a "
			"[domain] of the config)\n", to);
		return false;
	}
	if (from != NULL && to != NULL && strcmp(from, to) == 0) {
		fprintf(err, "cordon: --explain-policy: pastes within '%s' are never "
			"checked\n", from);
		return false;
	}
	fprintf(out, "%-16s %5s  %-16s %5s  %-9s %-6s %s\n", "FROM", "TRUST", "TO",
		"TRUST", "DIRECTION", "POLICY", "DECIDED BY");
	if (from != NULL && to != NULL) {
		row(out, config, from, to);
		return true;
	}
	/* Every ordered pair: from the host first, then from each domain in file order. */
	const struct config_domain *d, *e;
	wl_list_for_each(e, &config->domains, link) {
		row(out, config, "host", e->name);
	}
	wl_list_for_each(d, &config->domains, link) {
		row(out, config, d->name, "host");
		wl_list_for_each(e, &config->domains, link) {
			if (e != d) {
				row(out, config, d->name, e->name);
			}
		}
	}
	return true;
}
