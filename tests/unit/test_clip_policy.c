#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "compositor/guard/clip_policy.h"
#include "config/config.h"

/*
 * clip_policy_resolve: pair rules (FROM's copy-to.TO, TO's paste-from.FROM)
 * beat general rules (copy-to, paste-from), which beat [clipboard] default
 * (itself ask unless set); among rules of one level the stricter wins
 * (deny > ask > allow). The host is "host" and has no section of its own.
 */

#define ALLOW CONFIG_CLIP_ALLOW
#define ASK CONFIG_CLIP_ASK
#define DENY CONFIG_CLIP_DENY

static const char *name(enum config_clip_policy p) {
	return config_clip_policy_name(p);
}

static struct cordon_config *load(const char *text) {
	struct config_errors errs = { 0 };
	struct cordon_config *c = config_load_string(text, "t.conf", &errs);
	for (size_t i = 0; i < errs.len; i++) {
		print_message("config error: %s\n", errs.msgs[i]);
	}
	assert_non_null(c);
	assert_int_equal(errs.len, 0);
	config_errors_finish(&errs);
	return c;
}

/* Three domains, each with extra lines after its colour. */
static struct cordon_config *domains(const char *clipboard, const char *alpha,
		const char *beta, const char *gamma) {
	char text[2048];
	snprintf(text, sizeof(text),
		"[clipboard]\n%s\n"
		"[domain alpha]\ncolor = green\n%s\n"
		"[domain beta]\ncolor = purple\n%s\n"
		"[domain gamma]\ncolor = orange\n%s\n",
		clipboard ? clipboard : "", alpha ? alpha : "", beta ? beta : "",
		gamma ? gamma : "");
	return load(text);
}

static void expect(const struct cordon_config *c, const char *from, const char *to,
		enum config_clip_policy want) {
	enum config_clip_policy got = clip_policy_resolve(c, from, to);
	if (got != want) {
		print_message("%s -> %s: expected %s, got %s\n", from, to, name(want), name(got));
	}
	assert_int_equal(got, want);
}

/*
 * Without rules, trust decides: up (lower to higher) asks, down (higher to
 * lower) is denied, level asks. The host is 9, guests and sandboxes 1.
 */
static void test_builtin_by_trust(void **state) {
	struct cordon_config *c = config_create_default();
	assert_non_null(c);
	expect(c, "host", "work", DENY);
	expect(c, "work", "host", ASK);
	expect(c, "flatpak-1", "work", ASK);
	config_destroy(c);

	c = load("");
	expect(c, "a", "b", ASK);
	config_destroy(c);
	c = domains(NULL, NULL, NULL, NULL);
	expect(c, "alpha", "beta", ASK);
	expect(c, "beta", "alpha", ASK);
	expect(c, "alpha", "host", ASK);
	expect(c, "host", "gamma", DENY);
	config_destroy(c);
}

/* Trust 0, 2, 2 and the host: up, down and level as written, pair rules still win. */
static void test_trust_levels(void **state) {
	struct cordon_config *c = domains("up = allow\ndown = deny\nlevel = ask",
		"trust = 0", "trust = 2", "trust = 2");
	expect(c, "alpha", "beta", ALLOW);   /* 0 -> 2: up */
	expect(c, "beta", "alpha", DENY);    /* 2 -> 0: down */
	expect(c, "beta", "gamma", ASK);     /* 2 -> 2: level */
	expect(c, "gamma", "host", ALLOW);   /* 2 -> 9: up */
	expect(c, "host", "alpha", DENY);    /* 9 -> 0: down */
	struct clip_policy_reason why;
	clip_policy_explain(c, "beta", "alpha", &why);
	assert_int_equal(why.level, CLIP_POLICY_TRUST);
	assert_int_equal(why.from_trust, 2);
	assert_int_equal(why.to_trust, 0);
	assert_string_equal(why.rule, "[clipboard] down");
	config_destroy(c);

	/* A pair rule, and a per-domain rule, beat the trust rules. */
	c = domains("up = allow\ndown = deny", "trust = 0\npaste-from.beta = allow",
		"trust = 2\ncopy-to = ask", "trust = 2");
	expect(c, "beta", "alpha", ALLOW);
	clip_policy_explain(c, "beta", "alpha", &why);
	assert_int_equal(why.level, CLIP_POLICY_PAIR);
	assert_string_equal(why.rule, "[domain alpha] paste-from.beta (line 7)");
	expect(c, "beta", "gamma", ASK);     /* beta's copy-to */
	expect(c, "gamma", "alpha", DENY);   /* down */
	config_destroy(c);

	/* default stands in for an unwritten direction; the built-ins only when neither. */
	c = domains("default = allow\ndown = ask", "trust = 0", "trust = 2", NULL);
	expect(c, "alpha", "beta", ALLOW);
	expect(c, "beta", "alpha", ASK);
	clip_policy_explain(c, "alpha", "beta", &why);
	assert_int_equal(why.level, CLIP_POLICY_DEFAULT);
	config_destroy(c);
}

static void test_clipboard_default(void **state) {
	struct cordon_config *c = domains("default = allow", NULL, NULL, NULL);
	expect(c, "alpha", "beta", ALLOW);
	expect(c, "host", "alpha", ALLOW);
	expect(c, "alpha", "host", ALLOW);
	expect(c, "sandbox-x", "gamma", ALLOW);
	config_destroy(c);

	c = domains("default = deny", NULL, NULL, NULL);
	expect(c, "alpha", "beta", DENY);
	expect(c, "host", "alpha", DENY);
	config_destroy(c);

	c = domains("default = ask", NULL, NULL, NULL);
	expect(c, "gamma", "alpha", ASK);
	config_destroy(c);
}

/* A general rule beats the default, even a stricter default. */
static void test_general_beats_default(void **state) {
	struct cordon_config *c = domains("default = deny", "copy-to = allow",
		"paste-from = ask", NULL);
	expect(c, "alpha", "gamma", ALLOW);  /* alpha's copy-to */
	expect(c, "gamma", "beta", ASK);     /* beta's paste-from */
	expect(c, "host", "beta", ASK);
	expect(c, "alpha", "host", ALLOW);
	expect(c, "gamma", "alpha", DENY);   /* no rule for this: default */
	expect(c, "beta", "gamma", DENY);
	config_destroy(c);

	c = domains("default = allow", "copy-to = deny", NULL, "paste-from = ask");
	expect(c, "alpha", "beta", DENY);
	expect(c, "beta", "gamma", ASK);
	expect(c, "beta", "alpha", ALLOW);
	config_destroy(c);
}

/* Both sides' general rules apply: the stricter wins. */
static void test_general_both_sides(void **state) {
	struct cordon_config *c = domains(NULL, "copy-to = allow", "paste-from = deny",
		"paste-from = ask");
	expect(c, "alpha", "beta", DENY);
	expect(c, "alpha", "gamma", ASK);
	config_destroy(c);

	c = domains(NULL, "copy-to = deny", "paste-from = allow", "paste-from = allow");
	expect(c, "alpha", "beta", DENY);
	expect(c, "gamma", "beta", ALLOW);
	config_destroy(c);

	c = domains("default = deny", "copy-to = ask", "paste-from = allow", NULL);
	expect(c, "alpha", "beta", ASK);
	config_destroy(c);

	c = domains("default = deny", "copy-to = allow", "paste-from = allow", NULL);
	expect(c, "alpha", "beta", ALLOW);
	config_destroy(c);
}

/* A pair rule, on either side, beats every general rule, stricter or not. */
static void test_pair_beats_general(void **state) {
	struct cordon_config *c = domains(NULL, NULL,
		"paste-from = deny\npaste-from.alpha = allow", NULL);
	expect(c, "alpha", "beta", ALLOW);
	expect(c, "gamma", "beta", DENY);
	expect(c, "host", "beta", DENY);
	config_destroy(c);

	/* alpha's general deny loses to beta's pair allow... */
	c = domains(NULL, "copy-to = deny", "paste-from.alpha = allow", NULL);
	expect(c, "alpha", "beta", ALLOW);
	expect(c, "alpha", "gamma", DENY);
	config_destroy(c);

	/* ...and beta's general deny to alpha's pair allow. */
	c = domains(NULL, "copy-to.beta = allow", "paste-from = deny", NULL);
	expect(c, "alpha", "beta", ALLOW);
	expect(c, "gamma", "beta", DENY);
	config_destroy(c);

	/* A pair ask beats general allows on both sides and an allow default. */
	c = domains("default = allow", "copy-to = allow\ncopy-to.beta = ask",
		"paste-from = allow", NULL);
	expect(c, "alpha", "beta", ASK);
	expect(c, "alpha", "gamma", ALLOW);
	config_destroy(c);
}

/* Two pair rules for the same pair: the stricter wins. */
static void test_pair_stricter_wins(void **state) {
	struct cordon_config *c = domains(NULL, "copy-to.beta = allow\ncopy-to.gamma = allow",
		"paste-from.alpha = ask", "paste-from.alpha = deny");
	expect(c, "alpha", "beta", ASK);
	expect(c, "alpha", "gamma", DENY);
	config_destroy(c);

	c = domains(NULL, "copy-to.beta = deny", "paste-from.alpha = allow", NULL);
	expect(c, "alpha", "beta", DENY);
	config_destroy(c);

	c = domains(NULL, "copy-to.beta = allow", "paste-from.alpha = allow", NULL);
	expect(c, "alpha", "beta", ALLOW);
	config_destroy(c);
}

/* Rules have a direction and name one pair only. */
static void test_direction_and_pair(void **state) {
	struct cordon_config *c = domains("default = allow", "paste-from.beta = deny",
		"copy-to.gamma = ask", NULL);
	expect(c, "beta", "alpha", DENY);
	expect(c, "alpha", "beta", ALLOW);   /* the other direction */
	expect(c, "gamma", "alpha", ALLOW);  /* another source */
	expect(c, "beta", "gamma", ASK);
	expect(c, "gamma", "beta", ALLOW);
	expect(c, "beta", "host", ALLOW);
	config_destroy(c);
}

/* The host is "host" in rules, and has no rules of its own. */
static void test_host_as_other(void **state) {
	struct cordon_config *c = domains("default = deny",
		"paste-from.host = allow\ncopy-to.host = ask", "copy-to = allow",
		"paste-from = allow\npaste-from.host = deny");
	expect(c, "host", "alpha", ALLOW);
	expect(c, "alpha", "host", ASK);
	expect(c, "beta", "host", ALLOW);   /* beta's general copy-to */
	expect(c, "host", "gamma", DENY);   /* gamma's pair beats its general */
	expect(c, "alpha", "gamma", ALLOW); /* gamma's general */
	expect(c, "host", "beta", DENY);    /* nothing on either side: default */
	config_destroy(c);
}

/* A domain that is not in the config (a sandbox) only meets the other side's rules. */
static void test_unknown_domain(void **state) {
	struct cordon_config *c = domains("default = deny", "paste-from = ask",
		"copy-to = allow", NULL);
	expect(c, "sandbox-1", "alpha", ASK);
	expect(c, "beta", "sandbox-1", ALLOW);
	expect(c, "sandbox-1", "gamma", DENY);
	expect(c, "sandbox-1", "sandbox-2", DENY);
	config_destroy(c);
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_by_trust),
		cmocka_unit_test(test_trust_levels),
		cmocka_unit_test(test_clipboard_default),
		cmocka_unit_test(test_general_beats_default),
		cmocka_unit_test(test_general_both_sides),
		cmocka_unit_test(test_pair_beats_general),
		cmocka_unit_test(test_pair_stricter_wins),
		cmocka_unit_test(test_direction_and_pair),
		cmocka_unit_test(test_host_as_other),
		cmocka_unit_test(test_unknown_domain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
