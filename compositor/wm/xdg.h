#ifndef CORDON_XDG_H
#define CORDON_XDG_H

struct cordon_server;

void xdg_init(struct cordon_server *server);
void xdg_finish(struct cordon_server *server);

#endif
