#!/usr/bin/env python3
"""Writes scenarios/bench/network_4096.json, the network run of `make bench`: 4096 peers (128
honest validators with permits, 3968 miners of drifting quality), 1000 epochs of tempo 360 under
the chain's defaults (commit-reveal, rate limit), lognormal query latency and random miner churn.
Each validator queries 512 miners per epoch, round-robin. Run from the repository root."""
import json
import os
import random

rng = random.Random(4096)
peers = [{"name": f"V{k}", "stake": round(rng.lognormvariate(4, 1), 3), "group": "honest",
          "agent": {"type": "honest", "sample": 512}} for k in range(128)]
peers += [{"name": f"M{k}", "stake": 0, "group": "miner",
           "quality": {"value": round(rng.uniform(0.05, 0.95), 3), "drift": 0.01}} for k in range(3968)]
s = {
    "name": "network_4096",
    "description": "Benchmark: 4096 peers, 1000 epochs, honest validators scoring miners through the network.",
    "seed": 1,
    "mechanism": {"kind": "yuma3"},
    "chain": {},
    "network": {"latency": {"dist": "lognormal", "mu": -3, "sigma": 1, "peer_spread": 0.3}, "timeout": 1,
                "churn": {"rate_offline": 1e-5, "mean_offline_blocks": 200}},
    "peers": peers,
    "epochs": 1000,
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "network_4096.json")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    json.dump(s, f, separators=(",", ":"))
    f.write("\n")
