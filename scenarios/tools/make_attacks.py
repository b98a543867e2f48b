#!/usr/bin/env python3
"""Writes the attack library, scenarios/attacks/*.json: strategic agents on a common network,
each file stating the question it answers. Deterministic (seeded); run from the repository root:

    python3 scenarios/tools/make_attacks.py

The common network: Yuma 3 with the chain's defaults (tempo 360, weights rate limit 100,
commit-reveal as each file says), 16 miners whose quality drifts and, every few epochs, jumps
(so consensus has somewhere to move), honest validators that score miners through a network
with lognormal latency and a 1-block timeout. Groups: "honest" (the reference for pricing),
"miner" (independent miners), and the attacker's group."""
import json
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "attacks")
EPOCHS = 60
NMINERS = 16


def miners(rng, group="miner", prefix="M", n=NMINERS, jumps=True):
    out = []
    for k in range(n):
        q = {"value": round(rng.uniform(0.2, 0.9), 3), "drift": 0.01}
        if jumps:
            # every 6 epochs a third of the miners jump to a new quality
            js = [{"epoch": e, "value": round(rng.uniform(0.1, 1.0), 3)}
                  for e in range(6, EPOCHS, 6) if rng.random() < 1 / 3]
            if js:
                q["jumps"] = js
        out.append({"name": f"{prefix}{k}", "stake": 0, "group": group, "quality": q})
    return out


def honest(n, stake, prefix="H"):
    return [{"name": f"{prefix}{k}", "stake": stake, "group": "honest",
             "agent": {"type": "honest", "noise": 0.05}} for k in range(n)]


def scenario(name, question, peers, seed, chain=None, extra=None, epochs=EPOCHS):
    s = {
        "name": name,
        "description": question,
        "seed": seed,
        "mechanism": {"kind": "yuma3", "max_allowed_validators": 64},
        "chain": chain or {"commit_reveal": {"enabled": False}, "immunity_period": 4096},
        "network": {"latency": {"dist": "lognormal", "mu": -3, "sigma": 1, "peer_spread": 0.3},
                    "timeout": 1},
        "pricing": {"reference_group": "honest"},
        "peers": peers,
        "epochs": epochs,
    }
    if extra:
        s.update(extra)
    return s


def write(s):
    path = os.path.join(OUT, s["name"] + ".json")
    with open(path, "w") as f:
        json.dump(s, f, indent=1)
        f.write("\n")


def cabal(share, honest_share=0.0):
    rng = random.Random(100 + int(share * 100))
    total = 1000.0
    cab = total * share
    peers = honest(8, (total - cab) / 8)
    peers += [{"name": f"C{k}", "stake": cab / 4, "group": "cabal",
               "agent": {"type": "cabal", "honest_share": honest_share}} for k in range(4)]
    peers += miners(rng)
    peers += [{"name": f"CM{k}", "stake": 0, "group": "cabal", "quality": {"value": 0.1}}
              for k in range(2)]
    pct = int(round(share * 100))
    tag = f"_share{int(honest_share * 100)}" if honest_share else ""
    q = (f"Question: a cabal holding {pct}% of the stake puts all its weight"
         + (f" ({100 - int(honest_share * 100)}%, the rest spread like consensus to stay under the radar)"
            if honest_share else "")
         + " on its own two low-quality miners; 8 honest validators hold the rest. Does the cabal "
         "earn more than its stake share? Yuma's claim: below kappa (half the stake) its miners "
         "are clipped to the honest consensus, so it earns less than its stake share of the "
         "incentive; above kappa it takes over.")
    write(scenario(f"cabal_{pct}pct{tag}", q, peers, seed=share_seed(share)))


def share_seed(x):
    return int(x * 1000) + 7


def copier(reveal_period):
    rng = random.Random(200)
    peers = honest(8, 100) + [{"name": "X", "stake": 100, "group": "copier",
                               "agent": {"type": "copier"}}] + miners(rng)
    if reveal_period:
        chain = {"commit_reveal": {"enabled": True, "reveal_period": reveal_period}}
        name = f"copier_cr{reveal_period}"
        how = f"with commit-reveal (reveal period {reveal_period} epoch{'s' if reveal_period > 1 else ''})"
    else:
        chain = {"commit_reveal": {"enabled": False}}
        name = "copier_no_cr"
        how = "without commit-reveal"
    q = (f"Question: a weight copier (9% of the stake) that measures nothing and sets the "
         f"stake-weighted median of the weights it can see, {how}. Miners' quality moves, so "
         f"stale weights lose. Does the copier earn as much per unit of stake as the honest "
         f"validators? Commit-reveal is meant to make it earn less: the copier only sees revealed "
         f"weights, and its own copy is revealed a period later again.")
    write(scenario(name, q, peers, seed=31, chain=chain))


def late(every_epochs, delay_epochs):
    rng = random.Random(300)
    peers = honest(8, 100) + [{"name": f"L{k}", "stake": 50, "group": "late",
                               "agent": {"type": "late", "every_epochs": every_epochs,
                                         "delay_epochs": delay_epochs}} for k in range(2)] + miners(rng)
    q = (f"Question: two validators (11% of the stake) measure miners honestly but set weights "
         f"only every {every_epochs} epochs, on scores {delay_epochs} epoch(s) old. How much per "
         f"unit of stake does being late cost them against validators that keep up?")
    write(scenario(f"late_every{every_epochs}_delay{delay_epochs}", q, peers, seed=41))


def sybil(k):
    rng = random.Random(400)
    peers = honest(8, 100) + [{"name": f"Y{i}", "stake": 200.0 / k, "group": "sybil",
                               "agent": {"type": "sybil", "owner": "y"}} for i in range(k)] + miners(rng)
    q = (f"Question: one owner with 20% of the stake runs it as {k} validator identit{'y' if k == 1 else 'ies'} "
         f"sharing one scorer. Compare with sybil_1: does splitting stake across identities change what "
         f"the owner earns per unit of stake? Yuma should be neutral to it.")
    write(scenario(f"sybil_validators_{k}", q, peers, seed=51))


def sybil_miners(k):
    rng = random.Random(450)
    base = miners(rng, n=NMINERS - 1)
    model = {"name": "Z0", "stake": 0, "group": "sybil", "quality": {"value": 0.6}}
    copies = [{"name": f"Z{i}", "stake": 0, "group": "sybil",
               "quality": {"copy_of": "Z0"}} for i in range(1, k)]
    peers = honest(8, 100) + base + [model] + copies
    q = (f"Question: a miner owner serves one model (quality 0.6) from {k} miner identit{'y' if k == 1 else 'ies'} "
         f"(copies of the same quality). Validators score each UID on its own. Does the owner's share of "
         f"the miners' incentive grow with the number of copies? Compare sybil_miners_1.")
    write(scenario(f"sybil_miners_{k}", q, peers, seed=52))


def bond_farmer(liquid):
    rng = random.Random(500)
    peers = honest(8, 100) + [{"name": "F", "stake": 100, "group": "farmer",
                               "agent": {"type": "bond_farmer", "epsilon": 0.02}}] + miners(rng)
    extra = {}
    s = scenario("bond_farming" + ("_liquid_alpha" if liquid else ""),
                 "Question: a validator scores miners honestly but also keeps at least 2% of its largest "
                 "weight on every miner, to hold Yuma 3's per-pair bonds on miners before consensus moves "
                 "to them" + (" (liquid alpha on)" if liquid else "") + ". Does it earn more per unit of "
                 "stake than honest validators?", peers, seed=61)
    if liquid:
        s["mechanism"]["liquid_alpha"] = {"enabled": True}
    write(s)


def stake_jit():
    rng = random.Random(600)
    peers = honest(8, 100) + [{"name": "J", "stake": 10, "group": "jit",
                               "agent": {"type": "stake_mover", "mode": "jit", "amount": 190,
                                         "lead": 2, "lag": 1}}] + miners(rng)
    write(scenario("stake_jit", "Question: a validator that copies the consensus holds 10 tokens and "
                   "adds 190 more 2 blocks before each epoch, removing them a block after, so its stake is "
                   "200 at every epoch but about 11 on average. Does stake that is there only at epochs "
                   "earn like stake held all along? (Pricing divides by stake averaged over blocks.)",
                   peers, seed=71))


def miner_churn():
    rng = random.Random(700)
    ms = miners(rng, jumps=False)
    for m in ms[:4]:
        m["group"] = "flaky"
    extra_miners = [{"name": f"N{k}", "stake": 0, "group": "newcomer",
                     "quality": {"value": round(rng.uniform(0.3, 0.9), 3)}} for k in range(6)]
    peers = honest(8, 100) + ms + extra_miners
    offline = [{"peer": m["name"], "from_block": 360 * 10 + 90 * i, "to_block": 360 * 20 + 90 * i}
               for i, m in enumerate(ms[:4])]
    events = [{"epoch": 8 + 6 * k, "type": "register", "peer": f"N{k}"} for k in range(6)]
    s = scenario("miner_churn",
                 "Question: miners go offline (4 'flaky' miners for 10 epochs each, and everyone at random: "
                 "about once per 3000 blocks for 100 blocks on average) while 6 newcomers register into a "
                 "full subnet (24 UIDs, immunity 720 blocks) and replace the lowest earners. How much do "
                 "offline intervals cost a miner, and who gets pruned?", peers, seed=81,
                 chain={"commit_reveal": {"enabled": False}, "max_uids": 24, "immunity_period": 720},
                 extra={"events": events})
    s["network"]["churn"] = {"rate_offline": 1 / 3000, "mean_offline_blocks": 100}
    s["network"]["offline"] = offline
    write(s)


def main():
    os.makedirs(OUT, exist_ok=True)
    for share in (0.10, 0.30, 0.45, 0.55):
        cabal(share)
    cabal(0.30, honest_share=0.3)
    for rp in (0, 1, 2, 4):
        copier(rp)
    late(1, 1)
    late(2, 1)
    late(4, 2)
    for k in (1, 8):
        sybil(k)
    for k in (1, 4):
        sybil_miners(k)
    bond_farmer(False)
    bond_farmer(True)
    stake_jit()
    miner_churn()


if __name__ == "__main__":
    main()
