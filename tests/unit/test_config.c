#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <wayland-server-protocol.h>
#include <xkbcommon/xkbcommon-keysyms.h>
#include "config/config.h"

/* enum wlr_keyboard_modifier, spelled out so the test needs no wlroots. */
#define SHIFT (1u << 0)
#define CTRL (1u << 2)
#define ALT (1u << 3)
#define SUPER (1u << 6)

static struct cordon_config *load(const char *text, struct config_errors *errs) {
	return config_load_string(text, "t.conf", errs);
}

static void dump_errors(const struct config_errors *errs) {
	for (size_t i = 0; i < errs->len; i++) {
		print_message("  got: %s\n", errs->msgs[i]);
	}
}

/* Loads text, which must fail with exactly the one error expected. */
static void expect_error(const char *text, const char *expected) {
	struct config_errors errs = { 0 };
	struct cordon_config *c = load(text, &errs);
	if (c != NULL || errs.len != 1 || strcmp(errs.msgs[0], expected) != 0) {
		print_message("expected: %s\n", expected);
		dump_errors(&errs);
	}
	assert_null(c);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.msgs[0], expected);
	config_errors_finish(&errs);
}

/* The load left exactly one error, holding fragment (NULL: any); clears errs. */
static void expect_one_error(struct config_errors *errs, const char *fragment) {
	if (errs->len != 1 || (fragment && !strstr(errs->msgs[0], fragment))) {
		print_message("expected one error with: %s\n", fragment ? fragment : "(anything)");
		dump_errors(errs);
	}
	assert_int_equal(errs->len, 1);
	if (fragment) {
		assert_non_null(strstr(errs->msgs[0], fragment));
	}
	config_errors_finish(errs);
}

/* Loading text fails, with one error. */
static void expect_refused(const char *text) {
	struct config_errors errs = { 0 };
	assert_null(load(text, &errs));
	expect_one_error(&errs, NULL);
}

static struct cordon_config *expect_ok(const char *text) {
	struct config_errors errs = { 0 };
	struct cordon_config *c = load(text, &errs);
	if (c == NULL) {
		dump_errors(&errs);
	}
	assert_non_null(c);
	assert_int_equal(errs.len, 0);
	return c;
}

static struct config_binding *find_binding(struct cordon_config *c,
		uint32_t mods, xkb_keysym_t sym) {
	struct config_binding *b;
	wl_list_for_each(b, &c->bindings, link) {
		if (b->modifiers == mods && b->keysym == sym) {
			return b;
		}
	}
	return NULL;
}

static void check_defaults(struct cordon_config *c) {
	assert_int_equal(c->border_width, 4);
	assert_int_equal(c->host_color, 0x3c3c3c);
	assert_int_equal(c->title_max, 256);
	assert_string_equal(c->font, "monospace 10");
	assert_null(c->cursor_theme);
	assert_int_equal(c->cursor_size, 24);
	assert_null(c->xkb_layout);
	assert_int_equal(c->repeat_rate, 25);
	assert_int_equal(c->repeat_delay, 600);
	assert_false(c->natural_scroll);
	assert_true(c->tap_to_click);
	assert_true(c->accel_speed == 0);
	assert_true(wl_list_empty(&c->outputs));
	assert_true(wl_list_empty(&c->domains));
	assert_true(wl_list_empty(&c->sandboxes));
	assert_int_equal(c->clipboard.default_policy, CONFIG_CLIP_ASK);
	assert_int_equal(c->clipboard.max_bytes, 1 << 20);
	assert_int_equal(c->clipboard.timeout_ms, 30000);
	assert_int_equal(c->clipboard.grant_ms, 30000);
	const char *mime[] = { "text/plain;charset=utf-8", "text/plain",
		"UTF8_STRING", "STRING", "TEXT", NULL };
	for (size_t i = 0; mime[i]; i++) {
		assert_non_null(c->clipboard.mime[i]);
		assert_string_equal(c->clipboard.mime[i], mime[i]);
	}
	assert_null(c->clipboard.mime[5]);

	assert_int_equal(wl_list_length(&c->bindings), 12 + 18);
	struct config_binding *b = find_binding(c, SUPER, XKB_KEY_Return);
	assert_non_null(b);
	assert_int_equal(b->action, CONFIG_ACTION_EXEC);
	assert_string_equal(b->arg, "foot");
	assert_int_equal(b->line, 0);
	b = find_binding(c, SUPER | SHIFT, XKB_KEY_9);
	assert_non_null(b);
	assert_int_equal(b->action, CONFIG_ACTION_MOVE_TO_WORKSPACE);
	assert_int_equal(b->num, 9);
	b = find_binding(c, SUPER, XKB_KEY_3);
	assert_non_null(b);
	assert_int_equal(b->action, CONFIG_ACTION_WORKSPACE);
	assert_int_equal(b->num, 3);
	struct {
		uint32_t mods;
		xkb_keysym_t sym;
		enum config_action action;
	} fixed[] = {
		{ SUPER | SHIFT, XKB_KEY_q, CONFIG_ACTION_CLOSE },
		{ SUPER | SHIFT, XKB_KEY_e, CONFIG_ACTION_QUIT },
		{ ALT, XKB_KEY_Tab, CONFIG_ACTION_CYCLE },
		{ ALT | SHIFT, XKB_KEY_Tab, CONFIG_ACTION_CYCLE_BACK },
		{ SUPER, XKB_KEY_f, CONFIG_ACTION_FULLSCREEN },
		{ SUPER, XKB_KEY_m, CONFIG_ACTION_MAXIMIZE },
		{ SUPER, XKB_KEY_Escape, CONFIG_ACTION_LEAVE_FULLSCREEN },
		{ SUPER | SHIFT, XKB_KEY_c, CONFIG_ACTION_SECURE_COPY },
		{ SUPER | SHIFT, XKB_KEY_v, CONFIG_ACTION_SECURE_PASTE },
		{ SUPER | SHIFT, XKB_KEY_r, CONFIG_ACTION_RELOAD },
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		b = find_binding(c, fixed[i].mods, fixed[i].sym);
		assert_non_null(b);
		assert_int_equal(b->action, fixed[i].action);
		assert_null(b->arg);
	}
}

/* [clipboard] grant: a duration, 0 (off) allowed, at most an hour. */
static void test_clipboard_grant(void **state) {
	struct cordon_config *c = expect_ok("[clipboard]\ngrant = 0\n");
	assert_int_equal(c->clipboard.grant_ms, 0);
	config_destroy(c);
	c = expect_ok("[clipboard]\ngrant = 45s\n");
	assert_int_equal(c->clipboard.grant_ms, 45000);
	config_destroy(c);
	c = expect_ok("[clipboard]\ngrant = 1500ms\n");
	assert_int_equal(c->clipboard.grant_ms, 1500);
	config_destroy(c);
	expect_refused("[clipboard]\ngrant = 2h\n");
	expect_refused("[clipboard]\ngrant = 3601\n");
}

static void test_xwayland(void **state) {
	struct cordon_config *c = expect_ok(
		"[general]\nxwayland = no\n"
		"[domain a]\n"
		"[domain b]\nxwayland = yes\n"
		"[domain vm]\nkind = crosvm\nkernel = /k\nroot = /r\n"
		"[domain vmx]\nkind = crosvm\nkernel = /k\nroot = /r\nxwayland = lazy\n"
		"[domain c]\nkind = command\ncommand = x\n");
	assert_int_equal(c->host_xwayland, CONFIG_XWAYLAND_NO);
	assert_int_equal(config_domain_xwayland(config_find_domain(c, "a")),
		CONFIG_XWAYLAND_LAZY);
	assert_int_equal(config_domain_xwayland(config_find_domain(c, "b")),
		CONFIG_XWAYLAND_YES);
	assert_int_equal(config_domain_xwayland(config_find_domain(c, "vm")),
		CONFIG_XWAYLAND_NO);
	assert_int_equal(config_domain_xwayland(config_find_domain(c, "vmx")),
		CONFIG_XWAYLAND_LAZY);
	assert_int_equal(config_domain_xwayland(config_find_domain(c, "c")),
		CONFIG_XWAYLAND_LAZY);
	/* A sandbox (no section) has no X server of its own. */
	assert_int_equal(config_domain_xwayland(NULL), CONFIG_XWAYLAND_NO);
	config_destroy(c);
	c = config_create_default();
	assert_int_equal(c->host_xwayland, CONFIG_XWAYLAND_LAZY);
	config_destroy(c);
	expect_refused("[domain a]\nxwayland = maybe\n");
	/* The same message as the domain key's, with file and line. */
	struct config_errors errs = { 0 };
	assert_null(load("[general]\nxwayland = on\n", &errs));
	expect_one_error(&errs, ":2: [general] xwayland: bad value 'on' "
		"(expected no, lazy or yes)");
}

/* [general] locker and a domain's idle-inhibit (issue 11). */
static void test_session_keys(void **state) {
	struct cordon_config *c = expect_ok("[domain work]\ncolor = blue\n");
	assert_null(c->locker);
	struct config_domain *d = wl_container_of(c->domains.next, d, link);
	assert_true(d->idle_inhibit);
	config_destroy(c);
	c = expect_ok("[general]\nlocker = swaylock -f -c 000000\n"
		"[domain work]\ncolor = blue\nidle-inhibit = no\n");
	assert_string_equal(c->locker, "swaylock -f -c 000000");
	d = wl_container_of(c->domains.next, d, link);
	assert_false(d->idle_inhibit);
	config_destroy(c);
	expect_refused("[domain work]\ncolor = blue\nidle-inhibit = sometimes\n");
}

static void test_defaults(void **state) {
	struct cordon_config *c = config_create_default();
	assert_non_null(c);
	assert_null(c->path);
	check_defaults(c);
	config_destroy(c);

	c = expect_ok("");
	check_defaults(c);
	assert_string_equal(c->path, "t.conf");
	config_destroy(c);

	c = expect_ok("; only a comment\n# and another\n\n");
	check_defaults(c);
	config_destroy(c);
}

static const char full_file[] =
	"[general]\n"                                   /* 1 */
	"border-width = 6\n"
	"host-color = #102030\n"
	"title-max = 128\n"
	"font = Sans Bold 11\n"                         /* 5 */
	"cursor-theme = Adwaita\n"
	"cursor-size = 32\n"
	"\n"
	"[keyboard]\n"
	"layout = us,de\n"                              /* 10 */
	"variant = ,nodeadkeys\n"
	"options = grp:alt_shift_toggle\n"
	"model = pc105\n"
	"rules = evdev\n"
	"repeat-rate = 40\n"                            /* 15 */
	"repeat-delay = 250\n"
	"\n"
	"[pointer]\n"
	"natural-scroll = yes\n"
	"tap = off\n"                                   /* 20 */
	"accel = -0.5\n"
	"\n"
	"[output HDMI-A-1]\n"
	"mode = 2560x1440@59.951\n"
	"position = -2560,0\n"                          /* 25 */
	"scale = 1.5\n"
	"transform = flipped-90\n"
	"\n"
	"[output *]\n"
	"enable = no\n"                                 /* 30 */
	"\n"
	"[keys]\n"
	"Super+Return = exec alacritty -e tmux\n"
	"Ctrl+Alt+t = exec foot\n"
	"Super+m = none\n"                              /* 35 */
	"\n"
	"[domain work]\n"
	"color = blue\n"
	"max-clients = 10\n"
	"max-windows = 20\n"                            /* 40 */
	"fullscreen = deny\n"
	"protocols = zwlr_screencopy_manager_v1 , wp_viewporter\n"
	"paste-from = ask\n"
	"copy-to = allow\n"
	"paste-from.banking = deny\n"                   /* 45 */
	"copy-to.host = deny\n"
	"socket = /run/user/1000/work.sock\n"
	"\n"
	"[domain banking]\n"
	"color = #00ff7f\n"                             /* 50 */
	"\n"
	"[domain dev]\n"
	"kind = command\n"
	"command = systemd-nspawn -D /var/lib/machines/dev --bind={dir}:/run/cordon {name}\n"
	"exec = systemd-run -M dev --pty {cmd}\n"       /* 55 */
	"autostart = yes\n"
	"restart = always\n"
	"stop-timeout = 5\n"
	"apps = firefox, org.gnome.Nautilus\n"
	"agent = unix:/run/dev-agent.sock\n"            /* 60 */
	"\n"
	"[domain vm]\n"
	"kind = crosvm\n"
	"crosvm = /usr/local/bin/crosvm\n"
	"kernel = /var/lib/vm/vmlinuz\n"                /* 65 */
	"initrd = /var/lib/vm/initrd.img\n"
	"root = /var/lib/vm/root.img\n"
	"disk = /var/lib/vm/home.img\n"
	"disk = /var/lib/vm/iso.img,ro\n"
	"mem = 4096\n"                                  /* 70 */
	"cpus = 4\n"
	"params = console=hvc0 quiet\n"
	"share = /home/u/shared:shared\n"
	"share = /srv/data:data\n"
	"net = tap-vm\n"                                /* 75 */
	"cid = 4294967294\n"
	"gpu = cross-domain:virgl2\n"
	"sandbox = no\n"
	"args = --log-level 'debug info' \"a \\\"b\\\"\" c\\ d\n"
	"console-window = false\n"                      /* 80 */
	"restart = no\n"
	"\n"
	"[sandbox flatpak]\n"
	"color = purple\n"
	"\n"                                            /* 85 */
	"[clipboard]\n"
	"default = deny\n"
	"max-bytes = 16M\n"
	"timeout = 500ms\n"
	"mime = text/plain;charset=utf-8, text/plain\n"; /* 90 */

static void test_full_file(void **state) {
	struct cordon_config *c = expect_ok(full_file);

	assert_int_equal(c->border_width, 6);
	assert_int_equal(c->host_color, 0x102030);
	assert_int_equal(c->title_max, 128);
	assert_string_equal(c->font, "Sans Bold 11");
	assert_string_equal(c->cursor_theme, "Adwaita");
	assert_int_equal(c->cursor_size, 32);

	assert_string_equal(c->xkb_layout, "us,de");
	assert_string_equal(c->xkb_variant, ",nodeadkeys");
	assert_string_equal(c->xkb_options, "grp:alt_shift_toggle");
	assert_string_equal(c->xkb_model, "pc105");
	assert_string_equal(c->xkb_rules, "evdev");
	assert_int_equal(c->repeat_rate, 40);
	assert_int_equal(c->repeat_delay, 250);

	assert_true(c->natural_scroll);
	assert_false(c->tap_to_click);
	assert_true(c->accel_speed == -0.5);

	assert_int_equal(wl_list_length(&c->outputs), 2);
	struct config_output *o =
		wl_container_of(c->outputs.next, o, link);
	assert_string_equal(o->name, "HDMI-A-1");
	assert_int_equal(o->line, 23);
	assert_false(o->disabled);
	assert_true(o->has_mode);
	assert_int_equal(o->width, 2560);
	assert_int_equal(o->height, 1440);
	assert_int_equal(o->refresh_mhz, 59951);
	assert_true(o->has_position);
	assert_int_equal(o->x, -2560);
	assert_int_equal(o->y, 0);
	assert_true(o->scale == 1.5);
	assert_int_equal(o->transform, WL_OUTPUT_TRANSFORM_FLIPPED_90);
	o = wl_container_of(o->link.next, o, link);
	assert_string_equal(o->name, "*");
	assert_true(o->disabled);
	assert_false(o->has_mode);
	assert_false(o->has_position);
	assert_true(o->scale == 0);
	assert_int_equal(o->transform, -1);

	/* 30 defaults, one replaced, one added, one removed. */
	assert_int_equal(wl_list_length(&c->bindings), 30);
	struct config_binding *b = find_binding(c, SUPER, XKB_KEY_Return);
	assert_non_null(b);
	assert_string_equal(b->arg, "alacritty -e tmux");
	assert_int_equal(b->line, 33);
	b = find_binding(c, CTRL | ALT, XKB_KEY_t);
	assert_non_null(b);
	assert_int_equal(b->action, CONFIG_ACTION_EXEC);
	assert_string_equal(b->arg, "foot");
	assert_null(find_binding(c, SUPER, XKB_KEY_m));

	assert_int_equal(wl_list_length(&c->domains), 4);
	struct config_domain *d = config_find_domain(c, "work");
	assert_non_null(d);
	assert_int_equal(d->line, 37);
	assert_string_equal(d->file, "t.conf");
	assert_int_equal(d->color, 0x0072b2);
	assert_int_equal(d->kind, CONFIG_DOMAIN_SOCKET);
	assert_int_equal(d->max_clients, 10);
	assert_int_equal(d->max_windows, 20);
	assert_int_equal(d->fullscreen, CONFIG_FULLSCREEN_DENY);
	assert_string_equal(d->protocols[0], "zwlr_screencopy_manager_v1");
	assert_string_equal(d->protocols[1], "wp_viewporter");
	assert_null(d->protocols[2]);
	assert_int_equal(d->paste_from, CONFIG_CLIP_ASK);
	assert_int_equal(d->copy_to, CONFIG_CLIP_ALLOW);
	assert_int_equal(wl_list_length(&d->paste_from_rules), 1);
	struct config_clip_rule *r =
		wl_container_of(d->paste_from_rules.next, r, link);
	assert_string_equal(r->other, "banking");
	assert_int_equal(r->policy, CONFIG_CLIP_DENY);
	assert_int_equal(r->line, 45);
	r = wl_container_of(d->copy_to_rules.next, r, link);
	assert_string_equal(r->other, "host");
	assert_int_equal(r->policy, CONFIG_CLIP_DENY);
	assert_string_equal(d->socket, "/run/user/1000/work.sock");
	assert_null(d->agent);

	d = config_find_domain(c, "banking");
	assert_non_null(d);
	assert_int_equal(d->color, 0x00ff7f);
	assert_int_equal(d->paste_from, CONFIG_CLIP_UNSET);
	assert_int_equal(d->max_clients, CONFIG_DEFAULT_MAX_CLIENTS);
	assert_int_equal(d->max_windows, CONFIG_DEFAULT_MAX_WINDOWS);
	assert_int_equal(d->fullscreen, CONFIG_FULLSCREEN_EDGE);
	assert_null(d->socket);
	assert_non_null(d->protocols);
	assert_null(d->protocols[0]);

	d = config_find_domain(c, "dev");
	assert_non_null(d);
	assert_int_equal(d->kind, CONFIG_DOMAIN_COMMAND);
	assert_int_equal(d->color, 0x888a85);
	assert_string_equal(d->command, "systemd-nspawn -D /var/lib/machines/dev "
		"--bind={dir}:/run/cordon {name}");
	assert_string_equal(d->exec, "systemd-run -M dev --pty {cmd}");
	assert_true(d->autostart);
	assert_int_equal(d->restart, CONFIG_RESTART_ALWAYS);
	assert_int_equal(d->stop_timeout, 5);
	assert_string_equal(d->apps[0], "firefox");
	assert_string_equal(d->apps[1], "org.gnome.Nautilus");
	assert_null(d->apps[2]);
	assert_string_equal(d->agent, "unix:/run/dev-agent.sock");

	d = config_find_domain(c, "vm");
	assert_non_null(d);
	assert_int_equal(d->kind, CONFIG_DOMAIN_CROSVM);
	assert_string_equal(d->crosvm, "/usr/local/bin/crosvm");
	assert_string_equal(d->kernel, "/var/lib/vm/vmlinuz");
	assert_string_equal(d->initrd, "/var/lib/vm/initrd.img");
	assert_string_equal(d->root, "/var/lib/vm/root.img");
	assert_int_equal(d->n_disks, 2);
	assert_string_equal(d->disks[0].path, "/var/lib/vm/home.img");
	assert_false(d->disks[0].ro);
	assert_string_equal(d->disks[1].path, "/var/lib/vm/iso.img");
	assert_true(d->disks[1].ro);
	assert_int_equal(d->mem_mib, 4096);
	assert_int_equal(d->cpus, 4);
	assert_string_equal(d->params, "console=hvc0 quiet");
	assert_int_equal(d->n_shares, 2);
	assert_string_equal(d->shares[0].dir, "/home/u/shared");
	assert_string_equal(d->shares[0].tag, "shared");
	assert_string_equal(d->shares[1].dir, "/srv/data");
	assert_string_equal(d->shares[1].tag, "data");
	assert_string_equal(d->net, "tap-vm");
	assert_int_equal(d->cid, 4294967294u);
	assert_int_equal(d->cid_line, 76);
	assert_string_equal(d->gpu, "cross-domain:virgl2");
	assert_false(d->sandbox);
	assert_string_equal(d->args[0], "--log-level");
	assert_string_equal(d->args[1], "debug info");
	assert_string_equal(d->args[2], "a \"b\"");
	assert_string_equal(d->args[3], "c d");
	assert_null(d->args[4]);
	assert_false(d->console_window);
	assert_int_equal(d->restart, CONFIG_RESTART_NO);
	assert_false(d->autostart);
	assert_int_equal(d->stop_timeout, 20);
	assert_string_equal(d->agent, "vsock:4294967294:5100");

	assert_int_equal(wl_list_length(&c->sandboxes), 1);
	struct config_sandbox *sb = wl_container_of(c->sandboxes.next, sb, link);
	assert_string_equal(sb->engine, "flatpak");
	assert_int_equal(sb->color, 0xcc79a7);
	assert_int_equal(sb->line, 83);
	/* One rule for a sandbox domain's colour: its engine, before the ':'. */
	assert_int_equal(config_sandbox_color(c, "flatpak:org.gnome.Maps"), 0xcc79a7);
	assert_int_equal(config_sandbox_color(c, "flatpakx:app"), 0x888a85);
	assert_int_equal(config_sandbox_color(c, "flat:pak"), 0x888a85);
	assert_int_equal(config_sandbox_color(c, "flatpak"), 0xcc79a7);

	assert_int_equal(c->clipboard.default_policy, CONFIG_CLIP_DENY);
	assert_int_equal(c->clipboard.max_bytes, 16 << 20);
	assert_int_equal(c->clipboard.timeout_ms, 500);
	assert_string_equal(c->clipboard.mime[0], "text/plain;charset=utf-8");
	assert_string_equal(c->clipboard.mime[1], "text/plain");
	assert_null(c->clipboard.mime[2]);
	config_destroy(c);
}

static void test_crosvm_defaults(void **state) {
	struct cordon_config *c = expect_ok(
		"[domain vm]\nkind = crosvm\nkernel = /k\n");
	struct config_domain *d = config_find_domain(c, "vm");
	assert_non_null(d);
	assert_string_equal(d->crosvm, "crosvm");
	assert_string_equal(d->gpu, "cross-domain");
	assert_int_equal(d->mem_mib, 2048);
	assert_int_equal(d->cpus, 2);
	assert_true(d->sandbox);
	assert_true(d->console_window);
	assert_false(d->autostart);
	assert_int_equal(d->restart, CONFIG_RESTART_ON_FAILURE);
	assert_int_equal(d->stop_timeout, 20);
	assert_int_equal(d->cid, 0);
	assert_null(d->agent);
	assert_int_equal(d->n_disks, 0);
	assert_null(d->args[0]);
	assert_null(d->apps[0]);
	config_destroy(c);

	c = expect_ok("[domain vm]\nkind = crosvm\nkernel = /k\ncid = 7\n"
		"agent = vsock:7:6000\n");
	assert_string_equal(config_find_domain(c, "vm")->agent, "vsock:7:6000");
	config_destroy(c);
}

static const struct {
	const char *text;
	const char *error;
} error_cases[] = {
	{ "[general]\ncolr = red\n",
	  "t.conf:2: [general] unknown key 'colr'" },
	{ "[domain work]\ncolor = blue\ncolr = red\n",
	  "t.conf:3: [domain work] unknown key 'colr'" },
	{ "[domain work]\ncolor = #12345g\n",
	  "t.conf:2: [domain work] color: bad colour '#12345g' (expected #rrggbb "
	  "or one of red, orange, yellow, green, sky, blue, purple, gray, black)" },
	{ "[general]\nhost-color = #1234567\n",
	  "t.conf:2: [general] host-color: bad colour '#1234567' (expected "
	  "#rrggbb or one of red, orange, yellow, green, sky, blue, purple, gray, "
	  "black)" },
	{ "[fancy]\nx = 1\n",
	  "t.conf:1: unknown section [fancy] (expected general, keyboard, "
	  "pointer, keys, clipboard, output NAME, domain NAME, sandbox ENGINE or "
	  "autostart)" },
	{ "border-width = 3\n",
	  "t.conf:1: key 'border-width' outside any section (put a [section] "
	  "header above it)" },
	{ "[general]\nborder-width = 3px\n",
	  "t.conf:2: [general] border-width: bad number '3px' (expected an "
	  "integer from 0 to 64)" },
	{ "[general]\nborder-width = 65\n",
	  "t.conf:2: [general] border-width: 65 is out of range (0 to 64)" },
	{ "[general]\ncursor-size = 99999999999999999999\n",
	  "t.conf:2: [general] cursor-size: 99999999999999999999 is out of "
	  "range (8 to 256)" },
	{ "[general]\nborder-width = \n",
	  "t.conf:2: [general] border-width: bad number '' (expected an integer "
	  "from 0 to 64)" },
	{ "[pointer]\ntap = maybe\n",
	  "t.conf:2: [pointer] tap: bad boolean 'maybe' (expected yes, no, true, "
	  "false, on, off, 1 or 0)" },
	{ "[pointer]\naccel = 1.5\n",
	  "t.conf:2: [pointer] accel: 1.5 is out of range (-1 to 1)" },
	{ "[pointer]\naccel = 0.5x\n",
	  "t.conf:2: [pointer] accel: bad number '0.5x' (expected a decimal "
	  "number from -1 to 1)" },
	{ "[general]\nfont = \n",
	  "t.conf:2: [general] font: empty value" },
	{ "[general]\njust words\n",
	  "t.conf:2: expected 'key = value' or a [section] header, got 'just "
	  "words'" },
	{ "[general\nborder-width = 2\n",
	  "t.conf:1: section header without a closing ']'" },
	{ "[general] extra\n",
	  "t.conf:1: unexpected text after section header: 'extra'" },
	{ "[]\n", "t.conf:1: empty section header '[]'" },
	{ "[general]\n= 3\n", "t.conf:2: missing key name before '='" },
	{ "[general]\nborder-width = 2\nborder-width = 3\n",
	  "t.conf:3: [general] key 'border-width' given twice (first on line 2)" },
	{ "[general]\n[keyboard]\n[general]\n",
	  "t.conf:3: section [general] given twice (first on line 1)" },
	{ "[general foo]\n", "t.conf:1: section [general] takes no name" },
	{ "[domain]\n", "t.conf:1: section [domain] needs a name, e.g. "
	  "[domain work]" },
	{ "[output]\n", "t.conf:1: section [output] needs a name, e.g. "
	  "[output HDMI-A-1] or [output *]" },
	{ "[output HDMI-A-1]\nscale = 2\n[output HDMI-A-1]\n",
	  "t.conf:3: output 'HDMI-A-1' is configured twice (lines 1 and 3)" },
	{ "[output HDMI A]\n",
	  "t.conf:1: bad output name 'HDMI A' (expected a connector name such as "
	  "HDMI-A-1 or HEADLESS-1, or *)" },
	{ "[output *]\nmode = 1920x\n",
	  "t.conf:2: [output *] mode: bad mode '1920x' (expected WIDTHxHEIGHT or "
	  "WIDTHxHEIGHT@HZ with sizes 1 to 16384 and HZ up to 1000, e.g. "
	  "1920x1080@59.94)" },
	{ "[output *]\nmode = 1920x1080@\n",
	  "t.conf:2: [output *] mode: bad mode '1920x1080@' (expected "
	  "WIDTHxHEIGHT or WIDTHxHEIGHT@HZ with sizes 1 to 16384 and HZ up to "
	  "1000, e.g. 1920x1080@59.94)" },
	{ "[output *]\nposition = 10\n",
	  "t.conf:2: [output *] position: bad position '10' (expected X,Y in "
	  "layout pixels, e.g. 1920,0)" },
	{ "[output *]\ntransform = 45\n",
	  "t.conf:2: [output *] transform: bad value '45' (expected normal, 90, "
	  "180, 270, flipped, flipped-90, flipped-180 or flipped-270)" },
	{ "[output *]\nscale = 0.2\n",
	  "t.conf:2: [output *] scale: 0.2 is out of range (0.25 to 10)" },
	{ "[domain work]\nkernel = /boot/vmlinuz\n",
	  "t.conf:2: [domain work] key 'kernel' applies only to kind = crosvm or "
	  "kind = qemu, and this domain is kind = socket" },
	{ "[domain work]\nkind = command\ncommand = x\nshare = /a:b\n",
	  "t.conf:4: [domain work] key 'share' applies only to kind = crosvm or "
	  "kind = qemu, and this domain is kind = command" },
	{ "[domain work]\nautostart = yes\n",
	  "t.conf:2: [domain work] key 'autostart' applies only to kind = "
	  "command, crosvm or qemu, and this domain is kind = socket" },
	{ "[domain work]\ncommand = x\n",
	  "t.conf:2: [domain work] key 'command' applies only to kind = command, "
	  "and this domain is kind = socket" },
	{ "[domain work]\nkind = podman\n",
	  "t.conf:2: [domain work] kind: bad value 'podman' (expected socket, "
	  "command, crosvm or qemu)" },
	{ "[domain work]\nkind = command\n",
	  "t.conf:1: [domain work] kind = command needs a 'command' key (the "
	  "launcher, e.g. systemd-nspawn … {socket})" },
	{ "[domain vm]\nkind = crosvm\n",
	  "t.conf:1: [domain vm] kind = crosvm needs a 'kernel' key" },
	{ "[domain c]\nkind = command\ncommand = run {socket} {sock}\n",
	  "t.conf:3: [domain c] command: unknown substitution '{sock}' (allowed: "
	  "{socket}, {display}, {dir}, {name})" },
	{ "[domain c]\nkind = command\ncommand = x\nexec = run {sock} {cmd}\n",
	  "t.conf:4: [domain c] exec: unknown substitution '{sock}' (allowed: "
	  "{cmd}, {socket}, {display}, {dir}, {name})" },
	{ "[domain c]\nkind = command\ncommand = x\nexec = run\n",
	  "t.conf:4: [domain c] exec: the template has no {cmd}, so the command "
	  "to run would be lost" },
	{ "[domain w]\nsocket = run/w.sock\n",
	  "t.conf:2: [domain w] socket: 'run/w.sock' is not an absolute path" },
	{ "[domain w]\nsocket = /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  "t.conf:2: [domain w] socket: '/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is 108 bytes long; "
	  "a Unix socket path must be shorter than 108" },
	{ "[domain w]\nmax-clients = 0\n",
	  "t.conf:2: [domain w] max-clients: 0 is out of range (1 to 4096)" },
	{ "[domain w]\nfullscreen = sometimes\n",
	  "t.conf:2: [domain w] fullscreen: bad value 'sometimes' (expected "
	  "edge, allow or deny)" },
	{ "[domain w]\npaste-from = never\n",
	  "t.conf:2: [domain w] paste-from: bad value 'never' (expected ask, "
	  "allow or deny)" },
	{ "[domain w]\nprotocols = wl_shm, Bad-Name\n",
	  "t.conf:2: [domain w] protocols: bad Wayland interface name "
	  "'Bad-Name'" },
	{ "[domain w]\nprotocols = wl_shm,,wl_seat\n",
	  "t.conf:2: [domain w] protocols: empty item in list "
	  "'wl_shm,,wl_seat'" },
	{ "[domain w]\npaste-from.host.x = deny\n",
	  "t.conf:2: [domain w] paste-from.host.x: bad domain name 'host.x' "
	  "after the dot (expected a domain of this file or host)" },
	{ "[domain w]\ncopy-to.w = deny\n",
	  "t.conf:2: [domain w] copy-to.w: names this domain itself; pastes "
	  "within a domain are never checked" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nagent = tcp:1:2\n",
	  "t.conf:4: [domain w] agent: bad agent address 'tcp:1:2' (expected "
	  "vsock:CID:PORT with CID 3 to 4294967294, or unix:PATH with an "
	  "absolute path shorter than 108 bytes)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nagent = vsock:2:5100\n",
	  "t.conf:4: [domain w] agent: bad agent address 'vsock:2:5100' "
	  "(expected vsock:CID:PORT with CID 3 to 4294967294, or unix:PATH with "
	  "an absolute path shorter than 108 bytes)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\ndisk = /a.img,rw\n",
	  "t.conf:4: [domain w] disk: bad disk '/a.img,rw' (expected PATH or "
	  "PATH,ro)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nshare = /home/u\n",
	  "t.conf:4: [domain w] share: bad share '/home/u' (expected HOSTDIR:TAG "
	  "with an absolute HOSTDIR and a TAG without ':', ',' or blanks)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nmem = 32\n",
	  "t.conf:4: [domain w] mem: 32 is out of range (64 to 1048576)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\ncid = 2\n",
	  "t.conf:4: [domain w] cid: 2 is out of range (3 to 4294967294)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\ncid = 4294967295\n",
	  "t.conf:4: [domain w] cid: 4294967295 is out of range (3 to "
	  "4294967294)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nnet = a-very-long-tap-name\n",
	  "t.conf:4: [domain w] net: bad tap interface name "
	  "'a-very-long-tap-name' (expected 1 to 15 characters without '/', ':' "
	  "or blanks)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nargs = --a 'b\n",
	  "t.conf:4: [domain w] args: unterminated single quote in '--a 'b'" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nargs = \"x\n",
	  "t.conf:4: [domain w] args: unterminated double quote in '\"x'" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nrestart = sometimes\n",
	  "t.conf:4: [domain w] restart: bad value 'sometimes' (expected no, "
	  "on-failure or always)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nstop-timeout = 0\n",
	  "t.conf:4: [domain w] stop-timeout: 0 is out of range (1 to 3600)" },
	{ "[domain w]\nkind = crosvm\nkernel = /k\nkernel = /k2\n",
	  "t.conf:4: [domain w] key 'kernel' given twice (first on line 3)" },
	{ "[sandbox flatpak]\ncolor = pink\n",
	  "t.conf:2: [sandbox flatpak] color: bad colour 'pink' (expected "
	  "#rrggbb or one of red, orange, yellow, green, sky, blue, purple, gray, "
	  "black)" },
	{ "[sandbox flatpak]\n[sandbox flatpak]\n",
	  "t.conf:2: sandbox 'flatpak' is configured twice (lines 1 and 2)" },
	{ "[clipboard]\ndefault = maybe\n",
	  "t.conf:2: [clipboard] default: bad value 'maybe' (expected ask, allow "
	  "or deny)" },
	{ "[clipboard]\nmax-bytes = 5G\n",
	  "t.conf:2: [clipboard] max-bytes: 5G is out of range (1 to 4294967296 "
	  "bytes)" },
	{ "[clipboard]\nmax-bytes = 0\n",
	  "t.conf:2: [clipboard] max-bytes: 0 is out of range (1 to 4294967296 "
	  "bytes)" },
	{ "[clipboard]\nmax-bytes = 10KB\n",
	  "t.conf:2: [clipboard] max-bytes: bad size '10KB' (expected a number "
	  "of bytes with an optional K, M or G suffix)" },
	{ "[clipboard]\ntimeout = 50ms\n",
	  "t.conf:2: [clipboard] timeout: 50ms is out of range (100ms to "
	  "3600000ms)" },
	{ "[clipboard]\ntimeout = 2m\n",
	  "t.conf:2: [clipboard] timeout: bad duration '2m' (expected seconds, "
	  "e.g. 30 or 30s, or milliseconds, e.g. 500ms)" },
	{ "[keys]\nHyper+x = close\n",
	  "t.conf:2: [keys] unknown modifier 'Hyper' in 'Hyper+x' (expected "
	  "Super, Logo, Mod4, Alt, Mod1, Ctrl, Control or Shift)" },
	{ "[keys]\nSuper+Retrun = close\n",
	  "t.conf:2: [keys] unknown key 'Retrun' in 'Super+Retrun' (expected an "
	  "xkb keysym name such as Return, Tab, Escape, q, 1 or F1)" },
	{ "[keys]\nSuper++ = close\n",
	  "t.conf:2: [keys] bad key combination 'Super++': empty part (write "
	  "the + key as 'plus')" },
	{ "[keys]\nShift+Super+Shift+x = close\n",
	  "t.conf:2: [keys] modifier 'Shift' given twice in "
	  "'Shift+Super+Shift+x'" },
	{ "[keys]\nSuper+x = explode\n",
	  "t.conf:2: [keys] Super+x: unknown action 'explode' (expected exec, "
	  "close, quit, workspace, move-to-workspace, fullscreen, maximize, "
	  "cycle, cycle-back, leave-fullscreen, secure-copy, secure-paste, "
	  "reload, attention or none)" },
	{ "[keys]\nSuper+x = workspace 10\n",
	  "t.conf:2: [keys] Super+x: action 'workspace' needs a workspace number "
	  "from 1 to 9, got '10'" },
	{ "[keys]\nSuper+x = move-to-workspace\n",
	  "t.conf:2: [keys] Super+x: action 'move-to-workspace' needs a "
	  "workspace number from 1 to 9, got ''" },
	{ "[keys]\nSuper+x = exec\n",
	  "t.conf:2: [keys] Super+x: action 'exec' needs a command" },
	{ "[keys]\nSuper+x = close now\n",
	  "t.conf:2: [keys] Super+x: action 'close' takes no argument, got "
	  "'now'" },
	{ "[keys]\nSuper+x = close\nsuper+X = quit\n",
	  "t.conf:3: [keys] 'super+X' is bound twice (first on line 2)" },
	{ "[keys]\nSuper+Escape = exec foot\n",
	  "t.conf:2: [keys] 'Super+Escape' always leaves fullscreen, so that no "
	  "fullscreen window can keep the screen; it cannot be rebound or "
	  "removed" },
	{ "[keys]\nlogo+escape = none\n",
	  "t.conf:2: [keys] 'logo+escape' always leaves fullscreen, so that no "
	  "fullscreen window can keep the screen; it cannot be rebound or "
	  "removed" },
};

static void test_error_messages(void **state) {
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		print_message("case %zu\n", i);
		expect_error(error_cases[i].text, error_cases[i].error);
	}
}

/* A value as long as the user needs: no fixed line buffer cuts it. */
static void test_long_line(void **state) {
	/* A 4 KiB launcher line: a command with many binds, and args. */
	size_t n = 4096;
	char *cmd = malloc(n + 1);
	assert_non_null(cmd);
	size_t at = (size_t)snprintf(cmd, n + 1, "systemd-nspawn -D /m");
	while (at + 16 <= n) {
		at += (size_t)snprintf(cmd + at, n + 1 - at, " --bind=/d%05zu", at);
	}
	while (at < n) {
		cmd[at++] = 'x';
	}
	cmd[n] = '\0';
	char *text;
	assert_true(asprintf(&text, "[domain box]\nkind = command\n"
		"command = %s   ; a comment after it\n"
		"exec = %s \\\n  --and-more {cmd}\n"
		"[domain vm]\nkind = crosvm\nkernel = /k\nargs = %s\n"
		"# %s\n"
		"[general]\nborder-width = x\n", cmd, cmd, cmd, cmd) > 0);
	struct config_errors errs = { 0 };
	assert_null(load(text, &errs));
	/* The only error is the one on the line after the long ones. */
	expect_one_error(&errs, "t.conf:12: [general] border-width: ");

	char *good = strstr(text, "[general]");
	*good = '\0';
	struct cordon_config *c = expect_ok(text);
	struct config_domain *box = config_find_domain(c, "box");
	assert_int_equal(strlen(box->command), n);
	assert_string_equal(box->command, cmd);
	assert_int_equal(strlen(box->exec), n + strlen(" --and-more {cmd}"));
	assert_memory_equal(box->exec, cmd, n);
	assert_string_equal(box->exec + n, " --and-more {cmd}");
	struct config_domain *vm = config_find_domain(c, "vm");
	size_t words = 0;
	for (char **a = vm->args; *a; a++) {
		words++;
	}
	assert_true(words > 200);
	assert_string_equal(vm->args[0], "systemd-nspawn");
	config_destroy(c);

	/* A long key is an unknown key, named whole, not a cut line. */
	char key[1001];
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	free(text);
	assert_true(asprintf(&text, "[general]\n%s = 1\n", key) > 0);
	assert_null(load(text, &errs));
	assert_int_equal(errs.len, 1);
	assert_non_null(strstr(errs.msgs[0], "t.conf:2: [general] unknown key"));
	assert_non_null(strstr(errs.msgs[0], key));
	config_errors_finish(&errs);
	free(text);
	free(cmd);
}

static void test_all_errors_reported(void **state) {
	const char *text =
		"[general]\n"
		"border-width = huge\n"
		"nonsense\n"
		"[domain Work]\n"
		"color = #12345g\n"
		"[keys]\n"
		"Super+Retrun = close\n"
		"[clipboard]\n"
		"default = maybe\n";
	struct config_errors errs = { 0 };
	assert_null(load(text, &errs));
	const char *expected[] = {
		"t.conf:2: [general] border-width: bad number 'huge'",
		"t.conf:3: expected 'key = value'",
		"t.conf:4: bad domain name 'Work'",
		"t.conf:5: [domain Work] color: bad colour '#12345g'",
		"t.conf:7: [keys] unknown key 'Retrun'",
		"t.conf:9: [clipboard] default: bad value 'maybe'",
	};
	size_t n = sizeof(expected) / sizeof(expected[0]);
	if (errs.len != n) {
		dump_errors(&errs);
	}
	assert_int_equal(errs.len, n);
	for (size_t i = 0; i < n; i++) {
		assert_true(strncmp(errs.msgs[i], expected[i], strlen(expected[i])) == 0);
	}
	config_errors_finish(&errs);
	assert_null(errs.msgs);
	assert_int_equal(errs.len, 0);

	/* A NULL errs is allowed: the load still fails. */
	assert_null(load(text, NULL));
}

static void test_duplicates(void **state) {
	expect_error("[domain work]\ncolor = red\n\n[domain work]\n",
		"t.conf:4: domain 'work' is defined twice (lines 1 and 4)");
	expect_error(
		"[domain a]\nkind = crosvm\nkernel = /k\ncid = 5\n"
		"[domain b]\nkind = crosvm\nkernel = /k\ncid = 5\n",
		"t.conf:8: [domain b] cid: 5 is already the cid of domain 'a' "
		"(line 4)");
	expect_error("[domain a]\nsocket = /run/x.sock\n"
		"[domain b]\nsocket = /run/x.sock\n",
		"t.conf:3: [domain b] socket '/run/x.sock' is already the socket of "
		"domain 'a' (line 1)");
	/* disk and share repeat; distinct CIDs are fine. */
	struct cordon_config *c = expect_ok(
		"[domain a]\nkind = crosvm\nkernel = /k\ncid = 5\n"
		"disk = /a\ndisk = /b,ro\ndisk = /c\nshare = /x:x\nshare = /y:y\n"
		"[domain b]\nkind = crosvm\nkernel = /k\ncid = 6\n");
	struct config_domain *d = config_find_domain(c, "a");
	assert_int_equal(d->n_disks, 3);
	assert_string_equal(d->disks[2].path, "/c");
	assert_int_equal(d->n_shares, 2);
	assert_string_equal(config_find_domain(c, "b")->agent, "vsock:6:5100");
	config_destroy(c);
}

static void test_pair_rules(void **state) {
	/* A rule may name a domain defined further down, or host. */
	struct cordon_config *c = expect_ok(
		"[domain a]\npaste-from.b = allow\ncopy-to.host = deny\n"
		"[domain b]\ncopy-to.a = ask\n");
	struct config_domain *b = config_find_domain(c, "b");
	struct config_clip_rule *r = wl_container_of(b->copy_to_rules.next, r, link);
	assert_string_equal(r->other, "a");
	assert_int_equal(r->policy, CONFIG_CLIP_ASK);
	config_destroy(c);

	expect_error("[domain a]\ncolor = red\npaste-from.bank = deny\n"
		"[domain b]\n",
		"t.conf:3: [domain a] paste-from.bank: no domain named 'bank' in "
		"this file");
	expect_error("[domain a]\ncopy-to.nobody = deny\n",
		"t.conf:2: [domain a] copy-to.nobody: no domain named 'nobody' in "
		"this file");
	expect_error("[domain a]\npaste-from.b = sometimes\n[domain b]\n",
		"t.conf:2: [domain a] paste-from.b: bad value 'sometimes' (expected "
		"ask, allow or deny)");
	expect_error("[domain a]\npaste-from.b = deny\npaste-from.b = allow\n"
		"[domain b]\n",
		"t.conf:3: [domain a] key 'paste-from.b' given twice (first on line "
		"2)");
	expect_error("[domain a]\ncolor.b = red\n",
		"t.conf:2: [domain a] unknown key 'color.b'");
}

static void test_domain_names(void **state) {
	expect_error("[domain host]\n",
		"t.conf:1: domain name 'host' is reserved for the trusted host "
		"session");
	const char *bad[] = {
		"Work", "-work", "_work", "wörk", "a.b",
		"a23456789012345678901234567890123",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[128], error[256];
		snprintf(text, sizeof(text), "[domain %s]\n", bad[i]);
		snprintf(error, sizeof(error), "t.conf:1: bad domain name '%s' "
			"(expected 1 to 32 characters of a-z, 0-9, '_' and '-', starting "
			"with a letter or digit)", bad[i]);
		expect_error(text, error);
	}
	struct cordon_config *c = expect_ok(
		"[domain a2345678901234567890123456789012]\n"
		"[domain 0day_x-1]\n[domain hosts]\n");
	assert_non_null(config_find_domain(c, "a2345678901234567890123456789012"));
	assert_non_null(config_find_domain(c, "0day_x-1"));
	assert_non_null(config_find_domain(c, "hosts"));
	assert_null(config_find_domain(c, "host"));
	config_destroy(c);
}

static void test_bindings(void **state) {
	struct cordon_config *c = expect_ok(
		"[keys]\n"
		"super+shift+Q = exec kill-it\n"     /* replaces close */
		"Mod4+1 = none\n"                    /* removes workspace 1 */
		"Logo+Shift+1 = workspace 2\n"       /* replaces move-to-workspace 1 */
		"Control+Mod1+Delete = quit\n"       /* a new one */
		"Super+Escape = leave-fullscreen\n"  /* the same as the default */
		"Super+plus = maximize\n"
		"Super+F1 = exec foot --help\n");
	struct config_binding *b = find_binding(c, SUPER | SHIFT, XKB_KEY_q);
	assert_non_null(b);
	assert_int_equal(b->action, CONFIG_ACTION_EXEC);
	assert_string_equal(b->arg, "kill-it");
	assert_int_equal(b->line, 2);
	assert_null(find_binding(c, SUPER, XKB_KEY_1));
	b = find_binding(c, SUPER | SHIFT, XKB_KEY_1);
	assert_non_null(b);
	assert_int_equal(b->action, CONFIG_ACTION_WORKSPACE);
	assert_int_equal(b->num, 2);
	b = find_binding(c, CTRL | ALT, XKB_KEY_Delete);
	assert_non_null(b);
	assert_int_equal(b->action, CONFIG_ACTION_QUIT);
	b = find_binding(c, SUPER, XKB_KEY_Escape);
	assert_non_null(b);
	assert_int_equal(b->action, CONFIG_ACTION_LEAVE_FULLSCREEN);
	assert_non_null(find_binding(c, SUPER, XKB_KEY_plus));
	b = find_binding(c, SUPER, XKB_KEY_F1);
	assert_non_null(b);
	assert_string_equal(b->arg, "foot --help");
	/* Defaults the file does not mention are kept. */
	b = find_binding(c, SUPER, XKB_KEY_Return);
	assert_non_null(b);
	assert_string_equal(b->arg, "foot");
	/* 30 defaults - 1 removed + 3 new. */
	assert_int_equal(wl_list_length(&c->bindings), 32);
	assert_string_equal(config_action_name(CONFIG_ACTION_CYCLE_BACK),
		"cycle-back");
	config_destroy(c);

	/* Super+Shift+Escape is an ordinary combo. */
	c = expect_ok("[keys]\nSuper+Shift+Escape = exec foot\n");
	assert_non_null(find_binding(c, SUPER | SHIFT, XKB_KEY_Escape));
	config_destroy(c);
}

static void test_inline_comments(void **state) {
	struct cordon_config *c = expect_ok(
		"[clipboard] ; the clipboard guard\n"
		"mime = text/plain;charset=utf-8, text/plain ; two types\n"
		"[general]\n"
		"font = Mono#2 10 ; a comment\n"
		"# a comment\n"
		"    border-width = 2\n"
		"\tcursor-size = 16\n");
	assert_string_equal(c->clipboard.mime[0], "text/plain;charset=utf-8");
	assert_string_equal(c->clipboard.mime[1], "text/plain");
	assert_null(c->clipboard.mime[2]);
	assert_string_equal(c->font, "Mono#2 10");
	/* Indented lines are keys of their own, not continued values. */
	assert_int_equal(c->border_width, 2);
	assert_int_equal(c->cursor_size, 16);
	config_destroy(c);
}

static void test_continuation(void **state) {
	struct cordon_config *c = expect_ok(
		"[domain vm]\n"
		"kind = crosvm\n"
		"kernel = /k\n"
		"args = --a 1 \\\n"
		"       --b 'two \\\n"
		"  words' \\\n"
		"\n"
		"mem = 512\n");
	struct config_domain *d = config_find_domain(c, "vm");
	assert_string_equal(d->args[0], "--a");
	assert_string_equal(d->args[1], "1");
	assert_string_equal(d->args[2], "--b");
	assert_string_equal(d->args[3], "two words");
	assert_null(d->args[4]);
	assert_int_equal(d->mem_mib, 512);
	config_destroy(c);

	/* The line of an error in a continued value is the key's line. */
	expect_error("[general]\nborder-width = 1 \\\n 2\n",
		"t.conf:2: [general] border-width: bad number '1 2' (expected an "
		"integer from 0 to 64)");
}

static void test_colors(void **state) {
	uint32_t rgb;
	assert_true(config_parse_color("#AbCdEf", &rgb));
	assert_int_equal(rgb, 0xabcdef);
	const struct {
		const char *name;
		uint32_t rgb;
	} labels[] = {
		{ "red", 0xd55e00 }, { "orange", 0xe69f00 }, { "yellow", 0xf0e442 },
		{ "green", 0x009e73 }, { "sky", 0x56b4e9 }, { "blue", 0x0072b2 },
		{ "purple", 0xcc79a7 }, { "gray", 0x888a85 }, { "black", 0x2e3436 },
	};
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		assert_true(config_parse_color(labels[i].name, &rgb));
		assert_int_equal(rgb, labels[i].rgb);
	}
	assert_false(config_parse_color("#12345", &rgb));
	assert_false(config_parse_color("123456", &rgb));
	assert_false(config_parse_color("grey", &rgb));
	assert_false(config_parse_color("", &rgb));
	assert_false(config_parse_color(NULL, &rgb));
}

static void test_values(void **state) {
	struct cordon_config *c = expect_ok(
		"[clipboard]\nmax-bytes = 4G\ntimeout = 3600s\n"
		"[pointer]\naccel = 1\ntap = TRUE\n"
		"[output X11-1]\nmode = 800x600\n"
		"[output WL-1]\nmode = 1920x1080@60Hz\nposition = 0 , 1080\n"
		"[keyboard]\nlayout =\nrepeat-rate = 0\n");
	assert_int_equal(c->clipboard.max_bytes, 4ull << 30);
	assert_int_equal(c->clipboard.timeout_ms, 3600 * 1000);
	assert_true(c->accel_speed == 1);
	assert_true(c->tap_to_click);
	struct config_output *o = wl_container_of(c->outputs.next, o, link);
	assert_int_equal(o->width, 800);
	assert_int_equal(o->refresh_mhz, 0);
	o = wl_container_of(o->link.next, o, link);
	assert_int_equal(o->refresh_mhz, 60000);
	assert_int_equal(o->y, 1080);
	assert_null(c->xkb_layout);
	assert_int_equal(c->repeat_rate, 0);
	config_destroy(c);

	c = expect_ok("[clipboard]\nmax-bytes = 512k\ntimeout = 45\n");
	assert_int_equal(c->clipboard.max_bytes, 512 * 1024);
	assert_int_equal(c->clipboard.timeout_ms, 45000);
	config_destroy(c);

	assert_string_equal(config_kind_name(CONFIG_DOMAIN_CROSVM), "crosvm");
	assert_string_equal(config_clip_policy_name(CONFIG_CLIP_DENY), "deny");
}

/* Issue 9: object caps per client and per domain. */
static void test_object_caps(void **state) {
	struct cordon_config *c = expect_ok(
		"[domain a]\nmax-surfaces = 10\ndomain-max-popups = 5\nmax-regions = 1\n"
		"[domain b]\n");
	struct config_domain *d = config_find_domain(c, "a");
	assert_int_equal(d->client_max[CONFIG_OBJ_SURFACE], 10);
	assert_int_equal(d->client_max[CONFIG_OBJ_REGION], 1);
	assert_int_equal(d->domain_max[CONFIG_OBJ_POPUP], 5);
	assert_int_equal(d->client_max[CONFIG_OBJ_SUBSURFACE],
		CONFIG_DEFAULT_CLIENT_MAX_SUBSURFACES);
	d = config_find_domain(c, "b");
	assert_int_equal(d->client_max[CONFIG_OBJ_POPUP], CONFIG_DEFAULT_CLIENT_MAX_POPUPS);
	assert_int_equal(d->domain_max[CONFIG_OBJ_SURFACE], CONFIG_DEFAULT_DOMAIN_MAX_SURFACES);
	config_destroy(c);
	assert_string_equal(config_object_name(CONFIG_OBJ_SUBSURFACE), "subsurfaces");

	expect_error("[domain a]\nmax-surfaces = 0\n",
		"t.conf:2: [domain a] max-surfaces: 0 is out of range (1 to 1048576)");
	expect_error("[domain a]\ndomain-max-regions = lots\n", "t.conf:2: [domain a] "
		"domain-max-regions: bad number 'lots' (expected an integer from 1 to 1048576)");
	expect_error("[domain a]\nmax-wombats = 3\n",
		"t.conf:2: [domain a] unknown key 'max-wombats'");
}

static void test_args_split(void **state) {
	struct cordon_config *c = expect_ok(
		"[domain vm]\nkind = crosvm\nkernel = /k\n"
		"args = plain 'single \"q\" \\n' \"dq \\$HOME \\\\ \\n\" "
		"back\\'slash '' \"\"a\n");
	char **a = config_find_domain(c, "vm")->args;
	assert_string_equal(a[0], "plain");
	assert_string_equal(a[1], "single \"q\" \\n");
	assert_string_equal(a[2], "dq $HOME \\ \\n");
	assert_string_equal(a[3], "back'slash");
	assert_string_equal(a[4], "");
	assert_string_equal(a[5], "a");
	assert_null(a[6]);
	config_destroy(c);

	/* Only an inline comment can leave a backslash at the end. */
	expect_error("[domain vm]\nkind = crosvm\nkernel = /k\nargs = a\\ ; c\n",
		"t.conf:4: [domain vm] args: backslash at the end in 'a\\'");
}

static char *write_temp(const char *dir, const char *name, const char *text) {
	char *path;
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void test_files(void **state) {
	char dir[] = "/tmp/cordon-config-test.XXXXXX";
	assert_non_null(mkdtemp(dir));

	char *good = write_temp(dir, "good", "[general]\nborder-width = 7\n");
	struct config_errors errs = { 0 };
	struct cordon_config *c = config_load_file(good, &errs);
	assert_non_null(c);
	assert_int_equal(c->border_width, 7);
	assert_string_equal(c->path, good);
	config_destroy(c);

	char *bad = write_temp(dir, "bad", "[general]\n\nborder-width = 99\n");
	assert_null(config_load_file(bad, &errs));
	assert_int_equal(errs.len, 1);
	char *expected;
	assert_true(asprintf(&expected, "%s:3: [general] border-width: 99 is out "
		"of range (0 to 64)", bad) > 0);
	assert_string_equal(errs.msgs[0], expected);
	free(expected);
	config_errors_finish(&errs);

	/* An explicit path must exist. */
	char *missing;
	assert_true(asprintf(&missing, "%s/missing", dir) > 0);
	assert_null(config_load(missing, &errs));
	assert_int_equal(errs.len, 1);
	assert_true(asprintf(&expected, "%s: cannot open: No such file or "
		"directory", missing) > 0);
	assert_string_equal(errs.msgs[0], expected);
	free(expected);
	config_errors_finish(&errs);

	/* A directory is not a config. */
	assert_null(config_load_file(dir, &errs));
	expect_one_error(&errs, "not a regular file");

	/* The search: $XDG_CONFIG_HOME/cordon/config. */
	char *saved_xdg = getenv("XDG_CONFIG_HOME") ?
		strdup(getenv("XDG_CONFIG_HOME")) : NULL;
	char *sub;
	assert_true(asprintf(&sub, "%s/cordon", dir) > 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	char *found = write_temp(sub, "config", "[general]\ncursor-size = 48\n");
	setenv("XDG_CONFIG_HOME", dir, 1);
	c = config_load(NULL, &errs);
	assert_non_null(c);
	assert_int_equal(c->cursor_size, 48);
	assert_string_equal(c->path, found);
	config_destroy(c);

	/* A broken file found by the search is an error, not a fallback. */
	char *broken = write_temp(sub, "config", "[general]\ncursor-size = 1\n");
	assert_null(config_load(NULL, &errs));
	expect_one_error(&errs, NULL);

	/* Nothing anywhere: the built-in defaults. */
	assert_int_equal(unlink(found), 0);
	if (access("/etc/xdg/cordon/config", F_OK) != 0) {
		c = config_load(NULL, &errs);
		assert_non_null(c);
		assert_null(c->path);
		check_defaults(c);
		config_destroy(c);
	}
	if (saved_xdg != NULL) {
		setenv("XDG_CONFIG_HOME", saved_xdg, 1);
	} else {
		unsetenv("XDG_CONFIG_HOME");
	}
	free(saved_xdg);

	/* A NUL byte cannot come from a string, only from a file. */
	char *nul_path;
	assert_true(asprintf(&nul_path, "%s/nul", dir) > 0);
	FILE *f = fopen(nul_path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite("[general]\nfont = a\0b\n", 1, 21, f), 21);
	assert_int_equal(fclose(f), 0);
	assert_null(config_load_file(nul_path, &errs));
	expect_one_error(&errs, ":2: NUL byte in the file");

	unlink(good);
	unlink(bad);
	unlink(nul_path);
	rmdir(sub);
	rmdir(dir);
	free(good);
	free(bad);
	free(missing);
	free(sub);
	free(found);
	free(broken);
	free(nul_path);
}

static void test_autostart(void **state) {
	(void)state;
	struct cordon_config *c = config_create_default();
	assert_non_null(c);
	assert_null(c->autostart[0]);
	config_destroy(c);

	struct config_errors errs = {0};
	c = config_load_string("[autostart]\nexec = swaybg -c '#336699'\n"
		"exec = waybar\n", "t.conf", &errs);
	assert_non_null(c);
	assert_int_equal(errs.len, 0);
	assert_string_equal(c->autostart[0], "swaybg -c '#336699'");
	assert_string_equal(c->autostart[1], "waybar");
	assert_null(c->autostart[2]);
	config_destroy(c);

	c = config_load_string("[autostart]\nexec = echo 'oops\nrun = x\nexec =\n",
		"t.conf", &errs);
	assert_null(c);
	assert_int_equal(errs.len, 3);
	assert_string_equal(errs.msgs[0],
		"t.conf:2: [autostart] exec: unterminated single quote");
	assert_string_equal(errs.msgs[1],
		"t.conf:3: [autostart] unknown key 'run' (expected exec = COMMAND)");
	assert_string_equal(errs.msgs[2], "t.conf:4: [autostart] exec: needs a command");
	config_errors_finish(&errs);

	c = config_create_default();
	assert_non_null(c);
	assert_int_equal(c->user_session, CONFIG_USER_SESSION_AUTO);
	config_destroy(c);
	c = config_load_string("[general]\nuser-session = yes\n", "t.conf", &errs);
	assert_non_null(c);
	assert_int_equal(c->user_session, CONFIG_USER_SESSION_YES);
	config_destroy(c);
	c = config_load_string("[general]\nuser-session = maybe\n", "t.conf", &errs);
	assert_null(c);
	assert_int_equal(errs.len, 1);
	assert_string_equal(errs.msgs[0], "t.conf:2: [general] user-session: bad value "
		"'maybe' (expected auto, yes or no)");
	config_errors_finish(&errs);
}

static void test_example_config(void **state) {
	struct config_errors errs = { 0 };
	struct cordon_config *c = config_load_file(EXAMPLE_CONFIG, &errs);
	dump_errors(&errs);
	assert_non_null(c);
	struct config_domain *work = config_find_domain(c, "work");
	struct config_domain *banking = config_find_domain(c, "banking");
	assert_non_null(work);
	assert_non_null(banking);
	assert_int_equal(work->color, 0x0072b2);
	assert_int_equal(banking->color, 0x009e73);
	assert_int_equal(banking->paste_from, CONFIG_CLIP_DENY);
	bool have_crosvm = false, have_command = false;
	struct config_domain *d;
	wl_list_for_each(d, &c->domains, link) {
		have_crosvm = have_crosvm || d->kind == CONFIG_DOMAIN_CROSVM;
		have_command = have_command || d->kind == CONFIG_DOMAIN_COMMAND;
	}
	assert_true(have_crosvm);
	assert_true(have_command);
	config_destroy(c);
}

/* trust, pattern, badge: values, errors with file and line, and the defaults. */
static void test_identity(void **state) {
	struct cordon_config *c = expect_ok(
		"[clipboard]\nup = allow\ndown = ask\nlevel = deny\n"
		"[domain a]\ncolor = blue\n"
		"[domain b]\ncolor = blue\n"
		"[domain c]\ncolor = blue\npattern = solid\n"
		"[domain d]\ncolor = red\ntrust = 0\nbadge = W\xc3\xb6r\n");
	assert_int_equal(c->clipboard.up, CONFIG_CLIP_ALLOW);
	assert_int_equal(c->clipboard.down, CONFIG_CLIP_ASK);
	assert_int_equal(c->clipboard.level, CONFIG_CLIP_DENY);
	/* Written patterns stand; the others take the first one free in their colour. */
	assert_int_equal(config_find_domain(c, "c")->pattern, CONFIG_PATTERN_SOLID);
	assert_int_equal(config_find_domain(c, "a")->pattern, CONFIG_PATTERN_STRIPES);
	assert_int_equal(config_find_domain(c, "b")->pattern, CONFIG_PATTERN_DOTS);
	assert_int_equal(config_find_domain(c, "d")->pattern, CONFIG_PATTERN_SOLID);
	assert_int_equal(config_domain_trust(c, "a"), CONFIG_TRUST_DEFAULT);
	assert_int_equal(config_domain_trust(c, "d"), 0);
	assert_int_equal(config_domain_trust(c, "host"), 9);
	char badge[CONFIG_BADGE_SIZE];
	config_domain_badge(c, "a", badge);
	assert_string_equal(badge, "A");
	config_domain_badge(c, "d", badge);
	assert_string_equal(badge, "W\xc3\xb6r");
	config_domain_badge(c, "flatpak:org.x", badge);
	assert_string_equal(badge, "F");
	config_destroy(c);

	expect_error("[domain a]\ntrust = 10\n",
		"t.conf:2: [domain a] trust: 10 is out of range (0 to 9)");
	expect_error("[domain a]\npattern = zigzag\n",
		"t.conf:2: [domain a] pattern: bad value 'zigzag' (expected solid, "
		"stripes, dots or checks)");
	expect_error("[domain a]\nbadge = ABCD\n",
		"t.conf:2: [domain a] badge: bad badge 'ABCD' (expected 1 to 3 visible "
		"characters, no blanks, controls or direction marks)");
	expect_error("[domain a]\nbadge = A\xe2\x80\xae\n",
		"t.conf:2: [domain a] badge: bad badge 'A\xe2\x80\xae' (expected 1 to 3 "
		"visible characters, no blanks, controls or direction marks)");
	expect_error("[domain a]\ncolor = red\npattern = dots\n"
		"[domain b]\ncolor = red\npattern = dots\n",
		"t.conf:6: [domain b] pattern: 'dots' in colour #d55e00 is already domain "
		"'a' (line 3); give one of them another pattern or colour");
	expect_error("[clipboard]\nup = maybe\n",
		"t.conf:2: [clipboard] up: bad value 'maybe' (expected ask, allow or deny)");
}

int main(void) {
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_clipboard_grant),
		cmocka_unit_test(test_xwayland),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_session_keys),
		cmocka_unit_test(test_crosvm_defaults),
		cmocka_unit_test(test_error_messages),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_pair_rules),
		cmocka_unit_test(test_domain_names),
		cmocka_unit_test(test_bindings),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_args_split),
		cmocka_unit_test(test_object_caps),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_autostart),
		cmocka_unit_test(test_example_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
