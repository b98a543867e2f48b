# The prologue the shell suites share (sourced): needs BTSIM, sets ROOT (the repository) and
# TMP (removed on exit), and the reporters: ok NAME, bad NAME, check NAME COMMAND...; the suite
# ends with `finish`, which prints "N passed, M failed" and fails if any did.
set -u
BTSIM=${BTSIM:?set BTSIM to the btsim binary}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0; fail=0
ok()    { pass=$((pass+1)); echo "ok - $1"; }
bad()   { fail=$((fail+1)); echo "not ok - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
