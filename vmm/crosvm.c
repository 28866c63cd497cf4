#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmm/errmsg.h"
#include "vmm/crosvm.h"
#include "common/strv.h"

const char *crosvm_binary(const struct config_domain *cfg) {
	return cfg->crosvm && cfg->crosvm[0] ? cfg->crosvm : CROSVM_DEFAULT_BINARY;
}

char *crosvm_kv_quote(const char *value) {
	/*
	 * crosvm's key=value parser ends an unquoted value at ',' and refuses
	 * quotes and brackets in it; inside double quotes only " and \ need a
	 * backslash. Plain values stay unquoted so the command line reads as
	 * people write it.
	 */
	bool quote = value[0] == '\0' || strpbrk(value, ",\"'[]\\") != NULL;
	if (!quote) {
		return strdup(value);
	}
	size_t len = strlen(value);
	char *out = malloc(2 * len + 3);
	if (!out) {
		return NULL;
	}
	char *p = out;
	*p++ = '"';
	for (const char *s = value; *s; s++) {
		if (*s == '"' || *s == '\\') {
			*p++ = '\\';
		}
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

/*
 * Paths handed to crosvm must be absolute (crosvm runs in cordon's working
 * directory, which means nothing to the user) and must not start a new
 * option by looking like one.
 */
static bool check_path(const char *what, const char *path, char *err,
		size_t errlen) {
	if (!path || !path[0]) {
		return errmsg_fail(err, errlen, "%s: no path given", what);
	}
	if (path[0] != '/') {
		return errmsg_fail(err, errlen, "%s '%s' is not an absolute path", what, path);
	}
	if (strchr(path, '\n')) {
		return errmsg_fail(err, errlen, "%s '%s' contains a newline", what, path);
	}
	return true;
}

/* A name crosvm takes as a bare word: context types, tap names, tags. */
static bool check_word(const char *what, const char *word, const char *extra,
		char *err, size_t errlen) {
	if (!word || !word[0]) {
		return errmsg_fail(err, errlen, "%s is empty", what);
	}
	for (const char *s = word; *s; s++) {
		bool ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.' ||
			(extra && strchr(extra, *s));
		if (!ok) {
			return errmsg_fail(err, errlen, "%s '%s' contains '%c'", what, word, *s);
		}
	}
	return true;
}

static bool check_config(const struct config_domain *cfg,
		const struct crosvm_paths *paths, char *err, size_t errlen) {
	if (cfg->kind != CONFIG_DOMAIN_CROSVM) {
		return errmsg_fail(err, errlen, "domain %s is not of kind crosvm", cfg->name);
	}
	if (!cfg->kernel) {
		return errmsg_fail(err, errlen, "domain %s: no kernel configured", cfg->name);
	}
	if (!check_path("kernel", cfg->kernel, err, errlen) ||
			(cfg->initrd && !check_path("initrd", cfg->initrd, err, errlen)) ||
			(cfg->root && !check_path("root", cfg->root, err, errlen))) {
		return false;
	}
	for (size_t i = 0; i < cfg->n_disks; i++) {
		if (!check_path("disk", cfg->disks[i].path, err, errlen)) {
			return false;
		}
	}
	for (size_t i = 0; i < cfg->n_shares; i++) {
		const struct config_share *sh = &cfg->shares[i];
		if (!check_path("share", sh->dir, err, errlen)) {
			return false;
		}
		/* --shared-dir separates its fields with ':'. */
		if (strchr(sh->dir, ':')) {
			return errmsg_fail(err, errlen, "share '%s' contains ':', which crosvm "
				"--shared-dir cannot carry", sh->dir);
		}
		if (!check_word("share tag", sh->tag, NULL, err, errlen)) {
			return false;
		}
	}
	if (cfg->gpu && !check_word("gpu context types", cfg->gpu, ":", err, errlen)) {
		return false;
	}
	if (cfg->net && !check_word("net tap name", cfg->net, NULL, err, errlen)) {
		return false;
	}
	/* CIDs 0-2 are the hypervisor, local and host addresses. */
	if (cfg->cid != 0 && cfg->cid < 3) {
		return errmsg_fail(err, errlen, "cid %u is reserved (guest CIDs start at 3)",
			(unsigned)cfg->cid);
	}
	if (cfg->mem_mib < 0 || cfg->cpus < 0) {
		return errmsg_fail(err, errlen, "mem and cpus must be positive");
	}
	if (!check_path("wayland socket", paths->socket, err, errlen) ||
			!check_path("control socket", paths->control, err, errlen) ||
			!check_path("serial log", paths->serial, err, errlen)) {
		return false;
	}
	/* --wayland-sock is PATH[,name=NAME]: a comma would cut the path. */
	if (strchr(paths->socket, ',')) {
		return errmsg_fail(err, errlen, "wayland socket '%s' contains ',', which "
			"crosvm --wayland-sock cannot carry", paths->socket);
	}
	return true;
}

char **crosvm_run_argv(const struct config_domain *cfg,
		const struct crosvm_paths *paths, char *err, size_t errlen) {
	if (!check_config(cfg, paths, err, errlen)) {
		return NULL;
	}
	struct strv sv = {0};
	strv_push(&sv, crosvm_binary(cfg));
	strv_push(&sv, "run");
	strv_push(&sv, "--mem");
	strv_pushf(&sv, "%d", cfg->mem_mib > 0 ? cfg->mem_mib : CROSVM_DEFAULT_MEM_MIB);
	strv_push(&sv, "--cpus");
	strv_pushf(&sv, "%d", cfg->cpus > 0 ? cfg->cpus : CROSVM_DEFAULT_CPUS);
	if (cfg->root) {
		char *q = crosvm_kv_quote(cfg->root);
		strv_push(&sv, "--block");
		strv_pushf(&sv, "path=%s,root=true", q ? q : "");
		sv.failed |= !q;
		free(q);
	}
	for (size_t i = 0; i < cfg->n_disks; i++) {
		char *q = crosvm_kv_quote(cfg->disks[i].path);
		strv_push(&sv, "--block");
		strv_pushf(&sv, "path=%s%s", q ? q : "", cfg->disks[i].ro ? ",ro=true" : "");
		sv.failed |= !q;
		free(q);
	}
	if (cfg->initrd) {
		strv_push(&sv, "--initrd");
		strv_push(&sv, cfg->initrd);
	}
	if (cfg->params && cfg->params[0]) {
		strv_push(&sv, "-p");
		strv_push(&sv, cfg->params);
	}
	strv_push(&sv, "--gpu");
	strv_pushf(&sv, "context-types=%s",
		cfg->gpu && cfg->gpu[0] ? cfg->gpu : CROSVM_DEFAULT_GPU);
	strv_push(&sv, "--wayland-sock");
	strv_push(&sv, paths->socket);
	strv_push(&sv, "--socket");
	strv_push(&sv, paths->control);
	if (cfg->cid > 0) {
		strv_push(&sv, "--vsock");
		strv_pushf(&sv, "cid=%u", (unsigned)cfg->cid);
	}
	if (cfg->net && cfg->net[0]) {
		strv_push(&sv, "--net");
		strv_pushf(&sv, "tap-name=%s", cfg->net);
	}
	for (size_t i = 0; i < cfg->n_shares; i++) {
		strv_push(&sv, "--shared-dir");
		strv_pushf(&sv, "%s:%s:type=fs", cfg->shares[i].dir, cfg->shares[i].tag);
	}
	char *serial = crosvm_kv_quote(paths->serial);
	strv_push(&sv, "--serial");
	strv_pushf(&sv, "type=file,path=%s,hardware=virtio-console,console",
		serial ? serial : "");
	sv.failed |= !serial;
	free(serial);
	if (!cfg->sandbox) {
		strv_push(&sv, "--disable-sandbox");
	}
	for (char **a = cfg->args; a && *a; a++) {
		strv_push(&sv, *a);
	}
	strv_push(&sv, cfg->kernel);
	char **argv = strv_finish(&sv);
	if (!argv) {
		errmsg_fail(err, errlen, "out of memory building the crosvm command line");
	}
	return argv;
}

char **crosvm_stop_argv(const struct config_domain *cfg, const char *control,
		char *err, size_t errlen) {
	if (!check_path("control socket", control, err, errlen)) {
		return NULL;
	}
	struct strv sv = {0};
	strv_push(&sv, crosvm_binary(cfg));
	strv_push(&sv, "stop");
	strv_push(&sv, control);
	char **argv = strv_finish(&sv);
	if (!argv) {
		errmsg_fail(err, errlen, "out of memory building the crosvm stop command");
	}
	return argv;
}
