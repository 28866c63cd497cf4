#ifndef CORDON_TEXT_BUFFER_H
#define CORDON_TEXT_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cairo.h>

/*
 * cordon's own pixels: titlebars, prompts and banners drawn with cairo and
 * pango into a struct wlr_buffer that any renderer can read (it offers a
 * data pointer in DRM_FORMAT_ARGB8888, which the pixman renderer reads in
 * place and the GLES renderer uploads as a texture).
 *
 * Sizes are in logical pixels; a buffer holds ceil(size * scale) real
 * pixels, and the caller places it with wlr_scene_buffer_set_dest_size()
 * at the logical size. A finished buffer is immutable: hand it to
 * wlr_scene_buffer_create() (or set_buffer), then wlr_buffer_drop() it;
 * the scene keeps its own lock. To change the text, render a new buffer.
 *
 * Client text is only ever drawn with pango_layout_set_text(), never as
 * markup, and each text is laid out on its own, left to right, clipped to
 * its own area: a title cannot reorder, cover or run into the tag drawn
 * before it. Callers pass client text through sanitize_text() first
 * (compositor/sanitize.h), which removes what pango would otherwise draw
 * invisibly or reorder inside the text itself; a titlebar's title is
 * sanitised once more here, box spans are not (their spaces matter).
 */

struct wlr_buffer;

/* Used when neither the renderer nor a spec names a font. */
#define TEXT_BUFFER_DEFAULT_FONT "monospace 10"
/*
 * Largest buffer side in real pixels. Titlebars follow client-chosen window
 * widths, and GPUs commonly cap textures at 16384; callers clamp to this.
 */
#define TEXT_BUFFER_MAX_PIXELS 16384

/*
 * Fonts and a pango context of cordon's own (a private font map, so nothing
 * is shared with or changed in pango's process-wide default). The server
 * creates one and passes it to every call; no other state is kept between
 * calls. Not thread-safe.
 */
struct text_renderer;

/* font: pango description used when a spec gives none; NULL: the default. */
struct text_renderer *text_renderer_create(const char *font);
void text_renderer_destroy(struct text_renderer *renderer); /* NULL is fine */
/* Changes the default font (config reload). False, unchanged, on failure. */
bool text_renderer_set_font(struct text_renderer *renderer, const char *font);

/*
 * Height in logical px of one line of font (NULL: the renderer's default):
 * the primary font's ascent plus descent, rounded up. A titlebar is this
 * plus its vertical padding. Returns -1 (and logs) on failure.
 */
int text_buffer_font_height(struct text_renderer *renderer, const char *font);

/*
 * A blank buffer of width x height logical px at scale, all pixels
 * transparent, for drawing by hand: the cairo context is already scaled,
 * so draw in logical px. NULL (logged) when a size is not positive or
 * exceeds TEXT_BUFFER_MAX_PIXELS once scaled, or when memory runs out; a
 * scale that is not a positive finite number counts as 1.
 */
struct text_buffer *text_buffer_create(int width, int height, float scale);
struct wlr_buffer *text_buffer_get_buffer(struct text_buffer *buffer);
cairo_t *text_buffer_get_cairo(struct text_buffer *buffer);
/* The text_buffer behind a wlr_buffer, or NULL when it is not one. */
struct text_buffer *text_buffer_from_buffer(struct wlr_buffer *buffer);

/*
 * Relative-luminance (WCAG, sRGB) contrast choice: 0xffffff (white) or
 * 0x000000 (black), whichever contrasts more with rgb (0xRRGGBB).
 */
uint32_t text_buffer_contrast_color(uint32_t rgb);

/* A titlebar: "[tag] title" on an opaque background. */
struct titlebar_spec {
	int width, height;      /* logical px */
	float scale;            /* output scale */
	uint32_t background;    /* 0xRRGGBB, fills the whole buffer */
	cairo_pattern_t *texture; /* painted over the background, under the text; NULL: none */
	/*
	 * cordon's own text, e.g. "[work]", drawn bold at the left. Never built
	 * from client text. It wins the space: a long title is ellipsised first.
	 */
	const char *tag;
	const char *title;      /* client text, plain, sanitised again here; NULL: none */
	const char *font;       /* pango description; NULL: the renderer's */
	int padding;            /* logical px left of the tag, right of the title */
};

/*
 * Renders a titlebar. Text is black or white by text_buffer_contrast_color(),
 * vertically centred on the font's line, ellipsised at the end ("…") when
 * it does not fit, and a gap of about one character separates tag and
 * title. Returns a buffer with one reference (wlr_buffer_drop() it), or
 * NULL (logged) on failure.
 */
struct wlr_buffer *text_buffer_render_titlebar(struct text_renderer *renderer,
	const struct titlebar_spec *spec);

/* A run of plain text in one colour; a line is one or more spans. */
struct text_buffer_span {
	const char *text;       /* plain, never markup, sanitised by the caller; NULL: empty */
	uint32_t color;         /* 0xRRGGBB */
	bool bold;
};

struct text_buffer_line {
	const struct text_buffer_span *spans;
	size_t n_spans;         /* 0: an empty line */
};

enum text_buffer_align {
	TEXT_BUFFER_ALIGN_CENTER = 0,
	TEXT_BUFFER_ALIGN_LEFT,
};

/* A bordered box with lines of text: prompts, banners. */
struct box_spec {
	int width, height;      /* logical px, border included */
	float scale;
	uint32_t background;    /* 0xRRGGBB inside the border */
	uint32_t border;        /* 0xRRGGBB */
	int border_width;       /* logical px; text never draws over it */
	int padding;            /* logical px between border and text */
	int line_spacing;       /* extra logical px between lines */
	const char *font;       /* NULL: the renderer's */
	enum text_buffer_align align; /* of each line; the block is centred vertically */
	const struct text_buffer_line *lines;
	size_t n_lines;
};

/*
 * Renders a box. Each line is laid out on its own (one line, never
 * wrapped, ellipsised at the end when too wide); the block of lines is
 * centred vertically inside the padding and clipped to it. Returns a
 * buffer with one reference, or NULL (logged).
 */
struct wlr_buffer *text_buffer_render_box(struct text_renderer *renderer,
	const struct box_spec *spec);

/*
 * Renders a box at the size its lines need (text_buffer_measure_box), its
 * width brought to at least min_width and then at most max_width; sets
 * spec->width and height to that size. NULL (logged) on failure.
 */
struct wlr_buffer *text_buffer_render_box_within(struct text_renderer *renderer,
	struct box_spec *spec, int min_width, int max_width);

/*
 * The smallest width and height (logical px) at which spec's lines fit
 * without ellipsis, border and padding included; spec->width, height and
 * scale are ignored. False (logged) on failure.
 */
bool text_buffer_measure_box(struct text_renderer *renderer,
	const struct box_spec *spec, int *width, int *height);

#endif
