#ifndef CORDON_VMM_CONSOLE_H
#define CORDON_VMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <wayland-server-core.h>

/*
 * A VM's console log, capped. crosvm is told to write its console into a
 * FIFO (DIR/console.fifo) rather than a file: cordon reads it, sanitises it
 * line by line and writes it to DIR/serial.log, rotated to serial.log.1
 * past max_bytes. A guest that prints without end fills at most twice
 * max_bytes of $XDG_RUNTIME_DIR; when cordon falls behind, crosvm (and so
 * the guest's console) waits, nothing piles up.
 */
struct vmm_console;

struct vmm_console *vmm_console_create(struct wl_event_loop *loop, const char *dir,
	size_t max_bytes);
/* What crosvm's --serial path= gets. */
const char *vmm_console_fifo(const struct vmm_console *console);
const char *vmm_console_log(const struct vmm_console *console);
/*
 * Makes the FIFO (once the domain's directory exists) and starts reading
 * it; harmless when already open. False with a message in err.
 */
bool vmm_console_open(struct vmm_console *console, char *err, size_t errlen);
void vmm_console_set_max(struct vmm_console *console, size_t max_bytes);
/* Stops reading, removes the FIFO; serial.log stays. NULL is fine. */
void vmm_console_destroy(struct vmm_console *console);

#endif
