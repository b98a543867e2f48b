#!/usr/bin/python3
"""Writes the whitepaper scenarios (scenarios/whitepaper/*.json): the paper's reproductions and
the bases of the collusion studies in docs/findings.md. Deterministic (seeded). The study driver
(study.py) imports the builders to make variants (honest edge count k, cabal padding, ...).

Usage: /usr/bin/python3 scenarios/whitepaper/make_scenarios.py   (rewrites the files in place)
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
N_CABAL, N_HONEST = 30, 70      # the studies' cabal: 30% of the stake, one token per peer


def dump(sc):
    """JSON with one peer and one weights entry per line: diffable, still plain JSON."""
    head = {k: v for k, v in sc.items() if k not in ("peers", "weights")}
    lines = ["{"]
    items = list(head.items())
    for k, v in items:
        lines.append(f"  {json.dumps(k)}: {json.dumps(v)},")
    lines.append('  "peers": [')
    lines.append(",\n".join("    " + json.dumps(p) for p in sc["peers"]))
    lines.append("  ]" + (',' if sc.get("weights") else ""))
    if sc.get("weights"):
        lines.append('  "weights": [')
        lines.append(",\n".join("    " + json.dumps(w) for w in sc["weights"]))
        lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def section10():
    return {
        "name": "whitepaper_section10",
        "description": ("The whitepaper's section-10 listing: an honest subgraph A (51% of the stake) "
                        "and a disjoint cabal B (49%), each voting only for itself; tau 0.1 (10% "
                        "inflation per step), rho 10, kappa 0.5, 100 steps. Spec whitepaper.md 2.8: "
                        "the cabal's share goes 0.4877, 0.4850, ... to 0.000121 at step 99."),
        "epochs": 100,
        "mechanism": {"kind": "whitepaper", "rho": 10, "kappa": 0.5, "tau": 0.1,
                      "emission": "proportional", "self_share": 0.5, "count_self_weights": True},
        "peers": [{"name": "A", "stake": 0.51, "group": "honest"},
                  {"name": "B", "stake": 0.49, "group": "cabal"}],
        "weights": [{"epoch": 0, "from": "A", "to": {"A": 1}, "every": 1},
                    {"epoch": 0, "from": "B", "to": {"B": 1}, "every": 1}],
    }


# Figure 4: 100 voters of 1% each; target j gets non-zero edges from the first 100 t_j of them,
# so its trust is t_j and its consensus sigmoid(10 (t_j - 0.5)).
FIG4_T = [0, 0.1, 0.25, 0.4, 0.45, 0.49, 0.5, 0.51, 0.55, 0.6, 0.75, 0.9, 1.0]


def figure4():
    voters = [f"v{i:02d}" for i in range(100)]
    targets = [f"t{round(t * 100):03d}" for t in FIG4_T]
    peers = [{"name": v, "stake": 1, "group": "voter"} for v in voters]
    peers += [{"name": t, "stake": 0, "group": "target"} for t in targets]
    weights = []
    for i, v in enumerate(voters):
        row = {t: 1 for t, x in zip(targets, FIG4_T) if i < round(x * 100)}
        weights.append({"epoch": 0, "from": v, "to": row})
    return {
        "name": "whitepaper_figure4",
        "description": ("Figure 4 of the whitepaper: consensus c = sigmoid(rho (t - kappa)), rho 10, "
                        "kappa 0.5. Target tNNN has non-zero in-edges from NNN% of the stake, so "
                        "/epochs/consensus of the targets is the curve at t = 0, 0.1, 0.25, 0.4, 0.45, "
                        "0.49, 0.5, 0.51, 0.55, 0.6, 0.75, 0.9, 1 (0.006693 ... 0.993307)."),
        "epochs": 1,
        "mechanism": {"kind": "whitepaper", "rho": 10, "kappa": 0.5},
        "peers": peers, "weights": weights,
    }


def scaling_vector_decay():
    hon = list(zip([f"H{i}" for i in range(5)], [0.1, 0.1, 0.11, 0.1, 0.1]))
    cab = list(zip([f"C{i}" for i in range(5)], [0.1, 0.09, 0.1, 0.1, 0.1]))
    peers = [{"name": n, "stake": s, "group": "honest"} for n, s in hon]
    peers += [{"name": n, "stake": s, "group": "cabal"} for n, s in cab]
    weights = []
    for grp in (hon, cab):
        names = [n for n, _ in grp]
        for k, n in enumerate(names):
            row = {m: 1 + (k + q) % 3 for q, m in enumerate(names) if m != n}
            weights.append({"epoch": 0, "from": n, "to": row, "every": 1})
    return {
        "name": "whitepaper_scaling_vector_decay",
        "description": ("The scaling-vector variant (spec whitepaper.md 1.14, 2.8b): an honest block "
                        "of 5 peers (51% of the stake) and a disjoint cabal of 5 (49%), each peer "
                        "weighting the others of its block; trust sigmoid(C^T (A o S)) with C the "
                        "+-1 reachability; 0.01 tokens minted per step while L < 0; 2000 steps. "
                        "Cabal share after 1, 2, 11, 101, 501, 1000, 2000 steps: 0.4900, 0.4899, "
                        "0.4894, 0.4835, 0.3937, 0.2301, 0.1206."),
        "epochs": 2000,
        "mechanism": {"kind": "whitepaper", "tau": 0.01, "emission": "fixed",
                      "scaling_vector": {"enabled": True, "learning_rate": 0.05}},
        "peers": peers, "weights": weights,
    }


def cabal_peers():
    peers = [{"name": f"cabal{i:02d}", "stake": 1, "group": "cabal"} for i in range(N_CABAL)]
    peers += [{"name": f"honest{i:02d}", "stake": 1, "group": "honest"} for i in range(N_HONEST)]
    return peers


def honest_orders(seed):
    """Each honest peer's evaluation: the other honest peers in a random order (equal quality,
    so who ranks whom is noise). Seeded per peer, so the first k of each order are nested in k."""
    names = [f"honest{i:02d}" for i in range(N_HONEST)]
    out = {}
    for i, n in enumerate(names):
        others = [m for m in names if m != n]
        random.Random(seed * 1000 + i).shuffle(others)
        out[n] = others
    return out


def agreeing_orders():
    """Honest peers that agree on quality: all rank the other honest peers in the same order."""
    names = [f"honest{i:02d}" for i in range(N_HONEST)]
    return {n: [m for m in names if m != n] for n in names}


def cabal_scenario(k=10, seed=7, epsilon=0.0, listed=False, pad_candidates=False, epochs=100,
                   agree=False):
    """The disjoint cabal of the studies: 30 cabal peers (30% of the stake) weight each other;
    70 honest peers each weight their best k evaluated honest peers (in random orders, or all in
    the same order with agree). epsilon > 0: every cabal peer also gives each honest peer the
    weight epsilon (its cabal weights are 1). listed: honest rows also list the rest of their
    evaluation as explicit zeros (what the peg pads from); pad_candidates: cabal rows list the
    honest peers as explicit zeros too."""
    peers = cabal_peers()
    cabal = [p["name"] for p in peers if p["group"] == "cabal"]
    weights = []
    for c in cabal:
        row = {m: 1 for m in cabal if m != c}
        if epsilon > 0 or pad_candidates:
            row.update({f"honest{i:02d}": epsilon for i in range(N_HONEST)})
        weights.append({"epoch": 0, "from": c, "to": row, "every": 1})
    for n, order in (agreeing_orders() if agree else honest_orders(seed)).items():
        row = {m: 1 for m in order[:k]}
        if listed:
            row.update({m: 0 for m in order[k:]})
        weights.append({"epoch": 0, "from": n, "to": row, "every": 1})
    return {
        "name": f"whitepaper_cabal_k{k}",
        "description": (f"A disjoint cabal of 30 peers (30% of the stake) weighting each other; 70 "
                        f"honest peers each weighting {k} other honest peers picked at random (equal "
                        f"quality). The whitepaper's defaults, one token minted per step (emission "
                        f"fixed, tau 1), {epochs} steps. Bases of docs/findings.md, studies 2-5."),
        "seed": seed,
        "epochs": epochs,
        "mechanism": {"kind": "whitepaper", "rho": 10, "kappa": 0.5, "tau": 1, "emission": "fixed",
                      "self_share": 0.5, "count_self_weights": True},
        "peers": peers, "weights": weights,
    }


def cabal_peg_controller():
    sc = cabal_scenario(k=1, listed=True)
    sc["name"] = "whitepaper_cabal_peg_controller"
    sc["description"] = ("The cabal of cabal_k10.json against the consensus peg: honest peers start "
                         "with one edge each and list the rest of their evaluation as explicit "
                         "zeros; min_allowed_weights starts at 1 and the controller raises it by 1 "
                         "each step while the chain loss L >= 0; short rows are padded from the "
                         "listed zeros (an honest agent spreads its weight over its best "
                         "min_allowed_weights peers). The cabal's rows list only the cabal, so "
                         "they are rejected once the minimum passes 29.")
    sc["mechanism"]["peg"] = {"min_allowed_weights": 1, "short_rows": "pad", "controller": True,
                              "controller_step": 1}
    return sc


FILES = {
    "section10.json": section10,
    "figure4.json": figure4,
    "scaling_vector_decay.json": scaling_vector_decay,
    "cabal_k10.json": cabal_scenario,
    "cabal_peg_controller.json": cabal_peg_controller,
}

if __name__ == "__main__":
    for name, build in FILES.items():
        with open(os.path.join(HERE, name), "w") as f:
            f.write(dump(build()))
