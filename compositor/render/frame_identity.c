#include <stdlib.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/box.h>
#include <wlr/util/log.h>
#include "compositor/domain/domain.h"
#include "compositor/render/frame_identity.h"
#include "compositor/render/identity.h"
#include "compositor/server.h"

struct frame_identity {
	struct identity_fill *fill[4];   /* top, bottom, left, right */
	struct wlr_scene_buffer *badge;
};

struct frame_identity *frame_identity_create(struct wlr_scene_tree *tree) {
	struct frame_identity *fi = calloc(1, sizeof(*fi));
	if (fi == NULL) {
		return NULL;
	}
	for (int i = 0; i < 4; i++) {
		fi->fill[i] = identity_fill_create(tree);
		if (fi->fill[i] == NULL) {
			goto fail;
		}
	}
	fi->badge = wlr_scene_buffer_create(tree, NULL);
	if (fi->badge == NULL) {
		goto fail;
	}
	wlr_scene_node_set_enabled(&fi->badge->node, false);
	return fi;
fail:
	wlr_log(WLR_ERROR, "frame: cannot create the pattern and badge nodes");
	free(fi);
	return NULL;
}

void frame_identity_destroy(struct frame_identity *fi) {
	free(fi);
}

void frame_identity_borders(struct frame_identity *fi, const struct cordon_domain *domain,
		const struct wlr_box *sides) {
	struct identity_cache *cache = domain->server->identity;
	enum config_pattern pattern = sides != NULL ? identity_pattern(domain) :
		CONFIG_PATTERN_SOLID;
	for (int i = 0; i < 4; i++) {
		struct wlr_box none = {0};
		identity_fill_set(fi->fill[i], cache, pattern, domain->color,
			sides != NULL ? &sides[i] : &none);
	}
}

int frame_identity_badge(struct frame_identity *fi, const struct cordon_domain *domain,
		int x, int y, int height, float scale, int width) {
	struct cordon_server *server = domain->server;
	char text[CONFIG_BADGE_SIZE];
	identity_badge_text(domain, text);
	int w = 0;
	struct wlr_buffer *buffer = width > 0 && height > 0 ?
		identity_badge(server->identity, server->text, text, height, scale, &w) : NULL;
	/* A window too narrow for badge and title keeps the title's tag. */
	if (buffer == NULL || w >= width) {
		wlr_scene_node_set_enabled(&fi->badge->node, false);
		return 0;
	}
	/* The same cached buffer again is no change: no damage, no re-render. */
	if (fi->badge->buffer != buffer) {
		wlr_scene_buffer_set_buffer(fi->badge, buffer);
	}
	wlr_scene_buffer_set_dest_size(fi->badge, w, height);
	wlr_scene_node_set_position(&fi->badge->node, x, y);
	wlr_scene_node_set_enabled(&fi->badge->node, true);
	return w;
}
