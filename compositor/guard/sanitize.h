#ifndef CORDON_SANITIZE_H
#define CORDON_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Untrusted client text (titles, app ids, MIME types) made safe to draw in
 * a titlebar or prompt and to send over IPC. Pure C, no wlroots, so it is
 * unit-tested on its own.
 *
 * The result is valid UTF-8 in which nothing can reorder, hide or disguise
 * characters:
 *   - ill-formed UTF-8 (overlong forms, surrogates, code points above
 *     U+10FFFF, truncated or stray bytes) becomes U+FFFD, one per maximal
 *     ill-formed subpart (the Unicode "best practice" rule); noncharacters
 *     (U+FDD0..U+FDEF, U+xxFFFE/U+xxFFFF) become U+FFFD too;
 *   - C0 and C1 controls and DEL are removed, except tab, LF, VT, FF, CR
 *     and NEL, which are whitespace;
 *   - every default-ignorable code point is removed: bidi marks, embeddings,
 *     overrides and isolates (U+061C, U+200E/F, U+202A..E, U+2066..9),
 *     zero-width characters (U+200B..D, U+2060..4, U+FEFF, U+180E), soft
 *     hyphen, combining grapheme joiner, Hangul fillers, variation selectors
 *     (U+180B..F, U+FE00..F, U+E0100..U+E01EF), tag characters and the rest
 *     of U+E0000..U+E0FFF, and the other invisible format controls;
 *     interlinear annotation characters (U+FFF9..B) are removed as well;
 *   - whitespace (the above, U+2028/U+2029 and every Unicode space
 *     separator such as U+00A0 or U+3000) becomes a single ASCII space:
 *     runs collapse to one, and leading and trailing whitespace is trimmed;
 *   - a run of generic combining diacritics (U+0300..U+036F and the other
 *     "combining marks for any script" blocks) is cut to
 *     SANITIZE_MAX_COMBINING marks, and such marks at the very start (with
 *     no base character of their own) are removed, so that text cannot
 *     grow "Zalgo" towers or attach a mark to whatever cordon draws
 *     before it;
 *   - the result holds at most max_chars code points; when text had to be
 *     cut it ends with U+2026 "…", which counts towards max_chars.
 */

/* Most generic combining marks kept on one base character. */
#define SANITIZE_MAX_COMBINING 4

/*
 * Returns a newly allocated sanitised copy of the NUL-terminated string in
 * (free() it). NULL input gives "". max_chars 0 gives ""; SIZE_MAX means
 * no cap. Returns NULL only when memory runs out.
 */
char *sanitize_text(const char *in, size_t max_chars);

/*
 * As sanitize_text(), for len bytes that need not be NUL-terminated (an IPC
 * message, a pipe's contents); NUL bytes in them are controls and removed.
 */
char *sanitize_text_len(const char *in, size_t len, size_t max_chars);

/*
 * True when sanitize_text(in, max_chars) would return in unchanged. Runs
 * the sanitiser and compares, so it allocates; false when memory runs out.
 */
bool sanitize_is_clean(const char *in, size_t max_chars);

/*
 * Guest text for a log line, escaped rather than cleaned so the log shows
 * what was sent: printable ASCII is kept, a backslash doubled, every other
 * byte (controls, DEL, and all bytes of non-ASCII text, so no bidi control
 * or C1 can pass) written as \xNN. Writes at most len bytes including the
 * NUL, cutting whole escapes and marking a cut with "..."; returns out.
 * NULL in gives "(null)".
 */
const char *sanitize_log(const char *in, char *out, size_t len);

/*
 * An injective, safe name from guest-chosen text (a sandbox engine or app
 * id): ASCII letters, digits, '.', '_' and '-' are kept, every other byte
 * becomes %XX, so two different inputs never give the same name and the
 * result has no control, bidi, separator or whitespace character. False
 * (out empty) when the result does not fit in len bytes with its NUL.
 */
bool sanitize_name(const char *in, char *out, size_t len);

#endif
