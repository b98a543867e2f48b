#!/usr/bin/env bash
# The MPI build: `mpirun -np 2 btsim sweep` spreads the runs over ranks and writes the same
# summary as the OpenMP build. Needs BTSIM (plain) and BTSIM_MPI (built with MPI=1).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
pass=0; fail=0
check() { local name=$1; shift; if "$@"; then pass=$((pass+1)); echo "ok - $name"; else fail=$((fail+1)); echo "not ok - $name"; fi; }
SW="$ROOT/tests/data/sweep_small.json"
"$BTSIM" sweep "$SW" -o "$TMP/omp" --quiet
mpirun -np 2 --oversubscribe "$BTSIM_MPI" sweep "$SW" -o "$TMP/mpi" --jobs 1 --quiet
check "mpirun -np 2 sweep exits 0" test $? -eq 0
check "mpirun -np 2 writes every run" test "$(ls "$TMP/mpi/runs" | grep -c '^run_')" -eq 12
for g in /metrics /params /runs/seed; do
  check "MPI and OpenMP summaries agree on $g" h5diff -q "$TMP/omp/summary.h5" "$TMP/mpi/summary.h5" $g $g
done
check "MPI and OpenMP run files identical (run 3)" h5diff -q "$TMP/omp/runs/run_000003.h5" "$TMP/mpi/runs/run_000003.h5" /epochs /epochs
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
