#!/usr/bin/env bash
# Crash safety of `btsim run` and `btsim sweep` (docs/reliability.md):
#  - SIGKILL at random moments (every fifth near the commit), KILL_TESTS_N times (default 30):
#    OUT.h5 is then either absent or
#    a whole run, identical to an uninterrupted one (h5diff), and a rerun to the same path
#    succeeds whatever temporaries the killed run left;
#  - SIGTERM and SIGINT at random moments: exit 130 and no OUT.h5, or (when the signal came after
#    the commit) exit 0 and a whole file;
#  - SIGTERM and SIGINT stop a sweep with 130, keep only complete run files, and --resume
#    finishes it with the summary of an uninterrupted sweep.
# Needs BTSIM. Prints ok/not ok lines and "N passed, M failed".
. "$(dirname "$0")/lib.sh"
N=${KILL_TESTS_N:-30}
now_ms() { date +%s%3N; }

SCN=$ROOT/scenarios/default.json
RUN=(run "$SCN" --quiet --set epochs=200 --set output.bonds=true)

# The reference run, and how long a run takes on this machine (the kill delays span it): the
# shorter of two runs, since a first one on a cold cache runs long.
t0=$(now_ms)
"$BTSIM" "${RUN[@]}" -o "$TMP/ref.h5"
t1=$(now_ms)
"$BTSIM" "${RUN[@]}" -o "$TMP/ref2.h5"
t2=$(now_ms)
T=$(( t1 - t0 < t2 - t1 ? t1 - t0 : t2 - t1 ))
check "reference run completes" test -f "$TMP/ref.h5"
check "a second run is identical" h5diff -q "$TMP/ref.h5" "$TMP/ref2.h5"
echo "# a run takes $T ms; $N kills at random moments in [0, $T] ms (every fifth in [0.9 T, 1.2 T])"

is_whole() {   # the file is complete and holds the reference run's data
    h5dump -a /complete "$1" 2>/dev/null | grep -q '(0): 1' && h5diff -q "$TMP/ref.h5" "$1" >/dev/null 2>&1
}

# A random delay in seconds: uniform over [0, T], or with `delay end` over [0.9 T, 1.2 T],
# around the commit (the last writes, fsync and rename).
delay() {
    local ms=$(( (RANDOM * 32768 + RANDOM) % (T + 1) ))
    [ "${1:-}" = end ] && ms=$(( T * 9 / 10 + ms * 3 / 10 ))
    printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

killed=0 present=0 leftovers=0
for i in $(seq 1 "$N"); do
    out=$TMP/k.h5
    "$BTSIM" "${RUN[@]}" -o "$out" &
    pid=$!
    if [ $((i % 5)) -eq 0 ]; then sleep "$(delay end)"; else sleep "$(delay)"; fi
    kill -KILL "$pid" 2>/dev/null && killed=$((killed + 1))
    wait "$pid" 2>/dev/null
    if [ -e "$out" ]; then
        present=$((present + 1))
        check "SIGKILL #$i: OUT.h5 present and whole" is_whole "$out"
    else
        ok "SIGKILL #$i: no OUT.h5"
    fi
    leftovers=$((leftovers + $(ls "$TMP" | grep -c '^k\.h5\.tmp\.')))
    # A rerun to the same path must succeed next to the killed run's temporary (kept on
    # purpose for the first few; a short run suffices, a full one every tenth kill).
    if [ $((i % 10)) -eq 0 ]; then
        "$BTSIM" "${RUN[@]}" -o "$out" >/dev/null 2>&1
        check "SIGKILL #$i: a full rerun succeeds and equals the reference" is_whole "$out"
    else
        "$BTSIM" run "$SCN" --quiet --set epochs=3 -o "$out" >/dev/null 2>&1
        check "SIGKILL #$i: a rerun to the same path succeeds" bash -c "h5dump -a /complete '$out' 2>/dev/null | grep -q '(0): 1'"
    fi
    rm -f "$out" "$TMP"/k.h5.tmp.*
done
echo "# $N runs sent SIGKILL ($killed still running); OUT.h5 existed (complete) after $present; $leftovers temporaries left by killed runs"

# SIGTERM / SIGINT at random moments: 130 and no file, or 0 and a whole file. A signal in the
# first milliseconds, before btsim has installed its handlers (while it loads the scenario),
# ends it the default way (128 + signal number); nothing may exist then either.
early=0
for sig in TERM INT TERM INT TERM INT; do
    out=$TMP/s.h5
    rm -f "$out" "$TMP"/s.h5.tmp.*
    "$BTSIM" "${RUN[@]}" -o "$out" 2>/dev/null &
    pid=$!
    sleep "$(delay)"
    kill -"$sig" "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    tmps=$(ls "$TMP" | grep -c '^s\.h5\.tmp\.')
    signo=$(kill -l "$sig")
    if [ "$rc" -eq 0 ]; then
        check "SIG$sig after the commit: exit 0, no temporary" test "$tmps" -eq 0
        check "SIG$sig after the commit: OUT.h5 whole" is_whole "$out"
    elif [ "$rc" -eq 130 ] || [ "$rc" -eq $((128 + signo)) ]; then
        [ "$rc" -ne 130 ] && early=$((early + 1))
        check "SIG$sig: exit $rc, no OUT.h5 and no temporary" test ! -e "$out" -a "$tmps" -eq 0
    else
        bad "SIG$sig: exit $rc (expected 130, or 0 after the commit)"
    fi
done
[ "$early" -gt 0 ] && echo "# $early signal(s) arrived before btsim installed its handlers"
# and once surely mid-run
"$BTSIM" "${RUN[@]}" -o "$TMP/m.h5" 2>/dev/null &
pid=$!
sleep 0.3
kill -TERM "$pid"
wait "$pid"
check "SIGTERM mid-run: exit 130" test $? -eq 130
check "SIGTERM mid-run: no output, no temporary" bash -c "! ls '$TMP'/m.h5* 2>/dev/null | grep -q ."

# Sweeps: SIGTERM / SIGINT keep the complete runs; --resume finishes with the same summary.
KS=$ROOT/tests/data/sweep_kill.json
same_summary() { for g in /metrics /params /runs/seed /runs/ok; do
                   h5diff -q "$1/summary.h5" "$2/summary.h5" $g $g >/dev/null 2>&1 || return 1; done; }
"$BTSIM" sweep "$KS" -o "$TMP/sref" --jobs 2 --quiet
for sig in TERM INT; do
    d=$TMP/s$sig
    "$BTSIM" sweep "$KS" -o "$d" --jobs 2 --quiet 2>/dev/null &
    pid=$!
    for _ in $(seq 600); do   # the signal comes once a first run is complete
        compgen -G "$d/runs/run_*.h5" >/dev/null && break
        sleep 0.05
    done
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    check "sweep SIG$sig: exit 130" test $rc -eq 130
    incomplete=0
    for f in "$d"/runs/run_*.h5; do
        [ -e "$f" ] || continue
        h5dump -a /complete "$f" >/dev/null 2>&1 || incomplete=$((incomplete + 1))
    done
    check "sweep SIG$sig: every run file kept is complete ($(ls "$d/runs" | grep -c '\.h5$') kept)" test $incomplete -eq 0
    check "sweep SIG$sig: no temporaries, no summary" bash -c "! ls '$d/runs' | grep -q '\\.tmp\\.' && [ ! -e '$d/summary.h5' ]"
    "$BTSIM" sweep "$KS" -o "$d" --jobs 2 --quiet --resume
    check "sweep SIG$sig then --resume: same summary as uninterrupted" same_summary "$TMP/sref" "$d"
done

finish
