#!/usr/bin/env python3
"""Writes the scenarios of scenarios/models/ (docs/models.md): synthetic tensor models whose
miners compute and whose validators measure. Run from the repository root:
    python3 scenarios/models/make_models.py
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

TASK = {"d_in": 16, "d_out": 10, "hidden": 32, "batch": 32, "holdout": 256, "scale": 3.0}

# Twelve honest students: quality from width (capacity) and compute (SGD steps per epoch).
STUDENTS = [(2, 8), (4, 8), (8, 8), (16, 8), (32, 8), (16, 1), (16, 2), (16, 4), (16, 16),
            (8, 2), (32, 16), (4, 2)]


def validators(n, stakes, scoring):
    return [{"name": f"V{i}", "stake": stakes[i], "group": "validator", "scoring": dict(scoring)}
            for i in range(n)]


def students():
    return [{"name": f"M{q:02d}", "stake": 0, "group": "honest",
             "model": {"type": "student", "width": w, "compute": c}}
            for q, (w, c) in enumerate(STUDENTS)]


def scenario(name, description, peers, epochs=100, kind="yuma3"):
    return {"name": name, "description": description, "seed": 1,
            "mechanism": {"kind": kind, "bonds_moving_average": 0.9, "max_allowed_validators": 64},
            "task": dict(TASK), "peers": peers, "epochs": epochs}


def write(fname, sc):
    with open(os.path.join(HERE, fname), "w") as f:
        json.dump(sc, f, indent=1)
        f.write("\n")


def main():
    stakes = [400, 300, 200, 100]
    fisher = {"rule": "fisher", "ema": 0.9, "queries": 4}
    write("tracking.json", scenario(
        "models_tracking",
        "Rewards tracking quality: 4 validators score 12 student miners of different width and "
        "compute by the whitepaper's Fisher importance; compare /models/true_loss with incentive "
        "(/models/alignment). Other rules: --set peers[0].scoring.rule=rank (and peers 1-3); "
        "compare.py runs them all.",
        validators(4, stakes, fisher) + students()))
    attackers = [
        {"name": "copier", "stake": 0, "group": "attacker",
         "model": {"type": "copy", "target": "M10", "delay": 2}},
        {"name": "random", "stake": 0, "group": "attacker", "model": {"type": "random", "noise": 1.0}},
        {"name": "distiller", "stake": 0, "group": "attacker",
         "model": {"type": "distilled", "width": 16, "compute": 8, "sources": 4}},
    ]
    write("attack.json", scenario(
        "models_attack",
        "How the mechanism prices attacks: a copier serving the best miner's model 2 epochs "
        "late, a miner answering random logits, and a distiller trained on the incentive-weighted "
        "mixture of the top 4 miners (it never sees the teacher), among the 12 students of "
        "tracking.json. Compare the attackers' emission share with their true loss.",
        validators(4, stakes, fisher) + students() + attackers))
    routed = dict(fisher, router={"top_k": 3, "lr": 1.0, "explore": 0.1},
                  distill={"width": 16, "lr": 0.5, "steps": 1})
    write("router.json", scenario(
        "models_router",
        "Conditional computation and knowledge extraction: each validator queries only the top 3 "
        "of 12 miners per batch through its learned gate (75% of the traffic saved) and distils "
        "a width-16 student from its joined output. /models/router_overlap shows the gate "
        "converging on the best miners, /models/distill_loss the student learning.",
        validators(4, stakes, routed) + students()))


if __name__ == "__main__":
    main()
