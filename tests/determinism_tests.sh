#!/usr/bin/env bash
# Determinism (docs/reliability.md): the same scenario and seed give bit-identical HDF5 datasets
# whatever the thread count, the number of sweep jobs or of MPI ranks.
#  - every shipped scenario (scenarios/*.json, scenarios/*/*.json but sweeps/) with --threads 1
#    and 2, h5diff on the whole file (bonds written below 1,000 peers); scenarios of 64 peers or
#    more run 20 epochs, of 1,000 or more 5;
#  - a generated subnet of 64 validators x 4096 miners (262,144 weights: above the size where
#    the epoch goes parallel), float and fixed, 1 and 2 threads;
#  - a sweep with --jobs 1 and 2, and under `mpirun -np 2` when BTSIM_MPI (or build-mpi/btsim)
#    exists: every run file and the summary's data.
# Needs BTSIM. Prints ok/not ok lines and "N passed, M failed".
. "$(dirname "$0")/lib.sh"
BTSIM_MPI=${BTSIM_MPI:-$ROOT/build-mpi/btsim}

# run_both NAME SCENARIO [--set ...]: 1 and 2 threads, identical files
run_both() {
    local name=$1 scn=$2
    shift 2
    rm -f "$TMP/t1.h5" "$TMP/t2.h5"
    if ! "$BTSIM" run "$scn" -o "$TMP/t1.h5" --threads 1 --quiet "$@" >/dev/null 2>"$TMP/err" ||
       ! "$BTSIM" run "$scn" -o "$TMP/t2.h5" --threads 2 --quiet "$@" >/dev/null 2>>"$TMP/err"; then
        bad "$name: run failed: $(head -c 200 "$TMP/err")"
        return
    fi
    check "$name: 1 and 2 threads give identical HDF5 (h5diff)" h5diff -q "$TMP/t1.h5" "$TMP/t2.h5"
}

for f in "$ROOT"/scenarios/*.json "$ROOT"/scenarios/*/*.json; do
    case $f in */sweeps/*) continue ;; esac
    rel=${f#"$ROOT"/}
    info=$("$BTSIM" validate "$f" 2>/dev/null) || { echo "# skip $rel: does not validate"; continue; }
    peers=$(echo "$info" | sed -nE 's/.*, ([0-9]+) peers,.*/\1/p')
    # bonds (dense [epochs x peers x peers]) only below 1,000 peers; fewer epochs for big nets
    sets=(); epochs=
    [ "${peers:-0}" -lt 1000 ] && sets=(--set output.bonds=true)
    [ "${peers:-0}" -ge 64 ] && epochs=20
    [ "${peers:-0}" -ge 1000 ] && epochs=5
    if [ -n "$epochs" ] && "$BTSIM" validate "$f" --set epochs=$epochs >/dev/null 2>&1; then
        sets+=(--set epochs=$epochs)
    fi
    run_both "$rel" "$f" ${sets[@]+"${sets[@]}"}
done

# A subnet big enough for the parallel epoch.
awk 'BEGIN {
    V = 64; M = 4096; s = 12345;
    printf "{\"name\": \"parallel\", \"epochs\": 3, \"seed\": 7,\n";
    printf " \"mechanism\": {\"kind\": \"yuma3\", \"liquid_alpha\": {\"enabled\": true}},\n \"peers\": [";
    for (v = 0; v < V; v++) printf "%s{\"name\": \"V%d\", \"stake\": %d}", (v ? "," : ""), v, 1000 + v * 37;
    for (m = 0; m < M; m++) printf ",{\"name\": \"M%d\", \"stake\": 0}", m;
    printf "],\n \"weights\": [";
    for (v = 0; v < V; v++) {
        printf "%s{\"epoch\": 0, \"every\": 1, \"from\": \"V%d\", \"to\": {", (v ? ",\n" : ""), v;
        for (m = 0; m < M; m++) { s = (s * 1103515245 + 12345) % 2147483648; printf "%s\"M%d\": %d", (m ? "," : ""), m, s % 1000; }
        printf "}}";
    }
    printf "]}\n";
}' >"$TMP/parallel.json"
run_both "64 x 4096 subnet, float" "$TMP/parallel.json"
run_both "64 x 4096 subnet, fixed" "$TMP/parallel.json" --set mechanism.arithmetic=fixed

# Sweeps: --jobs 1 and 2, then MPI ranks.
SW=$ROOT/tests/data/sweep_small.json
same_sweep() {   # every run file identical, and the summary's data (not its paths)
    local a=$1 b=$2 f
    for f in "$a"/runs/run_*.h5; do
        h5diff -q "$f" "$b/runs/$(basename "$f")" >/dev/null 2>&1 || { echo "# differs: $(basename "$f")"; return 1; }
    done
    [ "$(ls "$a/runs" | wc -l)" -eq "$(ls "$b/runs" | wc -l)" ] || return 1
    for g in /metrics /params /runs/index /runs/seed /runs/replicate /runs/ok /runs/set; do
        h5diff -q "$a/summary.h5" "$b/summary.h5" $g $g >/dev/null 2>&1 || { echo "# differs: $g"; return 1; }
    done
}
"$BTSIM" sweep "$SW" -o "$TMP/j1" --jobs 1 --quiet
"$BTSIM" sweep "$SW" -o "$TMP/j2" --jobs 2 --quiet
check "sweep: --jobs 1 and 2 give identical run files and summary" same_sweep "$TMP/j1" "$TMP/j2"
if [ -x "$BTSIM_MPI" ] && command -v mpirun >/dev/null; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    mpirun -np 2 --oversubscribe "$BTSIM_MPI" sweep "$SW" -o "$TMP/mpi" --jobs 1 --quiet >/dev/null 2>&1
    check "sweep: mpirun -np 2 gives the same run files and summary as --jobs 1" same_sweep "$TMP/j1" "$TMP/mpi"
else
    echo "# skip MPI: no $BTSIM_MPI (make mpi-tests builds it)"
fi

finish
