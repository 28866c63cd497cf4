#ifndef CORDON_VMM_VMM_H
#define CORDON_VMM_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <wayland-server-core.h>
#include "config/config.h"
#include "vmm/supervisor.h"

/*
 * The VM / sandbox launcher of one domain of kind crosvm, qemu or command: what
 * the compositor calls. It builds the command line from the config, keeps
 * the domain's runtime files in its directory, and supervises the process
 * (see supervisor.h for the state machine and spawn.h for why no child can
 * outlive cordon).
 *
 * Files in DIR ($XDG_RUNTIME_DIR/cordon/NAME, created 0700 if missing):
 *   log          cordon's log of the process: its stdout/stderr and events
 *   crosvm.sock  crosvm's control socket (kind crosvm)
 *   console.fifo what crosvm writes the guest console to (kind crosvm)
 *   serial.log   the guest console as cordon read it (console.c), rotated to
 *                serial.log.1 past log-max like log
 *
 * Logging: this library does not link wlroots; everything it has to say
 * goes through vmm_callbacks.log (the compositor forwards it to wlr_log).
 *
 * Children get WAYLAND_DISPLAY set to the domain socket's absolute path,
 * CORDON_DOMAIN set to the name, and WAYLAND_SOCKET and DISPLAY removed, so
 * nothing they start can reach the host's (trusted) display by accident.
 */

struct vmm;

struct vmm_callbacks {
	/*
	 * Every state change. On a transition out of RUNNING or STOPPING (to
	 * STOPPED or FAILED) the process and all its descendants are gone:
	 * disconnect the domain's clients and emit the IPC event. vmm_reason()
	 * says why; vmm_last_exit() has the code or signal.
	 */
	void (*state)(struct vmm *vmm, enum supervisor_state state, void *data);
	/* One line of the process's output (already in the log file). */
	void (*line)(struct vmm *vmm, const char *stream, const char *line, void *data);
	/* The launcher's own messages, for wlr_log. */
	void (*log)(struct vmm *vmm, enum supervisor_log_level level,
		const char *msg, void *data);
	void *data;
};

/*
 * For a domain of kind crosvm or command. socket_path is the domain's
 * listening Wayland socket (bound by the compositor before any start); dir
 * is $XDG_RUNTIME_DIR/cordon/NAME. Copies what it needs from cfg: cfg may
 * be freed afterwards (see vmm_reconfigure for reloads). Returns NULL with a
 * message in err on an unusable config (e.g. no kernel) or ENOMEM. Starts
 * nothing; autostart is the caller's decision (cfg->autostart).
 */
struct vmm *vmm_create(struct wl_event_loop *loop, const struct config_domain *cfg,
	const char *socket_path, const char *display, const char *dir,
	const struct vmm_callbacks *callbacks, char *err, size_t errlen);

/* Takes a reloaded config; the new command line applies at the next start. */
bool vmm_reconfigure(struct vmm *vmm, const struct config_domain *cfg,
	char *err, size_t errlen);

/*
 * Start from STOPPED or FAILED. False when the process could not be
 * spawned (e.g. binary not found): the state is then FAILED and
 * vmm_reason() says why. The state callback runs before this returns.
 */
bool vmm_start(struct vmm *vmm);
/*
 * Asynchronous: crosvm stop CONTROL (crosvm), then SIGTERM to the process
 * group (at half the stop-timeout for crosvm, at once for command), then
 * SIGKILL to everything at stop-timeout. STOPPED arrives via the callback.
 */
void vmm_stop(struct vmm *vmm);
void vmm_restart(struct vmm *vmm);

enum supervisor_state vmm_state(const struct vmm *vmm);
pid_t vmm_pid(const struct vmm *vmm);              /* 0 when not running */
int64_t vmm_uptime_ms(const struct vmm *vmm);
int vmm_restarts(const struct vmm *vmm);
struct supervisor_exit vmm_last_exit(const struct vmm *vmm);
const char *vmm_reason(const struct vmm *vmm);
const char *vmm_name(const struct vmm *vmm);
const char *vmm_log_path(const struct vmm *vmm);
/* The command line of the next or current start (NULL-terminated). */
char *const *vmm_argv(const struct vmm *vmm);
/*
 * Where cordonctl run reaches the guest agent: the config's agent key, else
 * "vsock:CID:5100" when a cid is set; NULL when neither (kind command). For
 * kind qemu "unix:DIR/run.sock", served by cordon itself (qemu_vm.h).
 */
const char *vmm_agent_address(const struct vmm *vmm);

/*
 * Stops nothing gracefully: kills the process and every descendant
 * (SIGKILL), waits for them (bounded) and frees. For a clean exit call
 * vmm_stop() on every domain first and run the loop until each reports
 * STOPPED or FAILED (or the largest stop-timeout passed), then destroy.
 */
void vmm_destroy(struct vmm *vmm);

/*
 * Checks that a domain can start, for cordon --validate: the command line
 * builds (else an error), and what the host must provide is there (else a
 * warning: cordon runs without it and the domain fails only when started,
 * so a config written before the VM image or crosvm exists is not wrong):
 * the crosvm binary is found in PATH, the kernel, initrd and disk images
 * are readable files and shared directories exist; for kind command, the
 * program its command and exec templates start with, when that is a plain
 * word, is found in PATH. Each problem goes to
 * report, without the domain's name; returns the worst one found. Kind
 * socket always passes.
 */
enum vmm_check {
	VMM_CHECK_OK = 0,
	VMM_CHECK_WARNING,
	VMM_CHECK_ERROR,
};
typedef void (*vmm_check_report_fn)(enum vmm_check severity, const char *msg,
	void *data);
enum vmm_check vmm_check(const struct config_domain *cfg,
	vmm_check_report_fn report, void *data);

/* vmm_check with any problem, error or warning, as "domain NAME: …" in err. */
bool vmm_validate(const struct config_domain *cfg, char *err, size_t errlen);

/* The default agent address for cfg (see vmm_agent_address), new string or NULL. */
char *vmm_default_agent(const struct config_domain *cfg);

/*
 * For cordonctl run on a kind command domain: {"/bin/sh", "-c", exec
 * template with {cmd} {socket} {display} {dir} {name}}, or NULL (no exec key,
 * ENOMEM). display is the domain's X display, or NULL.
 */
char **vmm_exec_argv(const struct config_domain *cfg, const char *socket_path,
	const char *display, const char *dir, char *const *cmd);
/* cordon's environment as the domain's children see it (see above). */
char **vmm_child_env(const struct config_domain *cfg, const char *socket_path,
	const char *display);

#endif
