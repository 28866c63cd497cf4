#ifndef CORDON_TESTS_UNIT_FIXTURE_VM_H
#define CORDON_TESTS_UNIT_FIXTURE_VM_H

/*
 * A domain "vm" launched through vmm/vmm.h as the compositor does it, for
 * the crosvm and qemu launcher tests: a runtime directory with the domain's
 * socket already listening, an empty kernel file, the config, the vmm, and
 * what the vmm reported (states, output lines, log messages).
 */
#include <sys/stat.h>
#include "tests/unit/fixture_events.h"
#include "config/config.h"
#include "vmm/vmm.h"

struct vm_fixture {
	struct wl_event_loop *loop;
	char dir[64];        /* like $XDG_RUNTIME_DIR/cordon */
	char domdir[96];     /* like $XDG_RUNTIME_DIR/cordon/NAME */
	char socket[128];
	char kernel[128];
	char record[128];    /* where the fake VM program records what it was asked */
	int listen_fd;
	struct cordon_config *config;
	struct vmm *vmm;
	struct fixture_events ev;
	char log[16384];
};

static inline void vm_fixture_on_state(struct vmm *v, enum supervisor_state state,
		void *data) {
	struct vm_fixture *t = data;
	fixture_events_state(&t->ev, state);
}

static inline void vm_fixture_on_line(struct vmm *v, const char *stream,
		const char *line, void *data) {
	struct vm_fixture *t = data;
	fixture_events_line(&t->ev, stream, line);
	if (getenv("TEST_VERBOSE")) {
		fprintf(stderr, "%s: %s: %s\n", vmm_name(v), stream, line);
	}
}

static inline void vm_fixture_on_log(struct vmm *v, enum supervisor_log_level level,
		const char *msg, void *data) {
	struct vm_fixture *t = data;
	strncat(t->log, msg, sizeof(t->log) - strlen(t->log) - 2);
	strcat(t->log, "\n");
	if (getenv("TEST_VERBOSE")) {
		fprintf(stderr, "log: %s\n", msg);
	}
}

/* The runtime directory from template; record_env names the fake's record file. */
static inline struct vm_fixture *vm_fixture_setup(const char *template,
		const char *record_env) {
	struct vm_fixture *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	t->loop = wl_event_loop_create();
	assert_non_null(t->loop);
	fixture_mkdtemp(t->dir, sizeof(t->dir), template);
	snprintf(t->domdir, sizeof(t->domdir), "%s/vm", t->dir);
	assert_int_equal(mkdir(t->domdir, 0700), 0);
	snprintf(t->socket, sizeof(t->socket), "%s/wayland-0", t->domdir);
	snprintf(t->kernel, sizeof(t->kernel), "%s/vmlinuz", t->dir);
	snprintf(t->record, sizeof(t->record), "%s/record", t->dir);
	int fd = open(t->kernel, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	/* The domain socket, bound as the compositor does before any start. */
	t->listen_fd = fixture_unix_listener(t->socket, 8);
	setenv("CORDON_AGENT_BIN", CORDON_AGENT_BIN, 1);
	setenv(record_env, t->record, 1);
	return t;
}

static inline int vm_fixture_teardown(void **state) {
	struct vm_fixture *t = *state;
	vmm_destroy(t->vmm);
	config_destroy(t->config);
	close(t->listen_fd);
	wl_event_loop_destroy(t->loop);
	fixture_rmtree(t->dir);
	free(t);
	return 0;
}

/* Loads the config text (printf-style) and returns its domain "vm". */
static inline struct config_domain *vm_fixture_load(struct vm_fixture *t,
		const char *fmt, ...) {
	char text[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	struct config_errors errs = {0};
	t->config = config_load_string(text, "test.conf", &errs);
	for (size_t i = 0; i < errs.len; i++) {
		fprintf(stderr, "%s\n", errs.msgs[i]);
	}
	config_errors_finish(&errs);
	assert_non_null(t->config);
	struct config_domain *d = config_find_domain(t->config, "vm");
	assert_non_null(d);
	return d;
}

/* The vmm for d, with X display (NULL: none) and the recording callbacks. */
static inline void vm_fixture_create(struct vm_fixture *t, struct config_domain *d,
		const char *display) {
	struct vmm_callbacks cb = { .state = vm_fixture_on_state,
		.line = vm_fixture_on_line, .log = vm_fixture_on_log, .data = t };
	char err[256] = "";
	t->vmm = vmm_create(t->loop, d, t->socket, display, t->domdir, &cb, err,
		sizeof(err));
	if (!t->vmm) {
		fail_msg("%s", err);
	}
}

struct vm_fixture_wait {
	struct vm_fixture *t;
	enum supervisor_state state;
	const char *text;
};

static inline bool vm_fixture_in_state(void *data) {
	struct vm_fixture_wait *w = data;
	return vmm_state(w->t->vmm) == w->state;
}

static inline bool vm_fixture_logged(void *data) {
	struct vm_fixture_wait *w = data;
	return strstr(w->t->log, w->text) != NULL;
}

static inline bool vm_fixture_printed(void *data) {
	struct vm_fixture_wait *w = data;
	return fixture_events_saw(&w->t->ev, w->text);
}

static inline bool vm_fixture_wait_state(struct vm_fixture *t,
		enum supervisor_state state, int ms) {
	struct vm_fixture_wait w = { .t = t, .state = state };
	return fixture_loop_until(t->loop, vm_fixture_in_state, &w, ms);
}

/* Waits until the vmm has logged text. */
static inline bool vm_fixture_wait_log(struct vm_fixture *t, const char *text, int ms) {
	struct vm_fixture_wait w = { .t = t, .text = text };
	return fixture_loop_until(t->loop, vm_fixture_logged, &w, ms);
}

/* Waits until the program has printed a line holding text. */
static inline bool vm_fixture_wait_line(struct vm_fixture *t, const char *text, int ms) {
	struct vm_fixture_wait w = { .t = t, .text = text };
	return fixture_loop_until(t->loop, vm_fixture_printed, &w, ms);
}

#endif
