#ifndef CORDON_IDENTITY_H
#define CORDON_IDENTITY_H

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>
#include "config/config.h"

struct cordon_server;
struct cordon_domain;
struct text_renderer;
struct wlr_buffer;
struct wlr_box;
struct wlr_scene_tree;

/*
 * A domain's identity beyond its colour, drawn by cordon only: a pattern
 * (stripes, dots, checks, or solid) lighter or darker than the colour over
 * the frame, and a badge of up to three characters in a box of cordon's
 * own fixed colours at the titlebar's left. Everything is rendered once
 * and reused: a pattern sheet per (pattern, colour), a badge buffer per
 * (text, height, scale).
 */

/* The badge box: cordon's colours, the same for every domain. */
#define IDENTITY_BADGE_BACKGROUND 0x000000
#define IDENTITY_BADGE_FOREGROUND 0xffffff
#define IDENTITY_BADGE_BORDER 1
/* Side of a pattern sheet in pixels; every pattern's period divides it. */
#define IDENTITY_SHEET 256

struct identity_cache;

struct identity_cache *identity_cache_create(void);
void identity_cache_destroy(struct identity_cache *cache); /* NULL is fine */

/* A domain's pattern and badge (badge holds CONFIG_BADGE_SIZE bytes). */
enum config_pattern identity_pattern(const struct cordon_domain *domain);
void identity_badge_text(const struct cordon_domain *domain, char *badge);

/*
 * The repeating cairo source of pattern marks for colour (transparent
 * where colour shows), or NULL for solid. Borrowed: valid until the cache
 * is destroyed or evicts it, so use it at once.
 */
cairo_pattern_t *identity_texture(struct identity_cache *cache,
	enum config_pattern pattern, uint32_t color);

/*
 * The badge box for text at height logical px and scale: a borrowed
 * buffer (lock it to keep it) and its logical width in *width. NULL
 * (logged) on failure.
 */
struct wlr_buffer *identity_badge(struct identity_cache *cache,
	struct text_renderer *text, const char *badge, int height, float scale, int *width);

/*
 * The pattern over a box of the scene, tiled from the cached sheet: its
 * own scene tree under parent, freed with that tree.
 */
struct identity_fill;
struct identity_fill *identity_fill_create(struct wlr_scene_tree *parent);
/* The fill whose tree this is, or NULL when it is not one. */
struct identity_fill *identity_fill_from_tree(struct wlr_scene_tree *tree);
/* Covers box (parent coordinates) with pattern in color; solid or empty hides it. */
void identity_fill_set(struct identity_fill *fill, struct identity_cache *cache,
	enum config_pattern pattern, uint32_t color, const struct wlr_box *box);

#endif
