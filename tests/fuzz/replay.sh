#!/usr/bin/env bash
# Replays, through each fuzz target's entry point built with the normal compiler
# ($BUILD/tests/fuzz/replay_<target>, see the Makefile), every kept fuzzer finding under
# tests/fuzz/regressions/<target>/ and the committed seeds; the scenario target also gets every
# shipped scenario and the bad-input catalogue. Under `make asan` the same runs are sanitized.
# Prints ok/not ok lines and "N passed, M failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
pass=0; fail=0
shopt -s nullglob

replay() {   # replay TARGET FILE...
    local t=$1 out
    shift
    if [ $# -eq 0 ]; then echo "ok - replay_$t: nothing to replay"; pass=$((pass + 1)); return; fi
    if out=$("$ROOT/$BUILD/tests/fuzz/replay_$t" "$@" 2>&1); then
        pass=$((pass + 1)); echo "ok - replay_$t: $(echo "$out" | tail -n1)"
    else
        fail=$((fail + 1)); echo "not ok - replay_$t"; echo "$out" | tail -n 30 | sed 's/^/#   /'
    fi
}

R=$ROOT/tests/fuzz/regressions S=$ROOT/tests/fuzz/seeds
replay scenario "$R"/scenario/* "$S"/scenario/* "$ROOT"/scenarios/*.json "$ROOT"/scenarios/*/*.json \
    "$ROOT"/tests/bad_inputs/*.json
replay sweep "$R"/sweep/* "$S"/sweep/*
replay h5read "$R"/h5read/* "$S"/h5read/*

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
