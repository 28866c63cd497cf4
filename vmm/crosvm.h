#ifndef CORDON_VMM_CROSVM_H
#define CORDON_VMM_CROSVM_H

#include <stddef.h>
#include "config/config.h"

/*
 * The crosvm command line, built purely from the config: no file system
 * access and no PATH lookup, so the result can be compared with a golden
 * file. Only crosvm's current syntax is emitted (key=value options); the
 * deprecated -r, --root, --rwdisk, --cid and --tap-name never are.
 */

#define CROSVM_DEFAULT_BINARY "crosvm"
#define CROSVM_DEFAULT_MEM_MIB 2048
#define CROSVM_DEFAULT_CPUS 2
#define CROSVM_DEFAULT_GPU "cross-domain"

struct crosvm_paths {
	const char *socket;   /* the domain's Wayland socket: --wayland-sock */
	const char *control;  /* crosvm's control socket: --socket */
	const char *serial;   /* the guest console log: --serial type=file */
};

/*
 * "crosvm run …" for a domain of kind crosvm. Returns a NULL-terminated
 * argv (free with strv_free), or NULL with a message in err: a missing or
 * relative path, a value crosvm's option syntax cannot carry, or ENOMEM.
 */
char **crosvm_run_argv(const struct config_domain *cfg,
	const struct crosvm_paths *paths, char *err, size_t errlen);

/* "crosvm stop CONTROL": asks the VM to shut down through its control socket. */
char **crosvm_stop_argv(const struct config_domain *cfg, const char *control,
	char *err, size_t errlen);

/* The binary the config names, or "crosvm". */
const char *crosvm_binary(const struct config_domain *cfg);

/*
 * Quotes a value for crosvm's key=value option syntax when it needs it
 * (empty, or containing , " ' [ ] or \). Returns a new string or NULL.
 */
char *crosvm_kv_quote(const char *value);

#endif
