#!/usr/bin/python3
"""The whitepaper's collusion questions, measured: runs btsim on variants of the scenarios in
scenarios/whitepaper/ and prints the markdown tables of docs/findings.md.

Usage: /usr/bin/python3 scenarios/whitepaper/study.py [--btsim bin/btsim] [--only N]
Needs Debian's python3-numpy and python3-h5py. Takes about a minute on one core.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import make_scenarios as ms  # noqa: E402

TMP = tempfile.mkdtemp(prefix="btsim_study_")
BTSIM = os.path.join(ROOT, "bin", "btsim")


def run(scenario, sets=()):
    """Runs a scenario (a path, or a dict written to a temporary file); returns the h5 file."""
    if isinstance(scenario, dict):
        path = os.path.join(TMP, "s.json")
        with open(path, "w") as f:
            json.dump(scenario, f)
    else:
        path = os.path.join(HERE, scenario)
    out = os.path.join(TMP, "out.h5")
    cmd = [BTSIM, "run", path, "-o", out, "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return h5py.File(out, "r")


def groups(f):
    g = np.array([x.decode() if isinstance(x, bytes) else x for x in f["/peers/group"][:]])
    return g == "cabal"


def share(f, field, cab, e):
    x = f[field][e]
    tot = x.sum()
    return x[cab].sum() / tot if tot > 0 else 0.0


def table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    print("\n".join(out) + "\n")


def first(xs, pred):
    for i, x in enumerate(xs):
        if pred(x):
            return i
    return "-"


# ---- study 1: the two-subgraph model (section 10): final share against start share, rho, kappa

def study1():
    print("### 1. Two subgraphs (section 10): final cabal share after 100 steps\n")
    rows = []
    for s in [0.1, 0.3, 0.45, 0.49, 0.5, 0.51, 0.55, 0.7]:
        f = run("section10.json", [f"peers[0].stake={1 - s:.17g}", f"peers[1].stake={s:.17g}"])
        st = f["/epochs/stake"][:]
        sh = st[:, 1] / st.sum(1)
        rows.append([f"{s:.2f}", f"{sh[9]:.4f}", f"{sh[99]:.3g}", first(sh, lambda x: x < s / 2)])
    table(["cabal start share", "after 10 steps", "after 100 steps", "step it halves"], rows)
    rows = []
    for rho in [0, 1, 2.5, 5, 10, 20, 40]:
        f = run("section10.json", [f"mechanism.rho={rho}"])
        st = f["/epochs/stake"][:]
        sh = st[:, 1] / st.sum(1)
        rows.append([rho, f"{sh[9]:.4f}", f"{sh[99]:.3g}", first(sh, lambda x: x < 0.25),
                     f"{f['/epochs/chain_loss'][0, 0]:.3g}"])
    print("Start share 0.49, kappa 0.5:\n")
    table(["rho", "after 10 steps", "after 100 steps", "first below 0.25", "L at step 0"], rows)
    rows = []
    for kappa in [0.1, 0.3, 0.5, 0.7, 0.9]:
        f = run("section10.json", [f"mechanism.kappa={kappa}"])
        st = f["/epochs/stake"][:]
        sh = st[:, 1] / st.sum(1)
        rows.append([kappa, f"{sh[9]:.4f}", f"{sh[99]:.3g}", first(sh, lambda x: x < 0.25),
                     f"{f['/epochs/chain_loss'][0, 0]:.3g}"])
    print("Start share 0.49, rho 10:\n")
    table(["kappa", "after 10 steps", "after 100 steps", "first below 0.25", "L at step 0"], rows)
    rows = []
    for s in [0.3, 0.45, 0.49, 0.5, 0.51]:
        x = s * 70 / (30 * (1 - s))     # each cabal peer's stake, honest peers hold 1 each
        sc = ms.cabal_scenario(k=69)
        sc["mechanism"].update({"tau": 0.1, "emission": "proportional"})
        for p in sc["peers"][:30]:
            p["stake"] = x
        f = run(sc)
        cab = groups(f)
        rows.append([f"{s:.2f}", f"{share(f, '/epochs/stake', cab, 9):.4f}", f"{share(f, '/epochs/stake', cab, 99):.3g}"])
    print("100 peers, no self-votes (30 cabal peers weighting each other, 70 honest peers weighting "
          "all other honest peers), tau 0.1 proportional:\n")
    table(["cabal start share", "after 10 steps", "after 100 steps"], rows)


# ---- study 2: the cabal against the number of edges each honest peer sets

def study2():
    print("### 2. Cabal (30% of the stake) against the edges k each honest peer sets\n")
    rows = []
    for k in list(range(1, 10)) + list(range(10, 70, 5)) + [69]:
        out = []
        for agree in (False, True):
            f = run(ms.cabal_scenario(k=k, agree=agree))
            cab = groups(f)
            hon = ~cab
            trust = f["/epochs/trust"][0]
            out.append((share(f, "/epochs/incentive", cab, 0), f["/epochs/chain_loss"][0, 0],
                        share(f, "/epochs/stake", cab, 99), trust[hon].mean(), trust[hon].max()))
        r, a = out
        rows.append([k, f"{r[3]:.3f}", f"{r[0]:.3f}", f"{r[1]:+.3f}", f"{r[2]:.3f}",
                     f"{a[4]:.2f}", f"{a[0]:.3f}", f"{a[1]:+.3f}", f"{a[2]:.3f}"])
    table(["k", "random: honest mean trust", "cabal incentive share", "L", "cabal stake after 100",
           "agreeing: top honest trust", "cabal incentive share", "L", "cabal stake after 100"], rows)


# ---- study 3: the cabal against the peg controller

def study3():
    print("### 3. The cabal against the peg controller\n")
    variants = [
        ("pad, cabal lists only itself", ms.cabal_peg_controller(), []),
        ("pad, cabal lists honest peers as candidates",
         dict(ms.cabal_peg_controller(), weights=ms.cabal_scenario(k=1, listed=True, pad_candidates=True)["weights"]), []),
        ("pad, controller step 5", ms.cabal_peg_controller(), ["mechanism.peg.controller_step=5"]),
        ("reject (agents do not adapt)", ms.cabal_peg_controller(), ["mechanism.peg.short_rows=reject"]),
        ("pad; cabal weights every honest peer 1/64, max_min_ratio 64",
         dict(ms.cabal_peg_controller(), weights=ms.cabal_scenario(k=1, listed=True, epsilon=1 / 64)["weights"]),
         ["mechanism.peg.max_min_ratio=64"]),
    ]
    rows = []
    for name, sc, sets in variants:
        f = run(sc, sets)
        cab = groups(f)
        L = f["/epochs/chain_loss"][:, 0]
        m = f["/epochs/min_allowed_weights"][:, 0]
        neg = first(L, lambda x: x < 0)
        inc = [share(f, "/epochs/incentive", cab, e) for e in range(100)]
        rows.append([name, neg, m[neg] if neg != "-" else m[-1], f"{np.mean(inc[:30]):.3f}",
                     f"{share(f, '/epochs/stake', cab, 29):.3f}", f"{share(f, '/epochs/stake', cab, 99):.3f}",
                     f"{L[-1]:+.3f}"])
    table(["variant", "first step with L < 0", "min_allowed_weights then", "cabal incentive, steps 0-29",
           "cabal stake after 30", "after 100", "L at step 99"], rows)


# ---- study 4: a cabal that also weights honest peers a little

def study4():
    print("### 4. A cabal that also weights honest peers a little\n")
    rows = []
    for k in (1, 5, 20):
        for eps in (0, 0.001, 0.01, 0.1):
            for thr in (0, 0.001):
                if eps == 0 and thr > 0:
                    continue
                f = run(ms.cabal_scenario(k=k, epsilon=eps), [f"mechanism.edge_threshold={thr}", "output.bonds=true"])
                cab = groups(f)
                hon = ~cab
                frac = 70 * eps / (29 + 70 * eps)
                own, inc = f["/epochs/bonds"][99], f["/epochs/incentive"][99]
                held = (own[np.ix_(cab, hon)] * inc[hon]).sum() / inc[hon].sum()
                rows.append([k, eps, f"{frac:.4f}", thr, f"{f['/epochs/trust'][0][~cab].mean():.3f}",
                             f"{share(f, '/epochs/incentive', cab, 0):.3f}", f"{held:.3f}",
                             f"{f['/epochs/chain_loss'][0, 0]:+.3f}", f"{share(f, '/epochs/stake', cab, 99):.3f}"])
    table(["k", "epsilon", "cabal weight on honest", "edge_threshold", "honest mean trust",
           "cabal incentive share", "cabal's part of honest bonds (step 99)", "L",
           "cabal stake after 100"], rows)


# ---- study 5: the same cabal under yuma0, yuma and yuma3

def study5():
    print("### 5. The same cabal under whitepaper, yuma0, yuma and yuma3\n")
    rows = []
    for k in (1, 5, 20, 69):
        row = [k]
        for kind in ("whitepaper", "yuma0", "yuma", "yuma3"):
            sets = [f"mechanism.kind={kind}", "mechanism.stake_from_emission=true"]
            f = run(ms.cabal_scenario(k=k), sets)
            cab = groups(f)
            em = f["/summary/emission"][:]
            row += [f"{em[cab].sum() / em.sum():.3f}", f"{share(f, '/epochs/stake', cab, 99):.3f}"]
        rows.append(row)
    table(["k", "whitepaper: cabal emission", "stake after 100", "yuma0: emission", "stake",
           "yuma: emission", "stake", "yuma3: emission", "stake"], rows)


STUDIES = [study1, study2, study3, study4, study5]

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--btsim", default=BTSIM)
    ap.add_argument("--only", type=int, default=0, help="run only study N (1-5)")
    args = ap.parse_args()
    BTSIM = os.path.abspath(args.btsim)
    for i, s in enumerate(STUDIES, 1):
        if args.only in (0, i):
            s()
