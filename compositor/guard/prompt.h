#ifndef CORDON_PROMPT_H
#define CORDON_PROMPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xkbcommon/xkbcommon.h>

struct cordon_server;
struct cordon_domain;
struct json_object;

/*
 * The question cordon asks before data crosses domains. Drawn in the
 * topmost scene layer (above fullscreen windows), answered only by the
 * user's keys (Y allows, N or Escape denies, nothing else) or by the host's
 * IPC, and while it is up no client gets keyboard input. A key answers only
 * once the keyboard has been quiet (no key down, no press) for
 * PROMPT_GUARD_MS while the prompt was up: typing that began before it, at
 * any pace, a held key or auto-repeat never answers. Prompts queue: one
 * shows at a time. Unanswered, it denies after the clipboard timeout.
 */
#define PROMPT_GUARD_MS 500
/*
 * After a prompt vanishes without a key (withdrawn, timed out, answered
 * over IPC), Y, N and Escape pressed within this long were meant for it:
 * they go to nobody.
 */
#define PROMPT_LATE_KEY_MS 1500

struct prompt;

/*
 * Called once with the answer; by_user is false when it timed out or
 * cordon shut down (then allow is false too). Never called on withdraw.
 */
typedef void (*prompt_answer_fn)(void *data, bool allow, bool by_user);

struct prompt *prompt_create(struct cordon_server *server,
	const struct cordon_domain *from, const struct cordon_domain *to,
	const char *mime, const char *what, prompt_answer_fn answer, void *data);
/* The size is shown once known (the source finished writing). */
void prompt_set_size(struct prompt *prompt, size_t size);
/* Removes the prompt without answering (its source went away). */
void prompt_withdraw(struct prompt *prompt);
/*
 * The target stopped waiting (Qt gives up after a second): the prompt stays
 * and says that Y lets the target paste again within grant_s seconds
 * (0: that nothing can be delivered any more).
 */
void prompt_set_target_gone(struct prompt *prompt, int grant_s);
/* One more paste waits on this prompt's answer (IPC prompts: "pastes"). */
void prompt_add_paste(struct prompt *prompt);

bool prompt_active(struct cordon_server *server);
/*
 * The session lock began or ended: pending questions neither time out nor
 * show while locked, and the first is shown again, with its quiet period,
 * after the unlock.
 */
void prompt_session_locked(struct cordon_server *server, bool locked);
/*
 * Feeds a key while a prompt is up; every key is swallowed. quiet_since_ms
 * (CLOCK_MONOTONIC) is when the keyboard last went quiet before this key,
 * or -1 when another key is still down.
 */
void prompt_handle_key(struct cordon_server *server, xkb_keysym_t sym, bool pressed,
	int64_t quiet_since_ms);
/* With no prompt up: whether a press of sym was meant for one that just vanished. */
bool prompt_late_key(struct cordon_server *server, xkb_keysym_t sym);
/* IPC: answers prompt id; false if there is none. */
bool prompt_answer(struct cordon_server *server, uint32_t id, bool allow);
/* IPC: the pending prompts as a JSON array. */
struct json_object *prompt_list(struct cordon_server *server);
void prompt_finish(struct cordon_server *server);

#endif
