#!/usr/bin/env bash
# `make bench`: times one chain epoch (Yuma 3, liquid alpha on, dense random weights) at two
# sizes, 1 and 2 threads, against one streaming pass over the same weight and bond bytes
# measured in the same process. Reports ratios, since machines here are noisy.
set -euo pipefail
BTSIM=${BTSIM:?set BTSIM to the btsim binary}
EPOCHS=${BENCH_EPOCHS:-15}
printf '%-22s %-7s %8s %12s %12s %10s %10s\n' "size (V x M)" threads arith epoch_ms stream_ms "x floor" "x 1-thread"
for size in "256 256" "1024 4096"; do
  set -- $size
  for arith in float fixed; do
    flag=""; [ "$arith" = fixed ] && flag="--fixed"
    base=""
    for t in 1 2; do
      out=$("$BTSIM" bench --validators "$1" --miners "$2" --kind yuma3 --epochs "$EPOCHS" --threads "$t" $flag)
      ms=$(echo "$out" | sed -n 's/^epoch_ms=//p')
      st=$(echo "$out" | sed -n 's/^stream_ms=\([0-9.]*\).*/\1/p')
      [ -z "$base" ] && base=$ms
      awk -v s="$1 x $2" -v t="$t" -v a="$arith" -v ms="$ms" -v st="$st" -v b="$base" \
        'BEGIN { printf "%-22s %-7s %8s %12.3f %12.3f %10.1f %10.2f\n", s, t, a, ms, st, ms/st, b/ms }'
    done
  done
done
# The sigmoid kinds on the same weights (float only): the whitepaper's model and yuma0.
for kind in whitepaper yuma0; do
  for size in "256 256" "1024 4096"; do
    set -- $size
    out=$("$BTSIM" bench --validators "$1" --miners "$2" --kind "$kind" --epochs "$EPOCHS" --threads 1)
    ms=$(echo "$out" | sed -n 's/^epoch_ms=//p')
    st=$(echo "$out" | sed -n 's/^stream_ms=\([0-9.]*\).*/\1/p')
    awk -v s="$1 x $2" -v k="$kind" -v ms="$ms" -v st="$st" \
      'BEGIN { printf "%-22s %-7s %8s %12.3f %12.3f %10.1f %10s\n", s " " k, 1, "float", ms, st, ms/st, "-" }'
  done
done
echo "Reference (issue 2): yuma-simulation on torch ~5 ms and ~1.2 s; vectorised numpy ~10 ms and ~0.8 s."

# Sweep throughput: the same 1000-run sweep with 1 and 2 workers (OpenMP) and under
# mpirun -np 2 (when the MPI build exists: make MPI=1 BUILD=build-mpi BIN=build-mpi/btsim).
SWEEP=$(dirname "$0")/sweep_1000.json
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); awk -v a="$s" -v b="$e" 'BEGIN { print b - a }'; }
t1=$(t "$BTSIM" sweep "$SWEEP" -o "$TMPD/j1" --jobs 1 --quiet)
t2=$(t "$BTSIM" sweep "$SWEEP" -o "$TMPD/j2" --jobs 2 --quiet)
printf '\n%-34s %10s %10s %10s\n' "sweep (1000 runs)" seconds "runs/s" "x 1 job"
awk -v t="$t1" 'BEGIN { printf "%-34s %10.2f %10.1f %10.2f\n", "--jobs 1", t, 1000/t, 1 }'
awk -v t="$t2" -v b="$t1" 'BEGIN { printf "%-34s %10.2f %10.1f %10.2f\n", "--jobs 2", t, 1000/t, b/t }'
if [ -n "${BTSIM_MPI:-}" ] && [ -x "$BTSIM_MPI" ] && command -v mpirun >/dev/null; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  tm=$(t mpirun -np 2 --oversubscribe "$BTSIM_MPI" sweep "$SWEEP" -o "$TMPD/mpi" --jobs 1 --quiet)
  awk -v t="$tm" -v b="$t1" 'BEGIN { printf "%-34s %10.2f %10.1f %10.2f\n", "mpirun -np 2 (1 job per rank)", t, 1000/t, b/t }'
fi

# The discrete-event kernel on PHOLD (bare queue; target > 10 M events/s on one core) and a
# 4096-peer, 1000-epoch network run with agents, commit-reveal and churn (issue 4).
printf '\n%s\n' "kernel: PHOLD, 1024 objects, one core (btsim bench-kernel)"
"$BTSIM" bench-kernel | tail -1
tn=$(t "$BTSIM" run "$(dirname "$0")/../scenarios/bench/network_4096.json" -o "$TMPD/net.h5" --threads 1 --quiet)
awk -v t="$tn" 'BEGIN { printf "%-40s %10.2f s %8.1f epochs/s\n", "network run: 4096 peers x 1000 epochs", t, 1000/t }'

# Synthetic tensor models (issue 5, docs/models.md): a miner's float32 forward pass against the bare sgemms
# of the same CBLAS on the same shapes (target fwd/sgemm >= 0.5), and one models epoch of 4096
# miners and 64 validators with top-16 routing (btsim bench-models).
printf '\n%s\n' "models (btsim bench-models, one core)"
OPENBLAS_NUM_THREADS=1 "$BTSIM" bench-models
