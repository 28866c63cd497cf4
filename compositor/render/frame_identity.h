#ifndef CORDON_FRAME_IDENTITY_H
#define CORDON_FRAME_IDENTITY_H

#include <stdbool.h>

struct cordon_domain;
struct wlr_box;
struct wlr_scene_tree;

/*
 * The part of a frame that tells domains apart beyond colour: the
 * domain's pattern over the four borders and its badge box at the
 * titlebar's left (render/identity.c draws and caches both).
 */
struct frame_identity;

/* Its nodes go under tree, above what is there, and die with it. */
struct frame_identity *frame_identity_create(struct wlr_scene_tree *tree);
void frame_identity_destroy(struct frame_identity *fi); /* frees; nodes go with the tree */
/* Patterns the borders (top, bottom, left, right, in tree coordinates); NULL hides them. */
void frame_identity_borders(struct frame_identity *fi, const struct cordon_domain *domain,
	const struct wlr_box *sides);
/*
 * Places the badge box at x, y, height tall, for a titlebar width wide
 * (0: none, hidden), and returns the width it takes (0 when hidden).
 */
int frame_identity_badge(struct frame_identity *fi, const struct cordon_domain *domain,
	int x, int y, int height, float scale, int width);

#endif
