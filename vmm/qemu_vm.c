#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "common/mstime.h"
#include "common/sock.h"
#include "common/strv.h"
#include "vmm/agent/protocol.h"
#include "vmm/errmsg.h"
#include "vmm/qemu.h"
#include "vmm/qemu_vm.h"
#include "vmm/qmp.h"
#include "vmm/spawn.h"

#define QMP_TIMEOUT_MS 10000
#define AGENT_RETRY_MS 200
#define AGENT_HELLO_MS 1000
/* A request from cordonctl must arrive whole within this. */
#define CLIENT_READ_MS 10000
/* The host waypipe must have made its socket within this. */
#define RELAY_SOCKET_MS 10000
#define RELAY_POLL_MS 50
/* The guest agent must answer a run request within this. */
#define AGENT_REPLY_MS 30000
#define VIRTIOFSD_SOCKET_MS 5000
/* Garbage lines from the guest logged at most this often. */
#define GARBAGE_LOG_MS 5000
/* How long QEMU gets to end by itself after its QMP or virtiofsd failed. */
#define QEMU_VM_GRACE_MS 2000

struct qemu_vm;

enum app_state {
	APP_READING = 0,   /* cordonctl's request is arriving */
	APP_QUEUED,        /* waiting for the guest agent's hello */
	APP_RELAY,         /* host waypipe started; waiting for its socket */
	APP_PLUG,          /* chardev-add / device_add in flight */
	APP_START,         /* request sent to the guest agent */
	APP_RUNNING,       /* the guest said ok; waiting for the exit */
	APP_UNPLUG,        /* device_del / chardev-remove in flight */
};

struct qemu_app {
	struct wl_list link;
	struct qemu_vm *vm;
	enum app_state state;
	int fd;                    /* cordonctl's connection, -1 once gone */
	struct wl_event_source *fd_source;
	struct wl_event_source *timer;
	int64_t began_ms;
	unsigned char hdr[4];
	size_t hdr_len;
	char *body;
	size_t body_len, body_need;
	struct json_object *request;
	int slot;                  /* 1..31 while it holds a port */
	uint64_t id;               /* request id on the agent link */
	struct supervisor *relay;
	char *relay_sock;
	bool plugged_chardev, plugged_device;
	int inflight;              /* QMP commands whose reply names this app */
};

struct qemu_vm {
	struct wl_event_loop *loop;
	struct qemu_vm_callbacks cb;
	char *name;
	char *dir;
	char *socket_path;
	char **env;
	struct config_domain_copy {
		char *binary;
		char *root;
		enum config_accel accel;
		enum config_relay relay;
		size_t log_max;
		char **argv_kvm, **argv_tcg;
		bool root_is_dir;
	} c;
	char *qmp_path, *agent_path, *vfs_path, *run_path, *agent_address;

	bool kvm_bad;          /* accel auto: KVM failed once; TCG from now on */
	bool kvm_confirmed;    /* the agent answered under KVM */
	bool using_kvm;        /* the current or last start */
	bool running;          /* QEMU is up (RUNNING) */
	bool stop_seen;        /* a stop was asked during this run */
	int64_t started_ms;
	struct wl_event_source *probe_timer;
	/* QMP or virtiofsd failed while QEMU seemed up: restart unless it ends anyway. */
	struct wl_event_source *grace_timer;
	char grace_why[200];

	struct supervisor *virtiofsd;
	struct qmp *qmp;

	int listen_fd;
	struct wl_event_source *listen_source;

	/* The agent link: one persistent line stream (see protocol.h). */
	int agent_fd;
	struct wl_event_source *agent_source;
	struct wl_event_source *agent_timer;
	bool agent_ready;
	char agent_in[AGENT_PROTOCOL_MAX_MESSAGE + 1];
	size_t agent_in_len;
	bool agent_skipping;   /* dropping the rest of an overlong line */
	char *agent_out;
	size_t agent_out_len;
	uint64_t next_id;
	int64_t garbage_logged_ms;
	unsigned garbage;

	struct wl_list apps;   /* qemu_app */
	struct qemu_app *slots[QEMU_APP_PORTS_MAX + 1];
};

static void vm_say(struct qemu_vm *vm, enum supervisor_log_level level,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void vm_say(struct qemu_vm *vm, enum supervisor_log_level level,
		const char *fmt, ...) {
	char msg[900], full[1000];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s: %s", vm->name, msg);
	if (vm->cb.log) {
		vm->cb.log(level, full, vm->cb.data);
	}
}

static char *vm_path(const char *dir, const char *file) {
	char *p = NULL;
	return asprintf(&p, "%s/%s", dir, file) < 0 ? NULL : p;
}

/* ---- discovery ---- */

char *qemu_vm_find_virtiofsd(void) {
	char *p = spawn_find_program("virtiofsd", NULL);
	if (p != NULL) {
		return p;
	}
	static const char *const places[] = {
		"/usr/libexec/virtiofsd", "/usr/lib/qemu/virtiofsd", "/usr/lib/virtiofsd",
	};
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		if (access(places[i], X_OK) == 0) {
			return strdup(places[i]);
		}
	}
	errno = ENOENT;
	return NULL;
}

/* Whether a child may make user and mount namespaces (virtiofsd's sandbox). */
static bool vm_namespaces_work(void) {
	pid_t pid = fork();
	if (pid < 0) {
		return false;
	}
	if (pid == 0) {
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 ? 0 : 1);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool qemu_vm_has_rutabaga(const char *binary, char *err, size_t errlen) {
	char *path = spawn_find_program(binary, NULL);
	if (path == NULL) {
		return errmsg_fail(err, errlen, "QEMU binary '%s' not found", binary);
	}
	char *const argv[] = { (char *)binary, "-device", "help", NULL };
	char **env = spawn_build_env(NULL, NULL);
	struct spawn_child child;
	char serr[256];
	bool ok = env != NULL && spawn_plain(path, argv, env, &child, serr, sizeof(serr));
	free(path);
	strv_free(env);
	if (!ok) {
		return errmsg_fail(err, errlen, "cannot run %s -device help", binary);
	}
	/* Read its list (bounded in size and time), looking for the device. */
	static const char want[] = "\"virtio-gpu-rutabaga\"";
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap + 1);
	int64_t deadline = mstime_now() + 5000;
	bool found = false;
	while (buf != NULL && len < cap) {
		int left = (int)(deadline - mstime_now());
		struct pollfd p = { .fd = child.out_fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) <= 0) {
			break;
		}
		ssize_t n = read(child.out_fd, buf + len, cap - len);
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
	}
	if (buf != NULL) {
		buf[len] = '\0';
		found = strstr(buf, want) != NULL;
	}
	free(buf);
	kill(-child.pid, SIGKILL);
	kill(child.pid, SIGKILL);
	while (waitpid(child.pid, NULL, 0) < 0 && errno == EINTR) {
	}
	spawn_child_close(&child);
	if (!found) {
		return errmsg_fail(err, errlen, "relay = rutabaga needs a QEMU with "
			"virtio-gpu-rutabaga, and '%s -device help' does not list it; use "
			"relay = waypipe", binary);
	}
	return true;
}

/* ---- configuration ---- */

static void vm_copy_free(struct config_domain_copy *c) {
	free(c->binary);
	free(c->root);
	strv_free(c->argv_kvm);
	strv_free(c->argv_tcg);
	*c = (struct config_domain_copy){0};
}

static bool vm_copy(struct qemu_vm *vm, const struct config_domain *cfg,
		struct config_domain_copy *c, char *err, size_t errlen) {
	*c = (struct config_domain_copy){0};
	struct stat st;
	c->root_is_dir = cfg->root != NULL && stat(cfg->root, &st) == 0 && S_ISDIR(st.st_mode);
	struct qemu_paths paths = {
		.socket = vm->socket_path, .qmp = vm->qmp_path, .agent = vm->agent_path,
		.virtiofs = vm->vfs_path,
	};
	struct qemu_choice kvm = { .kvm = true, .root_is_dir = c->root_is_dir };
	struct qemu_choice tcg = { .kvm = false, .root_is_dir = c->root_is_dir };
	c->argv_kvm = qemu_run_argv(cfg, &paths, &kvm, err, errlen);
	c->argv_tcg = c->argv_kvm ? qemu_run_argv(cfg, &paths, &tcg, err, errlen) : NULL;
	c->binary = strdup(qemu_binary(cfg));
	c->root = cfg->root ? strdup(cfg->root) : NULL;
	c->accel = cfg->accel;
	c->relay = cfg->relay;
	c->log_max = cfg->log_max;
	if (!c->argv_kvm || !c->argv_tcg) {
		vm_copy_free(c);
		return false;
	}
	if (!c->binary || (cfg->root && !c->root)) {
		vm_copy_free(c);
		return errmsg_fail(err, errlen, "out of memory");
	}
	return true;
}

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

static void app_error(struct qemu_app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void app_error(struct qemu_app *app, const char *fmt, ...) {
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vm_say(app->vm, SUPERVISOR_LOG_ERROR, "app: %s", msg);
	struct json_object *o = json_object_new_object();
	if (o != NULL) {
		json_object_object_add(o, "ok", json_object_new_boolean(0));
		json_object_object_add(o, "error", json_object_new_string(msg));
	}
	app_send(app, o);
	app_close_client(app);
}

static void app_unplug(struct qemu_app *app);

static void handle_unplug_reply(struct qmp *qmp, bool ok, struct json_object *ret,
		const char *error, void *data) {
	struct qemu_app *app = data;
	app->inflight--;
	if (!ok) {
		vm_say(app->vm, SUPERVISOR_LOG_ERROR, "freeing port %s%d: %s",
			QEMU_APP_PORT_PREFIX, app->slot, error ? error : "failed");
	}
	app_unplug(app);
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
	if (app->inflight > 0) {
		return; /* the reply in flight comes back here */
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

/* Tells cordonctl (if still there) and releases what the app holds. */
static void app_fail(struct qemu_app *app, const char *fmt, ...) {
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	app_error(app, "%s", msg);
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
	app->relay_sock = vm_path(vm->dir, file);
	char *log = vm_path(vm->dir, "relay.log");
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
	case APP_QUEUED:
	case APP_PLUG:
	case APP_RUNNING:
	case APP_UNPLUG:
		break;
	}
	return 0;
}

/* Validates cordonctl's request: argv a non-empty list of strings, env, cwd. */
static bool app_parse_request(struct qemu_app *app) {
	struct json_tokener *tok = json_tokener_new_ex(8);
	struct json_object *o = tok ? json_tokener_parse_ex(tok, app->body, (int)app->body_len) : NULL;
	bool whole = o != NULL && json_tokener_get_error(tok) == json_tokener_success &&
		(size_t)json_tokener_get_parse_end(tok) == app->body_len;
	if (tok) {
		json_tokener_free(tok);
	}
	struct json_object *argv;
	if (!whole || !json_object_is_type(o, json_type_object) ||
			!json_object_object_get_ex(o, "argv", &argv) ||
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
		struct qemu_vm *vm = app->vm;
		if (!vm->running) {
			app_error(app, "domain %s is not running", vm->name);
			app_free(app);
			return 0;
		}
		app->state = APP_QUEUED;
		if (vm->agent_ready) {
			app_go(app);
		}
		return 0;
	}
}

static int handle_listen(int fd, uint32_t mask, void *data) {
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

static void agent_close(struct qemu_vm *vm) {
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
		vm_say(vm, SUPERVISOR_LOG_ERROR, "the guest agent does not read; dropping a "
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
		vm_say(vm, SUPERVISOR_LOG_ERROR, "request too large for the agent link");
	}
	json_object_put(o);
}

static void agent_garbage(struct qemu_vm *vm, const char *what) {
	vm->garbage++;
	int64_t now = mstime_now();
	if (now - vm->garbage_logged_ms >= GARBAGE_LOG_MS) {
		vm->garbage_logged_ms = now;
		vm_say(vm, SUPERVISOR_LOG_ERROR, "agent link: %s (%u bad lines so far, dropped)",
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
		vm_say(vm, SUPERVISOR_LOG_INFO, "accel kvm: the guest agent answered");
	}
	vm_say(vm, SUPERVISOR_LOG_INFO, "guest agent ready");
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
	struct json_tokener *tok = json_tokener_new_ex(4);
	struct json_object *o = tok ? json_tokener_parse_ex(tok, line, (int)len) : NULL;
	bool whole = o != NULL && json_tokener_get_error(tok) == json_tokener_success &&
		(size_t)json_tokener_get_parse_end(tok) == len;
	if (tok) {
		json_tokener_free(tok);
	}
	if (!whole || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
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
			vm_say(vm, SUPERVISOR_LOG_INFO, "agent link closed");
			agent_close(vm);
			if (vm->running) {
				wl_event_source_timer_update(vm->agent_timer, AGENT_RETRY_MS);
			}
			return 0;
		}
		budget -= (size_t)n;
		size_t end = vm->agent_in_len + (size_t)n, start = 0;
		for (size_t i = vm->agent_in_len; i < end; i++) {
			if (vm->agent_in[i] != '\n') {
				continue;
			}
			if (!vm->agent_skipping) {
				agent_line(vm, vm->agent_in + start, i - start);
			}
			vm->agent_skipping = false;
			start = i + 1;
			if (vm->agent_fd < 0) {
				return 0;
			}
		}
		memmove(vm->agent_in, vm->agent_in + start, end - start);
		vm->agent_in_len = end - start;
		if (vm->agent_in_len == sizeof(vm->agent_in) - 1) {
			/* Overlong: drop it and everything up to the next newline. */
			agent_garbage(vm, "line longer than the protocol allows");
			vm->agent_in_len = 0;
			vm->agent_skipping = true;
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

static int handle_agent_timer(void *data) {
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
				agent_close(vm);
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

/* ---- QMP ---- */

/*
 * Something QEMU's run depends on failed. QEMU itself may be ending (a
 * killed QEMU closes QMP and virtiofsd before cordon hears of its exit),
 * which the restart policy handles; if it is still up after a grace
 * period, it is restarted.
 */
static void vm_grace_restart(struct qemu_vm *vm, const char *why) {
	if (!vm->running || vm->stop_seen) {
		return;
	}
	snprintf(vm->grace_why, sizeof(vm->grace_why), "%s", why);
	wl_event_source_timer_update(vm->grace_timer, QEMU_VM_GRACE_MS);
}

static int handle_grace_timer(void *data) {
	struct qemu_vm *vm = data;
	if (vm->running && !vm->stop_seen && vm->cb.restart) {
		vm_say(vm, SUPERVISOR_LOG_ERROR, "restarting QEMU: %s", vm->grace_why);
		vm->cb.restart(vm->cb.data);
	}
	return 0;
}

static void handle_qmp_closed(struct qmp *qmp, const char *why, void *data) {
	struct qemu_vm *vm = data;
	vm_say(vm, vm->running ? SUPERVISOR_LOG_ERROR : SUPERVISOR_LOG_DEBUG, "QMP: %s", why);
	/* A QEMU whose QMP misbehaves is not to be trusted with the guest either. */
	char msg[200];
	snprintf(msg, sizeof(msg), "its QMP failed (%s)", why);
	vm_grace_restart(vm, msg);
}

static void handle_qmp_ready(struct qmp *qmp, void *data) {
	struct qemu_vm *vm = data;
	vm_say(vm, SUPERVISOR_LOG_DEBUG, "QMP ready");
}

/* ---- lifecycle ---- */

static void vm_end_run(struct qemu_vm *vm, const char *why) {
	vm->running = false;
	wl_event_source_timer_update(vm->agent_timer, 0);
	wl_event_source_timer_update(vm->probe_timer, 0);
	wl_event_source_timer_update(vm->grace_timer, 0);
	agent_close(vm);
	qmp_destroy(vm->qmp);
	vm->qmp = NULL;
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
	if (vm->virtiofsd) {
		supervisor_stop(vm->virtiofsd);
	}
}

static int handle_probe_timer(void *data) {
	struct qemu_vm *vm = data;
	if (vm->running && vm->using_kvm && !vm->kvm_confirmed) {
		vm->kvm_bad = true;
		vm_say(vm, SUPERVISOR_LOG_ERROR, "accel auto: no answer from the guest agent "
			"within %d ms under KVM; restarting with TCG", QEMU_VM_KVM_PROBE_MS);
		if (vm->cb.restart) {
			vm->cb.restart(vm->cb.data);
		}
	}
	return 0;
}

void qemu_vm_state(struct qemu_vm *vm, enum supervisor_state state) {
	switch (state) {
	case SUPERVISOR_RUNNING: {
		vm->running = true;
		vm->stop_seen = false;
		vm->started_ms = mstime_now();
		struct qmp_callbacks cbs = {
			.ready = handle_qmp_ready, .closed = handle_qmp_closed, .data = vm,
		};
		vm->qmp = qmp_create(vm->loop, vm->qmp_path, QMP_TIMEOUT_MS, &cbs);
		if (vm->qmp == NULL) {
			vm_say(vm, SUPERVISOR_LOG_ERROR, "out of memory for QMP");
		}
		wl_event_source_timer_update(vm->agent_timer, AGENT_RETRY_MS);
		if (vm->using_kvm && !vm->kvm_confirmed && vm->c.accel == CONFIG_ACCEL_AUTO) {
			wl_event_source_timer_update(vm->probe_timer, QEMU_VM_KVM_PROBE_MS);
		}
		break;
	}
	case SUPERVISOR_STOPPING:
		vm->stop_seen = true;
		break;
	case SUPERVISOR_STOPPED:
	case SUPERVISOR_FAILED: {
		bool was_running = vm->running;
		bool unasked = was_running && !vm->stop_seen;
		vm_end_run(vm, state == SUPERVISOR_FAILED ? "failed" : "stopped");
		if (unasked && vm->using_kvm && !vm->kvm_confirmed &&
				vm->c.accel == CONFIG_ACCEL_AUTO && !vm->kvm_bad &&
				mstime_now() - vm->started_ms < QEMU_VM_KVM_PROBE_MS) {
			vm->kvm_bad = true;
			vm_say(vm, SUPERVISOR_LOG_ERROR, "accel auto: QEMU under KVM ended before "
				"its guest agent answered; starting again with TCG");
			if (vm->cb.restart) {
				vm->cb.restart(vm->cb.data);
			}
		}
		break;
	}
	case SUPERVISOR_STARTING:
		break;
	}
}

bool qemu_vm_powerdown(struct qemu_vm *vm) {
	vm->stop_seen = true;
	if (vm->qmp == NULL || !qmp_is_ready(vm->qmp)) {
		return false;
	}
	return qmp_command(vm->qmp, "system_powerdown", NULL, NULL, NULL);
}

static bool vm_use_kvm(struct qemu_vm *vm) {
	switch (vm->c.accel) {
	case CONFIG_ACCEL_KVM:
		return true;
	case CONFIG_ACCEL_TCG:
		return false;
	case CONFIG_ACCEL_AUTO:
		break;
	}
	if (vm->kvm_bad) {
		return false;
	}
	/* CORDON_QEMU_KVM_DEVICE: another device to probe, for tests. */
	const char *dev = getenv("CORDON_QEMU_KVM_DEVICE");
	int fd = open(dev && dev[0] ? dev : "/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		return false;
	}
	close(fd);
	return true;
}

char **qemu_vm_argv(struct qemu_vm *vm, char *err, size_t errlen) {
	vm->using_kvm = vm_use_kvm(vm);
	char **argv = strv_copy(vm->using_kvm ? vm->c.argv_kvm : vm->c.argv_tcg);
	if (argv == NULL) {
		errmsg_fail(err, errlen, "out of memory");
	}
	return argv;
}

static void handle_vfs_log(struct supervisor *sup, enum supervisor_log_level level,
		const char *msg, void *data) {
	struct qemu_vm *vm = data;
	if (level != SUPERVISOR_LOG_DEBUG && vm->cb.log) {
		vm->cb.log(level, msg, vm->cb.data);
	}
}

static void handle_vfs_state(struct supervisor *sup, enum supervisor_state state,
		void *data) {
	struct qemu_vm *vm = data;
	/* The guest's root is gone: the guest cannot go on. */
	if (state == SUPERVISOR_STOPPED || state == SUPERVISOR_FAILED) {
		char msg[200];
		snprintf(msg, sizeof(msg), "virtiofsd ended while the guest ran (%s)",
			supervisor_reason(sup));
		vm_grace_restart(vm, msg);
	}
}

static bool vm_remove_stale(const char *path, char *err, size_t errlen) {
	struct stat st;
	if (lstat(path, &st) == 0 && (!S_ISSOCK(st.st_mode) || unlink(path) < 0)) {
		return errmsg_fail(err, errlen, "cannot remove stale %s", path);
	}
	return true;
}

static bool vm_start_virtiofsd(struct qemu_vm *vm, char *err, size_t errlen) {
	char *bin = qemu_vm_find_virtiofsd();
	if (bin == NULL) {
		return errmsg_fail(err, errlen, "root %s is a directory, which needs "
			"virtiofsd, and it is neither in PATH nor in /usr/libexec", vm->c.root);
	}
	bool sandbox = vm_namespaces_work();
	if (!sandbox) {
		vm_say(vm, SUPERVISOR_LOG_INFO, "no user namespaces here: virtiofsd runs "
			"with --sandbox=none");
	}
	char **argv = qemu_virtiofsd_argv(bin, vm->vfs_path, vm->c.root, sandbox, err, errlen);
	free(bin);
	char *log = vm_path(vm->dir, "virtiofsd.log");
	if (argv == NULL || log == NULL) {
		strv_free(argv);
		free(log);
		return argv == NULL ? false : errmsg_fail(err, errlen, "out of memory");
	}
	char name[64];
	snprintf(name, sizeof(name), "%s virtiofsd", vm->name);
	struct supervisor_options opts = {
		.name = name, .argv = argv, .env = vm->env, .log_path = log,
		.restart = SUPERVISOR_RESTART_NO, .stop_timeout_ms = 3000,
		.log_max_bytes = vm->c.log_max,
	};
	bool ok;
	if (vm->virtiofsd == NULL) {
		struct supervisor_callbacks cbs = {
			.state = handle_vfs_state, .log = handle_vfs_log, .data = vm,
		};
		vm->virtiofsd = supervisor_create(vm->loop, &opts, &cbs);
		ok = vm->virtiofsd != NULL;
	} else {
		ok = supervisor_set_options(vm->virtiofsd, &opts);
	}
	strv_free(argv);
	free(log);
	if (!ok) {
		return errmsg_fail(err, errlen, "out of memory");
	}
	enum supervisor_state st = supervisor_state(vm->virtiofsd);
	if ((st == SUPERVISOR_STOPPED || st == SUPERVISOR_FAILED) &&
			!supervisor_start(vm->virtiofsd)) {
		return errmsg_fail(err, errlen, "cannot start virtiofsd: %s",
			supervisor_reason(vm->virtiofsd));
	}
	/* QEMU connects at start-up: the socket must be there (bounded wait). */
	int64_t deadline = mstime_now() + VIRTIOFSD_SOCKET_MS;
	struct stat sst;
	while (lstat(vm->vfs_path, &sst) < 0 || !S_ISSOCK(sst.st_mode)) {
		if (mstime_now() >= deadline) {
			return errmsg_fail(err, errlen, "virtiofsd made no socket at %s within "
				"%d ms", vm->vfs_path, VIRTIOFSD_SOCKET_MS);
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return true;
}

bool qemu_vm_prepare(struct qemu_vm *vm, char *err, size_t errlen) {
	if (!vm_remove_stale(vm->qmp_path, err, errlen) ||
			!vm_remove_stale(vm->agent_path, err, errlen)) {
		return false;
	}
	if (vm->listen_fd < 0) {
		struct stat bound;
		bool replaced;
		vm->listen_fd = sock_listen(vm->run_path, 16, &bound, &replaced, err, errlen);
		if (vm->listen_fd < 0) {
			return false;
		}
		vm->listen_source = wl_event_loop_add_fd(vm->loop, vm->listen_fd,
			WL_EVENT_READABLE, handle_listen, vm);
		if (vm->listen_source == NULL) {
			return errmsg_fail(err, errlen, "out of memory");
		}
	}
	if (vm->c.relay == CONFIG_RELAY_RUTABAGA &&
			!qemu_vm_has_rutabaga(vm->c.binary, err, errlen)) {
		return false;
	}
	if (vm->c.root_is_dir) {
		if (vm->virtiofsd == NULL || supervisor_state(vm->virtiofsd) == SUPERVISOR_STOPPED ||
				supervisor_state(vm->virtiofsd) == SUPERVISOR_FAILED) {
			if (!vm_remove_stale(vm->vfs_path, err, errlen)) {
				return false;
			}
		}
		if (!vm_start_virtiofsd(vm, err, errlen)) {
			return false;
		}
	}
	vm_say(vm, SUPERVISOR_LOG_INFO, "accel %s%s", vm->using_kvm ? "kvm" : "tcg",
		vm->c.accel == CONFIG_ACCEL_AUTO ? " (auto)" : "");
	return true;
}

const char *qemu_vm_agent_address(const struct qemu_vm *vm) {
	return vm->agent_address;
}

int qemu_vm_apps(const struct qemu_vm *vm) {
	int n = 0;
	for (int i = 1; i <= QEMU_APP_PORTS_MAX; i++) {
		n += vm->slots[i] != NULL;
	}
	return n;
}

bool qemu_vm_reconfigure(struct qemu_vm *vm, const struct config_domain *cfg,
		char *const *env, char *err, size_t errlen) {
	struct config_domain_copy c;
	char **e = strv_copy(env);
	if (e == NULL) {
		return errmsg_fail(err, errlen, "out of memory");
	}
	if (!vm_copy(vm, cfg, &c, err, errlen)) {
		strv_free(e);
		return false;
	}
	vm_copy_free(&vm->c);
	vm->c = c;
	strv_free(vm->env);
	vm->env = e;
	return true;
}

struct qemu_vm *qemu_vm_create(struct wl_event_loop *loop, const struct config_domain *cfg,
		const char *dir, const char *socket_path, char *const *env,
		const struct qemu_vm_callbacks *callbacks, char *err, size_t errlen) {
	struct qemu_vm *vm = calloc(1, sizeof(*vm));
	if (vm == NULL) {
		errmsg_fail(err, errlen, "out of memory");
		return NULL;
	}
	vm->loop = loop;
	vm->listen_fd = -1;
	vm->agent_fd = -1;
	vm->next_id = 1;
	wl_list_init(&vm->apps);
	if (callbacks) {
		vm->cb = *callbacks;
	}
	vm->name = strdup(cfg->name);
	vm->dir = strdup(dir);
	vm->socket_path = strdup(socket_path);
	vm->qmp_path = vm_path(dir, "qmp.sock");
	vm->agent_path = vm_path(dir, "agent.sock");
	vm->vfs_path = vm_path(dir, "virtiofs.sock");
	vm->run_path = vm_path(dir, "run.sock");
	if (vm->run_path && asprintf(&vm->agent_address, "unix:%s", vm->run_path) < 0) {
		vm->agent_address = NULL;
	}
	vm->agent_timer = wl_event_loop_add_timer(loop, handle_agent_timer, vm);
	vm->probe_timer = wl_event_loop_add_timer(loop, handle_probe_timer, vm);
	vm->grace_timer = wl_event_loop_add_timer(loop, handle_grace_timer, vm);
	if (!vm->name || !vm->dir || !vm->socket_path || !vm->qmp_path || !vm->agent_path ||
			!vm->vfs_path || !vm->run_path || !vm->agent_address || !vm->agent_timer ||
			!vm->probe_timer || !vm->grace_timer) {
		errmsg_fail(err, errlen, "out of memory");
		qemu_vm_destroy(vm);
		return NULL;
	}
	struct sockaddr_un sun;
	if (strlen(vm->run_path) >= sizeof(sun.sun_path) ||
			strlen(vm->qmp_path) >= sizeof(sun.sun_path) ||
			strlen(vm->vfs_path) >= sizeof(sun.sun_path)) {
		errmsg_fail(err, errlen, "domain %s: the sockets in %s would be longer than "
			"a Unix socket address allows", cfg->name, dir);
		qemu_vm_destroy(vm);
		return NULL;
	}
	if (!qemu_vm_reconfigure(vm, cfg, env, err, errlen)) {
		qemu_vm_destroy(vm);
		return NULL;
	}
	return vm;
}

void qemu_vm_destroy(struct qemu_vm *vm) {
	if (vm == NULL) {
		return;
	}
	vm->cb = (struct qemu_vm_callbacks){0};
	vm->running = false;
	struct qemu_app *app, *tmp;
	wl_list_for_each_safe(app, tmp, &vm->apps, link) {
		app_free(app);
	}
	agent_close(vm);
	qmp_destroy(vm->qmp);
	supervisor_destroy(vm->virtiofsd);
	if (vm->listen_source) {
		wl_event_source_remove(vm->listen_source);
	}
	if (vm->listen_fd >= 0) {
		close(vm->listen_fd);
		unlink(vm->run_path);
	}
	if (vm->agent_timer) {
		wl_event_source_remove(vm->agent_timer);
	}
	if (vm->probe_timer) {
		wl_event_source_remove(vm->probe_timer);
	}
	if (vm->grace_timer) {
		wl_event_source_remove(vm->grace_timer);
	}
	vm_copy_free(&vm->c);
	strv_free(vm->env);
	free(vm->name);
	free(vm->dir);
	free(vm->socket_path);
	free(vm->qmp_path);
	free(vm->agent_path);
	free(vm->vfs_path);
	free(vm->run_path);
	free(vm->agent_address);
	free(vm);
}
