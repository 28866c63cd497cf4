#ifndef CORDON_GAMMA_CONTROL_H
#define CORDON_GAMMA_CONTROL_H

#include <stdbool.h>

struct cordon_server;

/* zwlr_gamma_control_manager_v1 (gammastep, wlsunset): host-only. */
bool gamma_control_init(struct cordon_server *server);
void gamma_control_finish(struct cordon_server *server);

#endif
