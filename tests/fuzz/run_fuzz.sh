#!/usr/bin/env bash
# Runs libFuzzer targets built by `make fuzz-build` (build-fuzz/fuzz_<target>) for FUZZ_SECONDS
# each, on a corpus kept in build-fuzz/corpus/<target> (it grows from run to run) plus seeds
# gathered here from the repository:
#   scenario: scenarios/**/*.json, tests/data, tests/bad_inputs, tests/fuzz/seeds/scenario
#   sweep:    tests/data/sweep*.json, scenarios/sweeps, tests/bad_inputs/sweeps (base renamed
#             to the fuzz target's base.json), tests/fuzz/seeds/sweep
#   h5read:   tests/fuzz/seeds/h5read (generator inputs; see fuzz_h5read.c)
#   h5raw:    small run files written by BTSIM
# and the kept regressions in tests/fuzz/regressions/<target>. A crash, leak, timeout (20 s),
# slow input (15 s) or out-of-memory (2 GiB) is copied to tests/fuzz/regressions/<target>/
# (fix it, then commit the file: `make test` replays it) and the script fails. h5raw runs in
# fork mode and keeps going after HDF5's own crashes: it reports their sites instead of failing.
# Usage: BTSIM=bin/btsim FUZZ_SECONDS=60 bash tests/fuzz/run_fuzz.sh scenario sweep h5read
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$ROOT/build-fuzz
SECS=${FUZZ_SECONDS:-60}
# Leaks are checked; HDF5's free lists and cJSON's hooks hold nothing between inputs.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TMPDIR=${TMPDIR:-/tmp}
# One thread each: OpenBLAS and OpenMP worker threads would only spin between inputs.
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
failed=0

seed_scenario() {
    cp "$ROOT"/scenarios/*.json "$ROOT"/scenarios/*/*.json "$1"/ 2>/dev/null
    for f in "$ROOT"/tests/bad_inputs/*.json "$ROOT"/tests/data/*.json; do cp "$f" "$1/bad-$(basename "$f")"; done
}

seed_sweep() {
    local f
    for f in "$ROOT"/tests/data/sweep*.json "$ROOT"/scenarios/sweeps/*.json "$ROOT"/tests/bad_inputs/sweeps/*.json; do
        sed -E 's#"base": *"[^"]*"#"base": "base.json"#' "$f" >"$1/$(basename "$f")"
    done
}

seed_h5raw() {
    [ -x "${BTSIM:-}" ] || return 0
    local s
    for s in "$ROOT"/scenarios/chain/test_bonds.json "$ROOT"/scenarios/chain/yuma3_one_epoch_switch.json; do
        "$BTSIM" run "$s" -o "$1/$(basename "$s" .json).h5" --quiet --set epochs=9 >/dev/null 2>&1
    done
}

# The distinct sites (first HDF5 function on the stack) of the inputs kept in $1, replayed.
h5raw_sites() {
    local f
    for f in "$1"*; do
        [ -e "$f" ] || continue
        (cd "$B" && timeout 120 ./fuzz_h5raw -timeout=20 -rss_limit_mb=2048 -detect_leaks=0 "$f" 2>&1) |
            grep -m1 -oE 'in H5[A-Za-z0-9_]+' | awk '{print $2}'
    done | sort | uniq -c | sort -rn
}

# Runs one target; its ok/not ok lines go to $B/result_<target>.
fuzz_one() {
    local t=$1 bin=$B/fuzz_$1 corpus=$B/corpus/$1 seeds=$B/seeds/$1 art=$B/artifacts/$1/
    local reg=$ROOT/tests/fuzz/regressions/$1 log=$B/fuzz_$1.log rc execs found extra=()
    rm -rf "$seeds" "$art"
    mkdir -p "$corpus" "$seeds" "$art" "$reg"
    case $t in
        scenario) seed_scenario "$seeds" ;;
        sweep) seed_sweep "$seeds" ;;
        h5raw) seed_h5raw "$seeds" ;;
    esac
    [ -d "$ROOT/tests/fuzz/seeds/$t" ] && cp "$ROOT"/tests/fuzz/seeds/"$t"/* "$seeds"/ 2>/dev/null
    # HDF5 allocates its caches lazily, so with leak checks on, LeakSanitizer stops the world
    # after nearly every h5read input (20x slower); its leaks are left to make asan's replay of
    # the seeds and regressions, and to make valgrind.
    case $t in h5read | h5raw) extra=(-detect_leaks=0) ;; esac
    [ "$t" = h5raw ] && extra+=(-fork=2 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    echo "# fuzz_$t: $SECS s, seeds $(ls "$seeds" | wc -l), corpus $(ls "$corpus" | wc -l)"
    (cd "$B" && "$bin" -max_total_time="$SECS" -timeout=20 -report_slow_units=15 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$art" "${extra[@]}" "$corpus" "$seeds" "$reg") >"$log" 2>&1
    rc=$?
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | awk '{s += $2} END {print s + 0}')
    [ "$t" = h5raw ] && execs=$(grep -oE '^#[0-9]+' "$log" | tail -n1 | tr -dc 0-9)
    found=$(ls "$art" | wc -l)
    if [ "$t" = h5raw ]; then
        echo "ok - fuzz_h5raw: ${execs:-?} executions, $found inputs crashed or hung HDF5 (kept in $art); crash sites:"
        h5raw_sites "$art" | sed 's/^/#   /'
    elif [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
        cp "$art"* "$reg"/ 2>/dev/null
        echo "not ok - fuzz_$t: exit $rc, $found finding(s) copied to tests/fuzz/regressions/$t/ (log: $log)"
        grep -m1 -E 'ERROR|runtime error|Timeout|out-of-memory|broken error contract' "$log" | sed 's/^/#   /'
    else
        echo "ok - fuzz_$t: $execs executions in $SECS s, corpus $(ls "$corpus" | wc -l), no findings"
    fi
}

# All targets at once (CI has 2 cores; each target gets FUZZ_SECONDS of wall time).
mkdir -p "$B"
for t in "$@"; do
    rm -f "$B/result_$t"
    if [ ! -x "$B/fuzz_$t" ]; then echo "not ok - fuzz_$t: not built (make fuzz-build)" >"$B/result_$t"; continue; fi
    fuzz_one "$t" >"$B/result_$t" 2>&1 &
done
wait
for t in "$@"; do
    cat "$B/result_$t"
    grep -q '^not ok' "$B/result_$t" && failed=1
done
exit $failed
