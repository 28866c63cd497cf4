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
#include "vmm/qemu_vm_internal.h"
#include "vmm/qmp.h"
#include "vmm/spawn.h"

#define QMP_TIMEOUT_MS 10000
/* The virtiofs socket's backlog: one QEMU connects, once per start. */
#define VIRTIOFS_BACKLOG 2

/* How long QEMU gets to end by itself after its QMP or virtiofsd failed. */
#define QEMU_VM_GRACE_MS 2000

void qemu_vm_say(struct qemu_vm *vm, enum supervisor_log_level level,
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

char *qemu_vm_path(const char *dir, const char *file) {
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
		qemu_vm_say(vm, SUPERVISOR_LOG_ERROR, "restarting QEMU: %s", vm->grace_why);
		vm->cb.restart(vm->cb.data);
	}
	return 0;
}

static void handle_qmp_closed(struct qmp *qmp, const char *why, void *data) {
	struct qemu_vm *vm = data;
	qemu_vm_say(vm, vm->running ? SUPERVISOR_LOG_ERROR : SUPERVISOR_LOG_DEBUG, "QMP: %s", why);
	/* A QEMU whose QMP misbehaves is not to be trusted with the guest either. */
	char msg[200];
	snprintf(msg, sizeof(msg), "its QMP failed (%s)", why);
	vm_grace_restart(vm, msg);
}

static void handle_qmp_ready(struct qmp *qmp, void *data) {
	struct qemu_vm *vm = data;
	qemu_vm_say(vm, SUPERVISOR_LOG_DEBUG, "QMP ready");
}

/* ---- lifecycle ---- */

static void vm_end_run(struct qemu_vm *vm, const char *why) {
	vm->running = false;
	wl_event_source_timer_update(vm->agent_timer, 0);
	wl_event_source_timer_update(vm->probe_timer, 0);
	wl_event_source_timer_update(vm->grace_timer, 0);
	qemu_apps_close_link(vm);
	qmp_destroy(vm->qmp);
	vm->qmp = NULL;
	qemu_apps_end(vm, why);
	if (vm->virtiofsd) {
		supervisor_stop(vm->virtiofsd);
	}
}

static int handle_probe_timer(void *data) {
	struct qemu_vm *vm = data;
	if (vm->running && vm->using_kvm && !vm->kvm_confirmed) {
		vm->kvm_bad = true;
		qemu_vm_say(vm, SUPERVISOR_LOG_ERROR, "accel auto: no answer from the guest agent "
			"within %d ms under KVM; restarting with TCG", QEMU_VM_KVM_PROBE_MS);
		if (vm->cb.restart) {
			vm->cb.restart(vm->cb.data);
		}
	}
	return 0;
}

static void handle_qmp_event(struct qmp *qmp, const char *name, struct json_object *data_obj,
		void *data) {
	struct qemu_vm *vm = data;
	struct json_object *dev;
	if (name != NULL && strcmp(name, "DEVICE_DELETED") == 0 && data_obj != NULL &&
			json_object_object_get_ex(data_obj, "device", &dev) &&
			json_object_is_type(dev, json_type_string)) {
		qemu_apps_device_deleted(vm, json_object_get_string(dev));
	}
}

void qemu_vm_state(struct qemu_vm *vm, enum supervisor_state state) {
	switch (state) {
	case SUPERVISOR_RUNNING: {
		vm->running = true;
		vm->stop_seen = false;
		vm->started_ms = mstime_now();
		struct qmp_callbacks cbs = {
			.ready = handle_qmp_ready, .closed = handle_qmp_closed,
			.event = handle_qmp_event, .data = vm,
		};
		vm->qmp = qmp_create(vm->loop, vm->qmp_path, QMP_TIMEOUT_MS, &cbs);
		if (vm->qmp == NULL) {
			qemu_vm_say(vm, SUPERVISOR_LOG_ERROR, "out of memory for QMP");
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
			qemu_vm_say(vm, SUPERVISOR_LOG_ERROR, "accel auto: QEMU under KVM ended before "
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

/*
 * Nobody accepts on the virtiofs socket once its virtiofsd has ended: a
 * QEMU connecting then would wait in the backlog for good. Closed, the
 * connection is refused (or dropped) and the next start makes a new one.
 */
static void vm_close_virtiofs(struct qemu_vm *vm) {
	if (vm->vfs_fd >= 0) {
		close(vm->vfs_fd);
		vm->vfs_fd = -1;
		unlink(vm->vfs_path);
	}
}

static void handle_vfs_state(struct supervisor *sup, enum supervisor_state state,
		void *data) {
	struct qemu_vm *vm = data;
	/* The guest's root is gone: the guest cannot go on. */
	if (state == SUPERVISOR_STOPPED || state == SUPERVISOR_FAILED) {
		vm_close_virtiofs(vm);
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
		qemu_vm_say(vm, SUPERVISOR_LOG_INFO, "no user namespaces here: virtiofsd runs "
			"with --sandbox=none");
	}
	char **argv = qemu_virtiofsd_argv(bin, 3, vm->c.root, sandbox, err, errlen);
	free(bin);
	char *log = qemu_vm_path(vm->dir, "virtiofsd.log");
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
		.log_max_bytes = vm->c.log_max, .listen_fd = vm->vfs_fd,
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
	return true;
}

/*
 * A fresh listening socket for virtiofsd at vfs_path. QEMU connects to it
 * at start-up; the kernel queues that connection until virtiofsd accepts,
 * so nothing waits for virtiofsd to get going. Blocking: virtiofsd's
 * accept expects it, and cordon never accepts on it.
 */
static bool vm_listen_virtiofs(struct qemu_vm *vm, char *err, size_t errlen) {
	vm_close_virtiofs(vm);
	if (!vm_remove_stale(vm->vfs_path, err, errlen)) {
		return false;
	}
	struct stat bound;
	bool replaced;
	int fd = sock_listen(vm->vfs_path, VIRTIOFS_BACKLOG, &bound, &replaced, err, errlen);
	if (fd < 0) {
		return false;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		unlink(vm->vfs_path);
		return errmsg_fail(err, errlen, "virtiofs socket %s: %s", vm->vfs_path,
			strerror(e));
	}
	vm->vfs_fd = fd;
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
			WL_EVENT_READABLE, qemu_apps_handle_listen, vm);
		if (vm->listen_source == NULL) {
			return errmsg_fail(err, errlen, "out of memory");
		}
	}
	if (vm->c.relay == CONFIG_RELAY_RUTABAGA &&
			!qemu_vm_has_rutabaga(vm->c.binary, err, errlen)) {
		return false;
	}
	if (vm->c.root_is_dir) {
		/* A virtiofsd still up keeps its socket; a new one gets a fresh one,
		 * with no connection of an earlier QEMU left queued on it. */
		if (vm->virtiofsd == NULL || supervisor_state(vm->virtiofsd) == SUPERVISOR_STOPPED ||
				supervisor_state(vm->virtiofsd) == SUPERVISOR_FAILED || vm->vfs_fd < 0) {
			if (!vm_listen_virtiofs(vm, err, errlen)) {
				return false;
			}
		}
		if (!vm_start_virtiofsd(vm, err, errlen)) {
			return false;
		}
	}
	qemu_vm_say(vm, SUPERVISOR_LOG_INFO, "accel %s%s", vm->using_kvm ? "kvm" : "tcg",
		vm->c.accel == CONFIG_ACCEL_AUTO ? " (auto)" : "");
	return true;
}

const char *qemu_vm_agent_address(const struct qemu_vm *vm) {
	return vm->agent_address;
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
	vm->vfs_fd = -1;
	vm->agent_fd = -1;
	vm->next_id = 1;
	wl_list_init(&vm->apps);
	if (callbacks) {
		vm->cb = *callbacks;
	}
	vm->name = strdup(cfg->name);
	vm->dir = strdup(dir);
	vm->socket_path = strdup(socket_path);
	vm->qmp_path = qemu_vm_path(dir, "qmp.sock");
	vm->agent_path = qemu_vm_path(dir, "agent.sock");
	vm->vfs_path = qemu_vm_path(dir, "virtiofs.sock");
	vm->run_path = qemu_vm_path(dir, "run.sock");
	if (vm->run_path && asprintf(&vm->agent_address, "unix:%s", vm->run_path) < 0) {
		vm->agent_address = NULL;
	}
	vm->agent_timer = wl_event_loop_add_timer(loop, qemu_apps_handle_agent_timer, vm);
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
	qemu_apps_free_all(vm);
	qemu_apps_close_link(vm);
	qmp_destroy(vm->qmp);
	supervisor_destroy(vm->virtiofsd);
	vm_close_virtiofs(vm);
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
