#!/usr/bin/python3
"""Runs the scenarios of scenarios/models/ under each scoring rule and prints how well the
incentive tracks the miners' true quality, how the attackers are priced, and what routing and
distillation do (docs/models.md, "Results"). Needs bin/btsim (make) and Debian's python3-h5py.
    /usr/bin/python3 scenarios/models/compare.py [--epochs N] [--out DIR]
"""
import argparse
import os
import subprocess
import sys

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = ["fisher", "loo", "inverse_loss", "softmax", "rank"]
NVAL = 4


def run(btsim, scenario, out, sets):
    cmd = [btsim, "run", os.path.join(ROOT, "scenarios/models", scenario), "-o", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return h5py.File(out, "r")


def rule_sets(rule, epochs):
    return [f"epochs={epochs}"] + [f"peers[{v}].scoring.rule={rule}" for v in range(NVAL)]


def alignment(f):
    a = f["models/alignment"][()]
    half = a.shape[0] // 2
    return np.nanmean(a[half:, 0]), np.nanmean(a[half:, 1])


def shares(f):
    names = list(f["peers/name"].asstr()[()])
    em = f["summary/server_emission"][()]
    loss = f["models/true_loss"][()][-1]
    miners = [i for i in range(len(names)) if not np.isnan(loss[i])]
    tot = em[miners].sum()
    return {names[i]: (em[i] / tot, loss[i]) for i in miners}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "models"))
    ap.add_argument("--btsim", default=os.path.join(ROOT, "bin", "btsim"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    print(f"Alignment of incentive with true quality, mean over the second half of {a.epochs} epochs")
    print(f"{'rule':13s} {'tracking: Spearman':>19s} {'Kendall':>8s}   {'attack: Spearman':>17s} {'Kendall':>8s}")
    attack = {}
    for rule in RULES:
        t = run(a.btsim, "tracking.json", os.path.join(a.out, f"tracking_{rule}.h5"), rule_sets(rule, a.epochs))
        f = run(a.btsim, "attack.json", os.path.join(a.out, f"attack_{rule}.h5"), rule_sets(rule, a.epochs))
        (ts, tk), (as_, ak) = alignment(t), alignment(f)
        print(f"{rule:13s} {ts:19.3f} {tk:8.3f}   {as_:17.3f} {ak:8.3f}")
        attack[rule] = shares(f)
        t.close()
        f.close()
    print("\nAttack: share of the miners' emission (true loss at the end, nats)")
    who = ["M10", "M08", "copier", "distiller", "random"]
    print(f"{'rule':13s}" + "".join(f"{w:>16s}" for w in who))
    for rule in RULES:
        print(f"{rule:13s}" + "".join(f"{attack[rule][w][0]:9.3f} ({attack[rule][w][1]:.3f})" for w in who))
    r = run(a.btsim, "router.json", os.path.join(a.out, "router.h5"), [f"epochs={a.epochs}"])
    ov, dl = r["models/router_overlap"][()][:, :NVAL], r["models/distill_loss"][()][:, :NVAL]
    ml, ts = r["models/mixture_loss"][()][:, :NVAL], r["models/traffic_saved"][()][:, 0]
    s, k = alignment(r)
    print(f"\nRouter (top 3 of 12) with distillation: traffic saved {ts[-1]:.2f}; alignment Spearman {s:.3f}, Kendall {k:.3f}")
    print(f"{'epoch':>6s} {'overlap':>8s} {'joined loss':>12s} {'distilled':>10s}")
    for e in sorted({0, 4, 9, 19, 49, a.epochs - 1}):
        if e < a.epochs:
            print(f"{e:6d} {ov[e].mean():8.2f} {ml[e].mean():12.3f} {dl[e].mean():10.3f}")
    r.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
