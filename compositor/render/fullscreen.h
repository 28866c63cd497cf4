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

#endif
