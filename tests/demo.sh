#!/usr/bin/env bash
# demo.sh BUILD_DIR: runs cordon headless with its built-in defaults, opens
# two real client windows, lists them with cordonctl, saves a screenshot to
# BUILD_DIR/demo.png and stops everything again. ./dev demo calls it.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
cordon=$build/compositor/cordon
cordonctl=$build/compositor/cordonctl
test_client=$build/tests/client/cordon-test-client
shot=$build/demo.png

die() { echo "demo: $*" >&2; exit 1; }
[ -x "$cordon" ] || die "no cordon binary in $build/compositor (build first)"
[ -x "$cordonctl" ] || die "no cordonctl binary in $build/compositor"
command -v grim >/dev/null || die "grim is not installed"

# A short private runtime dir (socket paths must fit in 108 bytes) and an
# empty config home, so cordon runs with its built-in defaults.
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

export XDG_RUNTIME_DIR=$rt XDG_CONFIG_HOME=$rt/config-home LANG=C.UTF-8
export WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1
unset WAYLAND_DISPLAY DISPLAY CORDON_SOCK

mkfifo "$rt/ready"
"$cordon" --ready-fd 3 3>"$rt/ready" >"$rt/cordon.log" 2>&1 &
cordon_pid=$!
ready=
read -r -t 10 ready <"$rt/ready" || true
[ -n "$ready" ] || die "cordon did not report readiness within 10 s"
export "${ready?}"
export CORDON_SOCK=$rt/cordon/ipc.sock
echo "demo: cordon is up, $ready"

clients=0
if command -v foot >/dev/null; then
	foot --title "cordon demo: foot" sh -c 'echo "Hello from inside cordon."; uname -a; exec sleep 600' \
		>"$rt/foot.log" 2>&1 &
	pids+=($!)
	clients=$((clients + 1))
fi
if command -v weston-simple-shm >/dev/null; then
	weston-simple-shm >"$rt/simple-shm.log" 2>&1 &
	pids+=($!)
	clients=$((clients + 1))
fi
while [ $clients -lt 2 ] && [ -x "$test_client" ]; do
	"$test_client" --title "cordon demo: test client $clients" --size 360x240 \
		--color "$([ $clients -eq 0 ] && echo 3465a4 || echo 73d216)" \
		</dev/null >"$rt/client$clients.log" 2>&1 &
	pids+=($!)
	clients=$((clients + 1))
done
[ $clients -ge 2 ] || die "found neither foot, weston-simple-shm nor the test client"

# Wait (bounded) until both windows are mapped.
n=0
for _ in $(seq 100); do
	n=$("$cordonctl" --json windows 2>/dev/null | grep -o '"id"' | wc -l || true)
	[ "$n" -ge 2 ] && break
	sleep 0.1
done
[ "$n" -ge 2 ] || die "only $n of 2 windows appeared within 10 s"
# One more frame so the clients' latest buffers are on screen.
sleep 0.3

echo "demo: cordonctl windows"
"$cordonctl" windows
grim "$shot"
echo "demo: screenshot saved to $shot"
