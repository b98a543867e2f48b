#!/usr/bin/env bash
# Sweeps as a user runs them: jobs-independence, replay of a single run, resume after kill -9
# (many times), bad sweep files, an occupied directory. Needs BTSIM. Prints ok/not ok lines and
# "N passed, M failed".
. "$(dirname "$0")/lib.sh"
SW="$ROOT/tests/data/sweep_small.json"

# the summary's data without the file-level attributes that name the directory
same_summary() { h5diff -q "$1/summary.h5" "$2/summary.h5" /metrics /metrics >/dev/null 2>&1 &&
                 h5diff -q "$1/summary.h5" "$2/summary.h5" /params /params >/dev/null 2>&1 &&
                 h5diff -q "$1/summary.h5" "$2/summary.h5" /runs/seed /runs/seed >/dev/null 2>&1 &&
                 h5diff -q "$1/summary.h5" "$2/summary.h5" /runs/ok /runs/ok >/dev/null 2>&1; }

"$BTSIM" sweep "$SW" -o "$TMP/j1" --jobs 1 --quiet
check "sweep writes 12 run files" test "$(ls "$TMP/j1/runs" | grep -c '^run_.*\.h5$')" -eq 12
check "sweep writes summary.h5" test -f "$TMP/j1/summary.h5"
"$BTSIM" sweep "$SW" -o "$TMP/j2" --jobs 2 --quiet
check "1 and 2 jobs give the same summary" same_summary "$TMP/j1" "$TMP/j2"
check "1 and 2 jobs give identical run files (run 7)" h5diff -q "$TMP/j1/runs/run_000007.h5" "$TMP/j2/runs/run_000007.h5"
check "summary has one row per run" bash -c "h5ls '$TMP/j1/summary.h5/runs/seed' | grep -q '{12}'"
check "summary has the swept parameters" bash -c "h5ls -r '$TMP/j1/summary.h5' | grep -q 'params/mechanism.bonds_moving_average'"

# any run replays alone with btsim run, bit for bit
cmd=$(/usr/bin/python3 -c "import h5py; print(h5py.File('$TMP/j1/summary.h5')['runs/command'][7].decode())")
cmd=${cmd/btsim run/\"$BTSIM\" run}
cmd=${cmd/-o $TMP\/j1\/runs\/run_000007.h5/-o $TMP/replay.h5}
eval "$cmd --quiet"
check "run 7 replays alone with btsim run (h5diff on /epochs)" h5diff -q "$TMP/j1/runs/run_000007.h5" "$TMP/replay.h5" /epochs /epochs

# kill -9 at random moments, then --resume: same summary as the uninterrupted sweep, and no
# run file that exists is ever incomplete
KS="$ROOT/tests/data/sweep_kill.json"
"$BTSIM" sweep "$KS" -o "$TMP/kref" --jobs 2 --quiet
kills=0
for i in 1 2 3 4 5 6 7 8; do
  rm -rf "$TMP/k"
  "$BTSIM" sweep "$KS" -o "$TMP/k" --jobs 2 --quiet &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 $pid 2>/dev/null && kills=$((kills+1))
  wait $pid 2>/dev/null
  incomplete=0
  for f in "$TMP"/k/runs/run_*.h5; do
    [ -e "$f" ] || continue
    h5dump -a /complete "$f" >/dev/null 2>&1 || incomplete=$((incomplete+1))
  done
  check "kill -9 #$i: every run file present is complete" test $incomplete -eq 0
  "$BTSIM" sweep "$KS" -o "$TMP/k" --jobs 2 --quiet --resume
  check "kill -9 #$i then --resume: same summary" same_summary "$TMP/kref" "$TMP/k"
  check "kill -9 #$i then --resume: no temporary files left" bash -c "! ls '$TMP/k/runs' | grep -q '\\.tmp\\.'"
done
echo "# $kills of 8 sweeps killed with SIGKILL mid-way"

# an occupied directory needs --resume
"$BTSIM" sweep "$SW" -o "$TMP/j1" --quiet 2>"$TMP/err"
rc=$?
check "re-running into an occupied directory exits 2" test $rc -eq 2
check "... and says --resume" grep -q -- "--resume" "$TMP/err"

# bad sweep file: unknown axis key
"$BTSIM" sweep "$ROOT/tests/data/sweep_bad_axis.json" -o "$TMP/bad" 2>"$TMP/err"
rc=$?
check "unknown axis key exits 2" test $rc -eq 2
check "unknown axis key names axes[0].key and suggests kappa" bash -c "grep -q 'axes\[0\].key' '$TMP/err' && grep -q kappa '$TMP/err'"
check "unknown axis key: one line" test "$(wc -l < "$TMP/err")" -eq 1
check "unknown axis key: no directory created" test ! -e "$TMP/bad"

finish
