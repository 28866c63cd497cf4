#!/usr/bin/env bash
# Clipboard throughput: a paste from domain a into domain b, which flows
# through cordon (read into a memfd, then written out once released),
# against a paste within domain a, which goes straight from wl-copy to
# wl-paste. Prints MB/s for each run, the medians and their ratio. Figures,
# not a test: it exits non-zero only when something did not work.
#
#   ./dev shell bench/clipboard.sh            (or natively, deps installed)
#
# Environment: BUILD (build dir, default build/), SIZE_MIB (default 256),
# RUNS (default 5), KEEP=1 keeps the runtime dir (cordon's log).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$top/build}
size_mib=${SIZE_MIB:-256}
runs=${RUNS:-5}
cordon=$build/compositor/cordon
cordonctl=$build/ctl/cordonctl
client=$build/tests/client/cordon-test-client

die() { echo "clipboard.sh: $*" >&2; exit 1; }
for p in "$cordon" "$cordonctl" "$client"; do
	[ -x "$p" ] || die "$p is missing: build first (meson compile -C $build)"
done
for p in wl-copy wl-paste python3 sha256sum; do
	command -v "$p" >/dev/null || die "$p is not installed (try: ./dev shell $0)"
done

rt=$(mktemp -d /tmp/cb.XXXXXX)
chmod 700 "$rt"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ -n "${KEEP:-}" ]; then
		echo "kept $rt" >&2
	else
		rm -rf "$rt"
	fi
}
trap cleanup EXIT

export XDG_RUNTIME_DIR=$rt WLR_BACKENDS=headless WLR_RENDERER=pixman
export WLR_LIBINPUT_NO_DEVICES=1 LANG=C.UTF-8 XDG_CONFIG_HOME=$rt/config-home
unset WAYLAND_DISPLAY WAYLAND_SOCKET DISPLAY
mkdir -p "$XDG_CONFIG_HOME"

max_mib=$(( size_mib * 2 ))
cat >"$rt/cordon.conf" <<CONF
[clipboard]
default = allow
max-bytes = ${max_mib}M
timeout = 300s

[domain a]
color = #3465a4

[domain b]
color = #cc0000
CONF

"$cordon" -c "$rt/cordon.conf" --ready-fd 3 3>"$rt/ready" 2>"$rt/cordon.log" &
cordon_pid=$!
pids+=("$cordon_pid")
for _ in $(seq 100); do
	[ -s "$rt/ready" ] && break
	kill -0 "$cordon_pid" 2>/dev/null || die "cordon exited; see $rt/cordon.log"
	sleep 0.1
done
[ -s "$rt/ready" ] || die "cordon did not get ready"
host_display=$(sed -n 's/^WAYLAND_DISPLAY=//p' "$rt/ready")
export CORDON_SOCK=$rt/cordon/ipc.sock
sock() { echo "$rt/cordon/$1/wayland-0"; }

# A window per domain, so that wl-clipboard's window of that domain gets
# keyboard focus (its focused-surface path: guests have no data-control).
for d in a b; do
	WAYLAND_DISPLAY=$(sock $d) "$client" --title "bench-$d" --size 200x150 \
		</dev/null >/dev/null 2>"$rt/client-$d.log" &
	pids+=("$!")
done
window_id() {
	"$cordonctl" --json windows | python3 -c '
import json, sys
w = [w["id"] for w in json.load(sys.stdin)["windows"] if w["title"] == sys.argv[1]]
print(w[0] if w else "")' "bench-$1"
}
for d in a b; do
	for _ in $(seq 100); do
		[ -n "$(window_id $d)" ] && break
		sleep 0.1
	done
	[ -n "$(window_id $d)" ] || die "no window of domain $d"
done
focus() { "$cordonctl" focus "$(window_id "$1")" >/dev/null; }

bytes=$(( size_mib * 1024 * 1024 ))
echo "making ${size_mib} MiB of text in $rt (tmpfs)" >&2
# (yes dies of SIGPIPE once head has enough: not a failure.)
{ yes 'cordon clipboard benchmark: a line of plain text, 0123456789 abcdefghij' || true; } |
	head -c "$bytes" >"$rt/data"
want=$(sha256sum <"$rt/data" | cut -d' ' -f1)

# wl-copy keeps the data in a file of its own and serves each paste by
# writing that file into the pipe it is given.
focus a
WAYLAND_DISPLAY=$(sock a) wl-copy --foreground --type text/plain <"$rt/data" \
	>/dev/null 2>"$rt/wl-copy.log" &
pids+=("$!")
for _ in $(seq 300); do
	WAYLAND_DISPLAY=$(sock a) wl-paste --list-types 2>/dev/null | grep -qx text/plain && break
	sleep 0.1
done
WAYLAND_DISPLAY=$(sock a) wl-paste --list-types 2>/dev/null | grep -qx text/plain ||
	die "wl-copy did not set domain a's clipboard"

paste_into() { # DOMAIN OUTPUT
	focus "$1"
	WAYLAND_DISPLAY=$(sock "$1") wl-paste -n --type text/plain >"$2"
}

# Check once, untimed, that both paths deliver the data intact.
for d in a b; do
	paste_into $d "$rt/out"
	got=$(sha256sum <"$rt/out" | cut -d' ' -f1)
	[ "$got" = "$want" ] ||
		die "the paste in domain $d is not the data ($(stat -c %s "$rt/out") bytes)"
	rm -f "$rt/out"
done

declare -a same=() cross=()
timed() { # DOMAIN -> seconds
	local t0 t1
	focus "$1"
	t0=$EPOCHREALTIME
	WAYLAND_DISPLAY=$(sock "$1") wl-paste -n --type text/plain >/dev/null
	t1=$EPOCHREALTIME
	python3 -c "print(f'{$t1 - $t0:.4f}')"
}
mbps() { python3 -c "print(f'{$bytes / $1 / 1e6:.0f}')"; }

printf '%-5s %-14s %10s %10s\n' run path seconds MB/s
for i in $(seq "$runs"); do
	s=$(timed a)
	c=$(timed b)
	same+=("$s")
	cross+=("$c")
	printf '%-5s %-14s %10s %10s\n' "$i" "same (a->a)" "$s" "$(mbps "$s")"
	printf '%-5s %-14s %10s %10s\n' "$i" "cross (a->b)" "$c" "$(mbps "$c")"
done

python3 - "$bytes" "${same[*]}" "${cross[*]}" <<'PY'
import statistics, sys
n = int(sys.argv[1])
same = [float(x) for x in sys.argv[2].split()]
cross = [float(x) for x in sys.argv[3].split()]
ms, mc = statistics.median(same), statistics.median(cross)
bs, bc = min(same), min(cross)
print(f'payload {n} bytes ({n / 2**20:.0f} MiB), {len(same)} runs each (MB = 10^6 bytes)')
print(f'{"":44} {"median":>12} {"best":>12}')
print(f'{"same domain  (a -> a, wl-copy -> wl-paste)":44} {n / ms / 1e6:7.0f} MB/s {n / bs / 1e6:7.0f} MB/s')
print(f'{"cross domain (a -> b, through cordon)":44} {n / mc / 1e6:7.0f} MB/s {n / bc / 1e6:7.0f} MB/s')
print(f'{"cross / same":44} {ms / mc:12.2f} {bs / bc:12.2f}')
PY

delivered=$("$cordonctl" --json transfers | python3 -c '
import json, sys
t = json.load(sys.stdin)["transfers"]
print(sum(1 for x in t if x["result"] == "delivered" and x["bytes"] == int(sys.argv[1])))' "$bytes")
echo "cordon recorded $delivered delivered cross-domain transfers of $bytes bytes"
