#ifndef CORDON_RELOAD_H
#define CORDON_RELOAD_H

#include <stdbool.h>
#include "config/config.h"

struct cordon_server;

/*
 * Reads the config file again and applies it. On any error — in the file,
 * or a change that cannot be made to a running session (a domain removed,
 * or its kind or socket changed) — nothing changes and errs says why, each
 * message naming file and line where there is one.
 */
bool reload_config(struct cordon_server *server, struct config_errors *errs);

#endif
