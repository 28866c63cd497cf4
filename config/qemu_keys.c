#include <string.h>
#include "config/internal.h"

/* The keys only kind = qemu has; the rest it shares with crosvm (domains.c). */

static const struct config_name_value accel_names[] = {
	{ "auto", CONFIG_ACCEL_AUTO },
	{ "kvm", CONFIG_ACCEL_KVM },
	{ "tcg", CONFIG_ACCEL_TCG },
	{ NULL, 0 },
};

static const struct config_name_value relay_names[] = {
	{ "waypipe", CONFIG_RELAY_WAYPIPE },
	{ "rutabaga", CONFIG_RELAY_RUTABAGA },
	{ NULL, 0 },
};

/* A program name or an absolute path, with nothing a command line would split. */
static bool qemu_keys_binary_ok(const char *v) {
	if (v[0] == '\0' || strpbrk(v, " \t\n") != NULL || v[0] == '-') {
		return false;
	}
	return strchr(v, '/') == NULL || v[0] == '/';
}

bool config_parse_qemu_key(const struct config_item *it, struct config_domain *d) {
	const char *k = it->e->key;
	const char *v = it->e->value;
	int e;
	if (strcmp(k, "qemu") == 0) {
		if (!qemu_keys_binary_ok(v)) {
			config_item_error(it, "bad qemu binary '%s' (expected a program "
				"name found in PATH or an absolute path, without blanks)", v);
		} else {
			config_val_string(it, &d->qemu);
		}
	} else if (strcmp(k, "accel") == 0) {
		e = d->accel;
		config_val_enum(it, accel_names, &e);
		d->accel = (enum config_accel)e;
	} else if (strcmp(k, "relay") == 0) {
		e = d->relay;
		config_val_enum(it, relay_names, &e);
		d->relay = (enum config_relay)e;
	} else {
		return false;
	}
	return true;
}

void config_parse_qemu_agent(const struct config_item *it, struct config_domain *d) {
	if (strcmp(it->e->value, "serial") != 0) {
		config_item_error(it, "bad agent '%s' for kind = qemu (expected serial: "
			"the guest's cordon-agent on the virtio-serial port cordon.agent)",
			it->e->value);
		return;
	}
	config_val_string(it, &d->agent);
}
