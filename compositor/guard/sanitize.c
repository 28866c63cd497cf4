#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "compositor/guard/sanitize.h"

#define REPLACEMENT 0xFFFDu
#define ELLIPSIS 0x2026u

struct range {
	uint32_t first, last;
};

/*
 * Removed outright: every Default_Ignorable_Code_Point of Unicode 15 (bidi
 * controls, zero-width characters, fillers, variation selectors, tags),
 * plus format controls that are not default-ignorable but still hide or
 * rearrange what is drawn: interlinear annotations (U+FFF9..B) and the
 * Egyptian hieroglyph format controls. Sorted, for the binary search.
 */
static const struct range removed[] = {
	{ 0x00AD, 0x00AD },   /* soft hyphen */
	{ 0x034F, 0x034F },   /* combining grapheme joiner */
	{ 0x061C, 0x061C },   /* Arabic letter mark */
	{ 0x115F, 0x1160 },   /* Hangul choseong/jungseong fillers */
	{ 0x17B4, 0x17B5 },   /* Khmer inherent vowels */
	{ 0x180B, 0x180F },   /* Mongolian variation selectors, vowel separator */
	{ 0x200B, 0x200F },   /* ZWSP, ZWNJ, ZWJ, LRM, RLM */
	{ 0x202A, 0x202E },   /* LRE, RLE, PDF, LRO, RLO */
	{ 0x2060, 0x206F },   /* word joiner, invisible operators, isolates, deprecated */
	{ 0x3164, 0x3164 },   /* Hangul filler */
	{ 0xFE00, 0xFE0F },   /* variation selectors */
	{ 0xFEFF, 0xFEFF },   /* zero-width no-break space, BOM */
	{ 0xFFA0, 0xFFA0 },   /* halfwidth Hangul filler */
	{ 0xFFF0, 0xFFFB },   /* unassigned specials, interlinear annotation */
	{ 0x13430, 0x1345F }, /* Egyptian hieroglyph format controls */
	{ 0x1BCA0, 0x1BCA3 }, /* shorthand format controls */
	{ 0x1D173, 0x1D17A }, /* musical symbol format controls */
	{ 0xE0000, 0xE0FFF }, /* tags, variation selectors supplement */
};

/* Unicode space separators (Zs) and line/paragraph separators, beyond ASCII. */
static const struct range spaces[] = {
	{ 0x0085, 0x0085 },   /* next line (a C1 control, but a line break) */
	{ 0x00A0, 0x00A0 },
	{ 0x1680, 0x1680 },
	{ 0x2000, 0x200A },
	{ 0x2028, 0x2029 },
	{ 0x202F, 0x202F },
	{ 0x205F, 0x205F },
	{ 0x3000, 0x3000 },
};

/*
 * Combining marks that attach to any script and stack without limit:
 * what "Zalgo" text is made of. Script-specific marks (Devanagari vowel
 * signs and the like) are left alone; real text needs them and they do
 * not stack.
 */
static const struct range generic_combining[] = {
	{ 0x0300, 0x036F },   /* combining diacritical marks */
	{ 0x0483, 0x0489 },   /* Cyrillic combining marks, incl. enclosing signs */
	{ 0x1AB0, 0x1AFF },   /* combining diacritical marks extended */
	{ 0x1DC0, 0x1DFF },   /* combining diacritical marks supplement */
	{ 0x20D0, 0x20FF },   /* combining marks for symbols */
	{ 0xFE20, 0xFE2F },   /* combining half marks */
};

static bool in_ranges(const struct range *ranges, size_t n, uint32_t cp) {
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < ranges[mid].first) {
			hi = mid;
		} else if (cp > ranges[mid].last) {
			lo = mid + 1;
		} else {
			return true;
		}
	}
	return false;
}

#define IN(table, cp) in_ranges((table), sizeof(table) / sizeof((table)[0]), (cp))

enum char_class {
	CLASS_VISIBLE,
	CLASS_SPACE,
	CLASS_REMOVED,
	CLASS_COMBINING,
};

static enum char_class classify(uint32_t cp) {
	if (cp < 0x80) {
		if (cp == ' ' || (cp >= '\t' && cp <= '\r')) {
			return CLASS_SPACE;
		}
		if (cp < 0x20 || cp == 0x7F) {
			return CLASS_REMOVED;
		}
		return CLASS_VISIBLE;
	}
	if (IN(spaces, cp)) {
		return CLASS_SPACE;
	}
	if (cp <= 0x9F) {
		return CLASS_REMOVED; /* C1 controls other than NEL */
	}
	if (IN(removed, cp)) {
		return CLASS_REMOVED;
	}
	if (IN(generic_combining, cp)) {
		return CLASS_COMBINING;
	}
	return CLASS_VISIBLE;
}

/*
 * The well-formed lead bytes of UTF-8 (Unicode, Table 3-7): how many
 * continuation bytes follow, and the bounds on the first of them, which
 * exclude overlong forms (E0 80..9F, F0 80..8F), surrogates (ED A0..BF)
 * and values above U+10FFFF (F4 90..BF). C0, C1 and F5..FF never lead.
 */
static const struct utf8_lead {
	uint8_t first, last; /* lead bytes */
	uint8_t need;        /* continuation bytes */
	uint8_t lo, hi;      /* bounds on the first continuation byte */
} utf8_leads[] = {
	{ 0xC2, 0xDF, 1, 0x80, 0xBF },
	{ 0xE0, 0xE0, 2, 0xA0, 0xBF },
	{ 0xE1, 0xEC, 2, 0x80, 0xBF },
	{ 0xED, 0xED, 2, 0x80, 0x9F },
	{ 0xEE, 0xEF, 2, 0x80, 0xBF },
	{ 0xF0, 0xF0, 3, 0x90, 0xBF },
	{ 0xF1, 0xF3, 3, 0x80, 0xBF },
	{ 0xF4, 0xF4, 3, 0x80, 0x8F },
};

/*
 * Decodes one code point from s[0..len), len >= 1. Returns the bytes
 * consumed. A well-formed sequence gives its code point; otherwise
 * *cp = REPLACEMENT and the return value is the length of the maximal
 * ill-formed subpart (at least 1), so that one U+FFFD stands for it and
 * decoding resumes at the first byte that could start something valid.
 */
static size_t decode_utf8(const uint8_t *s, size_t len, uint32_t *cp) {
	uint8_t b = s[0];
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	const struct utf8_lead *lead = NULL;
	for (size_t i = 0; i < sizeof(utf8_leads) / sizeof(utf8_leads[0]); i++) {
		if (b >= utf8_leads[i].first && b <= utf8_leads[i].last) {
			lead = &utf8_leads[i];
			break;
		}
	}
	if (lead == NULL) {
		*cp = REPLACEMENT;
		return 1;
	}
	/* The lead byte's payload: 5, 4 or 3 bits after its length prefix. */
	uint32_t c = b & (0x7F >> (lead->need + 1));
	uint8_t lo = lead->lo, hi = lead->hi;
	size_t i;
	for (i = 1; i <= lead->need; i++) {
		if (i >= len || s[i] < lo || s[i] > hi) {
			*cp = REPLACEMENT;
			return i;
		}
		c = (c << 6) | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = c;
	return i;
}

static size_t encode_utf8(uint32_t cp, char *out) {
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

struct output {
	char *buf;
	size_t len;       /* bytes written */
	size_t count;     /* code points written */
	size_t max;       /* code point cap, >= 1 */
	size_t cut;       /* len after max - 1 code points: where "…" goes */
	bool overflow;    /* something visible did not fit */
};

/* Appends cp; false (and marks overflow) when the cap is already reached. */
static bool emit(struct output *out, uint32_t cp) {
	if (out->count == out->max) {
		out->overflow = true;
		return false;
	}
	if (out->count == out->max - 1) {
		out->cut = out->len;
	}
	out->len += encode_utf8(cp, out->buf + out->len);
	out->count++;
	return true;
}

char *sanitize_text_len(const char *in, size_t len, size_t max_chars) {
	if (in == NULL || max_chars == 0) {
		len = 0;
	}
	/*
	 * Each input byte yields at most 3 output bytes (a stray byte becomes
	 * U+FFFD), and each kept code point at most 4; 4 more cover the
	 * ellipsis and the NUL in both bounds.
	 */
	size_t cap = len <= (SIZE_MAX - 4) / 3 ? len * 3 : SIZE_MAX - 4;
	if (max_chars <= (SIZE_MAX - 4) / 4 && max_chars * 4 < cap) {
		cap = max_chars * 4;
	}
	struct output out = {
		.buf = malloc(cap + 4),
		.max = max_chars,
	};
	if (out.buf == NULL) {
		return NULL;
	}

	const uint8_t *s = (const uint8_t *)in;
	size_t pos = 0;
	bool pending_space = false;
	int combining = 0; /* generic combining marks on the current base */
	while (pos < len && !out.overflow) {
		uint32_t cp;
		pos += decode_utf8(s + pos, len - pos, &cp);
		if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) {
			cp = REPLACEMENT; /* noncharacters are not for interchange */
		}
		enum char_class cls = classify(cp);
		switch (cls) {
		case CLASS_REMOVED:
			/* Transparent: text on both sides joins as if it was never there. */
			continue;
		case CLASS_SPACE:
			/* Only between visible characters: trims both ends, collapses runs. */
			pending_space = out.count > 0;
			continue;
		case CLASS_COMBINING:
			/* At the start there is no base of ours for a mark to sit on. */
			if (out.count == 0 || (!pending_space &&
					combining >= SANITIZE_MAX_COMBINING)) {
				continue;
			}
			break;
		case CLASS_VISIBLE:
			combining = 0;
			break;
		}
		if (pending_space) {
			if (!emit(&out, ' ')) {
				break;
			}
			pending_space = false;
			combining = 0; /* a mark after the space sits on the space */
		}
		if (emit(&out, cp) && cls == CLASS_COMBINING) {
			combining++;
		}
	}

	if (out.overflow) {
		out.len = out.cut;
		if (out.len > 0 && out.buf[out.len - 1] == ' ') {
			out.len--; /* "foo …" reads worse than "foo…" */
		}
		out.len += encode_utf8(ELLIPSIS, out.buf + out.len);
	}
	out.buf[out.len] = '\0';

	/* The bound above can be far larger than the result (1 MB of spaces). */
	char *fit = realloc(out.buf, out.len + 1);
	return fit != NULL ? fit : out.buf;
}

char *sanitize_text(const char *in, size_t max_chars) {
	return sanitize_text_len(in, in != NULL ? strlen(in) : 0, max_chars);
}

bool sanitize_is_clean(const char *in, size_t max_chars) {
	char *clean = sanitize_text(in, max_chars);
	if (clean == NULL) {
		return false;
	}
	bool same = strcmp(clean, in != NULL ? in : "") == 0;
	free(clean);
	return same;
}

const char *sanitize_log(const char *in, char *out, size_t len) {
	static const char hex[] = "0123456789abcdef";
	if (len == 0) {
		return out;
	}
	if (in == NULL) {
		in = "(null)";
	}
	size_t j = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p != '\0'; p++) {
		char esc[4];
		size_t n = 0;
		if (*p == '\\') {
			esc[n++] = '\\';
			esc[n++] = '\\';
		} else if (*p >= 0x20 && *p < 0x7f) {
			esc[n++] = (char)*p;
		} else {
			esc[n++] = '\\';
			esc[n++] = 'x';
			esc[n++] = hex[*p >> 4];
			esc[n++] = hex[*p & 0xf];
		}
		if (j + n + 1 > len) {
			/* Room for "..." and the NUL, or as much of it as fits. */
			while (j > 0 && j + 4 > len) {
				j--;
			}
			for (size_t k = 0; k < 3 && j + 1 < len; k++) {
				out[j++] = '.';
			}
			break;
		}
		memcpy(out + j, esc, n);
		j += n;
	}
	out[j] = '\0';
	return out;
}

bool sanitize_name(const char *in, char *out, size_t len) {
	static const char hex[] = "0123456789ABCDEF";
	size_t j = 0;
	if (len == 0) {
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)(in ? in : ""); *p; p++) {
		bool keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-';
		size_t n = keep ? 1 : 3;
		if (j + n + 1 > len) {
			out[0] = '\0';
			return false;
		}
		if (keep) {
			out[j++] = (char)*p;
		} else {
			out[j++] = '%';
			out[j++] = hex[*p >> 4];
			out[j++] = hex[*p & 0xf];
		}
	}
	out[j] = '\0';
	return true;
}
