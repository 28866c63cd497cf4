#ifndef CORDON_CONFIG_H
#define CORDON_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wayland-util.h>
#include <xkbcommon/xkbcommon.h>

/*
 * The parsed config. Plain data with no wlroots types, so the parser can be
 * unit-tested without a display and a reload can be validated completely
 * before anything in the running compositor changes.
 */

#define CONFIG_DOMAIN_NAME_MAX 32
#define CONFIG_DEFAULT_MAX_CLIENTS 64
#define CONFIG_DEFAULT_MAX_WINDOWS 256
#define CONFIG_DEFAULT_TITLE_MAX 256
#define CONFIG_DEFAULT_LOG_MAX (1024 * 1024)

/*
 * Caps on the Wayland objects a guest may hold at once, per client and for
 * a whole domain. The defaults are far above what GTK, Qt or Firefox use.
 */
enum config_object_kind {
	CONFIG_OBJ_SURFACE = 0,
	CONFIG_OBJ_SUBSURFACE,
	CONFIG_OBJ_POPUP,
	CONFIG_OBJ_REGION,
	CONFIG_OBJ_COUNT,
};
#define CONFIG_DEFAULT_CLIENT_MAX_SURFACES 2048
#define CONFIG_DEFAULT_CLIENT_MAX_SUBSURFACES 256
#define CONFIG_DEFAULT_CLIENT_MAX_POPUPS 64
#define CONFIG_DEFAULT_CLIENT_MAX_REGIONS 1024
#define CONFIG_DEFAULT_DOMAIN_MAX_SURFACES 8192
#define CONFIG_DEFAULT_DOMAIN_MAX_SUBSURFACES 1024
#define CONFIG_DEFAULT_DOMAIN_MAX_POPUPS 256
#define CONFIG_DEFAULT_DOMAIN_MAX_REGIONS 4096

enum config_fullscreen {
	CONFIG_FULLSCREEN_EDGE = 0,
	CONFIG_FULLSCREEN_ALLOW,
	CONFIG_FULLSCREEN_DENY,
};

enum config_domain_kind {
	CONFIG_DOMAIN_SOCKET = 0,
	CONFIG_DOMAIN_COMMAND,
	CONFIG_DOMAIN_CROSVM,
	CONFIG_DOMAIN_QEMU,
};

/* kind = qemu: the accelerator (auto: KVM when it can run the guest, else TCG). */
enum config_accel {
	CONFIG_ACCEL_AUTO = 0,
	CONFIG_ACCEL_KVM,
	CONFIG_ACCEL_TCG,
};

/* kind = qemu: how the guest's Wayland clients reach the domain socket. */
enum config_relay {
	CONFIG_RELAY_WAYPIPE = 0,  /* one virtio-serial port and waypipe per app */
	CONFIG_RELAY_RUTABAGA,     /* virtio-gpu-rutabaga's cross-domain context */
};

/* Ordered by strictness: when two rules apply the larger value wins. */
enum config_clip_policy {
	CONFIG_CLIP_UNSET = 0,
	CONFIG_CLIP_ALLOW,
	CONFIG_CLIP_ASK,
	CONFIG_CLIP_DENY,
};

/*
 * How much the user trusts a domain, 0 (least) to 9 (the host). A paste no
 * rule names follows [clipboard] up, down or level by the two trusts.
 */
#define CONFIG_TRUST_MIN 0
#define CONFIG_TRUST_MAX 9
#define CONFIG_TRUST_HOST 9
#define CONFIG_TRUST_DEFAULT 1

/* A domain's mark beside its colour (compositor/render/pattern.c draws it). */
enum config_pattern {
	CONFIG_PATTERN_UNSET = 0,
	CONFIG_PATTERN_SOLID,
	CONFIG_PATTERN_STRIPES,
	CONFIG_PATTERN_DOTS,
	CONFIG_PATTERN_CHECKS,
};
#define CONFIG_PATTERN_COUNT 5
/* Badge: up to 3 characters (code points), UTF-8, with the NUL. */
#define CONFIG_BADGE_CHARS 3
#define CONFIG_BADGE_SIZE 16

/* Xwayland of a domain; DEFAULT: lazy, but no for crosvm (X runs in the VM). */
enum config_xwayland {
	CONFIG_XWAYLAND_DEFAULT = 0,
	CONFIG_XWAYLAND_NO,
	CONFIG_XWAYLAND_LAZY,
	CONFIG_XWAYLAND_YES,
};

enum config_restart {
	CONFIG_RESTART_NO = 0,
	CONFIG_RESTART_ON_FAILURE,
	CONFIG_RESTART_ALWAYS,
};

enum config_action {
	CONFIG_ACTION_EXEC = 0,     /* arg: shell command */
	CONFIG_ACTION_CLOSE,
	CONFIG_ACTION_QUIT,
	CONFIG_ACTION_WORKSPACE,    /* num: 1..9 */
	CONFIG_ACTION_MOVE_TO_WORKSPACE, /* num: 1..9 */
	CONFIG_ACTION_FULLSCREEN,   /* toggle */
	CONFIG_ACTION_MAXIMIZE,     /* toggle */
	CONFIG_ACTION_CYCLE,        /* Alt+Tab: next window */
	CONFIG_ACTION_CYCLE_BACK,
	CONFIG_ACTION_LEAVE_FULLSCREEN, /* Super+Escape, never reaches clients */
	CONFIG_ACTION_SECURE_COPY,
	CONFIG_ACTION_SECURE_PASTE,
	CONFIG_ACTION_RELOAD,
	CONFIG_ACTION_ATTENTION,    /* secure attention: who owns what is on screen */
};

/* Whether cordon joins the systemd user session and D-Bus environment. */
enum config_user_session {
	CONFIG_USER_SESSION_AUTO = 0, /* only on a seat, never nested or headless */
	CONFIG_USER_SESSION_YES,
	CONFIG_USER_SESSION_NO,
};

/*
 * Modifier bits of a binding: the values of wlroots' enum
 * wlr_keyboard_modifier (input.c asserts they agree), named here so the
 * parser needs no wlroots.
 */
#define CONFIG_MOD_SHIFT (1u << 0)
#define CONFIG_MOD_CTRL  (1u << 2)
#define CONFIG_MOD_ALT   (1u << 3)
#define CONFIG_MOD_LOGO  (1u << 6)

struct config_binding {
	struct wl_list link;
	uint32_t modifiers;   /* CONFIG_MOD_* bits */
	xkb_keysym_t keysym;  /* lower-case keysym as xkb_keysym_from_name gives */
	enum config_action action;
	char *arg;            /* exec command, or NULL */
	int num;              /* workspace number */
	int line;
};

struct config_output {
	struct wl_list link;
	char *name;           /* connector name (e.g. HDMI-A-1, HEADLESS-1) or "*" */
	bool disabled;
	bool has_mode;
	int width, height;
	int refresh_mhz;      /* 0: best for the size */
	bool has_position;
	int x, y;
	double scale;         /* 0: unset */
	int transform;        /* enum wl_output_transform, or -1: unset */
	int line;
};

/* A per-pair clipboard rule: paste-from.OTHER / copy-to.OTHER. */
struct config_clip_rule {
	struct wl_list link;
	char *other;
	enum config_clip_policy policy;
	int line;
};

struct config_disk {
	char *path;
	bool ro;
};

struct config_share {
	char *dir;
	char *tag;
};

struct config_domain {
	struct wl_list link;
	char *name;
	int line;             /* line of the [domain NAME] header */
	char *file;           /* file it came from */
	uint32_t color;       /* 0xRRGGBB */
	enum config_domain_kind kind;
	char *socket;         /* explicit socket path, or NULL for the default */
	int max_clients;
	int max_windows;
	/* Indexed by enum config_object_kind: max-surfaces… and domain-max-surfaces… */
	int client_max[CONFIG_OBJ_COUNT];
	int domain_max[CONFIG_OBJ_COUNT];
	enum config_fullscreen fullscreen;
	char **protocols;     /* extra global interface names, NULL-terminated */
	enum config_xwayland xwayland;
	bool idle_inhibit;    /* its visible windows may inhibit idle [yes] */
	int trust;            /* 0..9, default CONFIG_TRUST_DEFAULT */
	enum config_pattern pattern; /* set by config_check_identity when not given */
	int pattern_line;     /* 0: chosen by cordon */
	char badge[CONFIG_BADGE_SIZE]; /* default: first letter, upper case */

	enum config_clip_policy paste_from;
	enum config_clip_policy copy_to;
	int paste_from_line, copy_to_line; /* where they were written, or 0 */
	struct wl_list paste_from_rules; /* config_clip_rule */
	struct wl_list copy_to_rules;    /* config_clip_rule */

	/* kind = command */
	char *command;        /* template with {socket} {dir} {name} */
	char *exec;           /* template with {cmd}, for cordonctl run */

	/* kind = crosvm */
	char *crosvm;         /* binary, default "crosvm" */
	char *kernel;
	char *initrd;
	char *root;
	struct config_disk *disks;
	size_t n_disks;
	int mem_mib;
	int cpus;
	char *params;
	struct config_share *shares;
	size_t n_shares;
	char *net;
	uint32_t cid;         /* vsock CID 3..2^32-2, 0: none */
	int cid_line;
	char *gpu;            /* context types, default "cross-domain" */
	bool sandbox;
	char **args;          /* split like a shell, NULL-terminated */
	bool console_window;
	char *agent;          /* "vsock:CID:PORT" or "unix:PATH"; qemu: "serial" */

	/* kind = qemu (also kernel … params, shares, agent above; config/qemu_keys.c) */
	char *qemu;           /* binary, default "qemu-system-x86_64" */
	enum config_accel accel;
	enum config_relay relay;

	/* kind = command and crosvm */
	bool autostart;
	enum config_restart restart;
	int stop_timeout;     /* seconds */
	size_t log_max;       /* log and serial.log rotate past this [1 MiB] */
	char **apps;          /* NULL-terminated */
};

/* The defaults for a domain without a section (sandboxes). */
void config_object_defaults(int client_max[CONFIG_OBJ_COUNT],
	int domain_max[CONFIG_OBJ_COUNT]);
/* "surfaces", "subsurfaces", "popups", "regions". */
const char *config_object_name(enum config_object_kind kind);

/* [sandbox ENGINE]: colour of wp_security_context_v1 domains of an engine. */
struct config_sandbox {
	struct wl_list link;
	char *engine;
	uint32_t color;
	int line;
};

struct config_clipboard {
	enum config_clip_policy default_policy; /* default ask */
	bool default_given;   /* default was written: it stands in for unset up/down/level */
	/* Pastes no rule names, by trust: lower to higher, higher to lower, same. */
	enum config_clip_policy up, down, level; /* UNSET: default if given, else ask/deny/ask */
	size_t max_bytes;     /* default 1 MiB */
	int timeout_ms;       /* default 30 s */
	int grant_ms;         /* remembered answer to a target that gave up; 30 s, 0 off */
	char **mime;          /* allow-list, NULL-terminated */
};

struct cordon_config {
	char *path;           /* file it was read from, or NULL for built-ins */

	/* [general] */
	int border_width;     /* default 4 */
	uint32_t host_color;  /* neutral frame of host windows, default #3c3c3c */
	int title_max;        /* default 256 */
	char *font;           /* pango description, default "monospace 10" */
	char *cursor_theme;   /* NULL: default theme */
	int cursor_size;      /* default 24 */
	enum config_xwayland host_xwayland; /* the host's Xwayland, default lazy */
	char *locker;         /* command cordonctl lock starts, or NULL */

	/* [keyboard] */
	char *xkb_layout, *xkb_variant, *xkb_options, *xkb_model, *xkb_rules;
	int repeat_rate;      /* default 25 */
	int repeat_delay;     /* default 600 */

	/* [pointer] */
	bool natural_scroll;
	bool tap_to_click;
	double accel_speed;   /* -1..1 */

	struct wl_list outputs;   /* config_output */
	struct wl_list bindings;  /* config_binding */
	struct wl_list domains;   /* config_domain */
	struct wl_list sandboxes; /* config_sandbox */
	struct config_clipboard clipboard;

	/* [autostart]: exec = COMMAND lines, run with sh -c once cordon is ready. */
	char **autostart;     /* NULL-terminated */
	/* [general] user-session: export to systemd and D-Bus (compositor/systemd.c). */
	enum config_user_session user_session;
};

/* Errors, each already formatted as "FILE:LINE: message". */
struct config_errors {
	char **msgs;
	size_t len;
};

/* Built-in defaults: what cordon runs with when no file exists. */
struct cordon_config *config_create_default(void);

/*
 * Parses text as if read from file name. Returns NULL and fills errs (which
 * may be NULL) on any error; every error in the text is reported, not only
 * the first.
 */
struct cordon_config *config_load_string(const char *text, const char *name,
	struct config_errors *errs);

/* Reads path into memory and parses it. An unreadable file is an error. */
struct cordon_config *config_load_file(const char *path,
	struct config_errors *errs);

/*
 * Finds the config the user meant: explicit path if given, else
 * $XDG_CONFIG_HOME/cordon/config (or ~/.config/cordon/config), else
 * /etc/xdg/cordon/config, else the built-in defaults.
 */
struct cordon_config *config_load(const char *explicit_path,
	struct config_errors *errs);

void config_destroy(struct cordon_config *config);
void config_errors_finish(struct config_errors *errs);
/* Appends a message to errs (one the memory is not there for is dropped). */
void config_errors_add(struct config_errors *errs, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The [domain NAME] section, or NULL. Takes a const config, like strchr,
 * so read-only callers (policy, identity) use it too. */
struct config_domain *config_find_domain(const struct cordon_config *config,
	const char *name);
/*
 * The frame colour of the sandbox domain named "ENGINE:app": that of
 * [sandbox ENGINE], else COLOUR_DEFAULT. The one rule for creation and
 * reload alike.
 */
uint32_t config_sandbox_color(const struct cordon_config *config, const char *domain_name);

/* Strings for logs and IPC. */
const char *config_kind_name(enum config_domain_kind kind);
/* The Xwayland mode of a domain (cfg NULL: a sandbox, which has none). */
enum config_xwayland config_domain_xwayland(const struct config_domain *cfg);
const char *config_clip_policy_name(enum config_clip_policy policy);
const char *config_action_name(enum config_action action);

/*
 * Trust, pattern and badge of a domain by name: its section's, the host's
 * (CONFIG_TRUST_HOST, solid, "H"), else a sandbox's (CONFIG_TRUST_DEFAULT,
 * solid, first letter). badge_out holds CONFIG_BADGE_SIZE bytes.
 */
int config_domain_trust(const struct cordon_config *config, const char *name);
enum config_pattern config_domain_pattern(const struct cordon_config *config,
	const char *name);
void config_domain_badge(const struct cordon_config *config, const char *name,
	char badge_out[CONFIG_BADGE_SIZE]);
const char *config_pattern_name(enum config_pattern pattern);

/* Parses "#rrggbb" or a label (red, orange, …); false if neither. */
bool config_parse_color(const char *text, uint32_t *out);

#endif
