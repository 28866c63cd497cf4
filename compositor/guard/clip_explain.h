#ifndef CORDON_CLIP_EXPLAIN_H
#define CORDON_CLIP_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>
#include "config/config.h"

/*
 * cordon --explain-policy [FROM TO]: which rule decides a paste from FROM
 * into TO, as a table with both trusts, the direction, the policy and the
 * deciding rule. With from and to NULL, every ordered pair of the host and
 * the configured domains. False (and a message on err) when a name is
 * neither host nor a configured domain.
 */
bool clip_explain_print(FILE *out, FILE *err, const struct cordon_config *config,
	const char *from, const char *to);

#endif
