#ifndef CORDON_FULLSCREEN_H
#define CORDON_FULLSCREEN_H

struct cordon_view;

/*
 * The notice a guest's fullscreen window gets from cordon: "[NAME] is
 * fullscreen — Super+Escape leaves", drawn above everything clients can
 * reach, for a few seconds.
 */
void fullscreen_banner_show(struct cordon_view *view);
void fullscreen_banner_hide(struct cordon_view *view);

/*
 * The coloured edge of a guest's fullscreen window, drawn once more in the
 * prompt layer so that no layer surface (a host launcher or notification
 * in the overlay layer) covers it. Follows the window's box, workspace and
 * state; call when any of them changed. Gone when it leaves fullscreen.
 */
void fullscreen_edge_update(struct cordon_view *view);

#endif
