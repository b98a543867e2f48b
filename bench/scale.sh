#!/usr/bin/env bash
# `make bench-scale`: epoch time and peak memory from 10^3 to 10^6 peers (a tenth of them
# validators, each weighting 64 random miners), for the whitepaper mechanism and Yuma 3 with
# liquid alpha, 1 and 2 threads; each next to one streaming pass over the same bytes. Fits the
# growth exponent of time against the number of weights (nnz) by least squares on log-log.
# Writes bench/scale_results.tsv (and docs/performance_scale.png when matplotlib is there).
set -euo pipefail
BTSIM=${BTSIM:?set BTSIM to the btsim binary}
SIZES=${SCALE_SIZES:-"1000 10000 100000 1000000"}
OUT=${SCALE_OUT:-$(dirname "$0")/scale_results.tsv}
printf 'kind\tthreads\tpeers\tnnz\tepoch_ms\tstream_ms\tmaxrss_mb\n' > "$OUT"
printf '%-11s %7s %9s %10s %11s %10s %9s %11s\n' kind threads peers nnz epoch_ms stream_ms "x floor" maxrss_MiB
for kind in whitepaper yuma3; do
  for t in 1 2; do
    for n in $SIZES; do
      v=$((n / 10)); m=$((n - v)); e=5; [ "$n" -ge 1000000 ] && e=3
      out=$("$BTSIM" bench --kind "$kind" --validators "$v" --miners "$m" --per-validator 64 --epochs "$e" --threads "$t")
      nnz=$(echo "$out" | sed -n 's/.* nnz=\([0-9]*\).*/\1/p')
      ms=$(echo "$out" | sed -n 's/^epoch_ms=//p')
      st=$(echo "$out" | sed -n 's/^stream_ms=\([0-9.]*\).*/\1/p')
      rss=$(echo "$out" | sed -n 's/^maxrss_mb=//p')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$t" "$n" "$nnz" "$ms" "$st" "$rss" >> "$OUT"
      awk -v k="$kind" -v t="$t" -v n="$n" -v z="$nnz" -v ms="$ms" -v st="$st" -v r="$rss" \
        'BEGIN { printf "%-11s %7s %9s %10s %11.2f %10.3f %9.1f %11.1f\n", k, t, n, z, ms, st, ms/st, r }'
    done
  done
done
echo
echo "growth exponent b in epoch_ms ~ nnz^b (least squares on log-log):"
awk -F'\t' 'NR > 1 { key = $1 " threads=" $2; x = log($4); y = log($5);
              n[key]++; sx[key] += x; sy[key] += y; sxx[key] += x*x; sxy[key] += x*y }
     END { for (k in n) { b = (n[k]*sxy[k] - sx[k]*sy[k]) / (n[k]*sxx[k] - sx[k]*sx[k]);
                          printf "  %-24s b = %.3f\n", k, b } }' "$OUT" | sort
if /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  /usr/bin/python3 "$(dirname "$0")/plot_scale.py" "$OUT" "$(dirname "$0")/../docs/performance_scale.png" || true
fi
