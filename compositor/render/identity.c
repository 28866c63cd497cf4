#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/box.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/render/identity.h"
#include "compositor/render/text_buffer.h"
#include "compositor/server.h"

/* Past these, the least recently used entry goes (the scene keeps its own lock). */
#define IDENTITY_MAX_SHEETS 64
#define IDENTITY_MAX_BADGES 64
/* The marks: the colour's contrast colour at this opacity (of 255). */
#define IDENTITY_MARK_ALPHA 110
/* Every pattern repeats every 8 px, which divides IDENTITY_SHEET. */
#define IDENTITY_TILE 8

struct identity_sheet {
	struct wl_list link;          /* identity_cache.sheets, most recent first */
	enum config_pattern pattern;
	uint32_t color;
	cairo_surface_t *tile;        /* IDENTITY_TILE square */
	cairo_pattern_t *texture;     /* tile, repeating */
	struct wlr_buffer *sheet;     /* IDENTITY_SHEET square, for scene tiles */
};

struct identity_badge {
	struct wl_list link;          /* identity_cache.badges, most recent first */
	char text[CONFIG_BADGE_SIZE];
	int height, width;
	float scale;
	struct wlr_buffer *buffer;
};

struct identity_cache {
	struct wl_list sheets;
	struct wl_list badges;
	int n_sheets, n_badges;
};

struct identity_fill {
	struct wlr_scene_tree *tree;
	struct wl_listener destroy;
	/* What the tiles show now: re-tiled only on change. */
	enum config_pattern pattern;
	uint32_t color;
	struct wlr_box box;
};

struct identity_cache *identity_cache_create(void) {
	struct identity_cache *cache = calloc(1, sizeof(*cache));
	if (cache == NULL) {
		wlr_log(WLR_ERROR, "identity: out of memory for the cache");
		return NULL;
	}
	wl_list_init(&cache->sheets);
	wl_list_init(&cache->badges);
	return cache;
}

static void sheet_free(struct identity_sheet *s) {
	wl_list_remove(&s->link);
	if (s->texture != NULL) {
		cairo_pattern_destroy(s->texture);
	}
	if (s->tile != NULL) {
		cairo_surface_destroy(s->tile);
	}
	if (s->sheet != NULL) {
		wlr_buffer_drop(s->sheet);
	}
	free(s);
}

static void badge_free(struct identity_badge *b) {
	wl_list_remove(&b->link);
	if (b->buffer != NULL) {
		wlr_buffer_drop(b->buffer);
	}
	free(b);
}

void identity_cache_destroy(struct identity_cache *cache) {
	if (cache == NULL) {
		return;
	}
	struct identity_sheet *s, *stmp;
	wl_list_for_each_safe(s, stmp, &cache->sheets, link) {
		sheet_free(s);
	}
	struct identity_badge *b, *btmp;
	wl_list_for_each_safe(b, btmp, &cache->badges, link) {
		badge_free(b);
	}
	free(cache);
}

enum config_pattern identity_pattern(const struct cordon_domain *domain) {
	return config_domain_pattern(domain->server->config, domain->name);
}

void identity_badge_text(const struct cordon_domain *domain, char *badge) {
	config_domain_badge(domain->server->config, domain->name, badge);
}

static bool mark_at(enum config_pattern pattern, int x, int y) {
	switch (pattern) {
	case CONFIG_PATTERN_STRIPES:
		return ((x + y) & 7) < 3;
	case CONFIG_PATTERN_DOTS:
		return ((x & 3) == 1 || (x & 3) == 2) && ((y & 3) == 1 || (y & 3) == 2);
	case CONFIG_PATTERN_CHECKS:
		return (((x >> 2) + (y >> 2)) & 1) == 0;
	case CONFIG_PATTERN_UNSET:
	case CONFIG_PATTERN_SOLID:
		break;
	}
	return false;
}

/*
 * The marks go the way away from the titlebar text: lighter under black
 * text, darker under white, so a pattern never costs the text contrast. A
 * colour already at the end of that way (near white or black) gets marks
 * of the other end, or they would not show.
 */
static uint32_t identity_mark_color(uint32_t color) {
	uint32_t r = (color >> 16) & 0xff, g = (color >> 8) & 0xff, b = color & 0xff;
	bool text_black = text_buffer_contrast_color(color) == 0x000000;
	if (text_black) {
		return r > 0xd0 && g > 0xd0 && b > 0xd0 ? 0x000000 : 0xffffff;
	}
	return r < 0x30 && g < 0x30 && b < 0x30 ? 0xffffff : 0x000000;
}

/* The tile, pixel by pixel so that it is exact at any size and repeats seamlessly. */
static cairo_surface_t *tile_create(enum config_pattern pattern, uint32_t color) {
	cairo_surface_t *tile = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
		IDENTITY_TILE, IDENTITY_TILE);
	if (cairo_surface_status(tile) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(tile);
		return NULL;
	}
	cairo_surface_flush(tile);
	uint32_t mark = identity_mark_color(color);
	uint32_t a = IDENTITY_MARK_ALPHA;
	/* Premultiplied, as cairo keeps ARGB32. */
	uint32_t px = a << 24 | (((mark >> 16) & 0xff) * a / 255) << 16 |
		(((mark >> 8) & 0xff) * a / 255) << 8 | ((mark & 0xff) * a / 255);
	unsigned char *data = cairo_image_surface_get_data(tile);
	int stride = cairo_image_surface_get_stride(tile);
	for (int y = 0; y < IDENTITY_TILE; y++) {
		uint32_t *row = (uint32_t *)(void *)(data + y * stride);
		for (int x = 0; x < IDENTITY_TILE; x++) {
			row[x] = mark_at(pattern, x, y) ? px : 0;
		}
	}
	cairo_surface_mark_dirty(tile);
	return tile;
}

static struct identity_sheet *sheet_get(struct identity_cache *cache,
		enum config_pattern pattern, uint32_t color) {
	if (cache == NULL || pattern == CONFIG_PATTERN_SOLID ||
			pattern == CONFIG_PATTERN_UNSET) {
		return NULL;
	}
	struct identity_sheet *s;
	wl_list_for_each(s, &cache->sheets, link) {
		if (s->pattern == pattern && s->color == color) {
			wl_list_remove(&s->link);
			wl_list_insert(&cache->sheets, &s->link);
			return s;
		}
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		wlr_log(WLR_ERROR, "identity: out of memory for a %s pattern",
			config_pattern_name(pattern));
		return NULL;
	}
	wl_list_insert(&cache->sheets, &s->link);
	s->pattern = pattern;
	s->color = color;
	s->tile = tile_create(pattern, color);
	if (s->tile != NULL) {
		s->texture = cairo_pattern_create_for_surface(s->tile);
		cairo_pattern_set_extend(s->texture, CAIRO_EXTEND_REPEAT);
		cairo_pattern_set_filter(s->texture, CAIRO_FILTER_NEAREST);
	}
	struct text_buffer *sheet = text_buffer_create(IDENTITY_SHEET, IDENTITY_SHEET, 1.0f);
	if (s->texture == NULL || sheet == NULL) {
		wlr_log(WLR_ERROR, "identity: cannot render the %s pattern in #%06x",
			config_pattern_name(pattern), color);
		if (sheet != NULL) {
			wlr_buffer_drop(text_buffer_get_buffer(sheet));
		}
		sheet_free(s);
		return NULL;
	}
	cairo_t *cr = text_buffer_get_cairo(sheet);
	cairo_set_source(cr, s->texture);
	cairo_paint(cr);
	cairo_surface_flush(cairo_get_target(cr));
	s->sheet = text_buffer_get_buffer(sheet);
	if (++cache->n_sheets > IDENTITY_MAX_SHEETS) {
		struct identity_sheet *last = wl_container_of(cache->sheets.prev, last, link);
		sheet_free(last);
		cache->n_sheets--;
	}
	return s;
}

cairo_pattern_t *identity_texture(struct identity_cache *cache,
		enum config_pattern pattern, uint32_t color) {
	struct identity_sheet *s = sheet_get(cache, pattern, color);
	return s != NULL ? s->texture : NULL;
}

struct wlr_buffer *identity_badge(struct identity_cache *cache,
		struct text_renderer *text, const char *badge, int height, float scale, int *width) {
	struct identity_badge *b;
	wl_list_for_each(b, &cache->badges, link) {
		if (strcmp(b->text, badge) == 0 && b->height == height && b->scale == scale) {
			wl_list_remove(&b->link);
			wl_list_insert(&cache->badges, &b->link);
			*width = b->width;
			return b->buffer;
		}
	}
	/* The badge is cordon's config text, never a client's. */
	struct text_buffer_span span = {.text = badge,
		.color = IDENTITY_BADGE_FOREGROUND, .bold = true};
	struct text_buffer_line line = {.spans = &span, .n_spans = 1};
	struct box_spec spec = {
		.scale = scale,
		.background = IDENTITY_BADGE_BACKGROUND,
		.border = IDENTITY_BADGE_FOREGROUND,
		.border_width = IDENTITY_BADGE_BORDER,
		.padding = 3,
		.lines = &line,
		.n_lines = 1,
	};
	int w, h;
	if (!text_buffer_measure_box(text, &spec, &w, &h)) {
		return NULL;
	}
	spec.width = w < height ? height : w;
	spec.height = height;
	struct wlr_buffer *buffer = text_buffer_render_box(text, &spec);
	if (buffer == NULL) {
		wlr_log(WLR_ERROR, "identity: cannot render the badge '%s' %dx%d", badge,
			spec.width, height);
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		wlr_buffer_drop(buffer);
		return NULL;
	}
	snprintf(b->text, sizeof(b->text), "%s", badge);
	b->height = height;
	b->width = spec.width;
	b->scale = scale;
	b->buffer = buffer;
	wl_list_insert(&cache->badges, &b->link);
	if (++cache->n_badges > IDENTITY_MAX_BADGES) {
		struct identity_badge *last = wl_container_of(cache->badges.prev, last, link);
		badge_free(last);
		cache->n_badges--;
	}
	*width = b->width;
	return b->buffer;
}

static void handle_fill_destroy(struct wl_listener *listener, void *data) {
	struct identity_fill *fill = wl_container_of(listener, fill, destroy);
	wl_list_remove(&fill->destroy.link);
	free(fill);
}

struct identity_fill *identity_fill_create(struct wlr_scene_tree *parent) {
	struct identity_fill *fill = calloc(1, sizeof(*fill));
	if (fill == NULL) {
		return NULL;
	}
	fill->tree = wlr_scene_tree_create(parent);
	if (fill->tree == NULL) {
		free(fill);
		return NULL;
	}
	fill->destroy.notify = handle_fill_destroy;
	wl_signal_add(&fill->tree->node.events.destroy, &fill->destroy);
	return fill;
}

struct identity_fill *identity_fill_from_tree(struct wlr_scene_tree *tree) {
	struct wl_listener *l = wl_signal_get(&tree->node.events.destroy, handle_fill_destroy);
	if (l == NULL) {
		return NULL;
	}
	struct identity_fill *fill = wl_container_of(l, fill, destroy);
	return fill;
}

void identity_fill_set(struct identity_fill *fill, struct identity_cache *cache,
		enum config_pattern pattern, uint32_t color, const struct wlr_box *box) {
	if (fill->pattern == pattern && fill->color == color &&
			wlr_box_equal(&fill->box, box) && !wl_list_empty(&fill->tree->children)) {
		return;
	}
	struct identity_sheet *s = sheet_get(cache, pattern, color);
	bool show = s != NULL && box->width > 0 && box->height > 0;
	fill->pattern = pattern;
	fill->color = color;
	fill->box = *box;
	wlr_scene_node_set_enabled(&fill->tree->node, show);
	wlr_scene_node_set_position(&fill->tree->node, box->x, box->y);
	/* Tiles are reused in order; those beyond what the box needs go. */
	struct wl_list *next = fill->tree->children.next;
	int cols = show ? (box->width + IDENTITY_SHEET - 1) / IDENTITY_SHEET : 0;
	int rows = show ? (box->height + IDENTITY_SHEET - 1) / IDENTITY_SHEET : 0;
	for (int r = 0; r < rows; r++) {
		for (int c = 0; c < cols; c++) {
			struct wlr_scene_buffer *tile;
			if (next != &fill->tree->children) {
				struct wlr_scene_node *node = wl_container_of(next, node, link);
				next = next->next;
				tile = wlr_scene_buffer_from_node(node);
				if (tile->buffer != s->sheet) {
					wlr_scene_buffer_set_buffer(tile, s->sheet);
				}
			} else {
				tile = wlr_scene_buffer_create(fill->tree, s->sheet);
				if (tile == NULL) {
					wlr_log(WLR_ERROR, "identity: cannot place a pattern tile");
					return;
				}
			}
			int w = box->width - c * IDENTITY_SHEET;
			int h = box->height - r * IDENTITY_SHEET;
			w = w > IDENTITY_SHEET ? IDENTITY_SHEET : w;
			h = h > IDENTITY_SHEET ? IDENTITY_SHEET : h;
			struct wlr_fbox src = {0, 0, w, h};
			wlr_scene_buffer_set_source_box(tile, &src);
			wlr_scene_buffer_set_dest_size(tile, w, h);
			wlr_scene_node_set_position(&tile->node, c * IDENTITY_SHEET, r * IDENTITY_SHEET);
		}
	}
	while (next != &fill->tree->children) {
		struct wlr_scene_node *node = wl_container_of(next, node, link);
		next = next->next;
		wlr_scene_node_destroy(node);
	}
}
