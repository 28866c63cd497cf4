#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common/strv.h"
#include "vmm/errmsg.h"
#include "vmm/qemu.h"

#define QEMU_DEFAULT_MEM_MIB 2048
#define QEMU_DEFAULT_CPUS 2

const char *qemu_binary(const struct config_domain *cfg) {
	return cfg->qemu && cfg->qemu[0] ? cfg->qemu : QEMU_DEFAULT_BINARY;
}

/*
 * QEMU's option syntax splits values at ','; a literal comma is written
 * twice. A path must be absolute and free of newlines (it goes into logs
 * and error messages line by line).
 */
static bool qemu_check_path(const char *what, const char *path, char *err, size_t errlen) {
	if (path == NULL || path[0] != '/') {
		return errmsg_fail(err, errlen, "%s '%s' is not an absolute path", what,
			path ? path : "");
	}
	if (strchr(path, '\n') != NULL) {
		return errmsg_fail(err, errlen, "%s '%s' contains a newline", what, path);
	}
	return true;
}

/* path with every ',' doubled, as QEMU's option parser wants it. */
static char *qemu_opt_escape(const char *path) {
	size_t n = strlen(path), commas = 0;
	for (const char *p = path; *p; p++) {
		commas += *p == ',';
	}
	char *out = malloc(n + commas + 1);
	if (out == NULL) {
		return NULL;
	}
	char *o = out;
	for (const char *p = path; *p; p++) {
		*o++ = *p;
		if (*p == ',') {
			*o++ = ',';
		}
	}
	*o = '\0';
	return out;
}

/* Pushes FMT with one escaped path substituted for its single %s. */
static void qemu_push_path(struct strv *sv, const char *fmt, const char *path) {
	char *esc = qemu_opt_escape(path);
	if (esc == NULL) {
		sv->failed = true;
		return;
	}
	strv_pushf(sv, fmt, esc);
	free(esc);
}

static bool qemu_check(const struct config_domain *cfg, const struct qemu_paths *paths,
		char *err, size_t errlen) {
	if (cfg->kind != CONFIG_DOMAIN_QEMU) {
		return errmsg_fail(err, errlen, "domain %s is not of kind qemu", cfg->name);
	}
	if (cfg->kernel == NULL) {
		return errmsg_fail(err, errlen, "domain %s: no kernel configured", cfg->name);
	}
	if (!qemu_check_path("kernel", cfg->kernel, err, errlen) ||
			(cfg->initrd && !qemu_check_path("initrd", cfg->initrd, err, errlen)) ||
			(cfg->root && !qemu_check_path("root", cfg->root, err, errlen)) ||
			!qemu_check_path("QMP socket", paths->qmp, err, errlen) ||
			!qemu_check_path("agent socket", paths->agent, err, errlen) ||
			!qemu_check_path("virtiofs socket", paths->virtiofs, err, errlen) ||
			!qemu_check_path("wayland socket", paths->socket, err, errlen)) {
		return false;
	}
	for (size_t i = 0; i < cfg->n_disks; i++) {
		if (!qemu_check_path("disk", cfg->disks[i].path, err, errlen)) {
			return false;
		}
	}
	for (size_t i = 0; i < cfg->n_shares; i++) {
		if (!qemu_check_path("share", cfg->shares[i].dir, err, errlen)) {
			return false;
		}
	}
	if (cfg->params && strchr(cfg->params, '\n')) {
		return errmsg_fail(err, errlen, "params contains a newline");
	}
	return true;
}

char **qemu_run_argv(const struct config_domain *cfg, const struct qemu_paths *paths,
		const struct qemu_choice *choice, char *err, size_t errlen) {
	if (!qemu_check(cfg, paths, err, errlen)) {
		return NULL;
	}
	int mem = cfg->mem_mib > 0 ? cfg->mem_mib : QEMU_DEFAULT_MEM_MIB;
	struct strv sv = {0};
	strv_push(&sv, qemu_binary(cfg));
	strv_push(&sv, "-name");
	strv_pushf(&sv, "cordon-%s", cfg->name);
	strv_push(&sv, "-nodefaults");
	strv_push(&sv, "-no-user-config");
	strv_push(&sv, "-display");
	strv_push(&sv, "none");
	strv_push(&sv, "-no-reboot");
	strv_push(&sv, "-machine");
	strv_push(&sv, "q35,memory-backend=cordonmem");
	strv_push(&sv, "-accel");
	strv_push(&sv, choice->kvm ? "kvm" : "tcg");
	strv_push(&sv, "-cpu");
	strv_push(&sv, choice->kvm ? "host" : "max");
	strv_push(&sv, "-m");
	strv_pushf(&sv, "%d", mem);
	strv_push(&sv, "-smp");
	strv_pushf(&sv, "%d", cfg->cpus > 0 ? cfg->cpus : QEMU_DEFAULT_CPUS);
	strv_push(&sv, "-object");
	strv_pushf(&sv, "memory-backend-memfd,id=cordonmem,size=%dM,share=on", mem);
	strv_push(&sv, "-kernel");
	strv_push(&sv, cfg->kernel);
	if (cfg->initrd) {
		strv_push(&sv, "-initrd");
		strv_push(&sv, cfg->initrd);
	}
	const char *rootargs = cfg->root == NULL ? "" : choice->root_is_dir ?
		" rootfstype=virtiofs root=" QEMU_ROOT_TAG " ro" : " root=/dev/vda ro";
	strv_push(&sv, "-append");
	strv_pushf(&sv, "console=ttyS0 panic=-1%s%s%s", rootargs,
		cfg->params && cfg->params[0] ? " " : "", cfg->params ? cfg->params : "");
	/* The console on stdout: the supervisor logs it line by line. */
	strv_push(&sv, "-chardev");
	strv_push(&sv, "stdio,id=cordoncon,signal=off");
	strv_push(&sv, "-serial");
	strv_push(&sv, "chardev:cordoncon");
	strv_push(&sv, "-chardev");
	qemu_push_path(&sv, "socket,id=cordonqmp,path=%s,server=on,wait=off", paths->qmp);
	strv_push(&sv, "-mon");
	strv_push(&sv, "chardev=cordonqmp,mode=control");
	/* The root first, so a file root is /dev/vda. */
	if (cfg->root && choice->root_is_dir) {
		strv_push(&sv, "-chardev");
		qemu_push_path(&sv, "socket,id=cordonfs,path=%s", paths->virtiofs);
		strv_push(&sv, "-device");
		strv_push(&sv, "vhost-user-fs-pci,chardev=cordonfs,tag=" QEMU_ROOT_TAG);
	} else if (cfg->root) {
		strv_push(&sv, "-drive");
		qemu_push_path(&sv, "file=%s,if=none,id=cordonroot,format=raw,readonly=on",
			cfg->root);
		strv_push(&sv, "-device");
		strv_push(&sv, "virtio-blk-pci,drive=cordonroot");
	}
	for (size_t i = 0; i < cfg->n_disks; i++) {
		char *esc = qemu_opt_escape(cfg->disks[i].path);
		strv_push(&sv, "-drive");
		strv_pushf(&sv, "file=%s,if=none,id=cordondisk%zu,format=raw%s", esc ? esc : "",
			i, cfg->disks[i].ro ? ",readonly=on" : "");
		sv.failed |= esc == NULL;
		free(esc);
		strv_push(&sv, "-device");
		strv_pushf(&sv, "virtio-blk-pci,drive=cordondisk%zu", i);
	}
	/* Shares are 9p: no daemon per share (the guest mounts -t 9p -o trans=virtio). */
	for (size_t i = 0; i < cfg->n_shares; i++) {
		char *esc = qemu_opt_escape(cfg->shares[i].dir);
		strv_push(&sv, "-fsdev");
		strv_pushf(&sv, "local,id=cordonshare%zu,security_model=none,path=%s", i,
			esc ? esc : "");
		sv.failed |= esc == NULL;
		free(esc);
		strv_push(&sv, "-device");
		strv_pushf(&sv, "virtio-9p-pci,fsdev=cordonshare%zu,mount_tag=%s", i,
			cfg->shares[i].tag);
	}
	strv_push(&sv, "-device");
	strv_push(&sv, "virtio-serial-pci,id=cordonagent,max_ports=2");
	strv_push(&sv, "-chardev");
	qemu_push_path(&sv, "socket,id=cordonagentchr,path=%s,server=on,wait=off",
		paths->agent);
	strv_push(&sv, "-device");
	strv_push(&sv, "virtserialport,bus=cordonagent.0,nr=1,chardev=cordonagentchr,"
		"name=" QEMU_AGENT_PORT);
	if (cfg->relay == CONFIG_RELAY_RUTABAGA) {
		strv_push(&sv, "-device");
		qemu_push_path(&sv, "virtio-gpu-rutabaga,cross-domain=on,hostmem=256M,"
			"wayland-socket-path=%s", paths->socket);
	} else {
		strv_push(&sv, "-device");
		strv_pushf(&sv, "virtio-serial-pci,id=cordonwl,max_ports=%d",
			QEMU_APP_PORTS_MAX + 1);
	}
	char **argv = strv_finish(&sv);
	if (argv == NULL) {
		errmsg_fail(err, errlen, "out of memory building the QEMU command line");
	}
	return argv;
}

char **qemu_virtiofsd_argv(const char *binary, int fd, const char *root,
		bool sandbox, char *err, size_t errlen) {
	if (!qemu_check_path("root", root, err, errlen)) {
		return NULL;
	}
	struct strv sv = {0};
	strv_push(&sv, binary);
	strv_pushf(&sv, "--fd=%d", fd);
	strv_pushf(&sv, "--shared-dir=%s", root);
	strv_push(&sv, "--readonly");
	strv_push(&sv, "--cache=always");
	strv_pushf(&sv, "--sandbox=%s", sandbox ? "namespace" : "none");
	char **argv = strv_finish(&sv);
	if (argv == NULL) {
		errmsg_fail(err, errlen, "out of memory building the virtiofsd command line");
	}
	return argv;
}
