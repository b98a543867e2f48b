#!/usr/bin/python3
"""Writes scenarios/default.json: a 256-UID subnet (64 validators, 192 miners) where a cabal of
16 validators holding 30% of the stake puts all its weight on its own 3 miners, while 48 honest
validators weight every miner by its true quality seen through noise. Deterministic (seeded).

Usage: /usr/bin/python3 scenarios/tools/make_default.py > scenarios/default.json
"""
import json
import random

rng = random.Random(2020)
N_CABAL_V, N_HONEST_V, N_CABAL_M, N_HONEST_M = 16, 48, 3, 189
CABAL_SHARE, TOTAL_STAKE = 0.30, 1_000_000.0

def lognormal_shares(k):
    x = [rng.lognormvariate(0.0, 1.0) for _ in range(k)]
    s = sum(x)
    return [v / s for v in x]

peers = []
for i, share in enumerate(lognormal_shares(N_CABAL_V)):
    peers.append({"name": f"cabal_v{i:02d}", "stake": round(share * CABAL_SHARE * TOTAL_STAKE, 3), "group": "cabal"})
for i, share in enumerate(lognormal_shares(N_HONEST_V)):
    peers.append({"name": f"honest_v{i:02d}", "stake": round(share * (1 - CABAL_SHARE) * TOTAL_STAKE, 3), "group": "honest"})
cabal_miners = [f"cabal_m{i}" for i in range(N_CABAL_M)]
honest_miners = [f"miner{i:03d}" for i in range(N_HONEST_M)]
for m in cabal_miners:
    peers.append({"name": m, "stake": 0, "group": "cabal"})
for m in honest_miners:
    peers.append({"name": m, "stake": 0, "group": "honest"})

# True quality: honest miners spread over (0.2, 1); the cabal's miners are mediocre (0.1).
quality = {m: 0.2 + 0.8 * rng.random() for m in honest_miners}
quality.update({m: 0.1 for m in cabal_miners})
miners = cabal_miners + honest_miners

weights = [{"epoch": 0, "from": [p["name"] for p in peers[:N_CABAL_V]],
            "to": {m: 1 for m in cabal_miners}, "every": 1}]
for p in peers[N_CABAL_V:N_CABAL_V + N_HONEST_V]:
    row = {m: round(max(0.0, quality[m] + rng.gauss(0.0, 0.05)), 4) for m in miners}
    weights.append({"epoch": 0, "from": p["name"], "to": row, "every": 1})

scenario = {
    "name": "default_cabal_30pct",
    "description": ("A 256-UID subnet under Yuma 3 with chain defaults: a cabal of 16 validators "
                    "holding 30% of the stake weights only its own 3 miners; 48 honest validators "
                    "weight all 192 miners by noisy true quality. Weights are re-set every epoch. "
                    "Question: what share of emission does a sub-kappa cabal get?"),
    "seed": 1,
    "mechanism": {"kind": "yuma3", "arithmetic": "float", "max_allowed_validators": 64},
    "peers": peers,
    "epochs": 100,
    "weights": weights,
    "events": [],
    "output": {"bonds": False},
}

# One peer or weight entry per line keeps the file readable and diffs small.
out = ["{"]
for key in ("name", "description", "seed", "mechanism"):
    out.append(f" {json.dumps(key)}: {json.dumps(scenario[key])},")
out.append(' "peers": [')
out.append(",\n".join("  " + json.dumps(p) for p in peers))
out.append(" ],")
out.append(f' "epochs": {scenario["epochs"]},')
out.append(' "weights": [')
out.append(",\n".join("  " + json.dumps(w) for w in weights))
out.append(" ],")
out.append(' "events": [],')
out.append(' "output": {"bonds": false}')
out.append("}")
print("\n".join(out))
