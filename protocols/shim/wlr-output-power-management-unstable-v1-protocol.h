/*
 * wlroots' wlr_output_power_management_v1.h includes the server header of
 * wlr-output-power-management-unstable-v1, whose XML only the wlr-protocols
 * package ships (not in the build root). The public header needs nothing of
 * it but the mode enum, whose values the protocol fixes: off 0, on 1.
 */
#ifndef CORDON_SHIM_WLR_OUTPUT_POWER_MANAGEMENT_PROTOCOL_H
#define CORDON_SHIM_WLR_OUTPUT_POWER_MANAGEMENT_PROTOCOL_H

#ifndef ZWLR_OUTPUT_POWER_V1_MODE_ENUM
#define ZWLR_OUTPUT_POWER_V1_MODE_ENUM
enum zwlr_output_power_v1_mode {
	ZWLR_OUTPUT_POWER_V1_MODE_OFF = 0,
	ZWLR_OUTPUT_POWER_V1_MODE_ON = 1,
};
#endif

#endif
