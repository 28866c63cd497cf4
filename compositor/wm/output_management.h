#ifndef CORDON_OUTPUT_MANAGEMENT_H
#define CORDON_OUTPUT_MANAGEMENT_H

#include <stdbool.h>

struct cordon_server;

/*
 * zwlr_output_manager_v1 and zwlr_output_power_manager_v1, both host-only:
 * output tools (wlr-randr, kanshi) see cordon's output records and change
 * them atomically; idle daemons switch outputs off and on.
 */
bool output_management_init(struct cordon_server *server);
void output_management_finish(struct cordon_server *server);

#endif
