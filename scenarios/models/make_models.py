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
        "Honest network. Question: does the incentive come to rank miners as their true quality "
        "does, and does that alignment rise as the validators learn? 4 validators score 12 student miners of different width and "
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
    extra(stakes, fisher, routed)
    network(stakes, routed)
    large()


def extra(stakes, fisher, routed):
    """The scenarios of issue 5 item 7 beyond tracking/attack/router."""
    # a cabal: V1 and V3 (40% of the stake) vote for two weak members by membership, every epoch
    vals = validators(4, stakes, fisher)
    for v in (1, 3):
        del vals[v]["scoring"]
        vals[v]["group"] = "cabal"
    peers = vals + students()
    for q in (0, 11):
        peers[4 + q]["group"] = "cabal_member"
    sc = scenario(
        "models_cabal",
        "A cabal that scores by membership instead of evaluation. Question: how far does a cabal "
        "of 40% of the stake (V1, V3), setting its weights on two weak members (M00, M11) "
        "whatever they answer, pull the incentive away from true quality, and what share of "
        "the miners' emission do its members take? Compare /models/alignment with tracking.json.",
        peers)
    sc["weights"] = [{"epoch": 0, "from": ["V1", "V3"], "to": {"M00": 1, "M11": 1}, "every": 1}]
    write("cabal.json", sc)
    copiers = [{"name": f"copy{d}", "stake": 0, "group": "copier",
                "model": {"type": "copy", "target": t, "delay": d}}
               for t, d in (("M10", 0), ("M10", 1), ("M04", 4))]
    write("copiers.json", scenario(
        "models_copiers",
        "Output copiers. Question: is copying paid, and does staleness cost the copier? Three "
        "miners serve copies of the best students (M10 at delays 0 and 1 epoch, M04 at 4) among "
        "the 12 students of tracking.json. Compare the copiers' emission with their originals' "
        "under the Fisher importance (default) and the loss rules (--set peers[0].scoring.rule=rank ...).",
        validators(4, stakes, fisher) + students() + copiers))
    # outages: the four best students are offline over epochs [30, 50) and [70, 80); V0 and V2
    # let their distilled student stand in, V1 and V3 (same student) do not
    vals = validators(4, stakes, routed)
    for v in (1, 3):
        vals[v]["scoring"]["distill"] = dict(routed["distill"], stand_in=False)
    peers = vals + students()
    for q in (3, 4, 8, 10):
        peers[4 + q]["model"]["outages"] = [[30, 50], [70, 80]]
        peers[4 + q]["group"] = "outage"
    write("outages.json", scenario(
        "models_outages",
        "Outages with and without distillation. Question: when the miners a validator queries "
        "are offline, how much does its distilled student, standing in for them, cut the "
        "validator's loss? The four best students are offline over epochs 30-49 and 70-79; each "
        "validator queries its top 3 of 12 through its gate and distils a student; V0 and V2 let "
        "the student answer for a missing miner, V1 and V3 do not (stand_in false: the missing "
        "answers drop out of the mixture). Compare /models/outage_loss of V0, V2 with V1, V3.",
        vals[:4] + peers[4:]))
    # improvers: incumbents that learn fast but are narrow, and improvers that are wide but slow
    peers = validators(4, stakes, fisher)
    rates = [("inc0", 4, 0.5, 8), ("inc1", 6, 0.5, 8), ("inc2", 8, 0.5, 8),
             ("imp_slow", 32, 0.02, 8), ("imp_mid", 32, 0.05, 8), ("imp_fast", 32, 0.1, 8)]
    for name, w, lr, comp in rates:
        peers.append({"name": name, "stake": 0, "group": "improver" if name.startswith("imp") else "incumbent",
                      "model": {"type": "student", "width": w, "lr": lr, "compute": comp}})
    write("improvers.json", scenario(
        "models_improvers",
        "Miners improving at different rates. Question: does the mechanism reward an improver "
        "quickly? Three narrow incumbents (width 4-8, lr 0.5) learn fast and plateau; three wide "
        "improvers (width 32, lr 0.02, 0.05, 0.1) start worse and overtake them at different "
        "epochs. Compare the epoch each improver's true loss (/models/true_loss) passes the best "
        "incumbent's with the epoch its incentive does (Yuma 3 bonds, EMA 0.9).",
        peers, epochs=150))



def network(stakes, routed):
    """The honest network of tracking.json, with the evaluators acting through a chain and a
    network like the real one."""
    sc = scenario(
        "models_network",
        "Evaluators in a realistic network. Question: how much of the price-quality alignment of "
        "tracking.json survives when the validators' rows go through commit-reveal (revealed one "
        "epoch later) and the rate limit, answers come over links with lognormal latency "
        "(median 0.05 block, each peer's links slower or faster by a factor exp(N(0, 1))) against "
        "a timeout of half a block, and miners churn (offline about a quarter of the time, for "
        "200 blocks on average)? Each validator routes its queries to 3 of the 12 students and "
        "distils a student that stands in for missing answers. Compare /models/alignment and "
        "/models/missed with tracking.json; --set network.churn.rate_offline=0 isolates the links.",
        validators(4, stakes, routed) + students())
    sc["chain"] = {"weights_rate_limit": 100, "commit_reveal": {"enabled": True, "reveal_period": 1}}
    sc["network"] = {"latency": {"dist": "lognormal", "mu": -3, "sigma": 1, "peer_spread": 1.0},
                     "timeout": 0.5, "churn": {"rate_offline": 0.0007, "mean_offline_blocks": 200}}
    write("network.json", sc)



def large():
    """Thousands of miners from a file: the scale of issue 5 item 8."""
    widths, computes = (4, 8, 16, 32), (1, 2, 4)
    peers = [{"name": f"V{i}", "stake": 1000 - 40 * i, "group": "validator",
              "scoring": {"rule": "fisher", "ema": 0.9, "queries": 2,
                          "router": {"top_k": 16, "lr": 1.0, "explore": 0.1}}}
             for i in range(16)]
    for q in range(1024):
        peers.append({"name": f"M{q:04d}", "stake": 0, "group": "honest",
                      "model": {"width": widths[q % 4], "compute": computes[(q // 4) % 3]}})
    sc = scenario(
        "models_large",
        "Scale: 1,024 student miners (widths 4-32, 1-4 SGD steps per epoch) and 16 validators, "
        "each routing 2 batches of 32 per epoch to its top 16 through its gate (98% of the "
        "traffic saved), d_in = d_out = 32. Question: does the incentive still come to track "
        "quality when each validator sees a small, learned share of a large market?",
        peers, epochs=40)
    sc["task"] = {"d_in": 32, "d_out": 32, "hidden": 32, "batch": 32, "holdout": 128, "scale": 3.0}
    write("large.json", sc)


if __name__ == "__main__":
    main()
