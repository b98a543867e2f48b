#!/usr/bin/env bash
# valgrind memcheck over the unit tests and a few CLI runs (make valgrind; docs/reliability.md).
# Every invalid read or write, use of uninitialised memory, bad free, and every definite or
# indirect leak fails it. Criterion runs each test in a child process, so valgrind follows
# children (--trace-children) and writes one log per process; with -q a log only holds errors,
# so any non-empty log is a failure (Criterion's reading of a child's exit status is not
# relied on). Suppressions: tests/valgrind.supp (each entry explained there).
# Usage: BTSIM=build-vg/btsim bash tests/valgrind.sh BUILD_DIR      (the -O1 -g build)
# VALGRIND_JOBS (default 2) runs at once; VALGRIND_ORIGINS=1 adds --track-origins;
# VALGRIND_SKIP="test_a test_b" leaves those unit-test binaries out.
# Prints ok/not ok lines and "N passed, M failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build-vg}
BTSIM=${BTSIM:-$ROOT/$BUILD/btsim}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0; fail=0
export BTSIM_ROOT=$ROOT BTSIM_VALGRIND=1 OPENBLAS_NUM_THREADS=1

# Two at a time (valgrind runs one thread per process); results print in order at the end.
JOBS=${VALGRIND_JOBS:-2}
ORIGINS=(); [ -n "${VALGRIND_ORIGINS:-}" ] && ORIGINS=(--track-origins=yes)   # 30% slower
n=0

vg_one() {   # vg_one RESULT_FILE NAME STATUS COMMAND...
    local res=$1 name=$2 want=$3 logs=$1.logs rc t0=$SECONDS
    shift 3
    mkdir -p "$logs"
    valgrind -q --tool=memcheck --trace-children=yes --error-exitcode=99 --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        "${ORIGINS[@]}" --suppressions="$ROOT/tests/valgrind.supp" \
        --log-file="$logs/%p.log" "$@" >"$res.out" 2>&1
    rc=$?
    if [ -n "$(cat "$logs"/*.log 2>/dev/null)" ] || [ "$rc" -ne "$want" ]; then
        echo "not ok - $name (exit $rc, $((SECONDS - t0)) s)"
        cat "$logs"/*.log 2>/dev/null | head -n 60 | sed 's/^/#   /'
        grep -E 'FAIL|Crash|Assertion' "$res.out" | head -n 10 | sed 's/^/#   /'
    else
        echo "ok - $name ($((SECONDS - t0)) s)"
    fi >"$res"
}

vg() {   # vg NAME STATUS COMMAND...: COMMAND under memcheck exits STATUS and no process logs an error
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    n=$((n + 1))
    vg_one "$TMP/result.$(printf %03d $n)" "$@" &
}

for t in "$ROOT/$BUILD"/tests/test_*; do
    case " ${VALGRIND_SKIP:-} " in
        *" $(basename "$t") "*) echo "# skip $(basename "$t") (VALGRIND_SKIP)"; continue ;;
    esac
    vg "unit tests: $(basename "$t")" 0 "$t" --jobs 1
done

S=$ROOT/scenarios
vg "btsim run (fixed, chain test_bonds, bonds written)" 0 "$BTSIM" run "$S/chain/test_bonds.json" -o "$TMP/a.h5" --quiet --set output.bonds=true
vg "btsim run (default subnet, 2 threads)" 0 "$BTSIM" run "$S/default.json" -o "$TMP/b.h5" --quiet --threads 2 --set epochs=3
vg "btsim validate (a bad input: exit 2)" 2 "$BTSIM" validate "$ROOT/tests/bad_inputs/034-weights-to-unknown-peer.json"
vg "btsim sweep (12 runs, 2 jobs)" 0 "$BTSIM" sweep "$ROOT/tests/data/sweep_small.json" -o "$TMP/sw" --jobs 2 --quiet
vg "btsim sweep (a bad sweep file: exit 2)" 2 "$BTSIM" sweep "$ROOT/tests/bad_inputs/sweeps/s23-axis-unknown-axis-key.json" -o "$TMP/bad"
"$BTSIM" run "$S/chain/test_bonds.json" -o "$TMP/r.h5" --quiet   # natively: report's input
vg "btsim report" 0 "$BTSIM" report "$TMP/r.h5"
vg "btsim bench" 0 "$BTSIM" bench --validators 8 --miners 16 --epochs 2 --threads 2

wait
for r in "$TMP"/result.[0-9][0-9][0-9]; do
    cat "$r"
    if head -n1 "$r" | grep -q '^ok'; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
