#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <drm_fourcc.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/render/pass.h>
#include <wlr/render/pixman.h>
#include <wlr/render/wlr_renderer.h>
#include <wlr/render/wlr_texture.h>
#include <wlr/util/log.h>
#include "compositor/render/text_buffer.h"

#define DARK 0x2e3436u    /* Tango aluminium 6: white text */
#define YELLOW 0xedd400u  /* Tango butter 2: black text */
#define PAD 6

/* A read-only view of a buffer's pixels, held for one test step. */
struct pixels {
	struct wlr_buffer *buffer;
	const uint8_t *data;
	size_t stride;
	int width, height;
};

static void pixels_begin(struct pixels *px, struct wlr_buffer *buffer) {
	void *data;
	uint32_t format;
	size_t stride;
	assert_true(wlr_buffer_begin_data_ptr_access(buffer,
		WLR_BUFFER_DATA_PTR_ACCESS_READ, &data, &format, &stride));
	assert_int_equal(format, DRM_FORMAT_ARGB8888);
	assert_true(stride >= (size_t)buffer->width * 4);
	*px = (struct pixels){
		.buffer = buffer, .data = data, .stride = stride,
		.width = buffer->width, .height = buffer->height,
	};
}

static void pixels_end(struct pixels *px) {
	wlr_buffer_end_data_ptr_access(px->buffer);
}

/* 0xAARRGGBB, as cairo and DRM ARGB8888 store it in a little-endian word. */
static uint32_t pixel(const struct pixels *px, int x, int y) {
	assert_true(x >= 0 && x < px->width && y >= 0 && y < px->height);
	uint32_t value;
	memcpy(&value, px->data + (size_t)y * px->stride + (size_t)x * 4, 4);
	return value;
}

/* Near the text colour: every channel within 0x40 of it (antialiasing). */
static bool near(uint32_t argb, uint32_t rgb) {
	for (int shift = 0; shift <= 16; shift += 8) {
		int a = (argb >> shift) & 0xff, b = (rgb >> shift) & 0xff;
		if (abs(a - b) > 0x40) {
			return false;
		}
	}
	return true;
}

static int count_near(const struct pixels *px, int x0, int x1, int y0, int y1,
		uint32_t rgb) {
	int n = 0;
	for (int y = y0; y < y1; y++) {
		for (int x = x0; x < x1; x++) {
			n += near(pixel(px, x, y), rgb);
		}
	}
	return n;
}

/* True when every pixel of the rectangle is exactly the opaque colour. */
static bool all_exactly(const struct pixels *px, int x0, int x1, int y0, int y1,
		uint32_t rgb) {
	for (int y = y0; y < y1; y++) {
		for (int x = x0; x < x1; x++) {
			if (pixel(px, x, y) != (0xff000000u | rgb)) {
				return false;
			}
		}
	}
	return true;
}

/*
 * With TEST_TEXT_BUFFER_PNG=DIR set, a rendered buffer is also written to
 * DIR/NAME.png, to look at what the assertions are about.
 */
static void save_png(struct wlr_buffer *buffer, const char *name) {
	const char *dir = getenv("TEST_TEXT_BUFFER_PNG");
	struct text_buffer *tb = text_buffer_from_buffer(buffer);
	if (dir == NULL || tb == NULL) {
		return;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.png", dir, name);
	assert_int_equal(cairo_surface_write_to_png(
		cairo_get_target(text_buffer_get_cairo(tb)), path), CAIRO_STATUS_SUCCESS);
}

/*
 * First column, scanning right (or left when from_right) over
 * [x0, x1) x [y0, y1), holding a pixel other than the background; -1 if none.
 */
static int ink_column(const struct pixels *px, int x0, int x1, int y0, int y1,
		uint32_t background, bool from_right) {
	for (int i = 0; i < x1 - x0; i++) {
		int x = from_right ? x1 - 1 - i : x0 + i;
		for (int y = y0; y < y1; y++) {
			if (pixel(px, x, y) != (0xff000000u | background)) {
				return x;
			}
		}
	}
	return -1;
}

static int rightmost_ink(const struct pixels *px, uint32_t background) {
	return ink_column(px, 0, px->width, 0, px->height, background, true);
}

static int setup(void **state) {
	struct text_renderer *renderer = text_renderer_create("monospace 10");
	if (renderer == NULL) {
		return -1;
	}
	*state = renderer;
	return 0;
}

static int teardown(void **state) {
	text_renderer_destroy(*state);
	return 0;
}

static int bar_height(struct text_renderer *renderer) {
	int font = text_buffer_font_height(renderer, NULL);
	assert_true(font > 0);
	return font + 8;
}

static struct wlr_buffer *titlebar(struct text_renderer *renderer, int width,
		float scale, uint32_t background, const char *tag, const char *title) {
	struct titlebar_spec spec = {
		.width = width,
		.height = bar_height(renderer),
		.scale = scale,
		.background = background,
		.tag = tag,
		.title = title,
		.font = "monospace 10",
		.padding = PAD,
	};
	struct wlr_buffer *buffer = text_buffer_render_titlebar(renderer, &spec);
	assert_non_null(buffer);
	return buffer;
}

/*
 * A "[work]" titlebar on DARK at a whole scale, of the size asked for, saved
 * as png (see save_png), its pixels open in px (px->buffer to drop).
 */
static void titlebar_pixels(struct pixels *px, struct text_renderer *renderer, int width,
		int scale, const char *title, const char *png) {
	struct wlr_buffer *buffer = titlebar(renderer, width, scale, DARK, "[work]", title);
	save_png(buffer, png);
	assert_int_equal(buffer->width, scale * width);
	assert_int_equal(buffer->height, scale * bar_height(renderer));
	pixels_begin(px, buffer);
}

/* n times c, as a string to free. */
static char *repeated(char c, size_t n) {
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_contrast(void **state) {
	assert_int_equal(text_buffer_contrast_color(DARK), 0xffffff);
	assert_int_equal(text_buffer_contrast_color(YELLOW), 0x000000);
	assert_int_equal(text_buffer_contrast_color(0x000000), 0xffffff);
	assert_int_equal(text_buffer_contrast_color(0xffffff), 0x000000);
	/*
	 * Either side of the WCAG crossover (L = 0.1791): needs the sRGB curve,
	 * a plain average of the bytes would call both of these dark.
	 */
	assert_int_equal(text_buffer_contrast_color(0x757575), 0xffffff);
	assert_int_equal(text_buffer_contrast_color(0x777777), 0x000000);
	/* Pure green is bright, pure blue dark: the weights matter. */
	assert_int_equal(text_buffer_contrast_color(0x00ff00), 0x000000);
	assert_int_equal(text_buffer_contrast_color(0x0000ff), 0xffffff);
}

static void test_font_height(void **state) {
	struct text_renderer *renderer = *state;
	int h10 = text_buffer_font_height(renderer, "monospace 10");
	int h20 = text_buffer_font_height(renderer, "monospace 20");
	/* DejaVu Sans Mono 10 pt at 96 dpi: about 16 px from ascent to descent. */
	assert_in_range(h10, 12, 20);
	assert_in_range(h20, 2 * h10 - 2, 2 * h10 + 2);
	assert_int_equal(text_buffer_font_height(renderer, NULL), h10);
	assert_int_equal(text_buffer_font_height(renderer, "monospace 500"), -1);
	assert_int_equal(text_buffer_font_height(NULL, NULL), -1);
}

static void test_renderer_font(void **state) {
	struct text_renderer *renderer = text_renderer_create(NULL);
	assert_non_null(renderer);
	int h = text_buffer_font_height(renderer, NULL);
	assert_true(h > 0);
	assert_true(text_renderer_set_font(renderer, "monospace 20"));
	assert_true(text_buffer_font_height(renderer, NULL) > h);
	/* A bad font keeps the old one. */
	assert_false(text_renderer_set_font(renderer, "monospace 0.5"));
	assert_false(text_renderer_set_font(renderer, "monospace 9999"));
	assert_int_equal(text_buffer_font_height(renderer, NULL),
		text_buffer_font_height(renderer, "monospace 20"));
	text_renderer_destroy(renderer);
	assert_null(text_renderer_create("monospace 9999"));
	text_renderer_destroy(NULL);
}

static void test_titlebar(void **state) {
	struct text_renderer *renderer = *state;
	int height = bar_height(renderer);
	struct pixels px;
	titlebar_pixels(&px, renderer, 400, 1, "Terminal", "titlebar_dark");
	/* Corners and padding are exactly the background, fully opaque. */
	assert_int_equal(pixel(&px, 0, 0), 0xff000000u | DARK);
	assert_int_equal(pixel(&px, 399, height - 1), 0xff000000u | DARK);
	assert_true(all_exactly(&px, 0, PAD, 0, height, DARK));
	assert_true(all_exactly(&px, 0, 400, 0, 2, DARK));
	/* White text where the tag is ("[work]" is 6 cells of about 8 px). */
	assert_true(count_near(&px, PAD, PAD + 48, 0, height, 0xffffff) > 20);
	/* "[work] Terminal" is 15 cells: nothing drawn past 200 px. */
	assert_true(rightmost_ink(&px, DARK) < 200);
	assert_true(rightmost_ink(&px, DARK) > PAD + 48);
	/* Vertically centred: as many background rows above the ink as below. */
	int top = 0, bottom = height - 1;
	while (all_exactly(&px, 0, 400, top, top + 1, DARK)) {
		top++;
	}
	while (all_exactly(&px, 0, 400, bottom, bottom + 1, DARK)) {
		bottom--;
	}
	assert_true(top > 0 && bottom < height - 1);
	pixels_end(&px);
	wlr_buffer_drop(px.buffer);

	/* On a light background the text is black. */
	struct wlr_buffer *buffer = titlebar(renderer, 400, 1, YELLOW, "[work]", "Terminal");
	save_png(buffer, "titlebar_yellow");
	pixels_begin(&px, buffer);
	assert_int_equal(pixel(&px, 0, 0), 0xff000000u | YELLOW);
	assert_true(count_near(&px, PAD, PAD + 48, 0, height, 0x000000) > 20);
	assert_int_equal(count_near(&px, 0, 400, 0, height, 0xffffff), 0);
	pixels_end(&px);
	wlr_buffer_drop(buffer);
}

static void test_titlebar_long_title(void **state) {
	struct text_renderer *renderer = *state;
	char *title = repeated('W', 2000);
	int height = bar_height(renderer);
	struct pixels px;
	titlebar_pixels(&px, renderer, 300, 1, title, "titlebar_long");
	free(title);
	/* The right padding stays background: the title stopped before it. */
	assert_true(all_exactly(&px, 300 - PAD, 300, 0, height, DARK));
	/* ... but the title ran up to it, and ends in an ellipsis. */
	int right = rightmost_ink(&px, DARK);
	assert_true(right > 300 - PAD - 16);
	/*
	 * An "…" is dots on the baseline: in its last columns the ink spans a
	 * few rows, where a clipped "W" would span the glyph's whole height.
	 */
	int top = height, bottom = -1;
	for (int x = right - 4; x <= right; x++) {
		for (int y = 0; y < height; y++) {
			if (pixel(&px, x, y) != (0xff000000u | DARK)) {
				top = y < top ? y : top;
				bottom = y > bottom ? y : bottom;
			}
		}
	}
	assert_in_range(bottom - top, 0, 3);
	/* The tag is still there. */
	assert_true(count_near(&px, PAD, PAD + 48, 0, height, 0xffffff) > 20);
	pixels_end(&px);
	wlr_buffer_drop(px.buffer);
}

/*
 * Whatever the title holds, the tag's pixels do not change: the title can
 * neither reorder the tag (RTL text, bidi controls that escaped
 * sanitising) nor draw over it (leading combining marks, overlong text).
 */
static void test_title_cannot_touch_tag(void **state) {
	struct text_renderer *renderer = *state;
	struct wlr_buffer *alone = titlebar(renderer, 400, 1, DARK, "[work]", NULL);
	struct pixels ref;
	pixels_begin(&ref, alone);
	int tag_end = rightmost_ink(&ref, DARK);
	assert_true(tag_end > PAD && tag_end < PAD + 60);

	static const char *const titles[] = {
		"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D [host] \xD7\xA2\xD7\x95\xD7\x9C\xD7\x9D",
		"\xE2\x80\xAE[host] evil",       /* RLO */
		"\xE2\x81\xA7\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85", /* RLI + Arabic */
		"\xCC\xB6\xCC\xB6\xCC\xB6\xCC\xB6\xCC\xB6\xCC\xB6x", /* leading marks */
		"\xE2\x80\xA8\xE2\x80\xA8\nnewlines\r\n",
		"not valid \xFF\xC0\xAF utf-8",
		"<b>markup</b> &amp; <span size='99999'>big</span>",
	};
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		struct wlr_buffer *buffer = titlebar(renderer, 400, 1, DARK, "[work]", titles[i]);
		char name[32];
		snprintf(name, sizeof(name), "titlebar_adversarial_%zu", i);
		save_png(buffer, name);
		struct pixels px;
		pixels_begin(&px, buffer);
		for (int y = 0; y < px.height; y++) {
			for (int x = 0; x <= tag_end; x++) {
				if (pixel(&px, x, y) != pixel(&ref, x, y)) {
					print_error("title %zu changed the tag at %d,%d\n", i, x, y);
					fail();
				}
			}
		}
		/* The title is drawn too, right of the tag. */
		assert_true(rightmost_ink(&px, DARK) > tag_end);
		pixels_end(&px);
		wlr_buffer_drop(buffer);
	}
	pixels_end(&ref);
	wlr_buffer_drop(alone);

	/* A caller that forgot to sanitise gets the sanitised drawing anyway. */
	struct wlr_buffer *raw = titlebar(renderer, 400, 1, DARK, "[work]",
		"\xE2\x80\xAE[host]\xE2\x80\x8B evil\n");
	struct wlr_buffer *clean = titlebar(renderer, 400, 1, DARK, "[work]", "[host] evil");
	struct pixels a, b;
	pixels_begin(&a, raw);
	pixels_begin(&b, clean);
	assert_int_equal(a.stride, b.stride);
	assert_memory_equal(a.data, b.data, a.stride * (size_t)a.height);
	pixels_end(&a);
	pixels_end(&b);
	wlr_buffer_drop(raw);
	wlr_buffer_drop(clean);
}

static void test_scale(void **state) {
	struct text_renderer *renderer = *state;
	int height = bar_height(renderer);
	struct pixels px;
	titlebar_pixels(&px, renderer, 400, 2, "x", "titlebar_scale2");
	assert_int_equal(pixel(&px, 799, 2 * height - 1), 0xff000000u | DARK);
	/* Text scales too: the tag now spans about twice as many columns. */
	assert_true(count_near(&px, 2 * PAD, 2 * (PAD + 48), 0, 2 * height, 0xffffff) > 80);
	pixels_end(&px);
	wlr_buffer_drop(px.buffer);

	struct wlr_buffer *buffer = titlebar(renderer, 101, 1.5f, DARK, "[w]", "x");
	assert_int_equal(buffer->width, 152); /* ceil(151.5) */
	wlr_buffer_drop(buffer);
	buffer = titlebar(renderer, 100, 1.1f, DARK, "[w]", "x");
	assert_int_equal(buffer->width, 110); /* not 111 from float error */
	wlr_buffer_drop(buffer);
}

static void test_create_limits(void **state) {
	assert_null(text_buffer_create(0, 10, 1));
	assert_null(text_buffer_create(10, -1, 1));
	assert_null(text_buffer_create(TEXT_BUFFER_MAX_PIXELS + 1, 10, 1));
	assert_null(text_buffer_create(10000, 10, 2));
	assert_null(text_buffer_create(INT32_MAX, INT32_MAX, 1));

	/* A bad scale counts as 1. */
	struct text_buffer *tb = text_buffer_create(10, 20, NAN);
	assert_non_null(tb);
	struct wlr_buffer *buffer = text_buffer_get_buffer(tb);
	assert_int_equal(buffer->width, 10);
	assert_int_equal(buffer->height, 20);
	assert_ptr_equal(text_buffer_from_buffer(buffer), tb);
	assert_null(text_buffer_from_buffer(NULL));

	/* Drawing by hand, in logical px at scale 2. */
	wlr_buffer_drop(buffer);
	tb = text_buffer_create(10, 20, 2);
	assert_non_null(tb);
	buffer = text_buffer_get_buffer(tb);
	cairo_t *cr = text_buffer_get_cairo(tb);
	cairo_rectangle(cr, 5, 0, 5, 20);
	cairo_set_source_rgb(cr, 1, 0, 0);
	cairo_fill(cr);
	struct pixels px;
	pixels_begin(&px, buffer);
	assert_int_equal(pixel(&px, 9, 39), 0);            /* transparent */
	assert_int_equal(pixel(&px, 10, 0), 0xffff0000u);   /* logical x 5 */
	assert_int_equal(pixel(&px, 19, 39), 0xffff0000u);
	pixels_end(&px);

	/* Consumers may read, never write. */
	void *data;
	uint32_t format;
	size_t stride;
	assert_false(wlr_buffer_begin_data_ptr_access(buffer,
		WLR_BUFFER_DATA_PTR_ACCESS_WRITE, &data, &format, &stride));
	wlr_buffer_drop(buffer);
}

static void test_box(void **state) {
	struct text_renderer *renderer = *state;
	const uint32_t border = 0xcc0000, background = 0x202020, green = 0x00ff00;
	struct text_buffer_span spans[] = {
		{ .text = "Paste from ", .color = 0xffffff },
		{ .text = "work", .color = green, .bold = true },
	};
	struct text_buffer_span second[] = { { .text = "text/plain", .color = 0xffffff } };
	struct text_buffer_line lines[] = {
		{ .spans = spans, .n_spans = 2 },
		{ .spans = NULL, .n_spans = 0 },
		{ .spans = second, .n_spans = 1 },
	};
	struct box_spec spec = {
		.width = 300, .height = 120, .scale = 1,
		.background = background, .border = border, .border_width = 3,
		.padding = 8, .line_spacing = 2, .font = NULL,
		.lines = lines, .n_lines = 3,
	};
	struct wlr_buffer *buffer = text_buffer_render_box(renderer, &spec);
	save_png(buffer, "box");
	assert_non_null(buffer);
	assert_int_equal(buffer->width, 300);
	assert_int_equal(buffer->height, 120);
	struct pixels px;
	pixels_begin(&px, buffer);
	/* The border on all four edges, exactly, then the background. */
	assert_true(all_exactly(&px, 0, 300, 0, 3, border));
	assert_true(all_exactly(&px, 0, 300, 117, 120, border));
	assert_true(all_exactly(&px, 0, 3, 0, 120, border));
	assert_true(all_exactly(&px, 297, 300, 0, 120, border));
	assert_true(all_exactly(&px, 3, 297, 3, 11, background));
	assert_true(all_exactly(&px, 3, 11, 3, 117, background));
	/* The span's colour is used, and the white text too. */
	assert_true(count_near(&px, 0, 300, 0, 120, green) > 20);
	assert_true(count_near(&px, 0, 300, 0, 120, 0xffffff) > 20);
	/* Centred: the ink's left and right margins match within a cell. */
	int right = ink_column(&px, 3, 297, 3, 117, background, true);
	int left = ink_column(&px, 3, 297, 3, 117, background, false);
	assert_true(left > 11 && right < 300 - 11);
	assert_in_range(left, 299 - right - 8, 299 - right + 8);
	pixels_end(&px);
	wlr_buffer_drop(buffer);
}

/* Text that does not fit stays inside the padding: the border is sacred. */
static void test_box_overflow(void **state) {
	struct text_renderer *renderer = *state;
	char *text = repeated('M', 511);
	struct text_buffer_span span = { .text = text, .color = 0xffffff };
	struct text_buffer_line lines[20];
	for (size_t i = 0; i < 20; i++) {
		lines[i] = (struct text_buffer_line){ .spans = &span, .n_spans = 1 };
	}
	/*
	 * 64 logical px high: the text area is 52 px, so the fourth line
	 * starts inside it and runs past it, into padding and border, unless
	 * clipped.
	 */
	struct box_spec spec = {
		.width = 120, .height = 64, .scale = 1.5f,
		.background = 0x000000, .border = 0x3465a4, .border_width = 2,
		.padding = 4, .align = TEXT_BUFFER_ALIGN_LEFT,
		.lines = lines, .n_lines = 20,
	};
	struct wlr_buffer *buffer = text_buffer_render_box(renderer, &spec);
	assert_non_null(buffer);
	save_png(buffer, "box_overflow");
	assert_int_equal(buffer->width, 180);
	assert_int_equal(buffer->height, 96);
	struct pixels px;
	pixels_begin(&px, buffer);
	assert_true(all_exactly(&px, 0, 180, 0, 3, 0x3465a4));
	assert_true(all_exactly(&px, 0, 180, 93, 96, 0x3465a4));
	/* Border and padding (3 + 6 px each side at 1.5) hold no text. */
	assert_true(all_exactly(&px, 3, 177, 3, 9, 0x000000));
	assert_true(all_exactly(&px, 3, 177, 87, 93, 0x000000));
	assert_true(all_exactly(&px, 171, 177, 3, 93, 0x000000));
	assert_true(count_near(&px, 9, 171, 9, 87, 0xffffff) > 100);
	/* The fourth line is there, cut at the padding. */
	assert_true(count_near(&px, 9, 171, 80, 87, 0xffffff) > 10);
	pixels_end(&px);
	wlr_buffer_drop(buffer);
	free(text);
}

static void test_measure_box(void **state) {
	struct text_renderer *renderer = *state;
	struct text_buffer_span short_span = { .text = "short", .color = 0xffffff };
	struct text_buffer_span long_span = { .text = "a good deal longer", .color = 0xffffff };
	struct text_buffer_line lines[] = { { &short_span, 1 }, { &long_span, 1 } };
	struct box_spec spec = {
		.border_width = 2, .padding = 5, .line_spacing = 3,
		.lines = lines, .n_lines = 2,
	};
	int width, height;
	assert_true(text_buffer_measure_box(renderer, &spec, &width, &height));
	int font = text_buffer_font_height(renderer, NULL);
	assert_int_equal(height, 2 * font + 3 + 2 * (2 + 5));
	/* 18 monospace cells of about 8 px. */
	assert_in_range(width, 18 * 7 + 14, 18 * 9 + 14);

	spec.n_lines = 1;
	int narrow;
	assert_true(text_buffer_measure_box(renderer, &spec, &narrow, &height));
	assert_true(narrow < width);
	assert_int_equal(height, font + 14);

	/*
	 * At its measured size the longest line is drawn in full: the text
	 * area's pixels match those of a much wider box (an ellipsis in the
	 * last cell would differ).
	 */
	spec.n_lines = 2;
	spec.height = 2 * font + 3 + 14;
	spec.scale = 1;
	spec.background = 0;
	spec.border = 0x808080;
	spec.align = TEXT_BUFFER_ALIGN_LEFT;
	spec.width = width;
	struct wlr_buffer *fitted = text_buffer_render_box(renderer, &spec);
	assert_non_null(fitted);
	save_png(fitted, "box_measured");
	spec.width = width + 100;
	struct wlr_buffer *wide = text_buffer_render_box(renderer, &spec);
	assert_non_null(wide);
	/* One pixel narrower and the line no longer fits. */
	spec.width = width - 1;
	struct wlr_buffer *narrower = text_buffer_render_box(renderer, &spec);
	assert_non_null(narrower);
	struct pixels a, b, c;
	pixels_begin(&a, fitted);
	pixels_begin(&b, wide);
	pixels_begin(&c, narrower);
	int differ_fitted = 0, differ_narrower = 0;
	for (int y = 7; y < spec.height - 7; y++) {
		for (int x = 7; x < width - 8; x++) {
			differ_fitted += pixel(&a, x, y) != pixel(&b, x, y);
			differ_narrower += pixel(&c, x, y) != pixel(&b, x, y);
		}
	}
	assert_int_equal(differ_fitted, 0);
	assert_true(differ_narrower > 0);
	pixels_end(&a);
	pixels_end(&b);
	pixels_end(&c);
	wlr_buffer_drop(fitted);
	wlr_buffer_drop(wide);
	wlr_buffer_drop(narrower);

	struct box_spec broken = { .n_lines = 2, .lines = NULL };
	assert_false(text_buffer_measure_box(renderer, &broken, &width, &height));
	assert_null(text_buffer_render_box(renderer, &broken));
}

/* A box at its measured size, its width brought within bounds. */
static void test_render_box_within(void **state) {
	struct text_renderer *renderer = *state;
	struct text_buffer_span span = { .text = "a good deal longer", .color = 0xffffff };
	struct text_buffer_line line = { &span, 1 };
	struct box_spec spec = {
		.scale = 1, .border_width = 2, .padding = 5, .lines = &line, .n_lines = 1,
	};
	int width, height;
	assert_true(text_buffer_measure_box(renderer, &spec, &width, &height));
	const int bounds[][3] = {
		/* min, max, the width drawn */
		{ 0, INT_MAX, width },
		{ width + 50, INT_MAX, width + 50 },
		{ 0, width - 20, width - 20 },
		{ width + 50, width + 10, width + 10 }, /* max wins */
	};
	for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		spec.width = spec.height = 0;
		struct wlr_buffer *buffer = text_buffer_render_box_within(renderer, &spec,
			bounds[i][0], bounds[i][1]);
		assert_non_null(buffer);
		assert_int_equal(spec.width, bounds[i][2]);
		assert_int_equal(spec.height, height);
		assert_int_equal(buffer->width, bounds[i][2]);
		assert_int_equal(buffer->height, height);
		wlr_buffer_drop(buffer);
	}
	struct box_spec broken = { .n_lines = 2, .lines = NULL };
	assert_null(text_buffer_render_box_within(renderer, &broken, 0, INT_MAX));
}

/* Bytes that are not UTF-8 in cordon's own strings: drawn as U+FFFD. */
static void test_invalid_utf8(void **state) {
	struct text_renderer *renderer = *state;
	struct wlr_buffer *buffer = titlebar(renderer, 200, 1, DARK, "[w\xff]", "x");
	struct pixels px;
	pixels_begin(&px, buffer);
	assert_true(count_near(&px, PAD, 100, 0, px.height, 0xffffff) > 20);
	pixels_end(&px);
	wlr_buffer_drop(buffer);

	struct text_buffer_span span = { .text = "\xc0\xaf bad \xed\xa0\x80", .color = 0xffffff };
	struct text_buffer_line line = { &span, 1 };
	struct box_spec spec = {
		.width = 200, .height = 40, .scale = 1, .border = 0xffffff,
		.border_width = 1, .lines = &line, .n_lines = 1,
	};
	buffer = text_buffer_render_box(renderer, &spec);
	assert_non_null(buffer);
	pixels_begin(&px, buffer);
	assert_true(count_near(&px, 2, 198, 2, 38, 0xffffff) > 20);
	pixels_end(&px);
	wlr_buffer_drop(buffer);
}

/* A plain shm-like render target for the pixman renderer, test-only. */
struct target {
	struct wlr_buffer base;
	uint32_t *data;
};

static void target_destroy(struct wlr_buffer *buffer) {
	struct target *target = wl_container_of(buffer, target, base);
	free(target->data);
	free(target);
}

static bool target_begin(struct wlr_buffer *buffer, uint32_t flags, void **data,
		uint32_t *format, size_t *stride) {
	struct target *target = wl_container_of(buffer, target, base);
	*data = target->data;
	*format = DRM_FORMAT_ARGB8888;
	*stride = (size_t)buffer->width * 4;
	return true;
}

static void target_end(struct wlr_buffer *buffer) {
}

static const struct wlr_buffer_impl target_impl = {
	.destroy = target_destroy,
	.begin_data_ptr_access = target_begin,
	.end_data_ptr_access = target_end,
};

/* The pixman renderer turns a titlebar into a texture and composites it. */
static void test_pixman_renderer(void **state) {
	struct text_renderer *text = *state;
	struct wlr_renderer *renderer = wlr_pixman_renderer_create();
	assert_non_null(renderer);
	struct wlr_buffer *buffer = titlebar(text, 200, 1, YELLOW, "[work]", "Terminal");
	struct wlr_texture *texture = wlr_texture_from_buffer(renderer, buffer);
	assert_non_null(texture);
	assert_int_equal(texture->width, 200);
	assert_int_equal(texture->height, buffer->height);
	assert_null(text_buffer_from_buffer(NULL));

	struct target *target = calloc(1, sizeof(*target));
	assert_non_null(target);
	target->data = calloc((size_t)200 * buffer->height, 4);
	assert_non_null(target->data);
	wlr_buffer_init(&target->base, &target_impl, 200, buffer->height);
	assert_null(text_buffer_from_buffer(&target->base));

	struct wlr_render_pass *pass =
		wlr_renderer_begin_buffer_pass(renderer, &target->base, NULL);
	assert_non_null(pass);
	wlr_render_pass_add_texture(pass, &(struct wlr_render_texture_options){
		.texture = texture,
		.dst_box = { .width = 200, .height = buffer->height },
	});
	assert_true(wlr_render_pass_submit(pass));

	struct pixels px;
	pixels_begin(&px, &target->base);
	assert_int_equal(pixel(&px, 0, 0), 0xff000000u | YELLOW);
	assert_int_equal(pixel(&px, 199, px.height - 1), 0xff000000u | YELLOW);
	assert_true(count_near(&px, PAD, PAD + 48, 0, px.height, 0x000000) > 20);
	pixels_end(&px);

	wlr_texture_destroy(texture);
	wlr_buffer_drop(buffer);
	wlr_buffer_drop(&target->base);
	wlr_renderer_destroy(renderer);
}

int main(void) {
	wlr_log_init(WLR_ERROR, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contrast),
		cmocka_unit_test(test_font_height),
		cmocka_unit_test(test_renderer_font),
		cmocka_unit_test(test_titlebar),
		cmocka_unit_test(test_titlebar_long_title),
		cmocka_unit_test(test_title_cannot_touch_tag),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_create_limits),
		cmocka_unit_test(test_box),
		cmocka_unit_test(test_box_overflow),
		cmocka_unit_test(test_measure_box),
		cmocka_unit_test(test_render_box_within),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_pixman_renderer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
