#include <drm_fourcc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <pango/pangocairo.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/util/log.h>
#include "compositor/guard/sanitize.h"
#include "compositor/render/text_buffer.h"

/*
 * CAIRO_FORMAT_ARGB32 is premultiplied ARGB in a native-endian 32-bit
 * word. DRM formats name the word in little-endian byte order, so the same
 * pixels are ARGB8888 on little-endian machines and BGRA8888 (bytes A, R,
 * G, B in memory) on big-endian ones.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CAIRO_ARGB32_DRM_FORMAT DRM_FORMAT_ARGB8888
#else
#define CAIRO_ARGB32_DRM_FORMAT DRM_FORMAT_BGRA8888
#endif

/* Fonts outside this range (points) are refused as a config mistake. */
#define FONT_SIZE_MIN 1
#define FONT_SIZE_MAX 200

struct text_renderer {
	PangoFontMap *font_map;
	PangoContext *context;
	PangoFontDescription *font; /* default for specs that name none */
};

struct text_buffer {
	struct wlr_buffer base;
	cairo_surface_t *surface;
	cairo_t *cairo;
};

/* Vertical metrics of a font's primary face, in pango units. */
struct line_metrics {
	int ascent, descent;
	int char_width;
};

static void buffer_destroy(struct wlr_buffer *wlr_buffer) {
	struct text_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	cairo_destroy(buffer->cairo);
	cairo_surface_destroy(buffer->surface);
	free(buffer);
}

static bool buffer_begin_data_ptr_access(struct wlr_buffer *wlr_buffer,
		uint32_t flags, void **data, uint32_t *format, size_t *stride) {
	struct text_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	/*
	 * Consumers only read: the pixman renderer keeps this pointer for the
	 * texture's lifetime and GLES copies it once, so a writer would make
	 * the two disagree. Nothing of cordon's renders into these buffers.
	 */
	if (flags & WLR_BUFFER_DATA_PTR_ACCESS_WRITE) {
		wlr_log(WLR_DEBUG, "text_buffer: write access to a %dx%d buffer refused",
			wlr_buffer->width, wlr_buffer->height);
		return false;
	}
	cairo_surface_flush(buffer->surface);
	*data = cairo_image_surface_get_data(buffer->surface);
	*format = CAIRO_ARGB32_DRM_FORMAT;
	*stride = (size_t)cairo_image_surface_get_stride(buffer->surface);
	return true;
}

static void buffer_end_data_ptr_access(struct wlr_buffer *wlr_buffer) {
	/* Nothing to release: the pixels live as long as the buffer. */
}

static const struct wlr_buffer_impl buffer_impl = {
	.destroy = buffer_destroy,
	.begin_data_ptr_access = buffer_begin_data_ptr_access,
	.end_data_ptr_access = buffer_end_data_ptr_access,
};

/*
 * ceil(logical * scale), or -1 when it is not within 1..max. cordon does
 * not link libm, hence no ceil(). The small bias absorbs float error, so
 * that 100 at scale 1.1f gives 110 and not 111.
 */
static int scaled_size(int logical, float scale) {
	double px = (double)logical * scale - 1e-3;
	if (!(px > 0) || px > TEXT_BUFFER_MAX_PIXELS) {
		return -1;
	}
	int whole = (int)px;
	return whole < px ? whole + 1 : whole;
}

struct text_buffer *text_buffer_create(int width, int height, float scale) {
	if (!(scale > 0) || !isfinite(scale)) {
		wlr_log(WLR_ERROR, "text_buffer: scale %f is not positive, using 1",
			(double)scale);
		scale = 1;
	}
	int px_width = width > 0 ? scaled_size(width, scale) : -1;
	int px_height = height > 0 ? scaled_size(height, scale) : -1;
	if (px_width < 0 || px_height < 0) {
		wlr_log(WLR_ERROR, "text_buffer: cannot make a %dx%d buffer at scale %.3f "
			"(limit %d pixels a side)", width, height, (double)scale,
			TEXT_BUFFER_MAX_PIXELS);
		return NULL;
	}

	struct text_buffer *buffer = calloc(1, sizeof(*buffer));
	if (buffer == NULL) {
		wlr_log_errno(WLR_ERROR, "text_buffer: allocation failed");
		return NULL;
	}
	buffer->surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
		px_width, px_height);
	cairo_status_t status = cairo_surface_status(buffer->surface);
	if (status != CAIRO_STATUS_SUCCESS) {
		wlr_log(WLR_ERROR, "text_buffer: cairo surface %dx%d: %s",
			px_width, px_height, cairo_status_to_string(status));
		cairo_surface_destroy(buffer->surface);
		free(buffer);
		return NULL;
	}
	buffer->cairo = cairo_create(buffer->surface);
	status = cairo_status(buffer->cairo);
	if (status != CAIRO_STATUS_SUCCESS) {
		wlr_log(WLR_ERROR, "text_buffer: cairo context %dx%d: %s",
			px_width, px_height, cairo_status_to_string(status));
		cairo_destroy(buffer->cairo);
		cairo_surface_destroy(buffer->surface);
		free(buffer);
		return NULL;
	}
	/*
	 * Map the logical box exactly onto the pixels (the rounding up makes
	 * the two factors differ slightly from scale): the scene stretches the
	 * buffer back onto the same logical box, so what is drawn at logical x
	 * lands at logical x.
	 */
	cairo_scale(buffer->cairo, (double)px_width / width,
		(double)px_height / height);
	wlr_buffer_init(&buffer->base, &buffer_impl, px_width, px_height);
	return buffer;
}

struct wlr_buffer *text_buffer_get_buffer(struct text_buffer *buffer) {
	return &buffer->base;
}

cairo_t *text_buffer_get_cairo(struct text_buffer *buffer) {
	return buffer->cairo;
}

struct text_buffer *text_buffer_from_buffer(struct wlr_buffer *wlr_buffer) {
	if (wlr_buffer == NULL || wlr_buffer->impl != &buffer_impl) {
		return NULL;
	}
	struct text_buffer *buffer = wl_container_of(wlr_buffer, buffer, base);
	return buffer;
}

/* x^(1/5) for x in (0, 1] by Newton's method, monotone from above. */
static double fifth_root(double x) {
	double y = 1.0;
	for (int i = 0; i < 40; i++) {
		double y4 = y * y * y * y;
		y = (4.0 * y + x / y4) / 5.0;
	}
	return y;
}

/* The sRGB transfer function undone: c ** 2.4 as (c ** 2) * (c ** 2) ** (1/5). */
static double srgb_to_linear(uint32_t channel) {
	double v = channel / 255.0;
	if (v <= 0.04045) {
		return v / 12.92;
	}
	double a = (v + 0.055) / 1.055;
	return a * a * fifth_root(a * a);
}

uint32_t text_buffer_contrast_color(uint32_t rgb) {
	double luminance = 0.2126 * srgb_to_linear((rgb >> 16) & 0xff) +
		0.7152 * srgb_to_linear((rgb >> 8) & 0xff) +
		0.0722 * srgb_to_linear(rgb & 0xff);
	/* WCAG contrast ratios against white (L = 1) and black (L = 0). */
	double with_white = 1.05 / (luminance + 0.05);
	double with_black = (luminance + 0.05) / 0.05;
	return with_white > with_black ? 0xffffff : 0x000000;
}

static void set_source_rgb(cairo_t *cr, uint32_t rgb) {
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0,
		((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

/* Parses a font description; NULL (logged) when unusable. */
static PangoFontDescription *parse_font(const char *font) {
	PangoFontDescription *desc = pango_font_description_from_string(font);
	if (desc == NULL) {
		wlr_log(WLR_ERROR, "text_buffer: cannot parse font \"%s\"", font);
		return NULL;
	}
	int size = pango_font_description_get_size(desc);
	if (size == 0) {
		/* "monospace" alone: pango would pick a size of its own. */
		pango_font_description_set_size(desc, 10 * PANGO_SCALE);
	} else if (size < FONT_SIZE_MIN * PANGO_SCALE || size > FONT_SIZE_MAX * PANGO_SCALE ||
			pango_font_description_get_size_is_absolute(desc)) {
		wlr_log(WLR_ERROR, "text_buffer: font \"%s\": size must be %d to %d points",
			font, FONT_SIZE_MIN, FONT_SIZE_MAX);
		pango_font_description_free(desc);
		return NULL;
	}
	return desc;
}

struct text_renderer *text_renderer_create(const char *font) {
	struct text_renderer *renderer = calloc(1, sizeof(*renderer));
	if (renderer == NULL) {
		wlr_log_errno(WLR_ERROR, "text_buffer: allocation failed");
		return NULL;
	}
	/* A private font map: pango's default one is a process-wide singleton. */
	renderer->font_map = pango_cairo_font_map_new();
	if (renderer->font_map == NULL) {
		wlr_log(WLR_ERROR, "text_buffer: cannot create a pango font map");
		goto fail;
	}
	renderer->context = pango_font_map_create_context(renderer->font_map);
	if (renderer->context == NULL) {
		wlr_log(WLR_ERROR, "text_buffer: cannot create a pango context");
		goto fail;
	}
	/*
	 * Every paragraph left to right, whatever its first strong character:
	 * layouts also turn auto_dir off, so a title in Hebrew cannot flip the
	 * line's direction and move its text towards the tag.
	 */
	pango_context_set_base_dir(renderer->context, PANGO_DIRECTION_LTR);

	cairo_font_options_t *options = cairo_font_options_create();
	cairo_status_t status = cairo_font_options_status(options);
	if (status != CAIRO_STATUS_SUCCESS) {
		wlr_log(WLR_ERROR, "text_buffer: cairo font options: %s",
			cairo_status_to_string(status));
		cairo_font_options_destroy(options);
		goto fail;
	}
	/*
	 * Greyscale: a buffer may be shown on outputs with different subpixel
	 * orders. Unhinted metrics: text measures the same at every scale, so
	 * a titlebar ellipsises at the same place on every output.
	 */
	cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
	cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
	cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
	pango_cairo_context_set_font_options(renderer->context, options);
	cairo_font_options_destroy(options);

	if (!text_renderer_set_font(renderer, font)) {
		goto fail;
	}
	return renderer;

fail:
	text_renderer_destroy(renderer);
	return NULL;
}

void text_renderer_destroy(struct text_renderer *renderer) {
	if (renderer == NULL) {
		return;
	}
	if (renderer->font != NULL) {
		pango_font_description_free(renderer->font);
	}
	if (renderer->context != NULL) {
		g_object_unref(renderer->context);
	}
	if (renderer->font_map != NULL) {
		g_object_unref(renderer->font_map);
	}
	free(renderer);
}

bool text_renderer_set_font(struct text_renderer *renderer, const char *font) {
	PangoFontDescription *desc =
		parse_font(font != NULL ? font : TEXT_BUFFER_DEFAULT_FONT);
	if (desc == NULL) {
		return false;
	}
	if (renderer->font != NULL) {
		pango_font_description_free(renderer->font);
	}
	renderer->font = desc;
	return true;
}

/* The spec's font, or the renderer's; free the result. NULL: logged. */
static PangoFontDescription *spec_font(struct text_renderer *renderer,
		const char *font) {
	if (font == NULL) {
		return pango_font_description_copy(renderer->font);
	}
	return parse_font(font);
}

static struct line_metrics font_metrics(struct text_renderer *renderer,
		const PangoFontDescription *desc) {
	PangoFontMetrics *metrics = pango_context_get_metrics(renderer->context,
		desc, NULL);
	struct line_metrics out = {
		.ascent = pango_font_metrics_get_ascent(metrics),
		.descent = pango_font_metrics_get_descent(metrics),
		.char_width = pango_font_metrics_get_approximate_char_width(metrics),
	};
	pango_font_metrics_unref(metrics);
	return out;
}

int text_buffer_font_height(struct text_renderer *renderer, const char *font) {
	if (renderer == NULL) {
		wlr_log(WLR_ERROR, "text_buffer: font height asked without a renderer");
		return -1;
	}
	PangoFontDescription *desc = spec_font(renderer, font);
	if (desc == NULL) {
		return -1;
	}
	struct line_metrics metrics = font_metrics(renderer, desc);
	pango_font_description_free(desc);
	int height = PANGO_PIXELS_CEIL(metrics.ascent + metrics.descent);
	if (height <= 0) {
		wlr_log(WLR_ERROR, "text_buffer: font \"%s\" has no height",
			font != NULL ? font : "(default)");
		return -1;
	}
	return height;
}

/*
 * Sets plain text: never markup. Pango draws bytes that are not UTF-8 as
 * boxes and warns on stderr; unsanitised text from a caller that forgot
 * sanitize_text() gets U+FFFD instead.
 */
static void layout_set_plain_text(PangoLayout *layout, const char *text) {
	if (g_utf8_validate(text, -1, NULL)) {
		pango_layout_set_text(layout, text, -1);
		return;
	}
	/* The bytes themselves stay out of the log: they may be anything. */
	wlr_log(WLR_ERROR, "text_buffer: %zu bytes of text are not valid UTF-8, "
		"replacing", strlen(text));
	char *valid = g_utf8_make_valid(text, -1);
	pango_layout_set_text(layout, valid, -1);
	g_free(valid);
}

/*
 * A one-line layout, left to right, ellipsised at width (pango units; -1
 * for none). Every layout of cordon's is made here.
 */
static PangoLayout *make_layout(struct text_renderer *renderer,
		const PangoFontDescription *desc, int width) {
	PangoLayout *layout = pango_layout_new(renderer->context);
	if (layout == NULL) {
		wlr_log(WLR_ERROR, "text_buffer: cannot create a pango layout");
		return NULL;
	}
	pango_layout_set_font_description(layout, desc);
	pango_layout_set_auto_dir(layout, FALSE);
	/* Line breaks that get this far are drawn as glyphs, never as new lines. */
	pango_layout_set_single_paragraph_mode(layout, TRUE);
	pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
	pango_layout_set_width(layout, width);
	return layout;
}

/* Draws a layout with its first baseline at (x, baseline), clipped to a rectangle. */
static void show_layout_clipped(cairo_t *cr, PangoLayout *layout,
		double x, double baseline, double clip_x, double clip_y,
		double clip_w, double clip_h) {
	cairo_save(cr);
	cairo_rectangle(cr, clip_x, clip_y, clip_w, clip_h);
	cairo_clip(cr);
	cairo_move_to(cr, x, baseline - (double)pango_layout_get_baseline(layout) / PANGO_SCALE);
	pango_cairo_show_layout(cr, layout);
	cairo_restore(cr);
}

/* Rounds a logical y to the nearest device pixel row, for crisp baselines. */
static double snap_y(cairo_t *cr, double y) {
	double dx = 0, dy = y;
	cairo_user_to_device(cr, &dx, &dy);
	dy = (double)(long)(dy + 0.5);
	cairo_device_to_user(cr, &dx, &dy);
	return dy;
}

/* Drops the buffer when cairo failed while drawing into it. */
static struct wlr_buffer *finish(struct text_renderer *renderer,
		struct text_buffer *buffer, const char *what) {
	/* Leave the shared context as found: no state between calls. */
	pango_context_set_matrix(renderer->context, NULL);
	cairo_status_t status = cairo_status(buffer->cairo);
	if (status != CAIRO_STATUS_SUCCESS) {
		wlr_log(WLR_ERROR, "text_buffer: drawing %s (%dx%d px): %s", what,
			buffer->base.width, buffer->base.height,
			cairo_status_to_string(status));
		wlr_buffer_drop(&buffer->base);
		return NULL;
	}
	cairo_surface_flush(buffer->surface);
	return &buffer->base;
}

/* A buffer to draw a widget into and its font; NULL (nothing held) on failure. */
static struct text_buffer *widget_begin(struct text_renderer *renderer, const char *font,
		int width, int height, float scale, PangoFontDescription **desc) {
	*desc = spec_font(renderer, font);
	if (*desc == NULL) {
		return NULL;
	}
	struct text_buffer *buffer = text_buffer_create(width, height, scale);
	if (buffer == NULL) {
		pango_font_description_free(*desc);
		*desc = NULL;
	}
	return buffer;
}

struct wlr_buffer *text_buffer_render_titlebar(struct text_renderer *renderer,
		const struct titlebar_spec *spec) {
	if (renderer == NULL || spec == NULL) {
		wlr_log(WLR_ERROR, "text_buffer: titlebar without %s",
			renderer == NULL ? "renderer" : "spec");
		return NULL;
	}
	PangoFontDescription *desc;
	struct text_buffer *buffer = widget_begin(renderer, spec->font, spec->width,
		spec->height, spec->scale, &desc);
	if (buffer == NULL) {
		return NULL;
	}
	cairo_t *cr = buffer->cairo;

	cairo_save(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	set_source_rgb(cr, spec->background);
	cairo_paint(cr);
	cairo_restore(cr);
	if (spec->texture != NULL) {
		cairo_set_source(cr, spec->texture);
		cairo_paint(cr);
	}

	pango_cairo_update_context(cr, renderer->context);
	struct line_metrics metrics = font_metrics(renderer, desc);
	double ascent = (double)metrics.ascent / PANGO_SCALE;
	double descent = (double)metrics.descent / PANGO_SCALE;
	double baseline = snap_y(cr, (spec->height - (ascent + descent)) / 2 + ascent);
	double padding = spec->padding > 0 ? spec->padding : 0;
	double x = padding;
	double right = spec->width - padding;
	set_source_rgb(cr, text_buffer_contrast_color(spec->background));

	if (spec->tag != NULL && spec->tag[0] != '\0' && right > x) {
		PangoFontDescription *bold = pango_font_description_copy(desc);
		pango_font_description_set_weight(bold, PANGO_WEIGHT_BOLD);
		PangoLayout *layout = make_layout(renderer, bold,
			(int)((right - x) * PANGO_SCALE));
		pango_font_description_free(bold);
		if (layout == NULL) {
			goto fail;
		}
		layout_set_plain_text(layout, spec->tag);
		int tag_width;
		pango_layout_get_size(layout, &tag_width, NULL);
		/* The tag ends where the title's area begins, after a gap. */
		double end = x + (double)tag_width / PANGO_SCALE +
			(double)metrics.char_width / PANGO_SCALE;
		show_layout_clipped(cr, layout, x, baseline, x, 0,
			(end < right ? end : right) - x, spec->height);
		g_object_unref(layout);
		x = end;
	}

	if (spec->title != NULL && spec->title[0] != '\0' && right - x >= 1) {
		PangoLayout *layout = make_layout(renderer, desc,
			(int)((right - x) * PANGO_SCALE));
		if (layout == NULL) {
			goto fail;
		}
		/*
		 * Callers sanitise titles already; doing it again here (a no-op on
		 * clean text) means one that forgot still cannot reorder or hide
		 * characters. The cap only bounds pango's work on a megabyte of
		 * title: no buffer is wide enough to show that many characters.
		 */
		char *title = sanitize_text(spec->title, TEXT_BUFFER_MAX_PIXELS / 4);
		if (title == NULL) {
			wlr_log(WLR_ERROR, "text_buffer: allocation failed");
			g_object_unref(layout);
			goto fail;
		}
		pango_layout_set_text(layout, title, -1);
		free(title);
		/* Its own clip: a glyph overhanging to the left stops at its area. */
		show_layout_clipped(cr, layout, x, baseline, x, 0, right - x, spec->height);
		g_object_unref(layout);
	}
	pango_font_description_free(desc);
	return finish(renderer, buffer, "a titlebar");

fail:
	pango_font_description_free(desc);
	pango_context_set_matrix(renderer->context, NULL);
	wlr_buffer_drop(&buffer->base);
	return NULL;
}

/* Joins a line's spans into one layout, each span's colour and weight as attributes. */
static void layout_set_spans(PangoLayout *layout, const struct text_buffer_line *line) {
	GString *text = g_string_new(NULL);
	PangoAttrList *attrs = pango_attr_list_new();
	for (size_t i = 0; i < line->n_spans; i++) {
		const struct text_buffer_span *span = &line->spans[i];
		const char *part = span->text != NULL ? span->text : "";
		guint start = (guint)text->len;
		if (g_utf8_validate(part, -1, NULL)) {
			g_string_append(text, part);
		} else {
			wlr_log(WLR_ERROR, "text_buffer: span %zu (%zu bytes) is not valid "
				"UTF-8, replacing", i, strlen(part));
			char *valid = g_utf8_make_valid(part, -1);
			g_string_append(text, valid);
			g_free(valid);
		}
		guint end = (guint)text->len;
		if (start == end) {
			continue;
		}
		uint32_t c = span->color;
		PangoAttribute *fg = pango_attr_foreground_new(
			(guint16)(((c >> 16) & 0xff) * 257), (guint16)(((c >> 8) & 0xff) * 257),
			(guint16)((c & 0xff) * 257));
		fg->start_index = start;
		fg->end_index = end;
		pango_attr_list_insert(attrs, fg);
		if (span->bold) {
			PangoAttribute *weight = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
			weight->start_index = start;
			weight->end_index = end;
			pango_attr_list_insert(attrs, weight);
		}
	}
	pango_layout_set_text(layout, text->str, (int)text->len);
	pango_layout_set_attributes(layout, attrs);
	pango_attr_list_unref(attrs);
	g_string_free(text, TRUE);
}

static bool check_box_spec(struct text_renderer *renderer, const struct box_spec *spec) {
	if (renderer == NULL || spec == NULL) {
		wlr_log(WLR_ERROR, "text_buffer: box without %s",
			renderer == NULL ? "renderer" : "spec");
		return false;
	}
	if (spec->n_lines > 0 && spec->lines == NULL) {
		wlr_log(WLR_ERROR, "text_buffer: box with %zu lines but no line array",
			spec->n_lines);
		return false;
	}
	for (size_t i = 0; i < spec->n_lines; i++) {
		if (spec->lines[i].n_spans > 0 && spec->lines[i].spans == NULL) {
			wlr_log(WLR_ERROR, "text_buffer: box line %zu has %zu spans but no array",
				i, spec->lines[i].n_spans);
			return false;
		}
	}
	return true;
}

/* Height of the block of lines, in pango units. */
static int block_height(const struct box_spec *spec, const struct line_metrics *metrics) {
	if (spec->n_lines == 0) {
		return 0;
	}
	int spacing = spec->line_spacing > 0 ? spec->line_spacing : 0;
	int line = PANGO_PIXELS_CEIL(metrics->ascent + metrics->descent);
	return (int)(spec->n_lines * (size_t)line +
		(spec->n_lines - 1) * (size_t)spacing) * PANGO_SCALE;
}

bool text_buffer_measure_box(struct text_renderer *renderer,
		const struct box_spec *spec, int *width, int *height) {
	if (!check_box_spec(renderer, spec)) {
		return false;
	}
	PangoFontDescription *desc = spec_font(renderer, spec->font);
	if (desc == NULL) {
		return false;
	}
	pango_context_set_matrix(renderer->context, NULL);
	struct line_metrics metrics = font_metrics(renderer, desc);
	int widest = 0;
	for (size_t i = 0; i < spec->n_lines; i++) {
		PangoLayout *layout = make_layout(renderer, desc, -1);
		if (layout == NULL) {
			pango_font_description_free(desc);
			return false;
		}
		layout_set_spans(layout, &spec->lines[i]);
		int line_width;
		pango_layout_get_size(layout, &line_width, NULL);
		g_object_unref(layout);
		if (line_width > widest) {
			widest = line_width;
		}
	}
	pango_font_description_free(desc);
	int frame = 2 * ((spec->border_width > 0 ? spec->border_width : 0) +
		(spec->padding > 0 ? spec->padding : 0));
	*width = PANGO_PIXELS_CEIL(widest) + frame;
	*height = PANGO_PIXELS_CEIL(block_height(spec, &metrics)) + frame;
	return true;
}

struct wlr_buffer *text_buffer_render_box(struct text_renderer *renderer,
		const struct box_spec *spec) {
	if (!check_box_spec(renderer, spec)) {
		return NULL;
	}
	PangoFontDescription *desc;
	struct text_buffer *buffer = widget_begin(renderer, spec->font, spec->width,
		spec->height, spec->scale, &desc);
	if (buffer == NULL) {
		return NULL;
	}
	cairo_t *cr = buffer->cairo;
	double border = spec->border_width > 0 ? spec->border_width : 0;
	double padding = spec->padding > 0 ? spec->padding : 0;

	/* The border is everything outside the inner rectangle, painted first. */
	cairo_save(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	set_source_rgb(cr, spec->border);
	cairo_paint(cr);
	double inner_w = spec->width - 2 * border;
	double inner_h = spec->height - 2 * border;
	if (inner_w > 0 && inner_h > 0) {
		cairo_rectangle(cr, border, border, inner_w, inner_h);
		set_source_rgb(cr, spec->background);
		cairo_fill(cr);
	}
	cairo_restore(cr);

	double text_x = border + padding;
	double text_y = border + padding;
	double text_w = spec->width - 2 * (border + padding);
	double text_h = spec->height - 2 * (border + padding);
	if (text_w >= 1 && text_h >= 1 && spec->n_lines > 0) {
		pango_cairo_update_context(cr, renderer->context);
		struct line_metrics metrics = font_metrics(renderer, desc);
		double line_h = PANGO_PIXELS_CEIL(metrics.ascent + metrics.descent);
		double pitch = line_h + (spec->line_spacing > 0 ? spec->line_spacing : 0);
		double block_h = (double)block_height(spec, &metrics) / PANGO_SCALE;
		/* Too tall: the first lines, which say the most, stay visible. */
		double top = text_y + (block_h < text_h ? (text_h - block_h) / 2 : 0);
		set_source_rgb(cr, text_buffer_contrast_color(spec->background));

		for (size_t i = 0; i < spec->n_lines; i++) {
			double line_top = top + (double)i * pitch;
			if (line_top >= text_y + text_h) {
				break;
			}
			if (spec->lines[i].n_spans == 0) {
				continue;
			}
			PangoLayout *layout = make_layout(renderer, desc,
				(int)(text_w * PANGO_SCALE));
			if (layout == NULL) {
				pango_font_description_free(desc);
				pango_context_set_matrix(renderer->context, NULL);
				wlr_buffer_drop(&buffer->base);
				return NULL;
			}
			pango_layout_set_alignment(layout,
				spec->align == TEXT_BUFFER_ALIGN_LEFT ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER);
			layout_set_spans(layout, &spec->lines[i]);
			double baseline = snap_y(cr, line_top + (double)metrics.ascent / PANGO_SCALE);
			/* Clipped inside the padding: text never reaches the border. */
			show_layout_clipped(cr, layout, text_x, baseline,
				text_x, text_y, text_w, text_h);
			g_object_unref(layout);
		}
	}
	pango_font_description_free(desc);
	return finish(renderer, buffer, "a box");
}
