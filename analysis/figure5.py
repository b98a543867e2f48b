"""The whitepaper's Figure 5 effect (spec 2.10): a disjoint cabal of 30% of the stake against the
number of edges k each of 70 honest peers sets, under the whitepaper's mechanism. For each k the
scenario is written by scenarios/whitepaper/make_scenarios.py (cabal_scenario) and run for one
step; the figure shows the cabal's share of the incentive and the chain loss L against k.

Usage: /usr/bin/python3 -m analysis.figure5 [--btsim bin/btsim] [--runs out/figures/figure5] [-o figures/wp_figure5.png]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

from .load import load

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KS = list(range(1, 10)) + list(range(10, 70, 5)) + [69]


def make_scenario(k):
    sys.path.insert(0, os.path.join(ROOT, "scenarios", "whitepaper"))
    import make_scenarios   # the studies' own generator, so the figure and docs/findings.md agree
    sc = make_scenarios.cabal_scenario(k=k)
    sc["epochs"] = 1
    return sc


def run_all(btsim, runs):
    os.makedirs(runs, exist_ok=True)
    rows = []
    for k in KS:
        scen, out = os.path.join(runs, f"k{k:02d}.json"), os.path.join(runs, f"k{k:02d}.h5")
        with open(scen, "w") as f:
            json.dump(make_scenario(k), f)
        subprocess.run([btsim, "run", scen, "-o", out, "--quiet"], check=True)
        run = load(out)
        groups = np.array(run.groups)
        cab = groups == "cabal"
        inc = run.series("incentive")[0]
        loss = float(run.series("chain_loss")[0][0])
        rows.append((k, float(inc[cab].sum() / inc.sum()), loss))
    return rows


def plot(rows, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    k, share, loss = (np.array(c) for c in zip(*rows))
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.plot(k, share, "o-", color="tab:red", label="cabal share of the incentive")
    ax.axhline(0.3, color="gray", ls=":", label="cabal share of the stake (0.30)")
    ax.set_xlabel("edges k each honest peer sets (of 69 honest peers it could weight)")
    ax.set_ylabel("cabal share of the incentive (fraction)")
    ax.set_ylim(0, 1)
    ax2 = ax.twinx()
    ax2.plot(k, loss, "s--", color="tab:blue", ms=4, label="chain loss L (right axis)")
    ax2.axhline(0, color="tab:blue", lw=0.5)
    ax2.set_ylabel("chain loss L = -sum_j r_j (c_j - 0.5)")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=8, loc="upper right")
    ax.set_title("Figure 5 effect: a 30% cabal against a sparsely connected honest side\n"
                 "(whitepaper mechanism, rho 10, kappa 0.5, first step)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m analysis.figure5", description=__doc__.split("\n\n")[0])
    ap.add_argument("--btsim", default=os.path.join(ROOT, "bin/btsim"))
    ap.add_argument("--runs", default=os.path.join(ROOT, "out/figures/figure5"))
    ap.add_argument("-o", "--out", default=os.path.join(ROOT, "figures/wp_figure5.png"))
    args = ap.parse_args(argv)
    rows = run_all(os.path.abspath(args.btsim), args.runs)
    plot(rows, args.out)
    for k, s, l in rows:
        print(f"k={k:2d} cabal_incentive_share={s:.3f} L={l:+.4f}")
    return rows


if __name__ == "__main__":
    main()
