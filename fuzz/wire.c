#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wayland-server-protocol.h>
#include "fuzz/wire.h"

/*
 * Roots of the protocols cordon offers (to any domain); every interface
 * they reach through a message's types is found from them. The generated
 * tables are private (hidden) symbols of this executable.
 */
extern const struct wl_interface xdg_wm_base_interface;
extern const struct wl_interface zxdg_decoration_manager_v1_interface;
extern const struct wl_interface xdg_activation_v1_interface;
extern const struct wl_interface wp_cursor_shape_manager_v1_interface;
extern const struct wl_interface wp_viewporter_interface;
extern const struct wl_interface wp_presentation_interface;
extern const struct wl_interface wp_single_pixel_buffer_manager_v1_interface;
extern const struct wl_interface wp_fractional_scale_manager_v1_interface;
extern const struct wl_interface zxdg_output_manager_v1_interface;
extern const struct wl_interface zwp_primary_selection_device_manager_v1_interface;
extern const struct wl_interface zwp_linux_dmabuf_v1_interface;
extern const struct wl_interface wp_security_context_manager_v1_interface;
extern const struct wl_interface zwp_idle_inhibit_manager_v1_interface;

static const struct wl_interface *const wire_roots[] = {
	&wl_display_interface,
	&wl_compositor_interface,
	&wl_subcompositor_interface,
	&wl_shm_interface,
	&wl_seat_interface,
	&wl_output_interface,
	&wl_data_device_manager_interface,
	&xdg_wm_base_interface,
	&zxdg_decoration_manager_v1_interface,
	&xdg_activation_v1_interface,
	&wp_cursor_shape_manager_v1_interface,
	&wp_viewporter_interface,
	&wp_presentation_interface,
	&wp_single_pixel_buffer_manager_v1_interface,
	&wp_fractional_scale_manager_v1_interface,
	&zxdg_output_manager_v1_interface,
	&zwp_primary_selection_device_manager_v1_interface,
	&zwp_linux_dmabuf_v1_interface,
	&wp_security_context_manager_v1_interface,
	&zwp_idle_inhibit_manager_v1_interface,
};

#define WIRE_MAX_INTERFACES 128

static bool wire_seen(const struct wl_interface **seen, size_t n,
		const struct wl_interface *iface) {
	for (size_t i = 0; i < n; i++) {
		if (seen[i] == iface) {
			return true;
		}
	}
	return false;
}

static const struct wl_interface *wire_walk(const struct wl_interface *iface,
		const char *name, const struct wl_interface **seen, size_t *n) {
	if (iface == NULL || wire_seen(seen, *n, iface) || *n >= WIRE_MAX_INTERFACES) {
		return NULL;
	}
	seen[(*n)++] = iface;
	if (strcmp(iface->name, name) == 0) {
		return iface;
	}
	for (int dir = 0; dir < 2; dir++) {
		const struct wl_message *msgs = dir ? iface->events : iface->methods;
		int count = dir ? iface->event_count : iface->method_count;
		for (int m = 0; m < count; m++) {
			int nargs = 0;
			for (const char *c = msgs[m].signature; *c; c++) {
				if (strchr("iufsonah", *c)) {
					const struct wl_interface *found =
						wire_walk(msgs[m].types[nargs], name, seen, n);
					if (found != NULL) {
						return found;
					}
					nargs++;
				}
			}
		}
	}
	return NULL;
}

const struct wl_interface *wire_interface(const char *name) {
	const struct wl_interface *seen[WIRE_MAX_INTERFACES];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(wire_roots) / sizeof(wire_roots[0]); i++) {
		const struct wl_interface *found = wire_walk(wire_roots[i], name, seen, &n);
		if (found != NULL) {
			return found;
		}
	}
	return NULL;
}

uint8_t fuzz_u8(struct fuzz_bytes *in) {
	if (in->n == 0) {
		return 0;
	}
	in->n--;
	return *in->p++;
}

uint32_t fuzz_u32(struct fuzz_bytes *in) {
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		v = v << 8 | fuzz_u8(in);
	}
	return v;
}

static bool same_iface(const struct wl_interface *a, const struct wl_interface *b) {
	return a == b || (a != NULL && b != NULL && strcmp(a->name, b->name) == 0);
}

static int message_since(const struct wl_message *msg) {
	int since = 0;
	for (const char *c = msg->signature; *c >= '0' && *c <= '9'; c++) {
		since = since * 10 + (*c - '0');
	}
	return since > 0 ? since : 1;
}

const struct wire_object *wire_find(const struct wire_client *client, uint32_t id) {
	/* Newest first: the server reuses its own ids. */
	for (size_t i = client->n_objects; i-- > 0;) {
		if (client->objects[i].id == id) {
			return &client->objects[i];
		}
	}
	return NULL;
}

static struct wire_object *find_mut(struct wire_client *client, uint32_t id) {
	return (struct wire_object *)wire_find(client, id);
}

static struct wire_object *wire_add(struct wire_client *client, uint32_t id,
		const struct wl_interface *iface, uint32_t version) {
	if (client->n_objects >= WIRE_MAX_OBJECTS) {
		/* Forget the oldest dead ones first; the table stays bounded. */
		size_t w = 0;
		for (size_t i = 0; i < client->n_objects; i++) {
			if (client->objects[i].live) {
				client->objects[w++] = client->objects[i];
			}
		}
		client->n_objects = w;
		if (w >= WIRE_MAX_OBJECTS) {
			return NULL;
		}
	}
	struct wire_object *obj = &client->objects[client->n_objects++];
	*obj = (struct wire_object){.id = id, .iface = iface, .version = version, .live = true};
	return obj;
}

void wire_client_init(struct wire_client *client, int fd) {
	memset(client, 0, offsetof(struct wire_client, inbuf));
	client->inlen = 0;
	client->n_infds = 0;
	client->n_pipes = 0;
	client->on_fd = NULL;
	client->on_fd_data = NULL;
	client->requests_sent = 0;
	client->fd = fd;
	client->next_id = 2;
	client->last_fd_size = 4096;
	wire_add(client, 1, &wl_display_interface, 1);
}

void wire_client_finish(struct wire_client *client) {
	if (client->fd >= 0) {
		close(client->fd);
		client->fd = -1;
	}
	for (size_t i = 0; i < client->n_infds; i++) {
		close(client->infds[i]);
	}
	client->n_infds = 0;
	for (size_t i = 0; i < client->n_pipes; i++) {
		close(client->pipes[i]);
	}
	client->n_pipes = 0;
}

bool wire_send(struct wire_client *client, uint32_t id, uint16_t opcode,
		const uint32_t *words, size_t n_words, const int *fds, size_t n_fds) {
	if (client->dead) {
		return false;
	}
	uint32_t msg[1024];
	if (n_words + 2 > sizeof(msg) / sizeof(msg[0])) {
		return false;
	}
	msg[0] = id;
	msg[1] = (uint32_t)((n_words + 2) * 4) << 16 | opcode;
	memcpy(msg + 2, words, n_words * 4);
	struct iovec iov = {.iov_base = msg, .iov_len = (n_words + 2) * 4};
	union {
		char buf[CMSG_SPACE(sizeof(int) * 28)];
		struct cmsghdr align;
	} ctrl;
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (n_fds > 0) {
		if (n_fds > 28) {
			return false;
		}
		memset(&ctrl, 0, sizeof(ctrl));
		mh.msg_control = ctrl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n_fds);
	}
	ssize_t n = sendmsg(client->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n != (ssize_t)iov.iov_len) {
		client->dead = true;
		return false;
	}
	client->requests_sent++;
	return true;
}

/* One argument, already chosen. */
struct wire_arg {
	uint32_t u;               /* i, u, f, o, new id */
	const char *str;          /* s; a: bytes */
	size_t len;               /* s without NUL; a */
	bool null;
	int fd;                   /* h */
	const struct wl_interface *new_iface; /* n */
	uint32_t new_version;
};

#define WIRE_MAX_ARGS 20

/* Marshals and sends; registers the new ids it creates. */
static bool wire_marshal(struct wire_client *client, struct wire_object *obj,
		uint16_t opcode, struct wire_arg *args) {
	const struct wl_message *msg = &obj->iface->methods[opcode];
	uint32_t words[1000];
	size_t nw = 0;
	int fds[WIRE_MAX_ARGS];
	size_t nfds = 0;
	int a = 0;
	uint32_t next = client->next_id;
	bool fits = true;
	for (const char *c = msg->signature; *c; c++) {
		if (!strchr("iufsonah", *c)) {
			continue;
		}
		struct wire_arg *arg = &args[a];
		a++;
		if (*c == 'h') {
			fds[nfds++] = arg->fd;
			continue;
		}
		if (nw + 4 + (arg->len + 4) / 4 + 16 > sizeof(words) / sizeof(words[0])) {
			fits = false;
			continue;
		}
		switch (*c) {
		case 'i': case 'u': case 'f': case 'o':
			words[nw++] = arg->null ? 0 : arg->u;
			break;
		case 's': case 'a':
			if (arg->null) {
				words[nw++] = 0;
				break;
			}
			words[nw++] = (uint32_t)(arg->len + (*c == 's'));
			memset(&words[nw], 0, (arg->len + 4) & ~3u);
			memcpy(&words[nw], arg->str, arg->len);
			nw += (arg->len + (*c == 's') + 3) / 4;
			break;
		case 'n':
			/* libwayland refuses a client id that skips one: ids are taken in order. */
			arg->u = next++;
			words[nw++] = arg->u;
			break;
		}
	}
	bool ok = fits && wire_send(client, obj->id, opcode, words, nw, fds, nfds);
	for (size_t i = 0; i < nfds; i++) {
		close(fds[i]);
	}
	if (!ok) {
		return false;
	}
	client->next_id = next;
	uint32_t parent_version = obj->version;
	const struct wl_interface *parent_iface = obj->iface;
	uint32_t parent_id = obj->id;
	a = 0;
	for (const char *c = msg->signature; *c; c++) {
		if (!strchr("iufsonah", *c)) {
			continue;
		}
		if (*c == 'n') {
			const struct wl_interface *iface = args[a].new_iface != NULL ?
				args[a].new_iface : msg->types[a];
			uint32_t version = msg->types[a] == NULL ? args[a].new_version : parent_version;
			wire_add(client, args[a].u, iface, version);
		}
		a++;
	}
	/* Requests that end their object; the object may not be used again. */
	if (strcmp(msg->name, "destroy") == 0 || strcmp(msg->name, "release") == 0) {
		struct wire_object *o = find_mut(client, parent_id);
		if (o != NULL && same_iface(o->iface, parent_iface)) {
			o->live = false;
		}
	}
	return true;
}

static void recent_add(struct wire_client *client, uint32_t v) {
	client->recent[client->n_recent++ % WIRE_RECENT] = v;
}

static uint32_t recent_pick(struct wire_client *client, uint8_t k) {
	if (client->n_recent == 0) {
		return k;
	}
	/* 0 is the newest: the serial of the event just received. */
	unsigned have = client->n_recent < WIRE_RECENT ? client->n_recent : WIRE_RECENT;
	unsigned back = k % have;
	return client->recent[(client->n_recent - 1 - back) % WIRE_RECENT];
}

static int take_infd(struct wire_client *client) {
	if (client->n_infds == 0) {
		return -1;
	}
	int fd = client->infds[0];
	memmove(client->infds, client->infds + 1, (client->n_infds - 1) * sizeof(int));
	client->n_infds--;
	return fd;
}

static void handle_event(struct wire_client *client, const uint32_t *msg, size_t words) {
	uint32_t id = msg[0];
	uint16_t opcode = msg[1] & 0xffff;
	struct wire_object *obj = find_mut(client, id);
	if (obj == NULL || obj->iface == NULL || opcode >= obj->iface->event_count) {
		return;
	}
	const struct wl_interface *iface = obj->iface;
	uint32_t version = obj->version;
	const struct wl_message *ev = &iface->events[opcode];
	const uint32_t *p = msg + 2, *end = msg + words;
	int a = 0;
	uint32_t u_args[WIRE_MAX_ARGS] = {0};
	const char *s_arg = NULL;
	for (const char *c = ev->signature; *c && a < WIRE_MAX_ARGS; c++) {
		if (!strchr("iufsonah", *c)) {
			continue;
		}
		if (*c == 'h') {
			int fd = take_infd(client);
			if (fd >= 0) {
				if (client->on_fd != NULL) {
					client->on_fd(client, obj, ev, fd, client->on_fd_data);
				} else {
					close(fd);
				}
			}
			a++;
			continue;
		}
		if (p >= end) {
			return;
		}
		uint32_t v = *p++;
		u_args[a] = v;
		switch (*c) {
		case 'u':
			recent_add(client, v);
			break;
		case 's': case 'a': {
			size_t len = v;
			if (*c == 's' && len > 0 && (size_t)(end - p) * 4 >= len) {
				s_arg = (const char *)p;
			}
			p += (len + 3) / 4;
			break;
		}
		case 'n':
			wire_add(client, v, ev->types[a], version);
			break;
		}
		a++;
	}
	if (iface == &wl_display_interface) {
		if (opcode == WL_DISPLAY_ERROR) {
			client->dead = true;
			client->error_code = u_args[1];
		} else if (opcode == WL_DISPLAY_DELETE_ID) {
			struct wire_object *o = find_mut(client, u_args[0]);
			if (o != NULL) {
				o->live = false;
			}
		}
	} else if (iface == &wl_registry_interface) {
		if (opcode == WL_REGISTRY_GLOBAL && client->n_globals < WIRE_MAX_GLOBALS &&
				s_arg != NULL) {
			struct wire_global *g = &client->globals[client->n_globals++];
			g->name = u_args[0];
			g->iface = wire_interface(s_arg);
			g->version = u_args[2];
		} else if (opcode == WL_REGISTRY_GLOBAL_REMOVE) {
			for (size_t i = 0; i < client->n_globals; i++) {
				if (client->globals[i].name == u_args[0]) {
					client->globals[i] = client->globals[--client->n_globals];
					break;
				}
			}
		}
	} else if (iface == &wl_callback_interface) {
		obj->live = false;
	} else if ((iface == &wl_keyboard_interface || iface == &wl_pointer_interface) &&
			(strcmp(ev->name, "enter") == 0 || strcmp(ev->name, "key") == 0 ||
			strcmp(ev->name, "button") == 0)) {
		client->input_serial = u_args[0];
	}
}

void wire_client_read(struct wire_client *client) {
	while (client->fd >= 0) {
		if (client->inlen >= sizeof(client->inbuf)) {
			client->inlen = 0;
		}
		struct iovec iov = {
			.iov_base = client->inbuf + client->inlen,
			.iov_len = sizeof(client->inbuf) - client->inlen,
		};
		union {
			char buf[CMSG_SPACE(sizeof(int) * 28)];
			struct cmsghdr align;
		} ctrl;
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctrl.buf, .msg_controllen = sizeof(ctrl.buf),
		};
		ssize_t n = recvmsg(client->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			return;
		}
		if (n <= 0) {
			client->dead = true;
			return;
		}
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL;
				cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
				continue;
			}
			size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int *fds = (int *)CMSG_DATA(cm);
			for (size_t i = 0; i < k; i++) {
				if (client->n_infds < sizeof(client->infds) / sizeof(int)) {
					client->infds[client->n_infds++] = fds[i];
				} else {
					close(fds[i]);
				}
			}
		}
		client->inlen += (size_t)n;
		size_t off = 0;
		while (client->inlen - off >= 8) {
			uint32_t hdr[2];
			memcpy(hdr, client->inbuf + off, 8);
			size_t size = hdr[1] >> 16;
			if (size < 8 || size % 4 != 0) {
				client->dead = true;
				return;
			}
			if (client->inlen - off < size) {
				break;
			}
			uint32_t msg[16384];
			memcpy(msg, client->inbuf + off, size);
			handle_event(client, msg, size / 4);
			off += size;
		}
		memmove(client->inbuf, client->inbuf + off, client->inlen - off);
		client->inlen -= off;
	}
}

static void wire_roundtrip(struct wire_client *client, wire_pump_fn pump, void *data) {
	pump(data);
	wire_client_read(client);
}

bool wire_client_start(struct wire_client *client, wire_pump_fn pump, void *data) {
	struct wire_object *display = find_mut(client, 1);
	struct wire_arg args[1] = {{0}};
	if (!wire_marshal(client, display, 1 /* get_registry */, args)) {
		return false;
	}
	wire_roundtrip(client, pump, data);
	return !client->dead;
}

/* A small integer, an edge value or a value seen in an event. */
static uint32_t pick_int(struct wire_client *client, struct fuzz_bytes *in,
		uint32_t prev) {
	uint8_t sel = fuzz_u8(in);
	switch (sel % 11) {
	case 0: return 0;
	case 1: return 1;
	case 2: return fuzz_u8(in);
	case 3: return recent_pick(client, fuzz_u8(in));
	case 4: return (uint32_t)client->last_fd_size;
	case 5: return fuzz_u32(in);
	case 6: return (uint32_t)-(int32_t)fuzz_u8(in);
	case 7: return (uint32_t)fuzz_u8(in) * 16;
	case 8: return prev * 4;
	case 9: return sel < 128 ? 0x7fffffff : 0x80000000;
	default: return (uint32_t)fuzz_u8(in) << 8 | fuzz_u8(in);
	}
}

static const char *const wire_strings[] = {
	"text/plain;charset=utf-8", "text/plain", "UTF8_STRING", "image/png",
	"application/x-evil", ("title \xe2\x80\xae" "evil\n"), "org.example.app",
	"default", "\x1b]0;owned\x07",
};

static size_t pick_string(struct fuzz_bytes *in, char *buf, size_t cap, bool *null,
		bool nullable) {
	uint8_t sel = fuzz_u8(in);
	*null = false;
	if (sel < 16 && nullable) {
		*null = true;
		return 0;
	}
	if (sel < 128) {
		const char *s = wire_strings[sel % (sizeof(wire_strings) / sizeof(wire_strings[0]))];
		size_t len = strlen(s);
		memcpy(buf, s, len);
		return len;
	}
	size_t len = fuzz_u8(in) % cap;
	if (sel >= 250) {
		/* Long titles and MIME types: limits and truncation. */
		len = cap - 1;
		memset(buf, 'x', len);
		return len;
	}
	for (size_t i = 0; i < len; i++) {
		buf[i] = (char)fuzz_u8(in);
		if (buf[i] == '\0') {
			buf[i] = 'a';
		}
	}
	return len;
}

static int make_memfd(struct wire_client *client, size_t size) {
	int fd = memfd_create("fuzz-shm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		return -1;
	}
	if (ftruncate(fd, (off_t)size) < 0) {
		close(fd);
		return -1;
	}
	client->last_fd_size = (int32_t)size;
	return fd;
}

static int pick_fd(struct wire_client *client, struct fuzz_bytes *in) {
	static const size_t sizes[] = {4096, 65536, 256 * 1024, 0, 4, 1 << 20, 64 * 64 * 4};
	uint8_t sel = fuzz_u8(in);
	if (sel >= 224) {
		int p[2];
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
			return -1;
		}
		if (client->n_pipes < sizeof(client->pipes) / sizeof(int)) {
			client->pipe_seen[client->n_pipes] = false;
			client->pipes[client->n_pipes++] = p[0];
		} else {
			close(p[0]);
		}
		return p[1];
	}
	return make_memfd(client, sizes[sel % (sizeof(sizes) / sizeof(sizes[0]))]);
}

/* A live object of iface (any, when iface is NULL), or 0. */
static uint32_t pick_object(struct wire_client *client, struct fuzz_bytes *in,
		const struct wl_interface *iface) {
	uint32_t ids[WIRE_MAX_OBJECTS];
	size_t n = 0;
	for (size_t i = 0; i < client->n_objects; i++) {
		const struct wire_object *o = &client->objects[i];
		if (o->live && (iface == NULL || same_iface(o->iface, iface))) {
			ids[n++] = o->id;
		}
	}
	uint8_t sel = fuzz_u8(in);
	if (n == 0) {
		/* Now and then an id that names nothing: the server must refuse it. */
		return sel == 255 ? 1000 : 0;
	}
	return ids[sel % n];
}

/* Fills args for msg from the input; false when no argument can be made. */
static bool pick_args_inner(struct wire_client *client, struct fuzz_bytes *in,
		const struct wl_message *msg,
		struct wire_arg *args, char strbuf[][256]) {
	int a = 0;
	bool nullable = false;
	uint32_t prev = 0;
	for (const char *c = msg->signature; *c; c++) {
		if (*c == '?') {
			nullable = true;
			continue;
		}
		if (!strchr("iufsonah", *c)) {
			continue;
		}
		if (a >= WIRE_MAX_ARGS) {
			return false;
		}
		struct wire_arg *arg = &args[a];
		memset(arg, 0, sizeof(*arg));
		arg->fd = -1;
		const struct wl_interface *type = msg->types[a];
		switch (*c) {
		case 'i': case 'u':
			arg->u = pick_int(client, in, prev);
			prev = arg->u;
			break;
		case 'f':
			arg->u = pick_int(client, in, prev) << 8;
			break;
		case 's': case 'a':
			arg->len = pick_string(in, strbuf[a], 256, &arg->null, nullable || *c == 'a');
			arg->str = strbuf[a];
			break;
		case 'o':
			arg->u = pick_object(client, in, type);
			if (arg->u == 0 && !nullable) {
				return false;
			}
			break;
		case 'n':
			if (type == NULL) {
				/* wl_registry.bind: a global the server announced. */
				if (client->n_globals == 0) {
					return false;
				}
				const struct wire_global *g =
					&client->globals[fuzz_u8(in) % client->n_globals];
				if (g->iface == NULL) {
					return false;
				}
				uint32_t max = g->version < (uint32_t)g->iface->version ?
					g->version : (uint32_t)g->iface->version;
				uint8_t v = fuzz_u8(in);
				arg->new_iface = g->iface;
				arg->new_version = v >= 128 ? max : 1 + v % max;
				/* Its signature is "usun": name, interface, version, id. */
				if (a == 3) {
					args[0].u = g->name;
					args[1].str = g->iface->name;
					args[1].len = strlen(g->iface->name);
					args[1].null = false;
					args[2].u = arg->new_version;
				}
			}
			break;
		case 'h':
			arg->fd = pick_fd(client, in);
			if (arg->fd < 0) {
				return false;
			}
			break;
		}
		nullable = false;
		a++;
	}
	return true;
}

/* The same, closing the fds already made when it fails. */
static bool pick_args(struct wire_client *client, struct fuzz_bytes *in,
		const struct wl_message *msg,
		struct wire_arg *args, char strbuf[][256]) {
	for (int i = 0; i < WIRE_MAX_ARGS; i++) {
		args[i].fd = -1;
	}
	if (pick_args_inner(client, in, msg, args, strbuf)) {
		return true;
	}
	for (int i = 0; i < WIRE_MAX_ARGS; i++) {
		if (args[i].fd >= 0) {
			close(args[i].fd);
		}
	}
	return false;
}

static struct wire_object *live_of(struct wire_client *client, const char *iface) {
	for (size_t i = client->n_objects; i-- > 0;) {
		struct wire_object *o = &client->objects[i];
		if (o->live && o->iface != NULL && strcmp(o->iface->name, iface) == 0) {
			return o;
		}
	}
	return NULL;
}

static int opcode_of(const struct wl_interface *iface, const char *name) {
	for (int i = 0; i < iface->method_count; i++) {
		if (strcmp(iface->methods[i].name, name) == 0) {
			return i;
		}
	}
	return -1;
}

/* Sends request name on obj with args given in order; returns the first new id. */
static uint32_t call(struct wire_client *client, struct wire_object *obj,
		const char *name, struct wire_arg *args) {
	int op = obj == NULL ? -1 : opcode_of(obj->iface, name);
	if (op < 0 || client->dead ||
			message_since(&obj->iface->methods[op]) > (int)obj->version) {
		/* Not sent: the fds it would have carried are still ours. */
		if (op >= 0) {
			int a = 0;
			for (const char *c = obj->iface->methods[op].signature; *c; c++) {
				if (*c == 'h' && args[a].fd >= 0) {
					close(args[a].fd);
				}
				if (strchr("iufsonah", *c)) {
					a++;
				}
			}
		}
		return 0;
	}
	bool creates = strchr(obj->iface->methods[op].signature, 'n') != NULL;
	uint32_t new_id = client->next_id;
	if (!wire_marshal(client, obj, (uint16_t)op, args)) {
		return 0;
	}
	return creates ? new_id : 1;
}

/* Binds the named global at its highest version, unless already bound. */
static struct wire_object *ensure_bound(struct wire_client *client, const char *iface) {
	struct wire_object *o = live_of(client, iface);
	if (o != NULL) {
		return o;
	}
	struct wire_object *registry = live_of(client, "wl_registry");
	for (size_t i = 0; registry != NULL && i < client->n_globals; i++) {
		const struct wire_global *g = &client->globals[i];
		if (g->iface == NULL || strcmp(g->iface->name, iface) != 0) {
			continue;
		}
		uint32_t v = g->version < (uint32_t)g->iface->version ?
			g->version : (uint32_t)g->iface->version;
		struct wire_arg args[4] = {{.u = g->name},
			{.str = g->iface->name, .len = strlen(g->iface->name)}, {.u = v},
			{.new_iface = g->iface, .new_version = v}};
		if (call(client, registry, "bind", args) == 0) {
			return NULL;
		}
		return live_of(client, iface);
	}
	return NULL;
}

static struct wire_object *obj_of(struct wire_client *client, uint32_t id) {
	return id == 0 ? NULL : find_mut(client, id);
}

/* An shm buffer of w×h, from a fresh pool; 0 on failure. */
static uint32_t make_buffer(struct wire_client *client, int32_t w, int32_t h,
		uint32_t fill) {
	struct wire_object *shm = ensure_bound(client, "wl_shm");
	size_t size = (size_t)w * (size_t)h * 4;
	int fd = make_memfd(client, size);
	if (shm == NULL || fd < 0) {
		if (fd >= 0) {
			close(fd);
		}
		return 0;
	}
	uint32_t *px = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (px != MAP_FAILED) {
		for (size_t i = 0; i < size / 4; i++) {
			px[i] = fill;
		}
		munmap(px, size);
	}
	struct wire_arg pa[3] = {{0}, {.fd = fd}, {.u = (uint32_t)size}};
	uint32_t pool = call(client, shm, "create_pool", pa);
	if (pool == 0) {
		return 0;
	}
	struct wire_arg ba[6] = {{0}, {.u = 0}, {.u = (uint32_t)w}, {.u = (uint32_t)h},
		{.u = (uint32_t)w * 4}, {.u = WL_SHM_FORMAT_ARGB8888}};
	uint32_t buffer = call(client, obj_of(client, pool), "create_buffer", ba);
	struct wire_arg none[1] = {{0}};
	call(client, obj_of(client, pool), "destroy", none);
	return buffer;
}

static void attach_commit(struct wire_client *client, uint32_t surface, uint32_t buffer,
		int32_t w, int32_t h) {
	struct wire_object *s = obj_of(client, surface);
	struct wire_arg at[3] = {{.u = buffer}, {0}, {0}};
	call(client, s, "attach", at);
	struct wire_arg dm[4] = {{0}, {0}, {.u = (uint32_t)w}, {.u = (uint32_t)h}};
	call(client, s, "damage_buffer", dm);
	struct wire_arg none[1] = {{0}};
	call(client, s, "commit", none);
}

/* The serial of the newest xdg_surface.configure, read after a roundtrip. */
static void ack_newest(struct wire_client *client, uint32_t xdg_surface) {
	struct wire_arg ack[1] = {{.u = recent_pick(client, 0)}};
	call(client, obj_of(client, xdg_surface), "ack_configure", ack);
}

/* A new wl_surface (its id in *surface) with an xdg_surface, whose id is returned. */
static uint32_t new_xdg_surface(struct wire_client *client, struct wire_object *comp,
		struct wire_object *wm, uint32_t *surface) {
	struct wire_arg none[1] = {{0}};
	*surface = call(client, comp, "create_surface", none);
	struct wire_arg gx[2] = {{0}, {.u = *surface}};
	return call(client, wm, "get_xdg_surface", gx);
}

/* Maps an xdg surface whose role is set: the first commit, the ack, a w x h buffer. */
static void map_xdg_surface(struct wire_client *client, uint32_t surface,
		uint32_t xdg_surface, int32_t w, int32_t h, uint32_t fill, wire_pump_fn pump,
		void *data) {
	struct wire_arg none[1] = {{0}};
	call(client, obj_of(client, surface), "commit", none);
	wire_roundtrip(client, pump, data);
	ack_newest(client, xdg_surface);
	attach_commit(client, surface, make_buffer(client, w, h, fill), w, h);
}

/*
 * Scripted sequences that reach deep states in one step: a mapped
 * toplevel, a popup, a selection, a subsurface. Built from the same
 * requests a fuzz step could choose, with parameters from the input.
 */
static void macro(struct wire_client *client, struct fuzz_bytes *in, uint8_t which,
		wire_pump_fn pump, void *data) {
	struct wire_arg none[1] = {{0}};
	int32_t w = 1 + fuzz_u8(in) % 200, h = 1 + fuzz_u8(in) % 200;
	uint32_t fill = fuzz_u32(in);
	switch (which % 6) {
	case 0: { /* a mapped toplevel */
		struct wire_object *comp = ensure_bound(client, "wl_compositor");
		struct wire_object *wm = ensure_bound(client, "xdg_wm_base");
		uint32_t s;
		uint32_t x = new_xdg_surface(client, comp, wm, &s);
		uint32_t t = call(client, obj_of(client, x), "get_toplevel", none);
		struct wire_arg ti[1] = {{.str = "fuzz", .len = 4}};
		call(client, obj_of(client, t), "set_title", ti);
		if (fuzz_u8(in) & 1) {
			struct wire_arg geo[4] = {{.u = (uint32_t)(int32_t)(fuzz_u8(in) - 128)},
				{.u = (uint32_t)(int32_t)(fuzz_u8(in) - 128)},
				{.u = fuzz_u8(in)}, {.u = fuzz_u8(in)}};
			call(client, obj_of(client, x), "set_window_geometry", geo);
		}
		map_xdg_surface(client, s, x, w, h, fill, pump, data);
		break;
	}
	case 1: { /* a popup (with a grab, half the time) on the newest toplevel */
		struct wire_object *comp = ensure_bound(client, "wl_compositor");
		struct wire_object *wm = ensure_bound(client, "xdg_wm_base");
		struct wire_object *parent = live_of(client, "xdg_surface");
		if (parent == NULL) {
			return;
		}
		uint32_t parent_id = parent->id;
		uint32_t pos = call(client, wm, "create_positioner", none);
		struct wire_arg sz[2] = {{.u = (uint32_t)w}, {.u = (uint32_t)h}};
		call(client, obj_of(client, pos), "set_size", sz);
		struct wire_arg ar[4] = {{.u = fuzz_u8(in)}, {.u = fuzz_u8(in)}, {.u = 1}, {.u = 1}};
		call(client, obj_of(client, pos), "set_anchor_rect", ar);
		uint32_t s;
		uint32_t x = new_xdg_surface(client, comp, wm, &s);
		struct wire_arg gp[3] = {{0}, {.u = parent_id}, {.u = pos}};
		uint32_t p = call(client, obj_of(client, x), "get_popup", gp);
		struct wire_object *seat = ensure_bound(client, "wl_seat");
		if (seat != NULL && (fuzz_u8(in) & 1)) {
			uint8_t pick = fuzz_u8(in);
			struct wire_arg gr[2] = {{.u = seat->id},
				{.u = pick == 0 ? client->input_serial : recent_pick(client, pick)}};
			call(client, obj_of(client, p), "grab", gr);
		}
		map_xdg_surface(client, s, x, w, h, fill, pump, data);
		break;
	}
	case 2: { /* a selection offer (clipboard or primary), set with a recent serial */
		uint8_t pick = fuzz_u8(in);
		bool primary = pick & 0x80;
		pick &= 0x7f;
		struct wire_object *mgr = ensure_bound(client, primary ?
			"zwp_primary_selection_device_manager_v1" : "wl_data_device_manager");
		struct wire_object *seat = ensure_bound(client, "wl_seat");
		if (mgr == NULL || seat == NULL) {
			return;
		}
		uint32_t mgr_id = mgr->id, seat_id = seat->id;
		uint32_t src = call(client, mgr, primary ? "create_source" : "create_data_source", none);
		struct wire_arg of[1] = {{.str = "text/plain", .len = 10}};
		call(client, obj_of(client, src), "offer", of);
		struct wire_object *dev = live_of(client, primary ?
			"zwp_primary_selection_device_v1" : "wl_data_device");
		uint32_t dev_id = dev ? dev->id : 0;
		if (dev_id == 0) {
			struct wire_arg gd[2] = {{0}, {.u = seat_id}};
			dev_id = call(client, obj_of(client, mgr_id),
				primary ? "get_device" : "get_data_device", gd);
		}
		struct wire_arg ss[2] = {{.u = src},
			{.u = pick == 0 ? client->input_serial : recent_pick(client, pick)}};
		call(client, obj_of(client, dev_id), "set_selection", ss);
		break;
	}
	case 3: { /* a subsurface with a buffer on the newest surface */
		struct wire_object *comp = ensure_bound(client, "wl_compositor");
		struct wire_object *sub = ensure_bound(client, "wl_subcompositor");
		struct wire_object *parent = live_of(client, "wl_surface");
		if (parent == NULL || sub == NULL) {
			return;
		}
		uint32_t parent_id = parent->id;
		uint32_t s = call(client, comp, "create_surface", none);
		struct wire_arg gs[3] = {{0}, {.u = s}, {.u = parent_id}};
		uint32_t ss = call(client, sub, "get_subsurface", gs);
		struct wire_arg sp[2] = {{.u = (uint32_t)(int32_t)(fuzz_u8(in) - 128)},
			{.u = (uint32_t)(int32_t)(fuzz_u8(in) - 128)}};
		call(client, obj_of(client, ss), "set_position", sp);
		attach_commit(client, s, make_buffer(client, w, h, fill), w, h);
		call(client, obj_of(client, parent_id), "commit", none);
		break;
	}
	case 4: { /* bind every global at its highest version */
		for (size_t i = 0; i < client->n_globals; i++) {
			if (client->globals[i].iface != NULL) {
				ensure_bound(client, client->globals[i].iface->name);
			}
		}
		struct wire_object *seat = live_of(client, "wl_seat");
		if (seat != NULL) {
			uint32_t seat_id = seat->id;
			call(client, obj_of(client, seat_id), "get_pointer", none);
			call(client, obj_of(client, seat_id), "get_keyboard", none);
		}
		break;
	}
	case 5: { /* a new buffer on a random surface */
		uint32_t s = pick_object(client, in, &wl_surface_interface);
		if (s != 0) {
			attach_commit(client, s, make_buffer(client, w, h, fill), w, h);
		}
		break;
	}
	}
	wire_roundtrip(client, pump, data);
}

void wire_client_macro(struct wire_client *client, struct fuzz_bytes *in,
		uint8_t which, wire_pump_fn pump, void *data) {
	macro(client, in, which, pump, data);
}

void wire_client_setup(struct wire_client *client, wire_pump_fn pump, void *data) {
	struct fuzz_bytes none = {0};
	macro(client, &none, 4, pump, data);
	struct wire_object *seat = live_of(client, "wl_seat");
	struct wire_object *ddm = live_of(client, "wl_data_device_manager");
	struct wire_object *psm = live_of(client, "zwp_primary_selection_device_manager_v1");
	uint32_t seat_id = seat ? seat->id : 0;
	if (seat_id != 0 && ddm != NULL) {
		struct wire_arg gd[2] = {{0}, {.u = seat_id}};
		call(client, ddm, "get_data_device", gd);
	}
	if (seat_id != 0 && psm != NULL) {
		struct wire_arg gd[2] = {{0}, {.u = seat_id}};
		call(client, psm, "get_device", gd);
	}
	wire_roundtrip(client, pump, data);
}

void wire_client_paste(struct wire_client *client, bool primary,
		wire_pump_fn pump, void *data) {
	struct wire_object *offer = live_of(client,
		primary ? "zwp_primary_selection_offer_v1" : "wl_data_offer");
	int p[2];
	if (offer == NULL || client->n_pipes >= sizeof(client->pipes) / sizeof(int) ||
			pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		return;
	}
	client->pipe_seen[client->n_pipes] = false;
	client->pipes[client->n_pipes++] = p[0];
	struct wire_arg args[2] = {{.str = "text/plain", .len = 10}, {.fd = p[1]}};
	call(client, offer, "receive", args);
	wire_roundtrip(client, pump, data);
}

bool wire_client_step(struct wire_client *client, struct fuzz_bytes *in,
		wire_pump_fn pump, void *data) {
	if (client->dead || fuzz_empty(in)) {
		return false;
	}
	uint8_t kind = fuzz_u8(in);
	if (kind >= 0xe0) {
		macro(client, in, kind, pump, data);
		return !client->dead;
	}
	/* Candidates: live objects of a known interface with a request usable at their version. */
	struct wire_object *cands[WIRE_MAX_OBJECTS];
	size_t n = 0;
	for (size_t i = 0; i < client->n_objects; i++) {
		struct wire_object *o = &client->objects[i];
		if (o->live && o->iface != NULL && o->iface->method_count > 0) {
			cands[n++] = o;
		}
	}
	if (n == 0) {
		return false;
	}
	struct wire_object *obj = cands[fuzz_u8(in) % n];
	int usable[64];
	int nu = 0;
	for (int i = 0; i < obj->iface->method_count && nu < 64; i++) {
		if (message_since(&obj->iface->methods[i]) <= (int)obj->version) {
			usable[nu++] = i;
		}
	}
	if (nu == 0) {
		return true;
	}
	uint16_t opcode = (uint16_t)usable[fuzz_u8(in) % nu];
	struct wire_arg args[WIRE_MAX_ARGS];
	char strbuf[WIRE_MAX_ARGS][256];
	const struct wl_message *msg = &obj->iface->methods[opcode];
	if (!pick_args(client, in, msg, args, strbuf)) {
		return true;
	}
	if (!wire_marshal(client, obj, opcode, args)) {
		return !client->dead;
	}
	wire_roundtrip(client, pump, data);
	return !client->dead;
}
