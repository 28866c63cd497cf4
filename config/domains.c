#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include "common/colour.h"
#include "common/strv.h"
#include "config/internal.h"
#include "vmm/agent/protocol.h"

#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)NULL)->sun_path)

enum {
	ON_SOCKET = 1 << CONFIG_DOMAIN_SOCKET,
	ON_COMMAND = 1 << CONFIG_DOMAIN_COMMAND,
	ON_CROSVM = 1 << CONFIG_DOMAIN_CROSVM,
	ON_QEMU = 1 << CONFIG_DOMAIN_QEMU,
	ON_VM = ON_CROSVM | ON_QEMU,
	ON_ALL = ON_SOCKET | ON_COMMAND | ON_CROSVM | ON_QEMU,
	ON_LAUNCHED = ON_COMMAND | ON_CROSVM | ON_QEMU,
};

static const struct config_name_value kind_names[] = {
	{ "socket", CONFIG_DOMAIN_SOCKET },
	{ "command", CONFIG_DOMAIN_COMMAND },
	{ "crosvm", CONFIG_DOMAIN_CROSVM },
	{ "qemu", CONFIG_DOMAIN_QEMU },
	{ NULL, 0 },
};

static const struct config_name_value fullscreen_names[] = {
	{ "edge", CONFIG_FULLSCREEN_EDGE },
	{ "allow", CONFIG_FULLSCREEN_ALLOW },
	{ "deny", CONFIG_FULLSCREEN_DENY },
	{ NULL, 0 },
};

static const struct config_name_value restart_names[] = {
	{ "no", CONFIG_RESTART_NO },
	{ "on-failure", CONFIG_RESTART_ON_FAILURE },
	{ "always", CONFIG_RESTART_ALWAYS },
	{ NULL, 0 },
};

const struct config_name_value config_xwayland_names[] = {
	{ "no", CONFIG_XWAYLAND_NO },
	{ "lazy", CONFIG_XWAYLAND_LAZY },
	{ "yes", CONFIG_XWAYLAND_YES },
	{ NULL, 0 },
};

/* A per-client (client_max) or per-domain (domain_max) cap on one kind of object. */
#define OBJECT_MAX(key, table, kind) \
	CONFIG_INT(key, struct config_domain, table[kind], 1, 1 << 20)

/* Every key of [domain NAME]: the kinds it applies to, and its field unless custom. */
static const struct domain_key {
	struct config_field field;  /* CONFIG_FIELD_CUSTOM: read by parse_key */
	unsigned kinds;
	bool repeatable;
} domain_keys[] = {
	{ CONFIG_COLOR("color", struct config_domain, color), ON_ALL, false },
	{ CONFIG_CUSTOM("kind"), ON_ALL, false },
	{ CONFIG_CUSTOM("socket"), ON_ALL, false },
	{ CONFIG_INT("max-clients", struct config_domain, max_clients, 1, 4096), ON_ALL, false },
	{ CONFIG_INT("max-windows", struct config_domain, max_windows, 1, 65536), ON_ALL, false },
	{ OBJECT_MAX("max-surfaces", client_max, CONFIG_OBJ_SURFACE), ON_ALL, false },
	{ OBJECT_MAX("max-subsurfaces", client_max, CONFIG_OBJ_SUBSURFACE), ON_ALL, false },
	{ OBJECT_MAX("max-popups", client_max, CONFIG_OBJ_POPUP), ON_ALL, false },
	{ OBJECT_MAX("max-regions", client_max, CONFIG_OBJ_REGION), ON_ALL, false },
	{ OBJECT_MAX("domain-max-surfaces", domain_max, CONFIG_OBJ_SURFACE), ON_ALL, false },
	{ OBJECT_MAX("domain-max-subsurfaces", domain_max, CONFIG_OBJ_SUBSURFACE), ON_ALL, false },
	{ OBJECT_MAX("domain-max-popups", domain_max, CONFIG_OBJ_POPUP), ON_ALL, false },
	{ OBJECT_MAX("domain-max-regions", domain_max, CONFIG_OBJ_REGION), ON_ALL, false },
	{ CONFIG_ENUM("fullscreen", struct config_domain, fullscreen, fullscreen_names), ON_ALL, false },
	{ CONFIG_CUSTOM("protocols"), ON_ALL, false },
	{ CONFIG_ENUM("xwayland", struct config_domain, xwayland, config_xwayland_names), ON_ALL, false },
	{ CONFIG_BOOL("idle-inhibit", struct config_domain, idle_inhibit), ON_ALL, false },
	{ CONFIG_CUSTOM("paste-from"), ON_ALL, false },
	{ CONFIG_CUSTOM("copy-to"), ON_ALL, false },
	{ CONFIG_CUSTOM("trust"), ON_ALL, false },
	{ CONFIG_CUSTOM("pattern"), ON_ALL, false },
	{ CONFIG_CUSTOM("badge"), ON_ALL, false },
	{ CONFIG_CUSTOM("command"), ON_COMMAND, false },
	{ CONFIG_CUSTOM("exec"), ON_COMMAND, false },
	{ CONFIG_STRING("crosvm", struct config_domain, crosvm), ON_CROSVM, false },
	{ CONFIG_STRING("kernel", struct config_domain, kernel), ON_VM, false },
	{ CONFIG_STRING("initrd", struct config_domain, initrd), ON_VM, false },
	{ CONFIG_STRING("root", struct config_domain, root), ON_VM, false },
	{ CONFIG_CUSTOM("disk"), ON_VM, true },
	{ CONFIG_INT("mem", struct config_domain, mem_mib, 64, 1048576), ON_VM, false },
	{ CONFIG_INT("cpus", struct config_domain, cpus, 1, 256), ON_VM, false },
	{ CONFIG_STRING("params", struct config_domain, params), ON_VM, false },
	{ CONFIG_CUSTOM("share"), ON_VM, true },
	{ CONFIG_CUSTOM("net"), ON_CROSVM, false },
	{ CONFIG_CUSTOM("cid"), ON_CROSVM, false },
	{ CONFIG_STRING("gpu", struct config_domain, gpu), ON_CROSVM, false },
	{ CONFIG_BOOL("sandbox", struct config_domain, sandbox), ON_CROSVM, false },
	{ CONFIG_CUSTOM("args"), ON_CROSVM, false },
	{ CONFIG_BOOL("console-window", struct config_domain, console_window), ON_CROSVM, false },
	{ CONFIG_CUSTOM("qemu"), ON_QEMU, false },
	{ CONFIG_CUSTOM("accel"), ON_QEMU, false },
	{ CONFIG_CUSTOM("relay"), ON_QEMU, false },
	{ CONFIG_CUSTOM("agent"), ON_LAUNCHED, false },
	{ CONFIG_BOOL("autostart", struct config_domain, autostart), ON_LAUNCHED, false },
	{ CONFIG_ENUM("restart", struct config_domain, restart, restart_names), ON_LAUNCHED, false },
	{ CONFIG_INT("stop-timeout", struct config_domain, stop_timeout, 1, 3600), ON_LAUNCHED, false },
	{ CONFIG_CUSTOM("log-max"), ON_LAUNCHED, false },
	{ CONFIG_CUSTOM("apps"), ON_LAUNCHED, false },
};

static const char *const object_names[CONFIG_OBJ_COUNT] = {
	[CONFIG_OBJ_SURFACE] = "surfaces",
	[CONFIG_OBJ_SUBSURFACE] = "subsurfaces",
	[CONFIG_OBJ_POPUP] = "popups",
	[CONFIG_OBJ_REGION] = "regions",
};

const char *config_object_name(enum config_object_kind kind) {
	return kind < CONFIG_OBJ_COUNT ? object_names[kind] : "objects";
}

void config_object_defaults(int client_max[CONFIG_OBJ_COUNT],
		int domain_max[CONFIG_OBJ_COUNT]) {
	client_max[CONFIG_OBJ_SURFACE] = CONFIG_DEFAULT_CLIENT_MAX_SURFACES;
	client_max[CONFIG_OBJ_SUBSURFACE] = CONFIG_DEFAULT_CLIENT_MAX_SUBSURFACES;
	client_max[CONFIG_OBJ_POPUP] = CONFIG_DEFAULT_CLIENT_MAX_POPUPS;
	client_max[CONFIG_OBJ_REGION] = CONFIG_DEFAULT_CLIENT_MAX_REGIONS;
	domain_max[CONFIG_OBJ_SURFACE] = CONFIG_DEFAULT_DOMAIN_MAX_SURFACES;
	domain_max[CONFIG_OBJ_SUBSURFACE] = CONFIG_DEFAULT_DOMAIN_MAX_SUBSURFACES;
	domain_max[CONFIG_OBJ_POPUP] = CONFIG_DEFAULT_DOMAIN_MAX_POPUPS;
	domain_max[CONFIG_OBJ_REGION] = CONFIG_DEFAULT_DOMAIN_MAX_REGIONS;
}

enum config_xwayland config_domain_xwayland(const struct config_domain *cfg) {
	if (cfg == NULL) {
		return CONFIG_XWAYLAND_NO;
	}
	if (cfg->xwayland != CONFIG_XWAYLAND_DEFAULT) {
		return cfg->xwayland;
	}
	return cfg->kind == CONFIG_DOMAIN_CROSVM || cfg->kind == CONFIG_DOMAIN_QEMU ?
		CONFIG_XWAYLAND_NO : CONFIG_XWAYLAND_LAZY;
}

static void free_rules(struct wl_list *rules) {
	struct config_clip_rule *rule, *tmp;
	wl_list_for_each_safe(rule, tmp, rules, link) {
		wl_list_remove(&rule->link);
		free(rule->other);
		free(rule);
	}
}

void config_domain_free(struct config_domain *d) {
	free(d->name);
	free(d->file);
	free(d->socket);
	strv_free(d->protocols);
	free_rules(&d->paste_from_rules);
	free_rules(&d->copy_to_rules);
	free(d->command);
	free(d->exec);
	free(d->crosvm);
	free(d->kernel);
	free(d->initrd);
	free(d->root);
	for (size_t i = 0; i < d->n_disks; i++) {
		free(d->disks[i].path);
	}
	free(d->disks);
	free(d->params);
	for (size_t i = 0; i < d->n_shares; i++) {
		free(d->shares[i].dir);
		free(d->shares[i].tag);
	}
	free(d->shares);
	free(d->net);
	free(d->gpu);
	strv_free(d->args);
	free(d->agent);
	free(d->qemu);
	strv_free(d->apps);
	free(d);
}

static struct config_domain *domain_new(const char *name, const char *file,
		int line) {
	struct config_domain *d = calloc(1, sizeof(*d));
	if (d == NULL) {
		return NULL;
	}
	wl_list_init(&d->paste_from_rules);
	wl_list_init(&d->copy_to_rules);
	d->name = strdup(name);
	d->file = strdup(file);
	d->line = line;
	d->color = COLOUR_DEFAULT;
	d->kind = CONFIG_DOMAIN_SOCKET;
	d->max_clients = CONFIG_DEFAULT_MAX_CLIENTS;
	d->max_windows = CONFIG_DEFAULT_MAX_WINDOWS;
	config_object_defaults(d->client_max, d->domain_max);
	d->fullscreen = CONFIG_FULLSCREEN_EDGE;
	d->protocols = strv_new();
	d->idle_inhibit = true;
	d->trust = CONFIG_TRUST_DEFAULT;
	d->crosvm = strdup("crosvm");
	d->mem_mib = 2048;
	d->cpus = 2;
	d->gpu = strdup("cross-domain");
	d->sandbox = true;
	d->args = strv_new();
	d->console_window = true;
	d->restart = CONFIG_RESTART_ON_FAILURE;
	d->stop_timeout = 20;
	d->log_max = CONFIG_DEFAULT_LOG_MAX;
	d->apps = strv_new();
	if (d->name == NULL || d->file == NULL || d->protocols == NULL ||
			d->crosvm == NULL || d->gpu == NULL || d->args == NULL ||
			d->apps == NULL) {
		config_domain_free(d);
		return NULL;
	}
	return d;
}

static const char *kinds_text(unsigned kinds) {
	switch (kinds) {
	case ON_COMMAND: return "kind = command";
	case ON_CROSVM: return "kind = crosvm";
	case ON_QEMU: return "kind = qemu";
	case ON_VM: return "kind = crosvm or kind = qemu";
	case ON_LAUNCHED: return "kind = command, crosvm or qemu";
	}
	return "every kind";
}

static bool is_interface_name(const char *s) {
	if (!(*s >= 'a' && *s <= 'z')) {
		return false;
	}
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) {
			return false;
		}
	}
	return true;
}

static bool is_socket_path(const char *path) {
	return path[0] == '/' && strlen(path) < SUN_PATH_SIZE;
}

static void check_socket_path(const struct config_item *it, const char *path) {
	if (path[0] != '/') {
		config_item_error(it, "'%s' is not an absolute path", path);
	} else if (strlen(path) >= SUN_PATH_SIZE) {
		config_item_error(it, "'%s' is %zu bytes long; a Unix socket path "
			"must be shorter than %zu", path, strlen(path), SUN_PATH_SIZE);
	}
}

/*
 * Only {identifier} is a substitution, and it must be one the template
 * knows: a typo would otherwise reach the sandbox launcher verbatim. Other
 * braces are plain text.
 */
static bool check_template(const struct config_item *it,
		const char *const *allowed, const char *allowed_text) {
	bool ok = true;
	for (const char *s = it->e->value; (s = strchr(s, '{')) != NULL; s++) {
		size_t len = 0;
		while (isalnum((unsigned char)s[1 + len]) || s[1 + len] == '_') {
			len++;
		}
		if (len == 0 || s[1 + len] != '}') {
			continue;
		}
		bool known = false;
		for (const char *const *a = allowed; *a; a++) {
			known = known || (strlen(*a) == len && strncmp(*a, s + 1, len) == 0);
		}
		if (!known) {
			config_item_error(it, "unknown substitution '{%.*s}' (allowed: "
				"%s)", (int)len, s + 1, allowed_text);
			ok = false;
		}
	}
	return ok;
}

static bool is_vsock_address(const char *addr) {
	const char *colon = strchr(addr, ':');
	if (colon == NULL) {
		return false;
	}
	char *cid = strndup(addr, (size_t)(colon - addr));
	long long c, port;
	bool overflow, ok = cid != NULL &&
		config_str_to_ll(cid, &c, &overflow) && !overflow &&
		c >= 3 && c <= 0xfffffffe &&
		config_str_to_ll(colon + 1, &port, &overflow) && !overflow &&
		port >= 1 && port <= 0xffffffff;
	free(cid);
	return ok;
}

static void parse_agent(const struct config_item *it, struct config_domain *d) {
	const char *v = it->e->value;
	bool ok = (strncmp(v, "vsock:", 6) == 0 && is_vsock_address(v + 6)) ||
		(strncmp(v, "unix:", 5) == 0 && is_socket_path(v + 5));
	if (!ok) {
		config_item_error(it, "bad agent address '%s' (expected vsock:CID:PORT "
			"with CID 3 to 4294967294, or unix:PATH with an absolute path "
			"shorter than %zu bytes)", v, SUN_PATH_SIZE);
		return;
	}
	config_val_string(it, &d->agent);
}

static void parse_disk(const struct config_item *it, struct config_domain *d) {
	const char *v = it->e->value;
	const char *comma = strchr(v, ',');
	size_t len = comma ? (size_t)(comma - v) : strlen(v);
	if (len == 0 || (comma != NULL && strcmp(comma, ",ro") != 0)) {
		config_item_error(it, "bad disk '%s' (expected PATH or PATH,ro)", v);
		return;
	}
	struct config_disk *grown =
		realloc(d->disks, (d->n_disks + 1) * sizeof(*grown));
	if (grown == NULL) {
		config_note_oom(it->p);
		return;
	}
	d->disks = grown;
	char *path = strndup(v, len);
	if (path == NULL) {
		config_note_oom(it->p);
		return;
	}
	d->disks[d->n_disks++] = (struct config_disk){ path, comma != NULL };
}

static void parse_share(const struct config_item *it, struct config_domain *d) {
	const char *v = it->e->value;
	const char *colon = strchr(v, ':');
	if (colon == NULL || v[0] != '/' || colon[1] == '\0' ||
			strpbrk(colon + 1, ":, \t") != NULL || strchr(v, ',') != NULL) {
		config_item_error(it, "bad share '%s' (expected HOSTDIR:TAG with an "
			"absolute HOSTDIR and a TAG without ':', ',' or blanks)", v);
		return;
	}
	struct config_share *grown =
		realloc(d->shares, (d->n_shares + 1) * sizeof(*grown));
	if (grown == NULL) {
		config_note_oom(it->p);
		return;
	}
	d->shares = grown;
	struct config_share share = {
		.dir = strndup(v, (size_t)(colon - v)),
		.tag = strdup(colon + 1),
	};
	if (share.dir == NULL || share.tag == NULL) {
		free(share.dir);
		free(share.tag);
		config_note_oom(it->p);
		return;
	}
	d->shares[d->n_shares++] = share;
}

static void parse_net(const struct config_item *it, struct config_domain *d) {
	const char *v = it->e->value;
	/* IFNAMSIZ is 16 with the NUL. */
	if (strlen(v) < 1 || strlen(v) > 15 || strpbrk(v, "/ \t:") != NULL) {
		config_item_error(it, "bad tap interface name '%s' (expected 1 to "
			"15 characters without '/', ':' or blanks)", v);
		return;
	}
	config_val_string(it, &d->net);
}

static void parse_args(const struct config_item *it, struct config_domain *d) {
	const char *err;
	char **args = config_shell_split(it->e->value, &err);
	if (args == NULL) {
		if (err != NULL) {
			config_item_error(it, "%s in '%s'", err, it->e->value);
		} else {
			config_note_oom(it->p);
		}
		return;
	}
	strv_free(d->args);
	d->args = args;
}

static bool is_app_name(const char *s) {
	for (; *s; s++) {
		if (iscntrl((unsigned char)*s)) {
			return false;
		}
	}
	return true;
}

static void parse_rule(const struct config_item *it, struct config_domain *d,
		const char *other, struct wl_list *rules) {
	if (strcmp(other, "host") != 0 && !config_is_domain_name(other)) {
		config_item_error(it, "bad domain name '%s' after the dot (expected "
			"a domain of this file or host)", other);
		return;
	}
	if (strcmp(other, d->name) == 0) {
		config_item_error(it, "names this domain itself; pastes within a "
			"domain are never checked");
		return;
	}
	int policy;
	if (!config_val_enum(it, config_clip_policy_names, &policy)) {
		return;
	}
	struct config_clip_rule *rule = calloc(1, sizeof(*rule));
	if (rule == NULL || (rule->other = strdup(other)) == NULL) {
		free(rule);
		config_note_oom(it->p);
		return;
	}
	rule->policy = (enum config_clip_policy)policy;
	rule->line = it->e->line;
	wl_list_insert(rules->prev, &rule->link);
}

static const char *const command_subst[] = { "socket", "display", "dir", "name", NULL };
static const char *const exec_subst[] = { "cmd", "socket", "display", "dir", "name", NULL };

/* The keys that are more than a field (CONFIG_FIELD_CUSTOM in domain_keys). */
static void parse_key(const struct config_item *it, struct config_domain *d) {
	const char *k = it->e->key;
	const char *v = it->e->value;
	if (config_parse_identity_key(it, d)) {
		/* trust, pattern, badge: config/identity.c */
	} else if (strcmp(k, "kind") == 0) {
		/* Read before every other key: see config_parse_domain. */
	} else if (strcmp(k, "socket") == 0) {
		check_socket_path(it, v);
		if (is_socket_path(v)) {
			config_val_string(it, &d->socket);
		}
	} else if (strcmp(k, "protocols") == 0) {
		config_val_list(it, is_interface_name,
			"Wayland interface name", &d->protocols);
	} else if (strcmp(k, "paste-from") == 0 || strcmp(k, "copy-to") == 0) {
		bool paste = k[0] == 'p';
		int policy;
		if (config_val_enum(it, config_clip_policy_names, &policy)) {
			*(paste ? &d->paste_from : &d->copy_to) = (enum config_clip_policy)policy;
		}
		*(paste ? &d->paste_from_line : &d->copy_to_line) = it->e->line;
	} else if (strncmp(k, "paste-from.", 11) == 0) {
		parse_rule(it, d, k + 11, &d->paste_from_rules);
	} else if (strncmp(k, "copy-to.", 8) == 0) {
		parse_rule(it, d, k + 8, &d->copy_to_rules);
	} else if (strcmp(k, "command") == 0) {
		if (check_template(it, command_subst, "{socket}, {display}, {dir}, {name}")) {
			config_val_string(it, &d->command);
		}
	} else if (strcmp(k, "exec") == 0) {
		if (!check_template(it, exec_subst, "{cmd}, {socket}, {display}, {dir}, {name}")) {
			return;
		}
		if (strstr(v, "{cmd}") == NULL) {
			config_item_error(it, "the template has no {cmd}, so the "
				"command to run would be lost");
			return;
		}
		config_val_string(it, &d->exec);
	} else if (strcmp(k, "disk") == 0) {
		parse_disk(it, d);
	} else if (strcmp(k, "share") == 0) {
		parse_share(it, d);
	} else if (strcmp(k, "net") == 0) {
		parse_net(it, d);
	} else if (strcmp(k, "cid") == 0) {
		long long cid;
		if (config_val_int(it, 3, 0xfffffffe, &cid)) {
			d->cid = (uint32_t)cid;
			d->cid_line = it->e->line;
		}
	} else if (strcmp(k, "args") == 0) {
		parse_args(it, d);
	} else if (strcmp(k, "agent") == 0 && d->kind == CONFIG_DOMAIN_QEMU) {
		config_parse_qemu_agent(it, d);
	} else if (strcmp(k, "agent") == 0) {
		parse_agent(it, d);
	} else if (config_parse_qemu_key(it, d)) {
		/* qemu, accel, relay: config/qemu_keys.c */
	} else if (strcmp(k, "log-max") == 0) {
		uint64_t bytes;
		if (config_val_size(it, 4096, 1ull << 30, &bytes)) {
			d->log_max = (size_t)bytes;
		}
	} else if (strcmp(k, "apps") == 0) {
		config_val_list(it, is_app_name, "application name", &d->apps);
	}
}

static const struct domain_key *find_key(const char *key) {
	const char *dot = strchr(key, '.');
	size_t len = dot ? (size_t)(dot - key) : strlen(key);
	for (size_t i = 0; i < sizeof(domain_keys) / sizeof(domain_keys[0]); i++) {
		const struct domain_key *dk = &domain_keys[i];
		if (strlen(dk->field.key) != len || strncmp(dk->field.key, key, len) != 0) {
			continue;
		}
		/* Only the clipboard keys take a .OTHER suffix. */
		bool pair = strcmp(dk->field.key, "paste-from") == 0 ||
			strcmp(dk->field.key, "copy-to") == 0;
		if (dot != NULL && !pair) {
			return NULL;
		}
		return dk;
	}
	return NULL;
}

static bool has_key(const struct config_section *sec, const char *key) {
	for (size_t i = 0; i < sec->n_entries; i++) {
		if (strcmp(sec->entries[i].key, key) == 0) {
			return true;
		}
	}
	return false;
}

void config_parse_domain(struct config_parse *p,
		const struct config_section *sec) {
	struct cordon_config *c = p->config;
	const char *name = sec->arg;
	if (strcmp(name, "host") == 0) {
		config_error(p, sec->line, "domain name 'host' is reserved for the "
			"trusted host session");
	} else if (!config_is_domain_name(name)) {
		config_error(p, sec->line, "bad domain name '%s' (expected 1 to %d "
			"characters of a-z, 0-9, '_' and '-', starting with a letter or "
			"digit)", name, CONFIG_DOMAIN_NAME_MAX);
	} else {
		struct config_domain *prev = config_find_domain(c, name);
		if (prev != NULL) {
			config_error(p, sec->line, "domain '%s' is defined twice "
				"(lines %d and %d)", name, prev->line, sec->line);
		}
	}
	struct config_domain *d = domain_new(name, p->name, sec->line);
	if (d == NULL) {
		config_note_oom(p);
		return;
	}
	wl_list_insert(c->domains.prev, &d->link);

	/* The kind decides which keys are allowed, wherever it is written. */
	bool kind_known = true;
	for (size_t i = 0; i < sec->n_entries; i++) {
		const struct config_entry *e = &sec->entries[i];
		if (strcmp(e->key, "kind") == 0) {
			struct config_item it = { p, sec, e };
			int kind;
			kind_known = config_val_enum(&it, kind_names, &kind);
			if (kind_known) {
				d->kind = (enum config_domain_kind)kind;
			}
			break;
		}
	}

	for (size_t i = 0; i < sec->n_entries; i++) {
		const struct config_entry *e = &sec->entries[i];
		struct config_item it = { p, sec, e };
		const struct domain_key *dk = find_key(e->key);
		if (dk == NULL) {
			config_section_error(p, sec, e->line, "unknown key '%s'", e->key);
			continue;
		}
		if (!dk->repeatable && config_repeated_key(p, sec, i)) {
			continue;
		}
		if (!(dk->kinds & (1u << d->kind))) {
			if (kind_known) {
				config_section_error(p, sec, e->line, "key '%s' applies only "
					"to %s, and this domain is kind = %s", e->key,
					kinds_text(dk->kinds), config_kind_name(d->kind));
			}
			continue;
		}
		if (!config_field_set(&dk->field, d, &it)) {
			parse_key(&it, d);
		}
	}

	/* A key that was given but rejected has had its error already. */
	if (d->kind == CONFIG_DOMAIN_COMMAND && !has_key(sec, "command")) {
		config_section_error(p, sec, sec->line, "kind = command needs a "
			"'command' key (the launcher, e.g. systemd-nspawn … {socket})");
	}
	if ((d->kind == CONFIG_DOMAIN_CROSVM || d->kind == CONFIG_DOMAIN_QEMU) &&
			!has_key(sec, "kernel")) {
		config_section_error(p, sec, sec->line, "kind = %s needs a "
			"'kernel' key", config_kind_name(d->kind));
	}
	if (d->kind == CONFIG_DOMAIN_CROSVM && d->cid != 0 && d->agent == NULL &&
			asprintf(&d->agent, "vsock:%u:%d", d->cid, AGENT_PROTOCOL_PORT) < 0) {
		d->agent = NULL;
		config_note_oom(p);
	}
	if (d->kind == CONFIG_DOMAIN_QEMU && d->agent == NULL &&
			(d->agent = strdup("serial")) == NULL) {
		config_note_oom(p);
	}
}

static void check_rules(struct config_parse *p, struct config_domain *d,
		struct wl_list *rules, const char *key) {
	struct config_clip_rule *rule;
	wl_list_for_each(rule, rules, link) {
		if (strcmp(rule->other, "host") != 0 &&
				config_find_domain(p->config, rule->other) == NULL) {
			config_error(p, rule->line, "[domain %s] %s.%s: no domain named "
				"'%s' in this file", d->name, key, rule->other, rule->other);
		}
	}
}

void config_check_domains(struct config_parse *p) {
	struct config_domain *d, *prev;
	config_check_identity(p);
	wl_list_for_each(d, &p->config->domains, link) {
		check_rules(p, d, &d->paste_from_rules, "paste-from");
		check_rules(p, d, &d->copy_to_rules, "copy-to");
		wl_list_for_each(prev, &p->config->domains, link) {
			if (prev == d) {
				break;
			}
			if (d->cid != 0 && prev->cid == d->cid) {
				config_error(p, d->cid_line, "[domain %s] cid: %u is already "
					"the cid of domain '%s' (line %d)", d->name, d->cid,
					prev->name, prev->cid_line);
			}
			if (d->socket != NULL && prev->socket != NULL &&
					strcmp(d->socket, prev->socket) == 0) {
				config_error(p, d->line, "[domain %s] socket '%s' is already "
					"the socket of domain '%s' (line %d)", d->name, d->socket,
					prev->name, prev->line);
			}
		}
	}
}
