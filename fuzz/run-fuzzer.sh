#!/bin/sh
# run-fuzzer.sh BINARY NAME SRCDIR BUILDDIR: replays every crash reproducer
# in SRCDIR/crashes/NAME (each must now run clean), then fuzzes for
# $CORDON_FUZZ_SECONDS (default 20) from the seeds in SRCDIR/corpus/NAME,
# keeping what it learns in BUILDDIR/corpus-NAME. A crash fails the test;
# its input is saved in BUILDDIR/crashes-NAME, or with CORDON_FUZZ_SAVE_CRASHES=1
# in SRCDIR/crashes/NAME.
set -eu
bin=$1 name=$2 src=$3 build=$4
secs=${CORDON_FUZZ_SECONDS:-20}
artifacts=$build/crashes-$name
# ./dev fuzz: a crash lands in the tree, to be committed as a reproducer.
[ -z "${CORDON_FUZZ_SAVE_CRASHES:-}" ] || artifacts=$src/crashes/$name
corpus=$build/corpus-$name
mkdir -p "$corpus" "$artifacts"

# libFuzzer's own failure code is 77, which meson reads as "skipped".
opts="-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -error_exitcode=1 -timeout_exitcode=1"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
# Without llvm-symbolizer, addr2line still names functions and lines.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null &&
	command -v addr2line >/dev/null; then
	export ASAN_SYMBOLIZER_PATH=$(command -v addr2line)
fi
# Fontconfig's caches and a leak cordon bounds (fuzz/lsan.supp).
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

repro=$(find "$src/crashes/$name" -type f ! -name '*.md' 2>/dev/null | sort)
if [ -n "$repro" ]; then
	echo "fuzz-$name: replaying $(echo "$repro" | wc -l) reproducers"
	# shellcheck disable=SC2086
	"$bin" $opts $repro || { echo "fuzz-$name: a reproducer fails again" >&2; exit 1; }
fi

dict=
[ ! -f "$src/$name.dict" ] || dict=-dict=$src/$name.dict
# Sequences of requests and input events: long inputs from the start.
case $name in
protocol | state) opts="$opts -max_len=2048 -len_control=20" ;;
esac
seeds=$src/corpus/$name
[ -d "$seeds" ] || seeds=
echo "fuzz-$name: fuzzing for ${secs}s"
log=$build/fuzz-$name.log
rc=0
# shellcheck disable=SC2086
"$bin" $opts $dict -max_total_time="$secs" -print_final_stats=1 \
	-artifact_prefix="$artifacts/" "$corpus" $seeds >"$log" 2>&1 || rc=$?
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|stat::peak_rss' "$log" || true
if [ $rc -ne 0 ]; then
	tail -n 80 "$log"
	echo "fuzz-$name: crash (rc $rc); input saved in $artifacts" >&2
fi
[ $rc -eq 0 ] || exit 1
