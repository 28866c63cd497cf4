#include <stdlib.h>
#include <pango/pangocairo.h>
#include <wlr/util/log.h>
#include "compositor/guard/sanitize.h"
#include "compositor/render/text_internal.h"

struct wlr_buffer *text_buffer_render_titlebar(struct text_renderer *renderer,
		const struct titlebar_spec *spec) {
	if (renderer == NULL || spec == NULL) {
		wlr_log(WLR_ERROR, "text_buffer: titlebar without %s",
			renderer == NULL ? "renderer" : "spec");
		return NULL;
	}
	struct text_widget widget;
	if (!text_widget_begin(&widget, renderer, spec->font, spec->width, spec->height,
			spec->scale, spec->background)) {
		return NULL;
	}
	cairo_t *cr = widget.cr;
	PangoFontDescription *desc = widget.desc;
	if (spec->texture != NULL) {
		cairo_set_source(cr, spec->texture);
		cairo_paint(cr);
	}

	pango_cairo_update_context(cr, renderer->context);
	struct line_metrics metrics = text_font_metrics(renderer, desc);
	double ascent = (double)metrics.ascent / PANGO_SCALE;
	double descent = (double)metrics.descent / PANGO_SCALE;
	double baseline = text_snap_y(cr, (spec->height - (ascent + descent)) / 2 + ascent);
	double padding = spec->padding > 0 ? spec->padding : 0;
	double x = padding;
	double right = spec->width - padding;
	text_set_source_rgb(cr, text_buffer_contrast_color(spec->background));

	if (spec->tag != NULL && spec->tag[0] != '\0' && right > x) {
		PangoFontDescription *bold = pango_font_description_copy(desc);
		pango_font_description_set_weight(bold, PANGO_WEIGHT_BOLD);
		PangoLayout *layout = text_make_layout(renderer, bold,
			(int)((right - x) * PANGO_SCALE));
		pango_font_description_free(bold);
		if (layout == NULL) {
			goto fail;
		}
		text_layout_set_plain_text(layout, spec->tag);
		int tag_width;
		pango_layout_get_size(layout, &tag_width, NULL);
		/* The tag ends where the title's area begins, after a gap. */
		double end = x + (double)tag_width / PANGO_SCALE +
			(double)metrics.char_width / PANGO_SCALE;
		text_show_layout_clipped(cr, layout, x, baseline, x, 0,
			(end < right ? end : right) - x, spec->height);
		g_object_unref(layout);
		x = end;
	}

	if (spec->title != NULL && spec->title[0] != '\0' && right - x >= 1) {
		PangoLayout *layout = text_make_layout(renderer, desc,
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
		text_show_layout_clipped(cr, layout, x, baseline, x, 0, right - x, spec->height);
		g_object_unref(layout);
	}
	return text_widget_finish(&widget, "a titlebar");

fail:
	return text_widget_abort(&widget);
}
