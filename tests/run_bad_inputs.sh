#!/usr/bin/env bash
# Bad-input catalogue. Every tests/bad_inputs/*.json is wrong in exactly one way, and so are a
# few inputs made here at run time (too big or too deep to commit). For each, both
# `btsim validate FILE` and `btsim run FILE -o OUT` must exit with status 2, print exactly one
# line on stderr holding the file name and the expected text from bad_inputs/expected.txt
# (normally the JSON path), and leave neither OUT nor OUT.tmp* behind.
# Sweep files under bad_inputs/sweeps/ (listed in their own expected.txt) go through
# `btsim sweep FILE -o DIR`: exit status 2, one line naming the file and the JSON path, and DIR
# is not created. There the expected text may hold " ... ": each piece must appear, in order (the
# middle is a path that depends on where the repository is).
# Usage: BTSIM=path/to/btsim bash tests/run_bad_inputs.sh
set -u

if [ -z "${BTSIM:-}" ] || [ ! -x "$BTSIM" ]; then
    echo "run_bad_inputs.sh: set BTSIM to the btsim binary" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
dir=$here/bad_inputs
TMP=$(mktemp -d "${TMPDIR:-/tmp}/btsim_bad.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

n=0
passed=0
failed=0

report() {   # report NAME REASON ("" means it passed)
    n=$((n + 1))
    if [ -z "$2" ]; then
        passed=$((passed + 1))
        echo "ok $n - $1"
    else
        failed=$((failed + 1))
        echo "not ok $n - $1: $2"
    fi
}

# Runs one subcommand on FILE; prints why it is wrong, or nothing when it behaved.
check_mode() {   # check_mode MODE FILE EXPECTED
    local mode=$1 file=$2 want=$3 rc lines last
    rm -f "$TMP/out.h5" "$TMP"/out.h5.tmp* "$TMP/stderr"
    if [ "$mode" = validate ]; then
        "$BTSIM" validate "$file" >/dev/null 2>"$TMP/stderr"
    else
        "$BTSIM" run "$file" -o "$TMP/out.h5" >/dev/null 2>"$TMP/stderr"
    fi
    rc=$?
    lines=$(wc -l <"$TMP/stderr")
    last=$(tail -c 1 "$TMP/stderr" | od -An -c | tr -d ' ')
    if [ "$rc" -ne 2 ]; then
        echo "$mode: exit status $rc, expected 2"
    elif [ "$lines" -ne 1 ] || [ "$last" != '\n' ] || [ -z "$(head -n 1 "$TMP/stderr")" ]; then
        echo "$mode: stderr is not exactly one line: $(head -c 300 "$TMP/stderr" | tr '\n' '|')"
    elif ! grep -qF -- "$file" "$TMP/stderr"; then
        echo "$mode: stderr does not name the file: $(head -c 300 "$TMP/stderr")"
    elif ! grep -qF -- "$want" "$TMP/stderr"; then
        echo "$mode: stderr lacks \"$want\": $(head -c 300 "$TMP/stderr")"
    elif [ -e "$TMP/out.h5" ] || compgen -G "$TMP/out.h5.tmp*" >/dev/null; then
        echo "$mode: left an output file behind"
    fi
}

check() {   # check NAME FILE EXPECTED
    local why
    why=$(check_mode validate "$2" "$3")
    [ -z "$why" ] && why=$(check_mode run "$2" "$3")
    report "$1" "$why"
}

# The committed catalogue, in the order of expected.txt; a file it does not list is a failure.
declare -A listed=()
while IFS=$'\t' read -r name want || [ -n "$name" ]; do
    [ -z "$name" ] && continue
    listed[$name]=1
    if [ ! -e "$dir/$name" ]; then
        report "$name" "listed in expected.txt but missing"
    elif [ -z "$want" ]; then
        report "$name" "no expected text in expected.txt"
    else
        check "$name" "$dir/$name" "$want"
    fi
done <"$dir/expected.txt"
for f in "$dir"/*.json; do
    name=$(basename "$f")
    [ -n "${listed[$name]:-}" ] || report "$name" "not listed in expected.txt"
done

# The sweep catalogue: `btsim sweep FILE -o DIR`.
contains_in_order() {   # contains_in_order TEXT "PIECE ... PIECE"
    local text=$1 rest=$2 piece
    while :; do
        piece=${rest%% ... *}
        case $text in *"$piece"*) text=${text#*"$piece"} ;; *) return 1 ;; esac
        [ "$piece" = "$rest" ] && return 0
        rest=${rest#*" ... "}
    done
}

check_sweep() {   # check_sweep NAME FILE EXPECTED
    local file=$2 want=$3 rc lines why=""
    rm -rf "$TMP/sweep_dir" "$TMP/stderr"
    "$BTSIM" sweep "$file" -o "$TMP/sweep_dir" >/dev/null 2>"$TMP/stderr"
    rc=$?
    lines=$(wc -l <"$TMP/stderr")
    if [ "$rc" -ne 2 ]; then
        why="sweep: exit status $rc, expected 2"
    elif [ "$lines" -ne 1 ] || [ -z "$(head -n 1 "$TMP/stderr")" ]; then
        why="sweep: stderr is not exactly one line: $(head -c 300 "$TMP/stderr" | tr '\n' '|')"
    elif ! grep -qF -- "$file: " "$TMP/stderr"; then
        why="sweep: stderr does not name the file: $(head -c 300 "$TMP/stderr")"
    elif ! contains_in_order "$(head -n 1 "$TMP/stderr")" "$want"; then
        why="sweep: stderr lacks \"$want\": $(head -c 300 "$TMP/stderr")"
    elif [ -e "$TMP/sweep_dir" ]; then
        why="sweep: created the output directory"
    fi
    report "$1" "$why"
}

sdir=$dir/sweeps
declare -A slisted=()
while IFS=$'\t' read -r name want || [ -n "$name" ]; do
    [ -z "$name" ] && continue
    slisted[$name]=1
    if [ ! -e "$sdir/$name" ]; then
        report "sweeps/$name" "listed in sweeps/expected.txt but missing"
    elif [ -z "$want" ]; then
        report "sweeps/$name" "no expected text in sweeps/expected.txt"
    else
        check_sweep "sweeps/$name" "$sdir/$name" "$want"
    fi
done <"$sdir/expected.txt"
for f in "$sdir"/*.json; do
    name=$(basename "$f")
    [ -n "${slisted[$name]:-}" ] || report "sweeps/$name" "not listed in sweeps/expected.txt"
done
check_sweep "sweeps/missing-file.json" "$TMP/missing-sweep.json" "cannot read: No such file or directory"

# Made at run time: sizes that should not be committed.
truncate -s 300M "$TMP/big-300mib-sparse.json"   # sparse: no disk is used
check "big-300mib-sparse.json" "$TMP/big-300mib-sparse.json" "file too large"

awk 'BEGIN {
    printf "{\"name\": \"many\", \"epochs\": 2, \"mechanism\": {\"kind\": \"yuma\"}, \"peers\": [\n";
    for (i = 0; i < 200000; i++)
        printf "%s{\"name\": \"P%d\", \"stake\": %d}\n", (i ? "," : ""), i, (i == 123456 ? -1 : 1);
    printf "]}\n";
}' >"$TMP/many-peers-one-bad.json"
check "many-peers-one-bad.json" "$TMP/many-peers-one-bad.json" "peers[123456].stake"

awk 'BEGIN {
    printf "{\"name\": \"deep\", \"description\": ";
    for (i = 0; i < 100000; i++) printf "[";
    for (i = 0; i < 100000; i++) printf "]";
    printf "}\n";
}' >"$TMP/nested-100000-levels.json"
check "nested-100000-levels.json" "$TMP/nested-100000-levels.json" "nesting deeper than 64 levels"

check "missing-file.json" "$TMP/missing-file.json" "cannot read: No such file or directory"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
