#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "compositor/guard/sanitize.h"

#define NO_CAP SIZE_MAX

/* Sanitises in with a cap and checks the exact result. */
static void expect(const char *in, size_t max, const char *want) {
	char *got = sanitize_text(in, max);
	assert_non_null(got);
	if (strcmp(got, want) != 0) {
		print_error("input \"%s\" cap %zu: got \"%s\", want \"%s\"\n",
			in ? in : "(null)", max, got, want);
	}
	assert_string_equal(got, want);
	free(got);
}

/*
 * An independent strict UTF-8 decoder (written differently from the one
 * under test: decode first, then reject overlongs, surrogates and values
 * out of range). Returns the number of code points, or -1 when invalid,
 * and stores them in cps when it is not NULL.
 */
static long decode_strict(const char *str, uint32_t *cps, size_t max_cps) {
	const unsigned char *s = (const unsigned char *)str;
	long n = 0;
	while (*s) {
		uint32_t cp;
		int len;
		if (*s < 0x80) {
			cp = *s;
			len = 1;
		} else if ((*s & 0xE0) == 0xC0) {
			cp = *s & 0x1F;
			len = 2;
		} else if ((*s & 0xF0) == 0xE0) {
			cp = *s & 0x0F;
			len = 3;
		} else if ((*s & 0xF8) == 0xF0) {
			cp = *s & 0x07;
			len = 4;
		} else {
			return -1;
		}
		for (int i = 1; i < len; i++) {
			if ((s[i] & 0xC0) != 0x80) {
				return -1;
			}
			cp = (cp << 6) | (s[i] & 0x3F);
		}
		static const uint32_t min_for_len[] = { 0, 0, 0x80, 0x800, 0x10000 };
		if (cp < min_for_len[len] || cp > 0x10FFFF ||
				(cp >= 0xD800 && cp <= 0xDFFF)) {
			return -1;
		}
		if (cps != NULL && (size_t)n < max_cps) {
			cps[n] = cp;
		}
		n++;
		s += len;
	}
	return n;
}

/* The classes the brief names, listed here apart from the code's tables. */
static bool forbidden(uint32_t cp) {
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
		return true; /* controls (whitespace ones become ' ') */
	}
	static const uint32_t singles[] = {
		0x061C, 0x200E, 0x200F, 0xFEFF, 0x180E, 0x00AD, 0x034F,
		0x2028, 0x2029, 0x00A0, 0x3000,
	};
	for (size_t i = 0; i < sizeof(singles) / sizeof(singles[0]); i++) {
		if (cp == singles[i]) {
			return true;
		}
	}
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
		(cp >= 0x200B && cp <= 0x200D) || (cp >= 0x2060 && cp <= 0x2064) ||
		(cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF) ||
		(cp >= 0xE0000 && cp <= 0xE007F) || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
		(cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

static bool is_generic_combining(uint32_t cp) {
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0489) ||
		(cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
		(cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F);
}

/* Every property the sanitiser promises, checked on one result. */
static void check_invariants(const char *in, size_t in_len, const char *out,
		size_t max) {
	static uint32_t cps[1 << 16];
	long n = decode_strict(out, cps, sizeof(cps) / sizeof(cps[0]));
	if (n < 0) {
		print_error("invalid UTF-8 out of %zu input bytes\n", in_len);
	}
	assert_true(n >= 0);
	assert_true((size_t)n <= max);
	if (n == 0) {
		return;
	}
	assert_true((size_t)n <= sizeof(cps) / sizeof(cps[0]));
	assert_int_not_equal(cps[0], ' ');
	assert_int_not_equal(cps[n - 1], ' ');
	assert_false(is_generic_combining(cps[0]));
	int run = 0;
	for (long i = 0; i < n; i++) {
		assert_false(forbidden(cps[i]));
		if (i > 0) {
			assert_false(cps[i] == ' ' && cps[i - 1] == ' ');
		}
		run = is_generic_combining(cps[i]) ? run + 1 : 0;
		assert_true(run <= SANITIZE_MAX_COMBINING);
	}
	(void)in;
}

static void test_null_and_empty(void **state) {
	expect(NULL, 10, "");
	expect("", 10, "");
	expect("abc", 0, "");
	expect(NULL, 0, "");
	expect(" \t\n ", 10, "");
	char *s = sanitize_text_len(NULL, 5, 10);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
}

static void test_plain_text_unchanged(void **state) {
	expect("Mozilla Firefox", NO_CAP, "Mozilla Firefox");
	expect("[host] ~/src — vim", NO_CAP, "[host] ~/src — vim");
	expect("Ελληνικά 日本語 עברית العربية", NO_CAP, "Ελληνικά 日本語 עברית العربية");
	expect("e\xCC\x81t\xC3\xA9", NO_CAP, "e\xCC\x81t\xC3\xA9");
	expect("\xF0\x9F\x98\x80 ok", NO_CAP, "\xF0\x9F\x98\x80 ok");
	assert_true(sanitize_is_clean("Mozilla Firefox", 100));
	assert_true(sanitize_is_clean("", 100));
	assert_true(sanitize_is_clean(NULL, 100));
	assert_false(sanitize_is_clean("a  b", 100));
	assert_false(sanitize_is_clean("abcdef", 3));
	assert_false(sanitize_is_clean("a\xE2\x80\xAE" "b", 100));
}

static void test_invalid_utf8(void **state) {
	/* Overlong '/' (C0 AF) and overlong NUL (C0 80): C0 never leads. */
	expect("a\xC0\xAF" "b", NO_CAP, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	expect("a\xC0\x80" "b", NO_CAP, "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	/* Three-byte overlong: E0 must be followed by A0..BF. */
	expect("\xE0\x80\xAF", NO_CAP, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* Four-byte overlong. */
	expect("\xF0\x8F\xBF\xBF", NO_CAP,
		"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* UTF-16 surrogates D800 and DFFF encoded in UTF-8 (CESU). */
	expect("\xED\xA0\x80", NO_CAP, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	expect("\xED\xBF\xBF", NO_CAP, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* Above U+10FFFF, and bytes that can never occur. */
	expect("\xF4\x90\x80\x80", NO_CAP,
		"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	expect("\xF5\xFE\xFF", NO_CAP, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* The largest valid code points pass (U+10FFFD is a private use char). */
	expect("\xF4\x8F\xBF\xBD", NO_CAP, "\xF4\x8F\xBF\xBD");
	/* Truncated sequences: one U+FFFD per maximal subpart, then resync. */
	expect("a\xE2\x82", NO_CAP, "a\xEF\xBF\xBD");
	expect("a\xE2\x82" "b", NO_CAP, "a\xEF\xBF\xBD" "b");
	expect("\xF0\x9F\x98" "\xF0\x9F\x98\x80", NO_CAP,
		"\xEF\xBF\xBD\xF0\x9F\x98\x80");
	/* A stray continuation byte. */
	expect("a\x80" "b", NO_CAP, "a\xEF\xBF\xBD" "b");
	/* Noncharacters are replaced too. */
	expect("a\xEF\xBF\xBE" "b", NO_CAP, "a\xEF\xBF\xBD" "b");
	expect("a\xEF\xB7\x90" "b", NO_CAP, "a\xEF\xBF\xBD" "b");
	expect("a\xF4\x8F\xBF\xBF" "b", NO_CAP, "a\xEF\xBF\xBD" "b");
}

static void test_controls(void **state) {
	/* ANSI escape: the ESC goes, the harmless rest stays visible. */
	expect("a\x1b[31mred\x1b[0m", NO_CAP, "a[31mred[0m");
	expect("a\x01\x02\x7f" "b", NO_CAP, "ab");
	expect("bell\x07", NO_CAP, "bell");
	/* C1 controls: CSI (U+009B) and U+0080 removed, NEL is a line break. */
	expect("a\xC2\x9B" "b\xC2\x80" "c", NO_CAP, "abc");
	expect("a\xC2\x85" "b", NO_CAP, "a b");
	/* Tab, newline, CR, VT, FF become spaces. */
	expect("a\tb\nc\r\nd\ve\ff", NO_CAP, "a b c d e f");
	/* Embedded NUL when a length is given. */
	char *s = sanitize_text_len("a\0b", 3, NO_CAP);
	assert_non_null(s);
	assert_string_equal(s, "ab");
	free(s);
	/* Without a NUL terminator at all: only len bytes are read. */
	char raw[4] = { 'x', 'y', 'z', 'w' };
	s = sanitize_text_len(raw, 3, NO_CAP);
	assert_non_null(s);
	assert_string_equal(s, "xyz");
	free(s);
}

static void test_bidi(void **state) {
	static const char *const bidi[] = {
		"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD",
		"\xE2\x80\xAE",                                 /* U+202A..E */
		"\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9",
		                                                /* U+2066..9 */
		"\xE2\x80\x8E", "\xE2\x80\x8F", "\xD8\x9C",     /* LRM RLM ALM */
	};
	for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		char in[32];
		snprintf(in, sizeof(in), "a%sb", bidi[i]);
		expect(in, NO_CAP, "ab");
	}
	/* The classic: RLO makes "gnp.exe" read "exe.png". */
	expect("[host] photo\xE2\x80\xAEgnp.exe", NO_CAP, "[host] photognp.exe");
	/* An isolate left open cannot swallow what follows. */
	expect("\xE2\x81\xA7[work]\xE2\x81\xA9 bank", NO_CAP, "[work] bank");
}

static void test_invisible(void **state) {
	static const char *const invisible[] = {
		"\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D", /* U+200B..D */
		"\xE2\x81\xA0", "\xE2\x81\xA1", "\xE2\x81\xA2", "\xE2\x81\xA3",
		"\xE2\x81\xA4",                                 /* U+2060..4 */
		"\xEF\xBB\xBF",                                 /* U+FEFF */
		"\xE1\xA0\x8E",                                 /* U+180E */
		"\xC2\xAD",                                     /* U+00AD */
		"\xCD\x8F",                                     /* U+034F */
		"\xEF\xB8\x80", "\xEF\xB8\x8F",                 /* U+FE00, U+FE0F */
		"\xF3\xA0\x84\x80", "\xF3\xA0\x87\xAF",         /* U+E0100, U+E01EF */
		"\xF3\xA0\x80\x81", "\xF3\xA0\x81\xA1",         /* U+E0001, U+E0061 */
		"\xF3\xA0\x81\xBF",                             /* U+E007F */
		"\xEF\xBF\xB9", "\xEF\xBF\xBA", "\xEF\xBF\xBB", /* U+FFF9..B */
		"\xE3\x85\xA4", "\xE1\x85\x9F",                 /* Hangul fillers */
	};
	for (size_t i = 0; i < sizeof(invisible) / sizeof(invisible[0]); i++) {
		char in[32];
		snprintf(in, sizeof(in), "a%sb", invisible[i]);
		expect(in, NO_CAP, "ab");
	}
	/* Tag characters smuggling an invisible "host" after a flag. */
	expect("x\xF3\xA0\x81\xA8\xF3\xA0\x81\xAF\xF3\xA0\x81\xB3\xF3\xA0\x81\xB4",
		NO_CAP, "x");
	/* Nothing but invisible characters is empty. */
	expect("\xE2\x80\x8B\xE2\x80\x8B\xEF\xBB\xBF", NO_CAP, "");
}

static void test_whitespace(void **state) {
	expect("  a \t\n  b  ", NO_CAP, "a b");
	expect("a\xE2\x80\xA8" "b\xE2\x80\xA9" "c", NO_CAP, "a b c");
	expect("a\xC2\xA0\xE3\x80\x80" "b", NO_CAP, "a b");       /* NBSP, U+3000 */
	expect("a\xE2\x80\x83\xE2\x80\x83\xE2\x80\x83" "b", NO_CAP, "a b");
	/* Removed characters are transparent: their neighbours still join. */
	expect("a \xE2\x80\x8B b", NO_CAP, "a b");
	expect("\xE2\x80\x8B a\xE2\x80\x8B \xE2\x80\x8B", NO_CAP, "a");
}

static void test_combining(void **state) {
	/* Real text keeps its marks. */
	expect("Vie\xCC\xA3\xCC\x82t", NO_CAP, "Vie\xCC\xA3\xCC\x82t");
	/* A Zalgo tower is cut to SANITIZE_MAX_COMBINING marks per base. */
	char in[256] = "e";
	for (int i = 0; i < 20; i++) {
		strcat(in, "\xCC\x81");
	}
	strcat(in, "x");
	char want[64] = "e";
	for (int i = 0; i < SANITIZE_MAX_COMBINING; i++) {
		strcat(want, "\xCC\x81");
	}
	strcat(want, "x");
	expect(in, NO_CAP, want);
	/* A mark with no base of its own (it would sit on cordon's text). */
	expect("\xCC\x81\xD2\x89" "abc", NO_CAP, "abc");
	expect(" \xCC\x81" "abc", NO_CAP, "abc");
}

static void test_cap(void **state) {
	expect("abcdef", 6, "abcdef");
	expect("abcdef", 7, "abcdef");
	expect("abcdef", 5, "abcd\xE2\x80\xA6");
	expect("abcdef", 1, "\xE2\x80\xA6");
	/* The space before the cut is dropped, not counted before the "…". */
	expect("abc def", 5, "abc\xE2\x80\xA6");
	/* Trailing whitespace and invisible characters never force a cut. */
	expect("abc   ", 3, "abc");
	expect("abc\xE2\x80\x8B\xE2\x80\x8B", 3, "abc");
	/* Whitespace collapsed before counting. */
	expect("a      b", 3, "a b");
}

static void test_cap_multibyte(void **state) {
	/* Two-, three- and four-byte characters at the cut: never split. */
	expect("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3, "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
	expect("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 2, "\xE6\x97\xA5\xE2\x80\xA6");
	expect("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 2,
		"\xF0\x9F\x98\x80\xE2\x80\xA6");
	expect("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 2, "\xF0\x9F\x98\x80\xF0\x9F\x98\x80");
	/* The cap counts code points, not bytes: 3 four-byte chars fit in 3. */
	expect("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 3,
		"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80");
	/* Invalid bytes count as one U+FFFD each toward the cap. */
	expect("\xFF\xFF\xFF\xFF", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xE2\x80\xA6");
}

static void test_one_megabyte(void **state) {
	size_t len = 1 << 20;
	char *big = malloc(len + 1);
	assert_non_null(big);

	memset(big, 'a', len);
	big[len] = '\0';
	char *s = sanitize_text(big, 256);
	assert_non_null(s);
	assert_int_equal(decode_strict(s, NULL, 0), 256);
	assert_int_equal(strlen(s), 255 + 3);
	assert_string_equal(s + 255, "\xE2\x80\xA6");
	free(s);

	/* Uncapped, every byte survives. */
	s = sanitize_text(big, NO_CAP);
	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	free(s);

	/* A megabyte of zero-width spaces hiding one character. */
	size_t zw = len / 3;
	for (size_t i = 0; i < zw; i++) {
		memcpy(big + 3 * i, "\xE2\x80\x8B", 3);
	}
	big[3 * zw] = 'x';
	big[3 * zw + 1] = '\0';
	expect(big, 256, "x");

	/* A megabyte of stray bytes: capped, valid. */
	memset(big, 0xFF, len);
	big[len] = '\0';
	s = sanitize_text(big, 64);
	assert_non_null(s);
	check_invariants(big, len, s, 64);
	assert_int_equal(decode_strict(s, NULL, 0), 64);
	free(s);
	s = sanitize_text(big, NO_CAP);
	assert_non_null(s);
	assert_int_equal(strlen(s), 3 * len);
	free(s);
	free(big);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(void) {
	/* xorshift64*: deterministic, so a failure reproduces. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Du) >> 32);
}

/* Appends the UTF-8 of any code point, valid or not (surrogates too). */
static size_t put_cp(char *out, uint32_t cp) {
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | ((cp >> 18) & 0x07));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static void test_fuzz(void **state) {
	/* Code points an attacker would reach for, mixed into random bytes. */
	static const uint32_t spicy[] = {
		0x202E, 0x2066, 0x2069, 0x200B, 0x200D, 0xFEFF, 0x00AD, 0xE0041,
		0xFE0F, 0xE0100, 0xFFF9, 0x2028, 0x0085, 0x009B, 0x0301, 0x0489,
		0xD800, 0xDFFF, 0xFFFE, 0x10FFFF, 0x3000, 0x00A0, 0x2026, ' ', '\t',
		0x1F600, 0x05D0, 0x0627,
	};
	char in[512];
	for (int iter = 0; iter < 50000; iter++) {
		size_t len = 0, want = rng() % 400;
		while (len < want) {
			uint32_t kind = rng() % 4;
			if (kind == 0) {
				in[len++] = (char)(rng() & 0xFF);
			} else if (kind == 1) {
				len += put_cp(in + len, spicy[rng() % (sizeof(spicy) / sizeof(spicy[0]))]);
			} else if (kind == 2) {
				len += put_cp(in + len, rng() % 0x110000);
			} else {
				in[len++] = (char)(0x20 + rng() % 0x5F);
			}
		}
		size_t caps[] = { NO_CAP, rng() % 40, 1 + rng() % 4 };
		size_t max = caps[rng() % 3];

		char *out = sanitize_text_len(in, len, max);
		assert_non_null(out);
		check_invariants(in, len, out, max);
		/* Sanitising is idempotent: the output is its own clean form. */
		if (!sanitize_is_clean(out, max)) {
			print_error("not idempotent at iteration %d\n", iter);
			fail();
		}
		free(out);
	}
}

/* Issue 9: guest text for the log is escaped, every byte outside ASCII. */
static void test_log_escape(void **state) {
	char buf[64];
	assert_string_equal(sanitize_log("text/plain", buf, sizeof(buf)), "text/plain");
	assert_string_equal(sanitize_log("a\x1b[31m\x07\\b", buf, sizeof(buf)),
		"a\\x1b[31m\\x07\\\\b");
	/* U+202E RIGHT-TO-LEFT OVERRIDE and a C1 CSI, as UTF-8. */
	assert_string_equal(sanitize_log("x\xe2\x80\xae\xc2\x9by\n", buf, sizeof(buf)),
		"x\\xe2\\x80\\xae\\xc2\\x9by\\x0a");
	assert_string_equal(sanitize_log(NULL, buf, sizeof(buf)), "(null)");
	char small[12];
	sanitize_log("\x1b\x1b\x1b\x1b\x1b", small, sizeof(small));
	assert_true(strlen(small) < sizeof(small));
	assert_non_null(strstr(small, "..."));
	for (const char *p = small; *p; p++) {
		assert_true(*p >= 0x20 && *p < 0x7f);
	}
}

/* Issue 9: sandbox names: safe and injective. */
static void test_name(void **state) {
	char a[64], b[64];
	assert_true(sanitize_name("org.example.App_2-x", a, sizeof(a)));
	assert_string_equal(a, "org.example.App_2-x");
	assert_true(sanitize_name("a\xe2\x80\xae\nb: %", a, sizeof(a)));
	assert_string_equal(a, "a%E2%80%AE%0Ab%3A%20%25");
	/* The escape character is escaped: no two inputs give one name. */
	assert_true(sanitize_name("%0A", a, sizeof(a)));
	assert_true(sanitize_name("\n", b, sizeof(b)));
	assert_string_not_equal(a, b);
	assert_false(sanitize_name("\n\n\n", a, 9));
	assert_string_equal(a, "");
	assert_true(sanitize_name("\n\n", a, 7));
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_plain_text_unchanged),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_invisible),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_combining),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_cap_multibyte),
		cmocka_unit_test(test_one_megabyte),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_log_escape),
		cmocka_unit_test(test_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
