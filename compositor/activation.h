#ifndef CORDON_ACTIVATION_H
#define CORDON_ACTIVATION_H

struct cordon_server;

/*
 * xdg-activation: a token moves focus only if the focused client minted it
 * from one of its recent input serials. Anything else marks the window
 * urgent, so no domain can steal the keyboard from another.
 */
void activation_init(struct cordon_server *server);
void activation_finish(struct cordon_server *server);

#endif
