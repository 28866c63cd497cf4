#include <stdlib.h>
#include <string.h>
#include <pango/pangocairo.h>
#include <wlr/util/log.h>
#include "compositor/render/text_internal.h"

/* Fonts outside this range (points) are refused as a config mistake. */
#define FONT_SIZE_MIN 1
#define FONT_SIZE_MAX 200

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

void text_set_source_rgb(cairo_t *cr, uint32_t rgb) {
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
PangoFontDescription *text_spec_font(struct text_renderer *renderer,
		const char *font) {
	if (font == NULL) {
		return pango_font_description_copy(renderer->font);
	}
	return parse_font(font);
}

struct line_metrics text_font_metrics(struct text_renderer *renderer,
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
	PangoFontDescription *desc = text_spec_font(renderer, font);
	if (desc == NULL) {
		return -1;
	}
	struct line_metrics metrics = text_font_metrics(renderer, desc);
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
void text_layout_set_plain_text(PangoLayout *layout, const char *text) {
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
PangoLayout *text_make_layout(struct text_renderer *renderer,
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
void text_show_layout_clipped(cairo_t *cr, PangoLayout *layout,
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
double text_snap_y(cairo_t *cr, double y) {
	double dx = 0, dy = y;
	cairo_user_to_device(cr, &dx, &dy);
	dy = (double)(long)(dy + 0.5);
	cairo_device_to_user(cr, &dx, &dy);
	return dy;
}

/* Drops the buffer when cairo failed while drawing into it. */
struct wlr_buffer *text_widget_finish(struct text_widget *widget, const char *what) {
	struct text_buffer *buffer = widget->buffer;
	pango_font_description_free(widget->desc);
	/* Leave the shared context as found: no state between calls. */
	pango_context_set_matrix(widget->renderer->context, NULL);
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

/*
 * A buffer to draw a widget into, painted all over with fill, and its
 * font; false (nothing held) on failure.
 */
bool text_widget_begin(struct text_widget *widget, struct text_renderer *renderer,
		const char *font, int width, int height, float scale, uint32_t fill) {
	*widget = (struct text_widget){ .renderer = renderer };
	widget->desc = text_spec_font(renderer, font);
	if (widget->desc == NULL) {
		return false;
	}
	widget->buffer = text_buffer_create(width, height, scale);
	if (widget->buffer == NULL) {
		pango_font_description_free(widget->desc);
		widget->desc = NULL;
		return false;
	}
	cairo_t *cr = widget->cr = widget->buffer->cairo;
	cairo_save(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	text_set_source_rgb(cr, fill);
	cairo_paint(cr);
	cairo_restore(cr);
	return true;
}

/* Gives up a widget half drawn: its font and buffer go, the context is left as found. */
struct wlr_buffer *text_widget_abort(struct text_widget *widget) {
	pango_font_description_free(widget->desc);
	pango_context_set_matrix(widget->renderer->context, NULL);
	wlr_buffer_drop(&widget->buffer->base);
	return NULL;
}
