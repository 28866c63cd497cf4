#ifndef CORDON_COMMON_COLOUR_H
#define CORDON_COMMON_COLOUR_H

#include <stdint.h>

/*
 * The frame colour of a domain or sandbox engine that names none (Tango
 * "gray"): neutral, and unlike the host's darker #3c3c3c.
 */
#define COLOUR_DEFAULT 0x888a85

/* 0xRRGGBB as opaque RGBA floats for wlr_scene_rect. */
void colour_to_float(uint32_t rgb, float out[4]);

#endif
