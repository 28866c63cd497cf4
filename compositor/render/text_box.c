#include <pango/pangocairo.h>
#include <wlr/util/log.h>
#include "compositor/render/text_internal.h"

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
	PangoFontDescription *desc = text_spec_font(renderer, spec->font);
	if (desc == NULL) {
		return false;
	}
	pango_context_set_matrix(renderer->context, NULL);
	struct line_metrics metrics = text_font_metrics(renderer, desc);
	int widest = 0;
	for (size_t i = 0; i < spec->n_lines; i++) {
		PangoLayout *layout = text_make_layout(renderer, desc, -1);
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
	struct text_widget widget;
	/* The border is everything outside the inner rectangle, painted first. */
	if (!check_box_spec(renderer, spec) || !text_widget_begin(&widget, renderer,
			spec->font, spec->width, spec->height, spec->scale, spec->border)) {
		return NULL;
	}
	cairo_t *cr = widget.cr;
	PangoFontDescription *desc = widget.desc;
	double border = spec->border_width > 0 ? spec->border_width : 0;
	double padding = spec->padding > 0 ? spec->padding : 0;

	cairo_save(cr);
	cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
	double inner_w = spec->width - 2 * border;
	double inner_h = spec->height - 2 * border;
	if (inner_w > 0 && inner_h > 0) {
		cairo_rectangle(cr, border, border, inner_w, inner_h);
		text_set_source_rgb(cr, spec->background);
		cairo_fill(cr);
	}
	cairo_restore(cr);

	double text_x = border + padding;
	double text_y = border + padding;
	double text_w = spec->width - 2 * (border + padding);
	double text_h = spec->height - 2 * (border + padding);
	if (text_w >= 1 && text_h >= 1 && spec->n_lines > 0) {
		pango_cairo_update_context(cr, renderer->context);
		struct line_metrics metrics = text_font_metrics(renderer, desc);
		double line_h = PANGO_PIXELS_CEIL(metrics.ascent + metrics.descent);
		double pitch = line_h + (spec->line_spacing > 0 ? spec->line_spacing : 0);
		double block_h = (double)block_height(spec, &metrics) / PANGO_SCALE;
		/* Too tall: the first lines, which say the most, stay visible. */
		double top = text_y + (block_h < text_h ? (text_h - block_h) / 2 : 0);
		text_set_source_rgb(cr, text_buffer_contrast_color(spec->background));

		for (size_t i = 0; i < spec->n_lines; i++) {
			double line_top = top + (double)i * pitch;
			if (line_top >= text_y + text_h) {
				break;
			}
			if (spec->lines[i].n_spans == 0) {
				continue;
			}
			PangoLayout *layout = text_make_layout(renderer, desc,
				(int)(text_w * PANGO_SCALE));
			if (layout == NULL) {
				return text_widget_abort(&widget);
			}
			pango_layout_set_alignment(layout,
				spec->align == TEXT_BUFFER_ALIGN_LEFT ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER);
			layout_set_spans(layout, &spec->lines[i]);
			double baseline = text_snap_y(cr, line_top + (double)metrics.ascent / PANGO_SCALE);
			/* Clipped inside the padding: text never reaches the border. */
			text_show_layout_clipped(cr, layout, text_x, baseline,
				text_x, text_y, text_w, text_h);
			g_object_unref(layout);
		}
	}
	return text_widget_finish(&widget, "a box");
}

struct wlr_buffer *text_buffer_render_box_within(struct text_renderer *renderer,
		struct box_spec *spec, int min_width, int max_width) {
	int w, h;
	if (!text_buffer_measure_box(renderer, spec, &w, &h)) {
		return NULL;
	}
	if (w < min_width) {
		w = min_width;
	}
	if (w > max_width) {
		w = max_width;
	}
	spec->width = w;
	spec->height = h;
	return text_buffer_render_box(renderer, spec);
}
