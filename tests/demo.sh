#!/usr/bin/env bash
# demo.sh BUILD_DIR: shows what cordon is for. Runs cordon headless with two
# guest domains, "work" (blue) and "untrusted" (red), opens a GTK program in
# work, a terminal in untrusted and one on the host, arranges them side by
# side with cordonctl and saves BUILD_DIR/demo.png: every window in its
# domain's coloured frame, tagged "[domain] title". Then it copies text in
# untrusted and pastes it in work under the "up" policy (ask), and saves
# BUILD_DIR/demo-prompt.png with cordon's paste prompt up; the paste is
# denied and nothing crosses. ./dev demo calls it; the integration test
# "demo" runs it with OUT_DIR for the screenshots.
set -euo pipefail

[ $# -eq 1 ] || [ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR [OUT_DIR]" >&2; exit 2; }
build=$(cd "$1" && pwd)
out_dir=$(cd "${2:-$1}" && pwd)
cordon=$build/compositor/cordon
cordonctl=$build/ctl/cordonctl
test_client=$build/tests/client/cordon-test-client
shot=$out_dir/demo.png
prompt_shot=$out_dir/demo-prompt.png

die() { echo "demo: $*" >&2; exit 1; }
[ -x "$cordon" ] || die "no cordon binary in $build/compositor (build first)"
[ -x "$cordonctl" ] || die "no cordonctl binary in $build/compositor"
for p in grim python3 wl-copy wl-paste; do
	command -v "$p" >/dev/null || die "$p is not installed"
done

# A short private runtime dir (socket paths must fit in 108 bytes).
rt=$(mktemp -d /tmp/c.XXXXXX)
chmod 700 "$rt"
mkdir "$rt/config-home"
pids=()
cordon_pid=

cleanup() {
	local rc=$?
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	if [ -n "$cordon_pid" ] && kill -0 "$cordon_pid" 2>/dev/null; then
		CORDON_SOCK=$rt/cordon/ipc.sock timeout 5 "$cordonctl" quit >/dev/null 2>&1 || true
		for _ in $(seq 50); do
			kill -0 "$cordon_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$cordon_pid" 2>/dev/null || true
	fi
	wait 2>/dev/null || true
	if [ $rc -ne 0 ] && [ -s "$rt/cordon.log" ]; then
		echo "demo: cordon's log:" >&2
		tail -n 40 "$rt/cordon.log" >&2
	fi
	rm -rf "$rt"
	exit $rc
}
trap cleanup EXIT INT TERM

cat >"$rt/config" <<'CONFIG'
[output *]
mode = 1600x900

[domain work]
color = blue
trust = 2

[domain untrusted]
color = red
trust = 0
pattern = stripes

[clipboard]
# A paste into a more trusted domain (up) asks the user; into a less
# trusted one (down) is refused.
up = ask
down = deny
CONFIG

export XDG_RUNTIME_DIR=$rt XDG_CONFIG_HOME=$rt/config-home LANG=C.UTF-8
export WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1
# GTK without a session bus, accessibility bus or settings daemon.
export NO_AT_BRIDGE=1 GTK_A11Y=none GSETTINGS_BACKEND=memory GDK_BACKEND=wayland
unset WAYLAND_DISPLAY DISPLAY CORDON_SOCK DBUS_SESSION_BUS_ADDRESS

mkfifo "$rt/ready"
"$cordon" -c "$rt/config" --ready-fd 3 3>"$rt/ready" >"$rt/cordon.log" 2>&1 &
cordon_pid=$!
ready=
read -r -t 10 ready <"$rt/ready" || true
[ -n "$ready" ] || die "cordon did not report readiness within 10 s"
export "${ready?}"
export CORDON_SOCK=$rt/cordon/ipc.sock
echo "demo: cordon is up, $ready"

# in_domain DOMAIN CMD...: runs CMD as a client of DOMAIN's socket ("host": cordon's own).
in_domain() {
	local domain=$1
	shift
	if [ "$domain" = host ]; then
		"$@"
	else
		WAYLAND_DISPLAY=$rt/cordon/$domain/wayland-0 "$@"
	fi
}

# The id of the window of DOMAIN whose title contains TEXT, once it is mapped.
window_id() {
	local domain=$1 text=$2 id=
	for _ in $(seq 150); do
		id=$("$cordonctl" --json windows 2>/dev/null | python3 -c '
import json, sys
d, t = sys.argv[1], sys.argv[2]
ws = [w for w in json.load(sys.stdin)["windows"] if w["domain"] == d and t in w["title"]]
print(ws[0]["id"] if ws else "")' "$domain" "$text" || true)
		[ -n "$id" ] && { echo "$id"; return 0; }
		sleep 0.1
	done
	die "no window of $domain titled '*$text*' within 15 s"
}

# terminal DOMAIN TITLE TEXT: a terminal showing TEXT (foot, else the test client).
terminal() {
	local domain=$1 title=$2 text=$3
	if command -v foot >/dev/null; then
		in_domain "$domain" foot --title "$title" sh -c "printf '%s\n' \"$text\"; exec sleep 600" \
			>"$rt/$domain-term.log" 2>&1 &
	else
		in_domain "$domain" "$test_client" --title "$title" --size 480x300 --color ffffff \
			</dev/null >"$rt/$domain-term.log" 2>&1 &
	fi
	pids+=($!)
}

terminal host "host terminal" "The host: trusted, grey frame."
host_id=$(window_id host "host terminal")

# A GTK program in work: the toolkit people run, with client-side shadows.
gtk=
for p in gtk4-demo gtk3-demo gtk3-widget-factory gtk4-widget-factory; do
	command -v "$p" >/dev/null && { gtk=$p; break; }
done
if [ -n "$gtk" ]; then
	in_domain work "$gtk" >"$rt/gtk.log" 2>&1 &
	pids+=($!)
	work_id=$(window_id work "")
else
	echo "demo: no GTK example program installed; a test client stands in" >&2
	in_domain work "$test_client" --title "work window" --size 640x480 --color ffffff \
		</dev/null >"$rt/work.log" 2>&1 &
	pids+=($!)
	work_id=$(window_id work "work window")
fi
terminal untrusted "untrusted terminal" "A guest: untrusted, red frame."
untrusted_id=$(window_id untrusted "untrusted terminal")

# Side by side: the host and untrusted terminals on the left, work beside
# them, sized to fit (a program may refuse a size below its minimum).
"$cordonctl" move "$host_id" 24 48 >/dev/null
"$cordonctl" resize "$host_id" 520 330 >/dev/null
"$cordonctl" move "$untrusted_id" 24 452 >/dev/null
"$cordonctl" resize "$untrusted_id" 520 330 >/dev/null
"$cordonctl" move "$work_id" 600 48 >/dev/null
"$cordonctl" resize "$work_id" 960 780 >/dev/null || true
# One more frame so the clients' latest buffers are on screen.
sleep 1

# screenshot FILE.png: grim's PPM, written as an unfiltered PNG, which a
# test can read back with nothing but zlib.
screenshot() {
	grim -t ppm "$rt/shot.ppm"
	python3 - "$rt/shot.ppm" "$1" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
fields, pos = [], 0
while len(fields) < 4:
    while data[pos:pos + 1].isspace():
        pos += 1
    start = pos
    while not data[pos:pos + 1].isspace():
        pos += 1
    fields.append(data[start:pos])
w, h = int(fields[1]), int(fields[2])
pixels = data[pos + 1:pos + 1 + w * h * 3]
def chunk(kind, body):
    return (struct.pack('>I', len(body)) + kind + body +
            struct.pack('>I', zlib.crc32(kind + body) & 0xffffffff))
rows = b''.join(b'\0' + pixels[y * w * 3:(y + 1) * w * 3] for y in range(h))
with open(sys.argv[2], 'wb') as f:
    f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(rows, 6)) + chunk(b'IEND', b''))
PY
}

echo "demo: cordonctl windows"
"$cordonctl" windows
screenshot "$shot"
echo "demo: screenshot saved to $shot"

# --- a paste from untrusted into work, under ask ---------------------------

# wl-clipboard takes its focused-surface path (guests have no data-control):
# its tiny window needs the keyboard, which a window only gets by appearing
# when its domain has focus.
"$cordonctl" focus "$untrusted_id"
in_domain untrusted wl-copy --foreground -- "a secret from the untrusted domain" \
	>"$rt/wl-copy.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	"$cordonctl" --json windows | grep -q '"title":"wl-clipboard"' || break
	sleep 0.1
done
# Wait until untrusted has the selection (a same-domain paste passes).
for _ in $(seq 100); do
	out=$(in_domain untrusted timeout 5 wl-paste -n 2>/dev/null || true)
	[ "$out" = "a secret from the untrusted domain" ] && break
	sleep 0.1
done
[ "$out" = "a secret from the untrusted domain" ] || die "wl-copy in untrusted set no selection"

"$cordonctl" focus "$work_id"
in_domain work wl-paste -n >"$rt/pasted" 2>"$rt/wl-paste.log" &
paste_pid=$!
pids+=($paste_pid)
prompt=
for _ in $(seq 100); do
	prompt=$("$cordonctl" --json prompts | python3 -c '
import json, sys
ps = [p for p in json.load(sys.stdin)["prompts"] if p.get("visible")]
print(ps[0]["id"] if ps else "")')
	[ -n "$prompt" ] && break
	sleep 0.1
done
[ -n "$prompt" ] || die "no paste prompt appeared within 10 s"
# The prompt ignores input for its first moments; let it draw.
sleep 0.5
echo "demo: cordonctl prompts"
"$cordonctl" prompts
screenshot "$prompt_shot"
echo "demo: screenshot with the paste prompt saved to $prompt_shot"

"$cordonctl" deny "$prompt"
wait "$paste_pid" 2>/dev/null || true
[ ! -s "$rt/pasted" ] || die "work received data after the paste was denied"
echo "demo: denied; work received nothing. cordonctl transfers"
"$cordonctl" transfers
