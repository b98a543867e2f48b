#!/usr/bin/env bash
# Behaviour of bin/btsim as a user sees it: commands, exit codes, output files, determinism
# across thread counts, overrides, interruption, and the bad-input catalogue.
# Needs BTSIM (the binary). Prints "ok"/"not ok" lines and "N passed, M failed".
. "$(dirname "$0")/lib.sh"

# --help, --version, usage errors
check "--help exits 0 and shows usage" bash -c "'$BTSIM' --help | grep -q 'usage: btsim run'"
check "--version prints the version" bash -c "'$BTSIM' --version | grep -Eq '^btsim [0-9]+\.[0-9]+\.[0-9]+'"
"$BTSIM" frobnicate >/dev/null 2>&1; check "unknown command exits 2" test $? -eq 2
"$BTSIM" run "$ROOT/scenarios/chain/test_bonds.json" >/dev/null 2>&1; check "run without -o exits 2" test $? -eq 2
"$BTSIM" run "$ROOT/scenarios/chain/test_bonds.json" -o "$TMP/x.h5" --threads 0 >/dev/null 2>&1
check "--threads 0 exits 2" test $? -eq 2

# validate every shipped scenario
for f in "$ROOT"/scenarios/*.json "$ROOT"/scenarios/chain/*.json; do
  check "validate $(basename "$f")" bash -c "'$BTSIM' validate '$f' >/dev/null"
done

# run: output complete, schema present, seed recorded
"$BTSIM" run "$ROOT/scenarios/chain/test_bonds.json" -o "$TMP/bonds.h5" --seed 42 --quiet
check "run writes the output file" test -f "$TMP/bonds.h5"
check "no temporary file remains" bash -c "! ls '$TMP'/bonds.h5.tmp* 2>/dev/null | grep -q ."
for d in /epochs/stake /epochs/active_stake /epochs/consensus /epochs/incentive /epochs/dividends \
         /epochs/validator_trust /epochs/emission /epochs/bonds /peers/name /fixed/emission; do
  check "dataset $d exists" bash -c "h5ls '$TMP/bonds.h5$d' >/dev/null 2>&1"
done
check "/epochs/bonds is [epochs x peers x peers]" bash -c "h5ls '$TMP/bonds.h5/epochs/bonds' | grep -q '{8, 8, 8}'"
check "/epochs/incentive is [epochs x peers]" bash -c "h5ls '$TMP/bonds.h5/epochs/incentive' | grep -q '{8, 8}'"
check "seed attribute is 42" bash -c "h5dump -a /seed '$TMP/bonds.h5' | grep -q '42'"
check "scenario JSON stored" bash -c "h5dump -a /scenario '$TMP/bonds.h5' | grep -q test_bonds"
check "exact chain emission stored (e1 uid 0 = 49999998 rao)" \
  bash -c "h5dump -d /fixed/emission -s '0,0' -c '1,1' '$TMP/bonds.h5' | grep -q 49999998"

# sparse and sampled output: COO bonds equal the dense ones at the recorded epochs
"$BTSIM" run "$ROOT/scenarios/chain/test_bonds.json" -o "$TMP/sp.h5" --quiet --set 'output.bonds="sparse"' --set output.every=3
check "output.every=3 records epochs 0, 3, 6" bash -c "h5dump -d /epochs/epoch '$TMP/sp.h5' | tr -d ' \n' | grep -q '(0,0):0,(1,0):3,(2,0):6'"
check "sparse bonds equal the dense bonds at the recorded epochs" /usr/bin/python3 -c "
import h5py, numpy as np, sys
d = h5py.File('$TMP/bonds.h5')['epochs/bonds'][:]
f = h5py.File('$TMP/sp.h5'); b = f['epochs/bonds_sparse']
e, r, c, v = b['epoch'][:], b['row'][:], b['col'][:], b['value'][:]
for k, ep in enumerate(f['epochs/epoch'][:, 0]):
    m = np.zeros_like(d[0]); sel = e == ep; m[r[sel], c[sel]] = v[sel]
    if not np.array_equal(m, d[ep]): sys.exit(1)
"

# the run prints the per-group table
"$BTSIM" run "$ROOT/scenarios/chain/test_bonds.json" -o "$TMP/t.h5" > "$TMP/table.txt"
check "run prints a per-group table" grep -q "^validator .* 1.0000" "$TMP/table.txt"

# determinism: same scenario and seed, 1 and 2 threads -> identical datasets
"$BTSIM" run "$ROOT/scenarios/default.json" -o "$TMP/t1.h5" --threads 1 --quiet --set epochs=20 --set output.bonds=true
"$BTSIM" run "$ROOT/scenarios/default.json" -o "$TMP/t2.h5" --threads 2 --quiet --set epochs=20 --set output.bonds=true
check "1 and 2 threads give identical HDF5 data (h5diff)" h5diff -q "$TMP/t1.h5" "$TMP/t2.h5"
"$BTSIM" run "$ROOT/scenarios/chain/yuma3_kappa_moves_first.json" -o "$TMP/y1.h5" --threads 1 --quiet
"$BTSIM" run "$ROOT/scenarios/chain/yuma3_kappa_moves_first.json" -o "$TMP/y2.h5" --threads 2 --quiet
check "fixed mode: 1 and 2 threads identical" h5diff -q "$TMP/y1.h5" "$TMP/y2.h5"

# --set changes the result
"$BTSIM" run "$ROOT/scenarios/chain/test_bonds.json" -o "$TMP/k.h5" --quiet --set mechanism.kappa=0.2
check "--set mechanism.kappa changes the consensus" bash -c "! h5diff -q -d /epochs/consensus '$TMP/bonds.h5' '$TMP/k.h5' >/dev/null 2>&1"
"$BTSIM" validate "$ROOT/scenarios/chain/test_bonds.json" --set mechanism.kapa=0.2 2>"$TMP/err.txt"
rc=$?
check "--set of an unknown key exits 2" test $rc -eq 2
check "--set unknown key message suggests kappa" grep -q 'kappa' "$TMP/err.txt"

# output into a missing directory: exit 1, one clear line, nothing left
"$BTSIM" run "$ROOT/scenarios/chain/test_bonds.json" -o "$TMP/nodir/x.h5" --quiet 2>"$TMP/err.txt"
rc=$?
check "unwritable output exits 1" test $rc -eq 1
check "unwritable output names the path" grep -q "nodir/x.h5" "$TMP/err.txt"

# SIGINT mid-run: exit 130, no output file
"$BTSIM" run "$ROOT/scenarios/default.json" -o "$TMP/int.h5" --quiet --set epochs=100000 &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
check "SIGINT stops the run with 130" test $rc -eq 130
check "SIGINT leaves no output file" bash -c "! ls '$TMP'/int.h5* 2>/dev/null | grep -q ."

# --check runs every shipped scenario's epochs through the invariant checks
for f in "$ROOT"/scenarios/chain/*.json "$ROOT"/scenarios/default.json; do
  "$BTSIM" run "$f" -o "$TMP/chk.h5" --quiet --check --set epochs=5 >/dev/null 2>"$TMP/err.txt" ||
    "$BTSIM" run "$f" -o "$TMP/chk.h5" --quiet --check >/dev/null 2>"$TMP/err.txt"
  check "--check passes on $(basename "$f")" test $? -eq 0
done

# --max-memory refuses up front, with the estimate, and writes nothing
"$BTSIM" run "$ROOT/scenarios/default.json" -o "$TMP/mem.h5" --max-memory 1M 2>"$TMP/err.txt"
rc=$?
check "--max-memory too small exits 2" test $rc -eq 2
check "--max-memory names the estimate" grep -q "needs about" "$TMP/err.txt"
check "--max-memory leaves no output" bash -c "! ls '$TMP'/mem.h5* 2>/dev/null | grep -q ."

# bench command contract
out=$("$BTSIM" bench --validators 8 --miners 16 --epochs 3 --threads 1)
check "bench prints epoch_ms=... last" bash -c "echo '$out' | tail -n1 | grep -Eq '^epoch_ms=[0-9]+\.[0-9]{3}$'"

# the bad-input catalogue
if [ -x "$ROOT/tests/run_bad_inputs.sh" ] || [ -f "$ROOT/tests/run_bad_inputs.sh" ]; then
  if BTSIM="$BTSIM" bash "$ROOT/tests/run_bad_inputs.sh" > "$TMP/bad.txt" 2>&1; then
    ok "bad-input catalogue: $(tail -n1 "$TMP/bad.txt")"
  else
    grep '^not ok' "$TMP/bad.txt" | head -20
    bad "bad-input catalogue: $(tail -n1 "$TMP/bad.txt")"
  fi
fi

# sweeps
if BTSIM="$BTSIM" bash "$ROOT/tests/sweep_tests.sh" > "$TMP/sweep.txt" 2>&1; then
  ok "sweep suite: $(tail -n1 "$TMP/sweep.txt")"
else
  grep '^not ok' "$TMP/sweep.txt" | head -20
  bad "sweep suite: $(tail -n1 "$TMP/sweep.txt")"
fi

# crash safety (SIGKILL/SIGTERM/SIGINT) and determinism across threads, jobs and ranks
# (SKIP_SUITES="determinism" leaves a suite out: make asan does)
for suite in kill determinism; do
  case " ${SKIP_SUITES:-} " in *" $suite "*) echo "# $suite suite skipped (SKIP_SUITES)"; continue ;; esac
  if BTSIM="$BTSIM" bash "$ROOT/tests/${suite}_tests.sh" > "$TMP/$suite.txt" 2>&1; then
    ok "$suite suite: $(tail -n1 "$TMP/$suite.txt")"
    grep '^# [0-9]' "$TMP/$suite.txt"
  else
    grep '^not ok' "$TMP/$suite.txt" | head -20
    bad "$suite suite: $(tail -n1 "$TMP/$suite.txt")"
  fi
done

# report reads in a child process: files on which HDF5 1.10.8 itself crashes or hangs
# (tests/data/hdf5_bugs, docs/reliability.md) give one error line, exit 2 and no report
for b in segv-H5HG_read-attribute segv-H5HG_read-dataset hang-H5C_protect-global-heap; do
  gunzip -c "$ROOT/tests/data/hdf5_bugs/$b.h5.gz" > "$TMP/$b.h5"
  timeout 60 "$BTSIM" report --timeout 2 "$TMP/$b.h5" > "$TMP/rep.out" 2> "$TMP/rep.err"
  rc=$?
  check "report on $b: exit 2 (got $rc)" test $rc -eq 2
  check "report on $b: nothing on stdout" test ! -s "$TMP/rep.out"
  # (under a sanitizer the child's own report of the crash comes first on stderr)
  check "report on $b: the last line names the file" bash -c "tail -n 1 '$TMP/rep.err' | grep -q '^btsim report: .*$b.h5'"
  [ -n "${BTSIM_SANITIZED:-}" ] || check "report on $b: one line" test "$(wc -l < "$TMP/rep.err")" -eq 1
done
"$BTSIM" report --timeout x "$TMP/bonds.h5" >/dev/null 2>&1; check "report --timeout x exits 2" test $? -eq 2

finish
