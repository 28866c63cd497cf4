#ifndef CORDON_RENDER_TEXT_INTERNAL_H
#define CORDON_RENDER_TEXT_INTERNAL_H

#include <stdint.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <wlr/interfaces/wlr_buffer.h>
#include "compositor/render/text_buffer.h"

/*
 * What the files of cordon's text drawing share: the cairo buffer
 * (text_buffer.c), the renderer and its layout helpers (text_renderer.c)
 * and the widgets drawn with them (text_titlebar.c, text_box.c).
 */

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

void text_set_source_rgb(cairo_t *cr, uint32_t rgb);
/* The spec's font, or the renderer's; free the result. NULL: logged. */
PangoFontDescription *text_spec_font(struct text_renderer *renderer, const char *font);
struct line_metrics text_font_metrics(struct text_renderer *renderer,
	const PangoFontDescription *desc);
/* Sets plain text, never markup; text that is not UTF-8 is made valid. */
void text_layout_set_plain_text(PangoLayout *layout, const char *text);
/* A one-line layout, left to right, ellipsised at width (pango units; -1 for none). */
PangoLayout *text_make_layout(struct text_renderer *renderer,
	const PangoFontDescription *desc, int width);
/* Draws a layout with its first baseline at (x, baseline), clipped to a rectangle. */
void text_show_layout_clipped(cairo_t *cr, PangoLayout *layout,
	double x, double baseline, double clip_x, double clip_y,
	double clip_w, double clip_h);
/* Rounds a logical y to the nearest device pixel row, for crisp baselines. */
double text_snap_y(cairo_t *cr, double y);
/* A widget being drawn (text_titlebar.c, text_box.c). */
struct text_widget {
	struct text_renderer *renderer;
	struct text_buffer *buffer;
	cairo_t *cr;                /* the buffer's */
	PangoFontDescription *desc; /* the spec's font, or the renderer's */
};
/* A buffer painted all over with fill, and the font; false (nothing held) on failure. */
bool text_widget_begin(struct text_widget *widget, struct text_renderer *renderer,
	const char *font, int width, int height, float scale, uint32_t fill);
/* The finished buffer, the font freed; NULL, dropped, when cairo failed while drawing. */
struct wlr_buffer *text_widget_finish(struct text_widget *widget, const char *what);
/* Frees the font and drops the buffer, leaving the renderer as found; NULL. */
struct wlr_buffer *text_widget_abort(struct text_widget *widget);

#endif
