#ifndef CORDON_VMM_QEMU_H
#define CORDON_VMM_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include "config/config.h"
#include "vmm/agent/protocol.h"

/*
 * The QEMU and virtiofsd command lines of a kind = qemu domain, built purely
 * from the config and the paths given: no file system access, no PATH
 * lookup (the caller decides whether root is a directory and which
 * accelerator to use), so the result can be compared in a unit test.
 *
 * The contract with the guest image (docs/guests.md, "QEMU"):
 *   -kernel KERNEL [-initrd INITRD]
 *   -append "console=ttyS0 panic=-1 ROOTARGS PARAMS"
 *       ROOTARGS: directory root "rootfstype=virtiofs root=cordonroot ro"
 *                 file root      "root=/dev/vda ro"
 *   the guest console (ttyS0) on QEMU's stdout, so in the domain's log;
 *   memory from memory-backend-memfd,share=on (virtiofs needs shared memory);
 *   virtio-serial device "cordonagent" with the port named cordon.agent;
 *   virtio-serial device "cordonwl" holding up to 31 app ports cordon.wl.N
 *   (N = 1..31), hot-added over QMP;
 *   -no-reboot and panic=-1: a guest that reboots or panics ends QEMU.
 */

#define QEMU_DEFAULT_BINARY "qemu-system-x86_64"
#define QEMU_ROOT_TAG "cordonroot"
/* The port names the guest agent knows (protocol.h). */
#define QEMU_AGENT_PORT AGENT_PROTOCOL_SERIAL_PORT
#define QEMU_APP_PORT_PREFIX AGENT_PROTOCOL_RELAY_PREFIX
/* virtio-serial port 0 is reserved for a console: 31 of 32 carry apps. */
#define QEMU_APP_PORTS_MAX 31
#define QEMU_APP_BUS "cordonwl.0"

struct qemu_paths {
	const char *socket;    /* the domain's Wayland socket (relay = rutabaga) */
	const char *qmp;       /* QMP: QEMU listens */
	const char *agent;     /* the cordon.agent port: QEMU listens, cordon connects */
	const char *virtiofs;  /* virtiofsd's socket (directory root) */
};

struct qemu_choice {
	bool kvm;              /* else TCG */
	bool root_is_dir;      /* virtiofs root; else virtio-blk */
};

/* "qemu-system-x86_64 …"; NULL with a message in err (bad path, ENOMEM). */
char **qemu_run_argv(const struct config_domain *cfg, const struct qemu_paths *paths,
	const struct qemu_choice *choice, char *err, size_t errlen);

/*
 * "virtiofsd --fd=FD --shared-dir ROOT --readonly …" for a directory root:
 * virtiofsd serves on the listening socket it finds at fd FD.
 */
char **qemu_virtiofsd_argv(const char *binary, int fd, const char *root,
	bool sandbox, char *err, size_t errlen);

/* The binary the config names, or qemu-system-x86_64. */
const char *qemu_binary(const struct config_domain *cfg);

#endif
