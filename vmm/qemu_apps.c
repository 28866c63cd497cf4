/*
 * The apps of a kind = qemu domain: cordonctl run's requests on run.sock,
 * the agent link (the cordon.agent port, framing in vmm/agent/protocol.h)
 * and, per app, a hot-added cordon.wl.N port with a supervised host-side
 * waypipe client. Everything the guest sends is validated and bounded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "common/mstime.h"
#include "common/strv.h"
#include "vmm/agent/json_whole.h"
#include "vmm/qemu_vm_internal.h"

/* A request from cordonctl must arrive whole within this. */
#define CLIENT_READ_MS 10000
/* The host waypipe must have made its socket within this. */
#define RELAY_SOCKET_MS 10000
#define RELAY_POLL_MS 50
/* The guest agent must answer a run request within this. */
#define AGENT_REPLY_MS 30000
#define AGENT_HELLO_MS 1000
/* Garbage lines from the guest logged at most this often. */
#define GARBAGE_LOG_MS 5000
/* QEMU reports an unplugged port gone within this, or cordon goes on. */
#define UNPLUG_WAIT_MS 5000

/* ---- apps ---- */

static void app_send(struct qemu_app *app, struct json_object *o) {
	if (app->fd < 0 || o == NULL) {
		json_object_put(o);
		return;
	}
	size_t len = 0;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	unsigned char hdr[4] = { (unsigned char)(len >> 24), (unsigned char)(len >> 16),
		(unsigned char)(len >> 8), (unsigned char)len };
	/* cordonctl reads at once; a peer that does not loses the message. */
	if (send(app->fd, hdr, 4, MSG_NOSIGNAL | MSG_DONTWAIT) == 4) {
		send(app->fd, text, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	json_object_put(o);
}

static void app_close_client(struct qemu_app *app) {
	if (app->fd_source) {
		wl_event_source_remove(app->fd_source);
		app->fd_source = NULL;
	}
	if (app->fd >= 0) {
		close(app->fd);
		app->fd = -1;
	}
}

static void app_free(struct qemu_app *app) {
	struct qemu_vm *vm = app->vm;
	wl_list_remove(&app->link);
	if (app->slot > 0 && vm->slots[app->slot] == app) {
		vm->slots[app->slot] = NULL;
	}
	app_close_client(app);
	if (app->timer) {
		wl_event_source_remove(app->timer);
	}
	supervisor_destroy(app->relay);
	if (app->relay_sock) {
		unlink(app->relay_sock);
	}
	free(app->relay_sock);
	free(app->body);
	json_object_put(app->request);
	free(app);
}

/* Tells cordonctl (if still there) why, and closes its connection. */
static void app_verror(struct qemu_app *app, const char *fmt, va_list ap) {
	char msg[512];
	struct json_object *o = json_whole_refusal(-1, msg, sizeof(msg), fmt, ap);
	qemu_vm_say(app->vm, SUPERVISOR_LOG_ERROR, "app: %s", msg);
	app_send(app, o);
	app_close_client(app);
}

static void app_error(struct qemu_app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void app_error(struct qemu_app *app, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	app_verror(app, fmt, ap);
	va_end(ap);
}

static void app_unplug(struct qemu_app *app);

static void handle_unplug_reply(struct qmp *qmp, bool ok, struct json_object *ret,
		const char *error, void *data) {
	struct qemu_app *app = data;
	app->inflight--;
	if (!ok) {
		qemu_vm_say(app->vm, SUPERVISOR_LOG_ERROR, "freeing port %s%d: %s",
			QEMU_APP_PORT_PREFIX, app->slot, error ? error : "failed");
		app->awaiting_delete = false; /* no DEVICE_DELETED will come */
	} else if (app->awaiting_delete) {
		/*
		 * device_del only starts the unplug: the chardev stays busy until
		 * QEMU reports the port gone, so chardev-remove waits for that
		 * event (or UNPLUG_WAIT_MS, for a QEMU that never sends it).
		 */
		wl_event_source_timer_update(app->timer, UNPLUG_WAIT_MS);
		return;
	}
	app_unplug(app);
}

void qemu_apps_device_deleted(struct qemu_vm *vm, const char *id) {
	struct qemu_app *app;
	wl_list_for_each(app, &vm->apps, link) {
		char want[32];
		snprintf(want, sizeof(want), "cordonwlport%d", app->slot);
		if (app->awaiting_delete && strcmp(id, want) == 0) {
			app->awaiting_delete = false;
			wl_event_source_timer_update(app->timer, 0);
			app_unplug(app);
			return;
		}
	}
}

/*
 * Frees the app's port one step at a time (device_del, then
 * chardev-remove), then the app. Without QMP the port goes with QEMU.
 */
static void app_unplug(struct qemu_app *app) {
	struct qemu_vm *vm = app->vm;
	app->state = APP_UNPLUG;
	if (app->relay) {
		supervisor_stop(app->relay);
	}
	if (app->inflight > 0 || app->awaiting_delete) {
		return; /* the reply or event awaited comes back here */
	}
	bool qmp_up = vm->qmp != NULL && !qmp_is_closed(vm->qmp);
	char id[32];
	if (qmp_up && app->plugged_device) {
		app->plugged_device = false;
		snprintf(id, sizeof(id), "cordonwlport%d", app->slot);
		struct json_object *args = json_object_new_object();
		json_object_object_add(args, "id", json_object_new_string(id));
		if (qmp_command(vm->qmp, "device_del", args, handle_unplug_reply, app)) {
			app->inflight++;
			/* The event may come before the reply: expected from now on. */
			app->awaiting_delete = true;
			return;
		}
	}
	if (qmp_up && app->plugged_chardev) {
		app->plugged_chardev = false;
		snprintf(id, sizeof(id), "cordonwlchr%d", app->slot);
		struct json_object *args = json_object_new_object();
		json_object_object_add(args, "id", json_object_new_string(id));
		if (qmp_command(vm->qmp, "chardev-remove", args, handle_unplug_reply, app)) {
			app->inflight++;
			return;
		}
	}
	app_free(app);
}

static void app_fail(struct qemu_app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* app_error, then releases what the app holds. */
static void app_fail(struct qemu_app *app, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	app_verror(app, fmt, ap);
	va_end(ap);
	app_unplug(app);
}

static void agent_send(struct qemu_vm *vm, struct json_object *o);

static void app_send_request(struct qemu_app *app) {
	struct qemu_vm *vm = app->vm;
	struct json_object *req = json_object_new_object();
	if (req == NULL) {
		app_fail(app, "out of memory");
		return;
	}
	app->id = vm->next_id++;
	json_object_object_add(req, "id", json_object_new_int64((int64_t)app->id));
	json_object_object_foreach(app->request, key, val) {
		json_object_object_add(req, key, json_object_get(val));
	}
	if (app->slot > 0) {
		char port[32];
		snprintf(port, sizeof(port), QEMU_APP_PORT_PREFIX "%d", app->slot);
		json_object_object_add(req, "relay", json_object_new_string(port));
	}
	app->state = APP_START;
	app->began_ms = mstime_now();
	wl_event_source_timer_update(app->timer, AGENT_REPLY_MS);
	agent_send(vm, req);
}

static void handle_plug_reply(struct qmp *qmp, bool ok, struct json_object *ret,
		const char *error, void *data) {
	struct qemu_app *app = data;
	app->inflight--;
	bool device_step = app->plugged_device;
	if (!ok) {
		/* The step that failed left nothing behind to remove. */
		if (device_step) {
			app->plugged_device = false;
		} else {
			app->plugged_chardev = false;
		}
	}
	if (app->state == APP_UNPLUG) {
		app_unplug(app);
		return;
	}
	if (!ok) {
		app_fail(app, "cannot add port %s%d: %s", QEMU_APP_PORT_PREFIX, app->slot,
			error ? error : "failed");
		return;
	}
	if (!device_step) {
		/* The chardev is there (connected to the host waypipe): add the port. */
		app->plugged_device = true;
		char id[32], chr[32], name[32];
		snprintf(id, sizeof(id), "cordonwlport%d", app->slot);
		snprintf(chr, sizeof(chr), "cordonwlchr%d", app->slot);
		snprintf(name, sizeof(name), QEMU_APP_PORT_PREFIX "%d", app->slot);
		struct json_object *args = json_object_new_object();
		json_object_object_add(args, "driver", json_object_new_string("virtserialport"));
		json_object_object_add(args, "id", json_object_new_string(id));
		json_object_object_add(args, "bus", json_object_new_string(QEMU_APP_BUS));
		json_object_object_add(args, "nr", json_object_new_int(app->slot));
		json_object_object_add(args, "chardev", json_object_new_string(chr));
		json_object_object_add(args, "name", json_object_new_string(name));
		if (!qmp_command(app->vm->qmp, "device_add", args, handle_plug_reply, app)) {
			app->plugged_device = false;
			app_fail(app, "QMP is gone");
			return;
		}
		app->inflight++;
		return;
	}
	app_send_request(app);
}

static void app_plug(struct qemu_app *app) {
	struct qemu_vm *vm = app->vm;
	if (vm->qmp == NULL || !qmp_is_ready(vm->qmp)) {
		app_fail(app, "QMP is not connected");
		return;
	}
	app->state = APP_PLUG;
	char chr[32];
	snprintf(chr, sizeof(chr), "cordonwlchr%d", app->slot);
	/* {"id":…,"backend":{"type":"socket","data":{"addr":{"type":"unix",
	 *  "data":{"path":…}},"server":false}}} */
	struct json_object *path = json_object_new_object();
	json_object_object_add(path, "path", json_object_new_string(app->relay_sock));
	struct json_object *addr = json_object_new_object();
	json_object_object_add(addr, "type", json_object_new_string("unix"));
	json_object_object_add(addr, "data", path);
	struct json_object *sdata = json_object_new_object();
	json_object_object_add(sdata, "addr", addr);
	json_object_object_add(sdata, "server", json_object_new_boolean(0));
	struct json_object *backend = json_object_new_object();
	json_object_object_add(backend, "type", json_object_new_string("socket"));
	json_object_object_add(backend, "data", sdata);
	struct json_object *args = json_object_new_object();
	json_object_object_add(args, "id", json_object_new_string(chr));
	json_object_object_add(args, "backend", backend);
	app->plugged_chardev = true;
	if (!qmp_command(vm->qmp, "chardev-add", args, handle_plug_reply, app)) {
		app->plugged_chardev = false;
		app_fail(app, "QMP is gone");
		return;
	}
	app->inflight++;
}

static void handle_relay_log(struct supervisor *sup, enum supervisor_log_level level,
		const char *msg, void *data) {
	struct qemu_app *app = data;
	if (level != SUPERVISOR_LOG_DEBUG && app->vm->cb.log) {
		app->vm->cb.log(level, msg, app->vm->cb.data);
	}
}

static void handle_relay_state(struct supervisor *sup, enum supervisor_state state,
		void *data) {
	struct qemu_app *app = data;
	if ((state == SUPERVISOR_STOPPED || state == SUPERVISOR_FAILED) &&
			app->state < APP_START) {
		app_fail(app, "the host waypipe ended: %s", supervisor_reason(sup));
	}
}

static void app_start_relay(struct qemu_app *app) {
	struct qemu_vm *vm = app->vm;
	int slot = 0;
	for (int i = 1; i <= QEMU_APP_PORTS_MAX && slot == 0; i++) {
		if (vm->slots[i] == NULL) {
			slot = i;
		}
	}
	if (slot == 0) {
		app_error(app, "domain %s: all %d app ports are in use (one virtio-serial "
			"device holds %d); close an app first", vm->name, QEMU_APP_PORTS_MAX,
			QEMU_APP_PORTS_MAX);
		app_free(app);
		return;
	}
	app->slot = slot;
	vm->slots[slot] = app;
	char file[32];
	snprintf(file, sizeof(file), "wl-%d.sock", slot);
	app->relay_sock = qemu_vm_path(vm->dir, file);
	char *log = qemu_vm_path(vm->dir, "relay.log");
	struct strv sv = {0};
	strv_push(&sv, "waypipe");
	strv_push(&sv, "--oneshot");
	strv_push(&sv, "--no-gpu");
	strv_push(&sv, "--socket");
	strv_push(&sv, app->relay_sock ? app->relay_sock : "");
	strv_push(&sv, "client");
	char **argv = strv_finish(&sv);
	if (app->relay_sock == NULL || log == NULL || argv == NULL) {
		free(log);
		strv_free(argv);
		app_fail(app, "out of memory");
		return;
	}
	struct stat st;
	if (lstat(app->relay_sock, &st) == 0 && S_ISSOCK(st.st_mode)) {
		unlink(app->relay_sock);
	}
	char name[64];
	snprintf(name, sizeof(name), "%s relay %d", vm->name, slot);
	struct supervisor_options opts = {
		.name = name, .argv = argv, .env = vm->env, .log_path = log,
		.restart = SUPERVISOR_RESTART_NO, .stop_timeout_ms = 3000,
		.log_max_bytes = vm->c.log_max,
	};
	struct supervisor_callbacks cbs = {
		.state = handle_relay_state, .log = handle_relay_log, .data = app,
	};
	app->relay = supervisor_create(vm->loop, &opts, &cbs);
	free(log);
	strv_free(argv);
	if (app->relay == NULL) {
		app_fail(app, "out of memory");
		return;
	}
	app->state = APP_RELAY;
	app->began_ms = mstime_now();
	if (!supervisor_start(app->relay)) {
		return; /* handle_relay_state failed the app */
	}
	wl_event_source_timer_update(app->timer, RELAY_POLL_MS);
}

/* The agent is there: go on with the app. */
static void app_go(struct qemu_app *app) {
	if (app->vm->c.relay == CONFIG_RELAY_RUTABAGA) {
		app_send_request(app);
	} else {
		app_start_relay(app);
	}
}

static int handle_app_timer(void *data) {
	struct qemu_app *app = data;
	int64_t waited = mstime_now() - app->began_ms;
	switch (app->state) {
	case APP_READING:
		app_error(app, "request not received within %d ms", CLIENT_READ_MS);
		app_free(app);
		break;
	case APP_RELAY: {
		struct stat st;
		if (app->relay_sock && lstat(app->relay_sock, &st) == 0 && S_ISSOCK(st.st_mode)) {
			app_plug(app);
		} else if (waited >= RELAY_SOCKET_MS) {
			app_fail(app, "the host waypipe made no socket within %d ms",
				RELAY_SOCKET_MS);
		} else {
			wl_event_source_timer_update(app->timer, RELAY_POLL_MS);
		}
		break;
	}
	case APP_START:
		app_fail(app, "the guest agent did not answer within %d ms", AGENT_REPLY_MS);
		break;
	case APP_UNPLUG:
		if (app->awaiting_delete) {
			qemu_vm_say(app->vm, SUPERVISOR_LOG_ERROR, "port %s%d: no DEVICE_DELETED "
				"within %d ms; removing its chardev anyway", QEMU_APP_PORT_PREFIX,
				app->slot, UNPLUG_WAIT_MS);
			app->awaiting_delete = false;
			app_unplug(app);
		}
		break;
	case APP_QUEUED:
	case APP_PLUG:
	case APP_RUNNING:
		break;
	}
	return 0;
}

/* Validates cordonctl's request: argv a non-empty list of strings, env, cwd. */
static bool app_parse_request(struct qemu_app *app) {
	struct json_object *o = json_whole_object(app->body, app->body_len, 8);
	struct json_object *argv;
	if (o == NULL || !json_object_object_get_ex(o, "argv", &argv) ||
			!json_object_is_type(argv, json_type_array) ||
			json_object_array_length(argv) == 0) {
		json_object_put(o);
		app_error(app, "bad request (expected {\"argv\":[…]})");
		return false;
	}
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (strcmp(key, "argv") != 0 && strcmp(key, "env") != 0 &&
				strcmp(key, "cwd") != 0) {
			json_object_put(o);
			app_error(app, "unknown key in request (allowed: argv, env, cwd)");
			return false;
		}
	}
	app->request = o;
	return true;
}

static int handle_app_fd(int fd, uint32_t mask, void *data) {
	struct qemu_app *app = data;
	if (app->state != APP_READING) {
		/* cordonctl only reads from now on: EOF or an error means it left. */
		char buf[64];
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			if (app->state == APP_QUEUED) {
				app_free(app);
			} else {
				app_close_client(app);
			}
		}
		return 0;
	}
	for (;;) {
		ssize_t n;
		if (app->hdr_len < 4) {
			n = recv(fd, app->hdr + app->hdr_len, 4 - app->hdr_len, MSG_DONTWAIT);
		} else {
			n = recv(fd, app->body + app->body_len, app->body_need - app->body_len,
				MSG_DONTWAIT);
		}
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			return 0;
		}
		if (n <= 0) {
			app_free(app);
			return 0;
		}
		if (app->hdr_len < 4) {
			app->hdr_len += (size_t)n;
			if (app->hdr_len == 4) {
				app->body_need = (size_t)app->hdr[0] << 24 | (size_t)app->hdr[1] << 16 |
					(size_t)app->hdr[2] << 8 | app->hdr[3];
				if (app->body_need == 0 || app->body_need > AGENT_PROTOCOL_MAX_MESSAGE) {
					app_error(app, "request of %zu bytes (at most %d)", app->body_need,
						AGENT_PROTOCOL_MAX_MESSAGE);
					app_free(app);
					return 0;
				}
				app->body = malloc(app->body_need + 1);
				if (app->body == NULL) {
					app_error(app, "out of memory");
					app_free(app);
					return 0;
				}
			}
			continue;
		}
		app->body_len += (size_t)n;
		if (app->body_len < app->body_need) {
			continue;
		}
		app->body[app->body_len] = '\0';
		wl_event_source_timer_update(app->timer, 0);
		if (!app_parse_request(app)) {
			app_free(app);
			return 0;
		}
		/*
		 * Queued until the agent says hello, even while QEMU is still
		 * starting (cordonctl connects right after asking for the start);
		 * a QEMU that fails fails the queue, and cordonctl's own timeout
		 * bounds the wait.
		 */
		struct qemu_vm *vm = app->vm;
		app->state = APP_QUEUED;
		if (vm->agent_ready) {
			app_go(app);
		}
		return 0;
	}
}

int qemu_apps_handle_listen(int fd, uint32_t mask, void *data) {
	struct qemu_vm *vm = data;
	for (int i = 0; i < 16; i++) {
		int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (cfd < 0) {
			return 0;
		}
		struct qemu_app *app = calloc(1, sizeof(*app));
		if (app == NULL) {
			close(cfd);
			return 0;
		}
		app->vm = vm;
		app->fd = cfd;
		wl_list_insert(vm->apps.prev, &app->link);
		app->fd_source = wl_event_loop_add_fd(vm->loop, cfd, WL_EVENT_READABLE,
			handle_app_fd, app);
		app->timer = wl_event_loop_add_timer(vm->loop, handle_app_timer, app);
		if (app->fd_source == NULL || app->timer == NULL) {
			app_free(app);
			return 0;
		}
		app->began_ms = mstime_now();
		wl_event_source_timer_update(app->timer, CLIENT_READ_MS);
	}
	return 0;
}

/* ---- the agent link ---- */

void qemu_apps_close_link(struct qemu_vm *vm) {
	if (vm->agent_source) {
		wl_event_source_remove(vm->agent_source);
		vm->agent_source = NULL;
	}
	if (vm->agent_fd >= 0) {
		close(vm->agent_fd);
		vm->agent_fd = -1;
	}
	vm->agent_ready = false;
	vm->agent_in_len = 0;
	vm->agent_skipping = false;
	free(vm->agent_out);
	vm->agent_out = NULL;
	vm->agent_out_len = 0;
}

static void agent_flush(struct qemu_vm *vm) {
	while (vm->agent_fd >= 0 && vm->agent_out_len > 0) {
		ssize_t n = send(vm->agent_fd, vm->agent_out, vm->agent_out_len,
			MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		memmove(vm->agent_out, vm->agent_out + n, vm->agent_out_len - (size_t)n);
		vm->agent_out_len -= (size_t)n;
	}
	if (vm->agent_source) {
		wl_event_source_fd_update(vm->agent_source, WL_EVENT_READABLE |
			(vm->agent_out_len > 0 ? WL_EVENT_WRITABLE : 0));
	}
}

static void agent_send_text(struct qemu_vm *vm, const char *text, size_t len) {
	if (vm->agent_fd < 0) {
		return;
	}
	/* The guest may stop reading; it does not get to make cordon buffer forever. */
	if (vm->agent_out_len + len > 4 * AGENT_PROTOCOL_MAX_MESSAGE) {
		qemu_vm_say(vm, SUPERVISOR_LOG_ERROR, "the guest agent does not read; dropping a "
			"message");
		return;
	}
	char *grown = realloc(vm->agent_out, vm->agent_out_len + len);
	if (grown == NULL) {
		return;
	}
	memcpy(grown + vm->agent_out_len, text, len);
	vm->agent_out = grown;
	vm->agent_out_len += len;
	agent_flush(vm);
}

static void agent_send(struct qemu_vm *vm, struct json_object *o) {
	if (o == NULL) {
		return;
	}
	size_t len = 0;
	const char *text = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	if (text != NULL && len < AGENT_PROTOCOL_MAX_MESSAGE) {
		agent_send_text(vm, text, len);
		agent_send_text(vm, "\n", 1);
	} else if (text != NULL) {
		qemu_vm_say(vm, SUPERVISOR_LOG_ERROR, "request too large for the agent link");
	}
	json_object_put(o);
}

static void agent_garbage(struct qemu_vm *vm, const char *what) {
	vm->garbage++;
	int64_t now = mstime_now();
	if (now - vm->garbage_logged_ms >= GARBAGE_LOG_MS) {
		vm->garbage_logged_ms = now;
		qemu_vm_say(vm, SUPERVISOR_LOG_ERROR, "agent link: %s (%u bad lines so far, dropped)",
			what, vm->garbage);
	}
}

static struct qemu_app *vm_find_app(struct qemu_vm *vm, int64_t id) {
	struct qemu_app *app;
	wl_list_for_each(app, &vm->apps, link) {
		if (app->id != 0 && (int64_t)app->id == id &&
				(app->state == APP_START || app->state == APP_RUNNING)) {
			return app;
		}
	}
	return NULL;
}

static void agent_ready(struct qemu_vm *vm) {
	if (vm->agent_ready) {
		return;
	}
	vm->agent_ready = true;
	wl_event_source_timer_update(vm->agent_timer, 0);
	if (vm->using_kvm && !vm->kvm_confirmed) {
		vm->kvm_confirmed = true;
		wl_event_source_timer_update(vm->probe_timer, 0);
		qemu_vm_say(vm, SUPERVISOR_LOG_INFO, "accel kvm: the guest agent answered");
	}
	qemu_vm_say(vm, SUPERVISOR_LOG_INFO, "guest agent ready");
	struct qemu_app *app, *tmp;
	wl_list_for_each_safe(app, tmp, &vm->apps, link) {
		if (app->state == APP_QUEUED) {
			app_go(app);
		}
	}
}

/* One line from the guest agent: validated, then acted on. */
static void agent_line(struct qemu_vm *vm, const char *line, size_t len) {
	if (len == 0) {
		return;
	}
	struct json_object *o = json_whole_object(line, len, 4);
	if (o == NULL) {
		agent_garbage(vm, "not a JSON object");
		return;
	}
	struct json_object *v, *idv;
	if (json_object_object_get_ex(o, "hello", &v)) {
		bool ours = json_object_is_type(v, json_type_int) &&
			json_object_get_int(v) == AGENT_PROTOCOL_SERIAL_VERSION;
		json_object_put(o);
		if (!ours) {
			agent_garbage(vm, "hello of another protocol version");
			return;
		}
		agent_ready(vm);
		return;
	}
	if (!json_object_object_get_ex(o, "id", &idv) || !json_object_is_type(idv, json_type_int)) {
		json_object_put(o);
		agent_garbage(vm, "message without an id");
		return;
	}
	struct qemu_app *app = vm_find_app(vm, json_object_get_int64(idv));
	if (app == NULL) {
		/* An app of an earlier link, or a guest making ids up: nothing to do. */
		json_object_put(o);
		return;
	}
	struct json_object *reply = NULL;
	if (app->state == APP_START && json_object_object_get_ex(o, "ok", &v) &&
			json_object_is_type(v, json_type_boolean)) {
		struct json_object *pid, *error;
		if (json_object_get_boolean(v) && json_object_object_get_ex(o, "pid", &pid) &&
				json_object_is_type(pid, json_type_int) && json_object_get_int64(pid) > 0 &&
				json_object_get_int64(pid) <= 0x7fffffff) {
			app->state = APP_RUNNING;
			wl_event_source_timer_update(app->timer, 0);
			reply = json_object_new_object();
			json_object_object_add(reply, "ok", json_object_new_boolean(1));
			json_object_object_add(reply, "pid", json_object_new_int64(json_object_get_int64(pid)));
			app_send(app, reply);
		} else if (!json_object_get_boolean(v) && json_object_object_get_ex(o, "error", &error) &&
				json_object_is_type(error, json_type_string)) {
			/* cordonctl cleans the text before printing it. */
			app_fail(app, "the guest agent refused: %.300s", json_object_get_string(error));
		} else {
			agent_garbage(vm, "malformed answer to a request");
		}
	} else if (app->state == APP_RUNNING && (json_object_object_get_ex(o, "exit", &v) ||
			json_object_object_get_ex(o, "signal", &v)) &&
			json_object_is_type(v, json_type_int) && json_object_get_int(v) >= 0 &&
			json_object_get_int(v) <= 255) {
		bool sig = json_object_object_get_ex(o, "signal", NULL);
		reply = json_object_new_object();
		json_object_object_add(reply, sig ? "signal" : "exit",
			json_object_new_int(json_object_get_int(v)));
		app_send(app, reply);
		app_close_client(app);
		app_unplug(app);
	} else {
		agent_garbage(vm, "unexpected message for an app");
	}
	json_object_put(o);
}

/* A line for json_whole_lines: true while the link is still up. */
static bool agent_take_line(void *data, const char *line, size_t len) {
	struct qemu_vm *vm = data;
	agent_line(vm, line, len);
	return vm->agent_fd >= 0;
}

static int handle_agent_fd(int fd, uint32_t mask, void *data) {
	struct qemu_vm *vm = data;
	if (mask & WL_EVENT_WRITABLE) {
		agent_flush(vm);
	}
	size_t budget = 64 * 1024;
	while (budget > 0 && vm->agent_fd >= 0) {
		size_t room = sizeof(vm->agent_in) - 1 - vm->agent_in_len;
		ssize_t n = recv(vm->agent_fd, vm->agent_in + vm->agent_in_len,
			room < budget ? room : budget, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == EAGAIN) {
			break;
		}
		if (n <= 0) {
			/* QEMU closed the port's socket: it is going away. */
			qemu_vm_say(vm, SUPERVISOR_LOG_INFO, "agent link closed");
			qemu_apps_close_link(vm);
			if (vm->running) {
				wl_event_source_timer_update(vm->agent_timer, AGENT_RETRY_MS);
			}
			return 0;
		}
		budget -= (size_t)n;
		if (json_whole_lines(vm->agent_in, sizeof(vm->agent_in) - 1, &vm->agent_in_len,
				(size_t)n, &vm->agent_skipping, agent_take_line, vm)) {
			/* Overlong: dropped, and everything up to the next newline. */
			agent_garbage(vm, "line longer than the protocol allows");
		}
	}
	return 0;
}

static void agent_hello(struct qemu_vm *vm) {
	/* The newline ends whatever a previous host left half-written. */
	char hello[64];
	int n = snprintf(hello, sizeof(hello), "\n{\"hello\":%d}\n",
		AGENT_PROTOCOL_SERIAL_VERSION);
	agent_send_text(vm, hello, (size_t)n);
}

int qemu_apps_handle_agent_timer(void *data) {
	struct qemu_vm *vm = data;
	if (!vm->running) {
		return 0;
	}
	if (vm->agent_fd < 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", vm->agent_path);
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			vm->agent_fd = fd;
			vm->agent_source = wl_event_loop_add_fd(vm->loop, fd, WL_EVENT_READABLE,
				handle_agent_fd, vm);
			if (vm->agent_source == NULL) {
				qemu_apps_close_link(vm);
			}
		} else if (fd >= 0) {
			close(fd);
		}
	}
	if (vm->agent_fd >= 0 && !vm->agent_ready) {
		/* Again every second: the guest reads the port only once its agent runs. */
		agent_hello(vm);
		wl_event_source_timer_update(vm->agent_timer, AGENT_HELLO_MS);
	} else if (vm->agent_fd < 0) {
		wl_event_source_timer_update(vm->agent_timer, AGENT_RETRY_MS);
	}
	return 0;
}


void qemu_apps_end(struct qemu_vm *vm, const char *why) {
	struct qemu_app *app, *tmp;
	wl_list_for_each_safe(app, tmp, &vm->apps, link) {
		if (app->state == APP_READING) {
			continue;
		}
		/* A running app's cordonctl sees its connection end without an exit. */
		if (app->state != APP_RUNNING && app->state != APP_UNPLUG) {
			app_error(app, "domain %s %s", vm->name, why);
		}
		app_free(app);
	}
}

void qemu_apps_free_all(struct qemu_vm *vm) {
	struct qemu_app *app, *tmp;
	wl_list_for_each_safe(app, tmp, &vm->apps, link) {
		app_free(app);
	}
}

