#ifndef CORDON_TESTS_UNIT_FIXTURE_EVENTS_H
#define CORDON_TESTS_UNIT_FIXTURE_EVENTS_H

/*
 * What the supervisor and vmm tests record of a supervised program (its
 * states with their times, its output lines) and how they wait for it.
 */
#include "tests/unit/fixture.h"
#include <wayland-server-core.h>
#include "common/mstime.h"
#include "vmm/supervisor.h"

#define FIXTURE_EVENTS_MAX 128

struct fixture_events {
	enum supervisor_state states[FIXTURE_EVENTS_MAX];
	int64_t state_ms[FIXTURE_EVENTS_MAX];
	int n_states;
	char lines[FIXTURE_EVENTS_MAX][SUPERVISOR_LINE_MAX + 16];
	int n_lines;
};

static inline void fixture_events_state(struct fixture_events *ev,
		enum supervisor_state state) {
	if (ev->n_states < FIXTURE_EVENTS_MAX) {
		ev->states[ev->n_states] = state;
		ev->state_ms[ev->n_states] = mstime_now();
		ev->n_states++;
	}
}

/* Keeps the line as "STREAM: LINE". */
static inline void fixture_events_line(struct fixture_events *ev, const char *stream,
		const char *line) {
	if (ev->n_lines < FIXTURE_EVENTS_MAX) {
		snprintf(ev->lines[ev->n_lines++], sizeof(ev->lines[0]), "%s: %s", stream, line);
	}
}

/* The first line that starts with prefix ("stdout: ready"), or NULL. */
static inline const char *fixture_events_find(const struct fixture_events *ev,
		const char *prefix) {
	for (int i = 0; i < ev->n_lines; i++) {
		if (strncmp(ev->lines[i], prefix, strlen(prefix)) == 0) {
			return ev->lines[i];
		}
	}
	return NULL;
}

/* Whether any line holds text. */
static inline bool fixture_events_saw(const struct fixture_events *ev, const char *text) {
	for (int i = 0; i < ev->n_lines; i++) {
		if (strstr(ev->lines[i], text)) {
			return true;
		}
	}
	return false;
}

/* Dispatches loop until done(data) or ms have passed; returns done(data). */
static inline bool fixture_loop_until(struct wl_event_loop *loop, bool (*done)(void *),
		void *data, int ms) {
	int64_t end = mstime_now() + ms;
	while (!done(data)) {
		int64_t left = end - mstime_now();
		if (left <= 0) {
			return false;
		}
		wl_event_loop_dispatch(loop, left < 20 ? (int)left : 20);
	}
	return true;
}

#endif
