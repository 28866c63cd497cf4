#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "vmm/agent/protocol.h"
#include "vmm/errmsg.h"
#include "vmm/command.h"
#include "vmm/console.h"
#include "vmm/crosvm.h"
#include "vmm/qemu.h"
#include "vmm/qemu_vm.h"
#include "vmm/spawn.h"
#include "common/strv.h"
#include "vmm/vmm.h"

#define DEFAULT_STOP_TIMEOUT_S 20

/* What a domain's config builds for the supervisor. */
struct built {
	char **argv;
	char **stop_argv;
	char **env;     /* changes, not a full environment */
	char *agent;
};

struct vmm {
	struct supervisor *sup;
	struct vmm_callbacks cb;
	enum config_domain_kind kind;
	char *name;
	char *socket_path;
	char *display;       /* the domain's X display, or NULL */
	char *dir;
	char *control;       /* crosvm control socket, kind crosvm */
	char *serial;        /* what crosvm writes its console to: the console's FIFO */
	struct vmm_console *console; /* kind crosvm */
	struct qemu_vm *qemu;        /* kind qemu */
	struct supervisor_options opts; /* as last given to the supervisor */
	char *log_path;
	struct built built;  /* what the config makes the supervisor run */
};

static char *path_join(const char *dir, const char *file) {
	char *p = NULL;
	return asprintf(&p, "%s/%s", dir, file) < 0 ? NULL : p;
}

char *vmm_default_agent(const struct config_domain *cfg) {
	if (cfg->agent && cfg->agent[0]) {
		return strdup(cfg->agent);
	}
	if (cfg->kind == CONFIG_DOMAIN_CROSVM && cfg->cid > 0) {
		char *a = NULL;
		return asprintf(&a, "vsock:%u:%d", (unsigned)cfg->cid, AGENT_PROTOCOL_PORT) < 0 ?
			NULL : a;
	}
	return NULL;
}

/* WAYLAND_DISPLAY and friends as a domain's children see them (see vmm.h). */
static char **env_changes(const char *name, const char *socket_path, const char *display) {
	struct strv changes = {0};
	strv_pushf(&changes, "WAYLAND_DISPLAY=%s", socket_path);
	strv_pushf(&changes, "CORDON_DOMAIN=%s", name);
	strv_push(&changes, "WAYLAND_SOCKET");
	/* The domain's own X server, never the host's. */
	if (display != NULL) {
		strv_pushf(&changes, "DISPLAY=%s", display);
	} else {
		strv_push(&changes, "DISPLAY");
	}
	return strv_finish(&changes);
}

char **vmm_child_env(const struct config_domain *cfg, const char *socket_path,
		const char *display) {
	char **c = env_changes(cfg->name, socket_path, display);
	if (!c) {
		return NULL;
	}
	char **env = spawn_build_env(NULL, c);
	strv_free(c);
	return env;
}

static enum supervisor_restart restart_policy(enum config_restart r) {
	switch (r) {
	case CONFIG_RESTART_NO:
		return SUPERVISOR_RESTART_NO;
	case CONFIG_RESTART_ON_FAILURE:
		return SUPERVISOR_RESTART_ON_FAILURE;
	case CONFIG_RESTART_ALWAYS:
		return SUPERVISOR_RESTART_ALWAYS;
	}
	return SUPERVISOR_RESTART_ON_FAILURE;
}

static void built_free(struct built *b) {
	strv_free(b->argv);
	strv_free(b->stop_argv);
	strv_free(b->env);
	free(b->agent);
	*b = (struct built){0};
}

static bool build(const struct vmm *v, const struct config_domain *cfg,
		struct built *b, char *err, size_t errlen) {
	*b = (struct built){0};
	if (cfg->kind == CONFIG_DOMAIN_CROSVM) {
		struct crosvm_paths paths = {
			.socket = v->socket_path, .control = v->control, .serial = v->serial,
		};
		b->argv = crosvm_run_argv(cfg, &paths, err, errlen);
		if (!b->argv) {
			return false;
		}
		b->stop_argv = crosvm_stop_argv(cfg, v->control, err, errlen);
		if (!b->stop_argv) {
			built_free(b);
			return false;
		}
	} else if (cfg->kind == CONFIG_DOMAIN_QEMU) {
		/* The command line is the qemu_vm's: it picks the accelerator. */
		b->argv = v->qemu ? qemu_vm_argv(v->qemu, err, errlen) : strv_new();
		if (!b->argv) {
			return false;
		}
	} else if (cfg->kind == CONFIG_DOMAIN_COMMAND) {
		if (!cfg->command || !cfg->command[0]) {
			return errmsg_fail(err, errlen, "domain %s: kind command needs a command",
				cfg->name);
		}
		struct command_vars vars = {
			.socket = v->socket_path, .display = v->display ? v->display : "",
			.dir = v->dir, .name = cfg->name,
		};
		b->argv = command_argv(cfg->command, &vars);
		if (!b->argv) {
			return errmsg_fail(err, errlen, "out of memory");
		}
	} else {
		return errmsg_fail(err, errlen, "domain %s is of kind %s: nothing to launch",
			cfg->name, config_kind_name(cfg->kind));
	}
	b->env = env_changes(cfg->name, v->socket_path, v->display);
	b->agent = cfg->kind == CONFIG_DOMAIN_QEMU ? (v->qemu ?
		strdup(qemu_vm_agent_address(v->qemu)) : NULL) : vmm_default_agent(cfg);
	bool want_agent = cfg->kind == CONFIG_DOMAIN_QEMU ? v->qemu != NULL :
		(cfg->agent && cfg->agent[0]) ||
		(cfg->kind == CONFIG_DOMAIN_CROSVM && cfg->cid > 0);
	if (!b->env || (want_agent && !b->agent)) {
		built_free(b);
		return errmsg_fail(err, errlen, "out of memory");
	}
	return true;
}

static struct supervisor_options options_for(const struct vmm *v,
		const struct config_domain *cfg) {
	int timeout_s = cfg->stop_timeout > 0 ? cfg->stop_timeout : DEFAULT_STOP_TIMEOUT_S;
	return (struct supervisor_options){
		.name = v->name,
		.argv = v->built.argv,
		.stop_argv = v->built.stop_argv,
		.env = v->built.env,
		.log_path = v->log_path,
		.log_max_bytes = cfg->log_max,
		.restart = restart_policy(cfg->restart),
		.stop_timeout_ms = timeout_s * 1000,
	};
}

/* mkdir -p with 0700, refusing a symlink or someone else's directory. */
static bool ensure_dir(const char *dir, char *err, size_t errlen) {
	char *copy = strdup(dir);
	if (!copy) {
		return errmsg_fail(err, errlen, "out of memory");
	}
	for (char *p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
				errmsg_fail(err, errlen, "cannot create %s: %s", copy, strerror(errno));
				free(copy);
				return false;
			}
			*p = saved;
			if (saved == '\0') {
				break;
			}
		}
	}
	free(copy);
	struct stat st;
	if (lstat(dir, &st) < 0) {
		return errmsg_fail(err, errlen, "%s: %s", dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != getuid()) {
		return errmsg_fail(err, errlen, "%s is not a directory owned by this user", dir);
	}
	return true;
}

static bool handle_prepare(struct supervisor *sup, void *data) {
	struct vmm *v = (struct vmm *)data;
	char err[512];
	if (!ensure_dir(v->dir, err, sizeof(err))) {
		if (v->cb.log) {
			v->cb.log(v, SUPERVISOR_LOG_ERROR, err, v->cb.data);
		}
		return false;
	}
	if (v->console != NULL && !vmm_console_open(v->console, err, sizeof(err))) {
		if (v->cb.log) {
			char msg[600];
			snprintf(msg, sizeof(msg), "%s: %s", v->name, err);
			v->cb.log(v, SUPERVISOR_LOG_ERROR, msg, v->cb.data);
		}
		return false;
	}
	if (v->qemu != NULL) {
		/* The accelerator may have changed (accel = auto fell back to TCG). */
		char **argv = qemu_vm_argv(v->qemu, err, sizeof(err));
		if (argv != NULL) {
			strv_free(v->built.argv);
			v->built.argv = argv;
			struct supervisor_options opts = v->opts;
			opts.argv = v->built.argv;
			supervisor_set_options(v->sup, &opts);
		}
		if (argv == NULL || !qemu_vm_prepare(v->qemu, err, sizeof(err))) {
			if (v->cb.log) {
				char msg[600];
				snprintf(msg, sizeof(msg), "%s: %s", v->name, err);
				v->cb.log(v, SUPERVISOR_LOG_ERROR, msg, v->cb.data);
			}
			return false;
		}
	}
	/* A crosvm killed earlier leaves its control socket; binding would fail. */
	struct stat st;
	if (v->control && lstat(v->control, &st) == 0) {
		if (!S_ISSOCK(st.st_mode) || unlink(v->control) < 0) {
			if (v->cb.log) {
				snprintf(err, sizeof(err), "%s: cannot remove stale %s",
					v->name, v->control);
				v->cb.log(v, SUPERVISOR_LOG_ERROR, err, v->cb.data);
			}
			return false;
		}
	}
	return true;
}

static void handle_state(struct supervisor *sup, enum supervisor_state state,
		void *data) {
	struct vmm *v = data;
	if (v->qemu != NULL) {
		qemu_vm_state(v->qemu, state);
	}
	if (v->cb.state) {
		v->cb.state(v, state, v->cb.data);
	}
}

static bool handle_stop(struct supervisor *sup, void *data) {
	struct vmm *v = data;
	return v->qemu != NULL && qemu_vm_powerdown(v->qemu);
}

static void handle_qemu_log(enum supervisor_log_level level, const char *msg, void *data) {
	struct vmm *v = data;
	if (v->cb.log) {
		v->cb.log(v, level, msg, v->cb.data);
	}
}

/* QEMU must start over (accel fallback, a broken QMP, virtiofsd gone). */
static void handle_qemu_restart(void *data) {
	struct vmm *v = data;
	supervisor_restart(v->sup);
}

static void handle_line(struct supervisor *sup, const char *stream,
		const char *line, void *data) {
	struct vmm *v = data;
	if (v->cb.line) {
		v->cb.line(v, stream, line, v->cb.data);
	}
}

static void handle_log(struct supervisor *sup, enum supervisor_log_level level,
		const char *msg, void *data) {
	struct vmm *v = data;
	if (v->cb.log) {
		v->cb.log(v, level, msg, v->cb.data);
	}
}

static void vmm_free(struct vmm *v) {
	supervisor_destroy(v->sup);
	qemu_vm_destroy(v->qemu);
	vmm_console_destroy(v->console);
	free(v->name);
	free(v->socket_path);
	free(v->display);
	free(v->dir);
	free(v->control);
	free(v->serial);
	free(v->log_path);
	built_free(&v->built);
	free(v);
}

struct vmm *vmm_create(struct wl_event_loop *loop, const struct config_domain *cfg,
		const char *socket_path, const char *display, const char *dir,
		const struct vmm_callbacks *callbacks, char *err, size_t errlen) {
	struct vmm *v = calloc(1, sizeof(*v));
	if (!v) {
		errmsg_fail(err, errlen, "out of memory");
		return NULL;
	}
	if (callbacks) {
		v->cb = *callbacks;
	}
	v->kind = cfg->kind;
	v->name = strdup(cfg->name);
	v->socket_path = strdup(socket_path);
	v->display = display ? strdup(display) : NULL;
	v->dir = strdup(dir);
	v->log_path = path_join(dir, "log");
	if (cfg->kind == CONFIG_DOMAIN_CROSVM) {
		v->control = path_join(dir, "crosvm.sock");
		v->console = vmm_console_create(loop, dir, cfg->log_max);
		v->serial = v->console ? strdup(vmm_console_fifo(v->console)) : NULL;
	}
	if (!v->name || !v->socket_path || !v->dir || !v->log_path ||
			(display != NULL && v->display == NULL) ||
			(cfg->kind == CONFIG_DOMAIN_CROSVM && (!v->control || !v->serial))) {
		errmsg_fail(err, errlen, "out of memory");
		vmm_free(v);
		return NULL;
	}
	if (cfg->kind == CONFIG_DOMAIN_QEMU) {
		char **env = env_changes(cfg->name, socket_path, display);
		const struct qemu_vm_callbacks qcb = {
			.log = handle_qemu_log, .restart = handle_qemu_restart, .data = v,
		};
		v->qemu = env ? qemu_vm_create(loop, cfg, dir, socket_path, env, &qcb, err,
			errlen) : NULL;
		if (env == NULL) {
			errmsg_fail(err, errlen, "out of memory");
		}
		strv_free(env);
		if (v->qemu == NULL) {
			vmm_free(v);
			return NULL;
		}
	}
	struct sockaddr_un sun;
	if (v->control && strlen(v->control) >= sizeof(sun.sun_path)) {
		errmsg_fail(err, errlen, "domain %s: control socket path %s is longer than "
			"a Unix socket address allows", cfg->name, v->control);
		vmm_free(v);
		return NULL;
	}
	struct built b;
	if (!build(v, cfg, &b, err, errlen)) {
		vmm_free(v);
		return NULL;
	}
	v->built = b;
	struct supervisor_options opts = options_for(v, cfg);
	v->opts = opts;
	struct supervisor_callbacks cbs = {
		.state = handle_state, .line = handle_line, .log = handle_log,
		.prepare = handle_prepare, .stop = handle_stop, .data = v,
	};
	v->sup = supervisor_create(loop, &opts, &cbs);
	if (!v->sup) {
		errmsg_fail(err, errlen, "out of memory");
		vmm_free(v);
		return NULL;
	}
	return v;
}

bool vmm_reconfigure(struct vmm *v, const struct config_domain *cfg,
		char *err, size_t errlen) {
	if (cfg->kind != v->kind || strcmp(cfg->name, v->name) != 0) {
		return errmsg_fail(err, errlen, "domain %s: kind or name changed; "
			"recreate the launcher", v->name);
	}
	if (v->qemu != NULL && !qemu_vm_reconfigure(v->qemu, cfg, v->built.env, err, errlen)) {
		return false;
	}
	struct built b;
	if (!build(v, cfg, &b, err, errlen)) {
		return false;
	}
	if (v->console != NULL) {
		vmm_console_set_max(v->console, cfg->log_max);
	}
	/* The supervisor copies; swap ours only once it accepted them. */
	struct built old = v->built;
	v->built = b;
	struct supervisor_options opts = options_for(v, cfg);
	if (!supervisor_set_options(v->sup, &opts)) {
		v->built = old;
		built_free(&b);
		return errmsg_fail(err, errlen, "out of memory");
	}
	v->opts = opts;
	built_free(&old);
	return true;
}

bool vmm_start(struct vmm *v) {
	return supervisor_start(v->sup);
}

void vmm_stop(struct vmm *v) {
	supervisor_stop(v->sup);
}

void vmm_restart(struct vmm *v) {
	supervisor_restart(v->sup);
}

enum supervisor_state vmm_state(const struct vmm *v) {
	return supervisor_state(v->sup);
}

pid_t vmm_pid(const struct vmm *v) {
	return supervisor_pid(v->sup);
}

int64_t vmm_uptime_ms(const struct vmm *v) {
	return supervisor_uptime_ms(v->sup);
}

int vmm_restarts(const struct vmm *v) {
	return supervisor_restarts(v->sup);
}

struct supervisor_exit vmm_last_exit(const struct vmm *v) {
	return supervisor_last_exit(v->sup);
}

const char *vmm_reason(const struct vmm *v) {
	return supervisor_reason(v->sup);
}

const char *vmm_name(const struct vmm *v) {
	return v->name;
}

const char *vmm_log_path(const struct vmm *v) {
	return v->log_path;
}

char *const *vmm_argv(const struct vmm *v) {
	return v->built.argv;
}

const char *vmm_agent_address(const struct vmm *v) {
	return v->built.agent;
}

void vmm_destroy(struct vmm *v) {
	if (v) {
		vmm_free(v);
	}
}

static bool readable_file(const char *what, const char *path, char *err,
		size_t errlen) {
	struct stat st;
	if (stat(path, &st) < 0) {
		return errmsg_fail(err, errlen, "%s %s: %s", what, path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		return errmsg_fail(err, errlen, "%s %s is not a file", what, path);
	}
	if (access(path, R_OK) < 0) {
		return errmsg_fail(err, errlen, "%s %s: %s", what, path, strerror(errno));
	}
	return true;
}

struct vmm_checker {
	vmm_check_report_fn report;
	void *data;
	enum vmm_check worst;
};

static void vmm_check_problem(struct vmm_checker *c, enum vmm_check severity,
		const char *msg) {
	if (severity > c->worst) {
		c->worst = severity;
	}
	if (c->report != NULL) {
		c->report(severity, msg, c->data);
	}
}

static void vmm_check_file(struct vmm_checker *c, const char *what, const char *path) {
	char msg[600];
	if (path != NULL && !readable_file(what, path, msg, sizeof(msg))) {
		vmm_check_problem(c, VMM_CHECK_WARNING, msg);
	}
}

/*
 * The program a command template runs first, when that can be told without
 * a shell: its first plain word, after any "exec". False for whatever a
 * shell would treat otherwise (an assignment, a builtin or keyword,
 * quoting, a substitution, a placeholder), which is then left unchecked.
 */
static bool vmm_first_program(const char *tmpl, char *out, size_t outlen) {
	static const char *const shell_words[] = {
		"cd", ".", ":", "eval", "set", "export", "unset", "command", "umask",
		"ulimit", "trap", "wait", "if", "for", "while", "until", "case", "{", "!",
	};
	const char *p = tmpl;
	for (;;) {
		p += strspn(p, " \t\n");
		size_t n = strcspn(p, " \t\n");
		if (n == 0 || n >= outlen) {
			return false;
		}
		memcpy(out, p, n);
		out[n] = '\0';
		p += n;
		if (strcmp(out, "exec") != 0) {
			break;
		}
	}
	if (strpbrk(out, "=$`'\"\\{}()[]<>|&;*?~#") != NULL) {
		return false;
	}
	for (size_t i = 0; i < sizeof(shell_words) / sizeof(shell_words[0]); i++) {
		if (strcmp(out, shell_words[i]) == 0) {
			return false;
		}
	}
	return true;
}

/* A warning when the template's program is not there to run. */
static void vmm_check_program(struct vmm_checker *c, const char *key, const char *tmpl) {
	char prog[256];
	if (tmpl == NULL || !vmm_first_program(tmpl, prog, sizeof(prog))) {
		return;
	}
	char *bin = spawn_find_program(prog, NULL);
	if (bin == NULL) {
		char msg[400];
		snprintf(msg, sizeof(msg), "%s runs '%s', which %s", key, prog,
			errno == EACCES ? "is not executable" : "is not found in PATH");
		vmm_check_problem(c, VMM_CHECK_WARNING, msg);
	}
	free(bin);
}

/* kind = qemu: the command line builds; QEMU, virtiofsd and the images are there. */
static void vmm_check_qemu(struct vmm_checker *c, const struct config_domain *cfg) {
	struct qemu_paths paths = {
		.socket = "/run/cordon/wayland-0", .qmp = "/run/cordon/qmp.sock",
		.agent = "/run/cordon/agent.sock", .virtiofs = "/run/cordon/virtiofs.sock",
	};
	struct stat st;
	struct qemu_choice choice = {
		.kvm = cfg->accel == CONFIG_ACCEL_KVM,
		.root_is_dir = cfg->root && stat(cfg->root, &st) == 0 && S_ISDIR(st.st_mode),
	};
	char msg[600];
	char **argv = qemu_run_argv(cfg, &paths, &choice, msg, sizeof(msg));
	if (!argv) {
		vmm_check_problem(c, VMM_CHECK_ERROR, msg);
		return;
	}
	strv_free(argv);
	char *bin = spawn_find_program(qemu_binary(cfg), NULL);
	if (!bin) {
		snprintf(msg, sizeof(msg), "qemu binary '%s' %s", qemu_binary(cfg),
			errno == EACCES ? "is not executable" : "not found in PATH");
		vmm_check_problem(c, VMM_CHECK_WARNING, msg);
	} else if (cfg->relay == CONFIG_RELAY_RUTABAGA &&
			!qemu_vm_has_rutabaga(bin, msg, sizeof(msg))) {
		vmm_check_problem(c, VMM_CHECK_ERROR, msg);
	}
	free(bin);
	if (cfg->relay == CONFIG_RELAY_WAYPIPE) {
		char *wp = spawn_find_program("waypipe", NULL);
		if (!wp) {
			vmm_check_problem(c, VMM_CHECK_WARNING, "relay = waypipe, and waypipe "
				"is not found in PATH");
		}
		free(wp);
	}
	vmm_check_file(c, "kernel", cfg->kernel);
	vmm_check_file(c, "initrd", cfg->initrd);
	if (choice.root_is_dir) {
		char *vfs = qemu_vm_find_virtiofsd();
		if (!vfs) {
			vmm_check_problem(c, VMM_CHECK_WARNING, "root is a directory, which "
				"needs virtiofsd, and it is not found");
		}
		free(vfs);
	} else {
		vmm_check_file(c, "root image", cfg->root);
	}
	for (size_t i = 0; i < cfg->n_disks; i++) {
		vmm_check_file(c, "disk", cfg->disks[i].path);
	}
}

enum vmm_check vmm_check(const struct config_domain *cfg,
		vmm_check_report_fn report, void *data) {
	struct vmm_checker c = { .report = report, .data = data };
	if (cfg->kind == CONFIG_DOMAIN_SOCKET) {
		return VMM_CHECK_OK;
	}
	if (cfg->kind == CONFIG_DOMAIN_COMMAND) {
		if (!cfg->command || !cfg->command[0]) {
			vmm_check_problem(&c, VMM_CHECK_ERROR, "kind command needs a command");
			return c.worst;
		}
		vmm_check_program(&c, "command", cfg->command);
		vmm_check_program(&c, "exec", cfg->exec);
		return c.worst;
	}
	if (cfg->kind == CONFIG_DOMAIN_QEMU) {
		vmm_check_qemu(&c, cfg);
		return c.worst;
	}
	/* Placeholder paths: only the config's part of the syntax is checked. */
	struct crosvm_paths paths = {
		.socket = "/run/cordon/wayland-0", .control = "/run/cordon/crosvm.sock",
		.serial = "/run/cordon/serial.log",
	};
	char msg[600];
	char **argv = crosvm_run_argv(cfg, &paths, msg, sizeof(msg));
	if (!argv) {
		vmm_check_problem(&c, VMM_CHECK_ERROR, msg);
		return c.worst;
	}
	strv_free(argv);
	char *bin = spawn_find_program(crosvm_binary(cfg), NULL);
	if (!bin) {
		snprintf(msg, sizeof(msg), "crosvm binary '%s' %s", crosvm_binary(cfg),
			errno == EACCES ? "is not executable" : "not found in PATH");
		vmm_check_problem(&c, VMM_CHECK_WARNING, msg);
	}
	free(bin);
	vmm_check_file(&c, "kernel", cfg->kernel);
	vmm_check_file(&c, "initrd", cfg->initrd);
	vmm_check_file(&c, "root image", cfg->root);
	for (size_t i = 0; i < cfg->n_disks; i++) {
		vmm_check_file(&c, "disk", cfg->disks[i].path);
	}
	for (size_t i = 0; i < cfg->n_shares; i++) {
		struct stat st;
		if (stat(cfg->shares[i].dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(msg, sizeof(msg), "share %s is not a directory",
				cfg->shares[i].dir);
			vmm_check_problem(&c, VMM_CHECK_WARNING, msg);
		}
	}
	return c.worst;
}

struct vmm_first_problem {
	const struct config_domain *cfg;
	char *err;
	size_t errlen;
	bool seen;
};

static void vmm_keep_first(enum vmm_check severity, const char *msg, void *data) {
	struct vmm_first_problem *first = data;
	if (!first->seen) {
		first->seen = true;
		errmsg_fail(first->err, first->errlen, "domain %s: %s", first->cfg->name, msg);
	}
}

bool vmm_validate(const struct config_domain *cfg, char *err, size_t errlen) {
	struct vmm_first_problem first = { .cfg = cfg, .err = err, .errlen = errlen };
	return vmm_check(cfg, vmm_keep_first, &first) == VMM_CHECK_OK;
}

char **vmm_exec_argv(const struct config_domain *cfg, const char *socket_path,
		const char *display, const char *dir, char *const *cmd) {
	if (!cfg->exec || !cfg->exec[0]) {
		return NULL;
	}
	struct command_vars vars = {
		.socket = socket_path, .display = display ? display : "", .dir = dir,
		.name = cfg->name, .cmd = cmd,
	};
	return command_argv(cfg->exec, &vars);
}
