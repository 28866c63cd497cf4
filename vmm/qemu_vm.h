#ifndef CORDON_VMM_QEMU_VM_H
#define CORDON_VMM_QEMU_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <wayland-server-core.h>
#include "config/config.h"
#include "vmm/supervisor.h"

/*
 * What a kind = qemu domain runs beside QEMU itself (which vmm.c supervises
 * like crosvm): virtiofsd for a directory root, the QMP connection, the
 * link to cordon-agent on the cordon.agent port, and the apps of
 * cordonctl run, each with its own hot-added cordon.wl.N port and a
 * supervised host-side `waypipe client`.
 *
 * Files in the domain directory DIR:
 *   qmp.sock       QMP (QEMU listens)
 *   agent.sock     the cordon.agent port (QEMU listens, cordon connects)
 *   virtiofs.sock  virtiofsd's vhost-user socket (directory root)
 *   run.sock       where cordonctl run asks for an app: cordon-agent's own
 *                  protocol (vmm/agent/protocol.h), one request per connection
 *   wl-N.sock      the host waypipe of app port N (N = 1..31)
 *   virtiofsd.log, relay.log
 *
 * accel = auto takes KVM when /dev/kvm can be opened, and falls back to TCG
 * for the rest of cordon's life the first time QEMU under KVM ends, or its
 * agent does not answer, within QEMU_VM_KVM_PROBE_MS of the start (a KVM
 * that cannot run the guest, e.g. a PVM host, makes stock kernels crash).
 * Which one was used goes to the log.
 */

#define QEMU_VM_KVM_PROBE_MS 30000

struct qemu_vm;

struct qemu_vm_callbacks {
	void (*log)(enum supervisor_log_level level, const char *msg, void *data);
	/* Restart QEMU with the new command line (after an accel fallback). */
	void (*restart)(void *data);
	void *data;
};

/* Nothing starts here; NULL with a message in err. */
struct qemu_vm *qemu_vm_create(struct wl_event_loop *loop, const struct config_domain *cfg,
	const char *dir, const char *socket_path, char *const *env,
	const struct qemu_vm_callbacks *callbacks, char *err, size_t errlen);
/* New config (reload): takes effect at the next start. */
bool qemu_vm_reconfigure(struct qemu_vm *vm, const struct config_domain *cfg,
	char *const *env, char *err, size_t errlen);
/* QEMU's command line for the next start (accel and root decided now). */
char **qemu_vm_argv(struct qemu_vm *vm, char *err, size_t errlen);
/* Before each QEMU start: stale sockets, virtiofsd, the rutabaga check. */
bool qemu_vm_prepare(struct qemu_vm *vm, char *err, size_t errlen);
/* QEMU's state changes (from the vmm's supervisor). */
void qemu_vm_state(struct qemu_vm *vm, enum supervisor_state state);
/* system_powerdown over QMP; false when QMP is not there to ask. */
bool qemu_vm_powerdown(struct qemu_vm *vm);
/* "unix:DIR/run.sock", for cordonctl run. */
const char *qemu_vm_agent_address(const struct qemu_vm *vm);
/* Kills virtiofsd and the relays (bounded wait) and frees. */
void qemu_vm_destroy(struct qemu_vm *vm);

/* Whether QEMU at binary lists virtio-gpu-rutabaga in -device help (bounded). */
bool qemu_vm_has_rutabaga(const char *binary, char *err, size_t errlen);
/* virtiofsd in PATH or where distributions put it; new string or NULL. */
char *qemu_vm_find_virtiofsd(void);

#endif
