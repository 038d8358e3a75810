#!/usr/bin/env bash
# Long fuzzing of the core with cargo-fuzz (libFuzzer): every target in fuzz/ for
# MINUTES_PER_TARGET minutes (default 8), at most JOBS (default 2) at a time, starting from
# the kept corpus in tests/fuzz-corpus/<target>/. Prints, per target: minutes, executions,
# corpus size and crashes. Exits non-zero when a target crashed (a panic or a broken
# invariant); the reproducer is in fuzz/artifacts/<target>/.
#
#   scripts/fuzz-long.sh [MINUTES_PER_TARGET]       # all targets
#   TARGETS="engine record" scripts/fuzz-long.sh 5    # some of them
#
# Needs the nightly toolchain and cargo-fuzz, which it installs (`make test` needs neither:
# it replays the kept corpus on stable, core/tests/fuzz_corpus.rs). The corpus grown here
# stays in fuzz/corpus/ (ignored by git); to keep new inputs, minimize and copy a few into
# tests/fuzz-corpus/<target>/.
set -euo pipefail

MINUTES=${1:-8}
JOBS=${JOBS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ="$ROOT/fuzz"
ALL_TARGETS="record template_custom template_builtin classify step_refs engine"
TARGETS=${TARGETS:-$ALL_TARGETS}

if ! [[ "$MINUTES" =~ ^[0-9]+([.][0-9]+)?$ ]]; then
	echo "usage: $0 [MINUTES_PER_TARGET]" >&2
	exit 2
fi
SECONDS_PER_TARGET=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')

# --- tools -------------------------------------------------------------------------------
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
	echo "installing the nightly toolchain (cargo-fuzz needs it)..."
	rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
	echo "installing cargo-fuzz..."
	cargo install --locked cargo-fuzz
fi

dict_for() {
	case "$1" in
	template_custom) echo "$FUZZ/dicts/yaml.dict" ;;
	*) echo "$FUZZ/dicts/json.dict" ;;
	esac
}

# One build for every target: release, with debug assertions and overflow checks on.
cd "$FUZZ"
echo "building the fuzz targets (nightly, -O with debug assertions)..."
cargo +nightly fuzz build -O -a >"$FUZZ/build.log" 2>&1 || {
	tail -40 "$FUZZ/build.log"
	exit 1
}

mkdir -p "$FUZZ/logs"
run_target() {
	local t=$1
	mkdir -p "$FUZZ/corpus/$t" "$FUZZ/artifacts/$t"
	# new inputs go to fuzz/corpus/<t>; the kept corpus is read only
	cargo +nightly fuzz run -O -a "$t" "$FUZZ/corpus/$t" "$ROOT/tests/fuzz-corpus/$t" -- \
		-max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=4096 -max_len=16384 \
		-dict="$(dict_for "$t")" -print_final_stats=1 \
		>"$FUZZ/logs/$t.log" 2>&1 || true
}

echo "fuzzing $(wc -w <<<"$TARGETS") targets, $MINUTES min each, $JOBS at a time; logs in fuzz/logs/"
start=$(date +%s)
for t in $TARGETS; do
	while (($(jobs -rp | wc -l) >= JOBS)); do
		wait -n || true
	done
	echo "  started $t ($(date +%H:%M:%S))"
	run_target "$t" &
done
wait

# --- report -----------------------------------------------------------------------------
crashed=0
printf '\n%-18s %8s %14s %12s %8s\n' target minutes executions corpus crashes
for t in $TARGETS; do
	log="$FUZZ/logs/$t.log"
	secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | grep -oE '[0-9]+ second' | grep -oE '[0-9]+' || true)
	execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
	# the corpus libFuzzer last reported (kept seeds plus new inputs it kept)
	corpus=$(grep -oE 'corp: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
	crashes=$(find "$FUZZ/artifacts/$t" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l)
	if grep -qE '^==[0-9]+== ERROR: libFuzzer|panicked at' "$log" && ((crashes == 0)); then
		crashes=1
	fi
	((crashes == 0)) || crashed=1
	printf '%-18s %8s %14s %12s %8s\n' "$t" "$(awk -v s="${secs:-0}" 'BEGIN { printf "%.1f", s / 60 }')" \
		"${execs:-?}" "${corpus:-?}" "$crashes"
done
printf 'total wall time: %.1f min\n' "$(awk -v s=$(($(date +%s) - start)) 'BEGIN { print s / 60 }')"
if ((crashed)); then
	echo "CRASHES: reproducers in fuzz/artifacts/<target>/, logs in fuzz/logs/" >&2
	exit 1
fi
echo "no crashes"
