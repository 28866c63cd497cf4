#include <stdlib.h>
#include <wlr/interfaces/wlr_buffer.h>
#include <wlr/types/wlr_scene.h>
#include <wlr/util/log.h>
#include "compositor/render/notify.h"
#include "compositor/wm/output.h"
#include "compositor/server.h"
#include "compositor/render/text_buffer.h"

#define NOTIFY_MS 3000
#define NOTIFY_MARGIN 12
#define NOTIFY_MAX 4

struct notification {
	struct wl_list link;    /* cordon_server.notifications */
	struct cordon_server *server;
	struct wlr_scene_tree *tree;
	struct wl_event_source *timer;
	int height;
};

static void notify_restack(struct cordon_server *server) {
	struct wlr_box area = output_box(output_at(server, 0, 0));
	int y = area.y + NOTIFY_MARGIN;
	struct notification *n;
	wl_list_for_each(n, &server->notifications, link) {
		struct wlr_scene_node *child =
			wl_container_of(n->tree->children.next, child, link);
		struct wlr_scene_buffer *sb = wlr_scene_buffer_from_node(child);
		wlr_scene_node_set_position(&n->tree->node,
			area.x + area.width - sb->dst_width - NOTIFY_MARGIN, y);
		y += n->height + NOTIFY_MARGIN / 2;
	}
}

static void notification_destroy(struct notification *n) {
	wl_list_remove(&n->link);
	wl_event_source_remove(n->timer);
	wlr_scene_node_destroy(&n->tree->node);
	free(n);
}

static int handle_notify_timeout(void *data) {
	struct notification *n = data;
	struct cordon_server *server = n->server;
	notification_destroy(n);
	notify_restack(server);
	return 0;
}

void notify_show(struct cordon_server *server, uint32_t accent, const char *line1,
		const char *line2) {
	wlr_log(WLR_INFO, "notice: %s%s%s", line1, line2 ? " — " : "", line2 ? line2 : "");
	struct text_buffer_span s1 = {.text = line1, .color = 0xffffff, .bold = true};
	struct text_buffer_span s2 = {.text = line2, .color = 0xdddddd};
	struct text_buffer_line lines[2] = {
		{.spans = &s1, .n_spans = 1},
		{.spans = &s2, .n_spans = line2 ? 1 : 0},
	};
	struct box_spec spec = {
		.scale = 1.0f,
		.background = 0x202020,
		.border = accent,
		.border_width = 3,
		.padding = 10,
		.line_spacing = 2,
		.align = TEXT_BUFFER_ALIGN_LEFT,
		.lines = lines,
		.n_lines = line2 ? 2 : 1,
	};
	struct wlr_buffer *buffer = text_buffer_render_box_within(server->text, &spec, 0, 600);
	if (buffer == NULL) {
		return;
	}
	struct notification *n = calloc(1, sizeof(*n));
	if (n == NULL || (n->tree = wlr_scene_tree_create(server->layers[LAYER_PROMPT])) == NULL) {
		wlr_log(WLR_ERROR, "notice: cannot show '%s'", line1);
		free(n);
		wlr_buffer_drop(buffer);
		return;
	}
	struct wlr_scene_buffer *sb = wlr_scene_buffer_create(n->tree, buffer);
	wlr_buffer_drop(buffer);
	n->timer = wl_event_loop_add_timer(server->loop, handle_notify_timeout, n);
	if (sb == NULL || n->timer == NULL) {
		wlr_log(WLR_ERROR, "notice: cannot show '%s'", line1);
		if (n->timer != NULL) {
			wl_event_source_remove(n->timer);
		}
		wlr_scene_node_destroy(&n->tree->node);
		free(n);
		return;
	}
	wlr_scene_buffer_set_dest_size(sb, spec.width, spec.height);
	n->server = server;
	n->height = spec.height;
	wl_event_source_timer_update(n->timer, NOTIFY_MS);
	wl_list_insert(&server->notifications, &n->link);
	/* Old notices make room rather than pile up off screen. */
	if (wl_list_length(&server->notifications) > NOTIFY_MAX) {
		struct notification *oldest =
			wl_container_of(server->notifications.prev, oldest, link);
		notification_destroy(oldest);
	}
	notify_restack(server);
}

void notify_finish(struct cordon_server *server) {
	struct notification *n, *tmp;
	wl_list_for_each_safe(n, tmp, &server->notifications, link) {
		notification_destroy(n);
	}
}
