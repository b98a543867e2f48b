#!/usr/bin/python3
"""Writes scenarios/cases/caseNN_*.json: the 22 named cases of bactensor/yuma-simulation
(spec ../shared/spec/yuma-simulation-cases.md, section 1.5 and appendix B) as btsim scenarios.

Every case has validators A, B, C (stakes 0.8/0.1/0.1 of 1e6 tokens unless the case says
otherwise) and servers S1, S2 (S3 in cases 15-18, 21, 22), 40 epochs, rows re-set every epoch.
The mechanism block is the same in every file: Yuma 3, float, kappa 0.5, bonds penalty 0 (bonds
follow raw weights, as the tool's Yuma 3 does), the chain's bond EMA (alpha 0.1) and liquid
alpha off with the tool's range (0.1 to 0.3, steepness 10), so the figures can run each file
under several mechanisms with --set mechanism.kind=... and mechanism.liquid_alpha.enabled=true.

Where the tool does something btsim cannot express, the file says so in its description:
case 9 (a stake move at epoch 6: no stake event yet), cases 20-22 (server-side winner-takes-all
is not a chain feature). The tool's optional bond resets are off, as in its default
get_synthetic_cases(reset_bonds=False).

Usage: /usr/bin/python3 scenarios/tools/make_cases.py [--out DIR] [--help]
"""
import argparse
import json
import os

EPOCHS = 40
TOTAL_STAKE = 1_000_000.0
MECHANISM = {"kind": "yuma3", "arithmetic": "float", "kappa": 0.5, "bonds_penalty": 0.0,
             "bonds_moving_average": 0.9,
             "liquid_alpha": {"enabled": False, "alpha_low": 0.1, "alpha_high": 0.3, "steepness": 10}}

# Appendix B of the spec, verbatim: clamped, row-normalised noisy weights, "eNN A | B | C".
NOISY_2 = """
e00 0.5354 0.4646 | 0.6137 0.3863 | 0.5652 0.4348
e01 0.5289 0.4711 | 0.3929 0.6071 | 0.2963 0.7037
e02 0.5275 0.4725 | 0.5123 0.4877 | 0.5612 0.4388
e03 0.5184 0.4816 | 0.4925 0.5075 | 0.4113 0.5887
e04 0.5083 0.4917 | 0.4565 0.5435 | 0.5856 0.4144
e05 0.4594 0.5406 | 0.5354 0.4646 | 0.5120 0.4880
e06 0.5294 0.4706 | 0.6302 0.3698 | 0.5572 0.4428
e07 0.4854 0.5146 | 0.5059 0.4941 | 0.5992 0.4008
e08 0.5883 0.4117 | 0.5023 0.4977 | 0.4486 0.5514
e09 0.5675 0.4325 | 0.3419 0.6581 | 0.4532 0.5468
e10 0.5195 0.4805 | 0.4586 0.5414 | 0.5200 0.4800
e11 0.5258 0.4742 | 0.4957 0.5043 | 0.5400 0.4600
e12 0.4820 0.5180 | 0.4736 0.5264 | 0.6017 0.3983
e13 0.5255 0.4745 | 0.5563 0.4437 | 0.4670 0.5330
e14 0.5073 0.4927 | 0.4757 0.5243 | 0.5801 0.4199
e15 0.5186 0.4814 | 0.5552 0.4448 | 0.4786 0.5214
e16 0.5339 0.4661 | 0.5586 0.4414 | 0.3716 0.6284
e17 0.4914 0.5086 | 0.4117 0.5883 | 0.5494 0.4506
e18 0.5289 0.4711 | 0.5291 0.4709 | 0.4266 0.5734
e19 0.5334 0.4666 | 0.5318 0.4682 | 0.4768 0.5232
e20 0.5212 0.4788 | 0.4335 0.5665 | 0.4214 0.5786
e21 0.4594 0.5406 | 0.5542 0.4458 | 0.5557 0.4443
e22 0.4785 0.5215 | 0.5252 0.4748 | 0.5393 0.4607
e23 0.5303 0.4697 | 0.6103 0.3897 | 0.2909 0.7091
e24 0.5806 0.4194 | 0.6394 0.3606 | 0.5402 0.4598
e25 0.5516 0.4484 | 0.5713 0.4287 | 0.5366 0.4634
e26 0.5574 0.4426 | 0.5243 0.4757 | 0.5015 0.4985
e27 0.5138 0.4862 | 0.6167 0.3833 | 0.4537 0.5463
e28 0.4964 0.5036 | 0.4648 0.5352 | 0.5943 0.4057
e29 0.5550 0.4450 | 0.4761 0.5239 | 0.5264 0.4736
e30 0.4850 0.5150 | 0.5863 0.4137 | 0.6356 0.3644
e31 0.5092 0.4908 | 0.3889 0.6111 | 0.5488 0.4512
e32 0.5616 0.4384 | 0.4999 0.5001 | 0.4704 0.5296
e33 0.5407 0.4593 | 0.5805 0.4195 | 0.5941 0.4059
e34 0.5138 0.4862 | 0.4205 0.5795 | 0.4296 0.5704
e35 0.5203 0.4797 | 0.6072 0.3928 | 0.6348 0.3652
e36 0.5170 0.4830 | 0.4774 0.5226 | 0.5349 0.4651
e37 0.5245 0.4755 | 0.4348 0.5652 | 0.4352 0.5648
e38 0.5649 0.4351 | 0.5353 0.4647 | 0.5270 0.4730
e39 0.4965 0.5035 | 0.4831 0.5169 | 0.4679 0.5321
"""

NOISY_3 = """
e00 0.2920 0.3285 0.3795 | 0.2790 0.3117 0.4093 | 0.2631 0.3640 0.3730
e01 0.2638 0.3102 0.4260 | 0.1934 0.3638 0.4428 | 0.2849 0.3571 0.3580
e02 0.2954 0.2733 0.4313 | 0.2549 0.3863 0.3589 | 0.2475 0.3820 0.3706
e03 0.2537 0.3657 0.3807 | 0.2023 0.3221 0.4756 | 0.3775 0.1907 0.4318
e04 0.2596 0.3332 0.4072 | 0.3493 0.3315 0.3192 | 0.1877 0.3625 0.4497
e05 0.2443 0.4174 0.3383 | 0.3800 0.3244 0.2956 | 0.3588 0.1651 0.4762
e06 0.3658 0.2523 0.3819 | 0.2612 0.3520 0.3868 | 0.4189 0.1729 0.4082
e07 0.1892 0.4280 0.3828 | 0.2717 0.4118 0.3165 | 0.2330 0.4345 0.3325
e08 0.2983 0.3153 0.3864 | 0.0833 0.4810 0.4357 | 0.2923 0.3218 0.3859
e09 0.3012 0.2661 0.4327 | 0.2443 0.2433 0.5124 | 0.1669 0.4014 0.4317
e10 0.3075 0.3073 0.3852 | 0.2572 0.3185 0.4242 | 0.1982 0.3561 0.4457
e11 0.3233 0.3261 0.3506 | 0.3559 0.2309 0.4132 | 0.3189 0.3891 0.2920
e12 0.2179 0.3704 0.4117 | 0.2203 0.4081 0.3716 | 0.3029 0.3319 0.3652
e13 0.2621 0.2467 0.4912 | 0.2250 0.3263 0.4487 | 0.2392 0.3501 0.4107
e14 0.2552 0.3099 0.4349 | 0.2828 0.2602 0.4570 | 0.3258 0.2447 0.4295
e15 0.2829 0.3169 0.4002 | 0.2942 0.3245 0.3813 | 0.3152 0.2847 0.4002
e16 0.2659 0.2951 0.4390 | 0.2475 0.2284 0.5240 | 0.2847 0.3172 0.3981
e17 0.2644 0.3748 0.3608 | 0.3939 0.2534 0.3527 | 0.1830 0.4195 0.3976
e18 0.2768 0.3628 0.3604 | 0.3301 0.3157 0.3542 | 0.2737 0.2114 0.5149
e19 0.2501 0.3468 0.4032 | 0.2018 0.3367 0.4615 | 0.3121 0.1373 0.5506
e20 0.3011 0.3465 0.3524 | 0.3076 0.2956 0.3969 | 0.2648 0.4949 0.2403
e21 0.2558 0.3834 0.3608 | 0.3287 0.2154 0.4559 | 0.3504 0.3049 0.3447
e22 0.2474 0.3648 0.3878 | 0.3735 0.2713 0.3552 | 0.3119 0.4006 0.2876
e23 0.2862 0.2846 0.4292 | 0.2462 0.3084 0.4453 | 0.3096 0.3403 0.3501
e24 0.3411 0.2954 0.3635 | 0.2257 0.3670 0.4073 | 0.2665 0.3035 0.4300
e25 0.3697 0.2634 0.3669 | 0.2546 0.4000 0.3454 | 0.3176 0.2800 0.4024
e26 0.2722 0.3564 0.3714 | 0.1849 0.3562 0.4589 | 0.1898 0.3427 0.4675
e27 0.3178 0.2552 0.4270 | 0.2343 0.3748 0.3909 | 0.3772 0.2857 0.3371
e28 0.2339 0.3831 0.3831 | 0.2629 0.2461 0.4909 | 0.3574 0.2967 0.3459
e29 0.3322 0.3336 0.3342 | 0.2699 0.2572 0.4729 | 0.2561 0.3474 0.3966
e30 0.2643 0.3317 0.4040 | 0.3743 0.4185 0.2072 | 0.4754 0.2767 0.2479
e31 0.2987 0.3670 0.3344 | 0.3169 0.2451 0.4380 | 0.1278 0.3581 0.5141
e32 0.3331 0.3688 0.2982 | 0.2397 0.3363 0.4240 | 0.3137 0.2427 0.4435
e33 0.2683 0.3226 0.4091 | 0.2478 0.3222 0.4300 | 0.3675 0.2929 0.3396
e34 0.2862 0.3582 0.3556 | 0.2303 0.3422 0.4276 | 0.2621 0.5585 0.1794
e35 0.2746 0.3699 0.3554 | 0.2554 0.3282 0.4164 | 0.3627 0.3634 0.2739
e36 0.2834 0.3043 0.4123 | 0.2358 0.3033 0.4609 | 0.2743 0.3381 0.3876
e37 0.2526 0.3977 0.3498 | 0.1777 0.3779 0.4445 | 0.2084 0.2882 0.5034
e38 0.3245 0.3056 0.3699 | 0.1946 0.4156 0.3898 | 0.2860 0.2232 0.4909
e39 0.2822 0.3053 0.4126 | 0.3562 0.2841 0.3597 | 0.2584 0.4115 0.3301
"""


def noisy(table, nserv):
    """Per epoch, the rows of A, B, C (lists of nserv numbers)."""
    nums = [float(x) for line in table.split("\n") if line for x in line[4:].replace("|", " ").split()]
    per_epoch = 3 * nserv
    assert len(nums) == EPOCHS * per_epoch, len(nums)
    return [[nums[e * per_epoch + v * nserv: e * per_epoch + (v + 1) * nserv] for v in range(3)]
            for e in range(EPOCHS)]


def one_hot(rows):
    """Each row replaced by 1 on its arg-max (the tool's client-side winner-takes-all)."""
    return [[[1.0 if j == r.index(max(r)) else 0.0 for j in range(len(r))] for r in epoch] for epoch in rows]


def phases(*spec):
    """Rows per epoch from (first_epoch, A, B, C) phases, each holding until the next."""
    rows = []
    for e in range(EPOCHS):
        current = [p for p in spec if p[0] <= e][-1]
        rows.append([list(r) for r in current[1:]])
    return rows


S1, S2 = [1.0, 0.0], [0.0, 1.0]


def stable(x):
    """Cases 15-18: case 2 with part x of every row on an always-agreed miner S3."""
    a, b = [1 - x, 0.0, x], [0.0, 1 - x, x]
    return phases((0, a, a, a), (1, a, b, a), (2, b, b, a), (3, b, b, b))


BIG, SMALL = 0.8, 0.1
CASES = [
    (1, "Case 1 - kappa moves first", "The kappa-holder switches first to the new best miner; the small "
     "validators follow 1 and 2 epochs late. How much do the followers lose?",
     ["Big vali. (0.8)", "Small lazy vali. (0.1)", "Small lazier vali. (0.1)"], None, 2,
     phases((0, S1, S1, S1), (1, S2, S1, S1), (2, S2, S2, S1), (3, S2, S2, S2))),
    (2, "Case 2 - kappa moves second", "Is an eager small validator that finds the miner before consensus "
     "rewarded, or punished by clipping? The core Yuma 2 to 3 motivation.",
     ["Big vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"], None, 2,
     phases((0, S1, S1, S1), (1, S1, S2, S1), (2, S2, S2, S1), (3, S2, S2, S2))),
    (3, "Case 3 - kappa moves third", "Both small validators move before the big one.",
     ["Big vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"], None, 2,
     phases((0, S1, S1, S1), (1, S1, S2, S1), (2, S1, S2, S2), (3, S2, S2, S2))),
    (4, "Case 4 - all validators switch", "Sanity check: everyone switches at once and is paid per stake.",
     ["Big vali. (0.8)", "Small vali. (0.1)", "Small vali 2. (0.1)"], None, 2,
     phases((0, S1, S1, S1), (1, S2, S2, S2))),
    (5, "Case 5 - kappa moves second, then third", "A second migration back to S1 in which the big "
     "validator moves last.",
     ["Big vali. (0.8)", "Small eager-eager vali. (0.1)", "Small eager-lazy vali. (0.1)"], None, 2,
     phases((0, S1, S1, S1), (1, S1, S2, S2), (2, S2, S2, S2), (21, S2, S1, S2), (22, S2, S1, S1),
            (23, S1, S1, S1))),
    (6, "Case 6 - kappa moves second, then all validators switch", "An eager win, then a simultaneous "
     "switch back: do stale bonds on S1 help or hurt?",
     ["Big vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"], None, 2,
     phases((0, S1, S1, S1), (1, S1, S2, S1), (2, S2, S2, S1), (3, S2, S2, S2), (21, S1, S1, S1))),
    (7, "Case 7 - big vali moves late, then all but one small vali moves late", "Weights as the tool's "
     "code sets them (its comments mislabel the servers in e21).",
     ["Big vali. (0.8)", "Small eager-lazy vali. (0.1)", "Small eager-eager vali. (0.1)"], None, 2,
     phases((0, S1, S1, S1), (1, S1, S2, S2), (2, S2, S2, S2), (21, S2, S2, S1), (22, S1, S1, S1))),
    (8, "Case 8 - big vali moves late, then late", "A big validator that copies the consensus one epoch "
     "late (a weight-copier proxy) against honest early movers.",
     ["Big dishonest lazy vali. (0.8)", "Small eager-eager vali. (0.1)", "Small eager-eager vali 2. (0.1)"],
     None, 2, phases((0, S1, S1, S1), (1, S1, S2, S2), (2, S2, S2, S2), (21, S2, S1, S1), (22, S1, S1, S1))),
    (9, "Case 9 - small validators merged in e5", "Stake moving between validators: bonds must follow "
     "stake. DEPARTURE: the tool moves C's stake to B from epoch 6 ([0.8, 0.2, 0.0]); btsim has no "
     "stake event yet, so this file keeps [0.8, 0.1, 0.1] throughout (the first phase only).",
     ["Big vali. (0.8)", "Small vali. (0.1/0.2)", "Small vali 2. (0.1/0.0)"], None, 2,
     phases((0, S2, S2, S2))),
    (10, "Case 10 - kappa delayed", "The eager validator waits 9 epochs for kappa to follow. Does it keep "
     "its early bonds?",
     ["Big delayed vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"], None, 2,
     phases((0, S1, S1, S1), (1, S1, S2, S1), (10, S2, S2, S1), (11, S2, S2, S2))),
    (11, "Case 11 - clipping demo", "A 2% validator is the swing vote for kappa; clipping follows it. "
     "C's row from epoch 20 sums to 0.91 before normalising.",
     ["Big vali. 1 (0.49)", "Big vali. 2 (0.49)", "Small vali. (0.02)"], [0.49, 0.49, 0.02], 2,
     phases((0, [0.3, 0.7], [0.6, 0.4], [0.61, 0.39]), (20, [0.3, 0.7], [0.6, 0.4], [0.3, 0.61]))),
    (12, "Case 12 - all validators switch, but small validator/s support alt miner with minimal weight",
     "Bond farming: a tiny weight on the off-consensus miner pre-accumulates per-pair bonds.",
     ["Big vali. (0.8)", "Small dishonest vali. (0.1)", "Small vali. (0.1)"], None, 2,
     phases((0, S1, [0.999, 0.001], S1), (1, S2, [0.001, 0.999], S2), (21, S1, [0.999, 0.001], S1))),
    (13, "Case 13 - Big vali supports server 2, small validator/s support server 1",
     "Small validators split weight onto a miner that consensus ignores.",
     ["Big vali. (0.8)", "Small vali. (0.1)", "Small vali 2. (0.1)"], None, 2,
     phases((0, S2, [0.5, 0.5], S2), (21, S2, [0.5, 0.5], [0.5, 0.5]))),
    (14, "Case 14 - All validators support Server 1, one of them switches to Server 2 for one epoch",
     "The cost of a single-epoch deviation and the speed of recovery.",
     ["Vali. 1 (0.33)", "Vali. 2 (0.33)", "Vali. 3 (0.34)"], [0.33, 0.33, 0.34], 2,
     phases((0, S1, S1, S1), (20, S1, S1, S2), (21, S1, S1, S1))),
    (15, "Case 15 - big vali moves second, stable miner gets 0.25", "Case 2 with 0.25 of every row on an "
     "always-in-consensus miner S3.",
     ["Big vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"], None, 3, stable(0.25)),
    (16, "Case 16 - big vali moves second, stable miner gets 0.5", "As case 15 with 0.5 on S3 (the chain "
     "test test_yuma_3_stable_miner).",
     ["Big vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"], None, 3, stable(0.5)),
    (17, "Case 17 - big vali moves second, stable miner gets 0.75", "As case 15 with 0.75 on S3.",
     ["Big vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"], None, 3, stable(0.75)),
    (18, "Case 18 - big vali moves second, stable miner gets 0.9", "As case 15 with 0.9 on S3.",
     ["Big vali. (0.8)", "Small eager vali. (0.1)", "Small lazy vali. (0.1)"], None, 3, stable(0.9)),
    (19, "Case 19 - Client-side WTA", "Winner-takes-all done by the validators: noisy scores of two "
     "servers (true [0.6, 0.55]), each validator puts 1.0 on its own arg-max (spec appendix B).",
     ["Big vali. 1 (low noise)", "Big vali. 2 (high noise)", "Small vali. (high noise)"], [0.49, 0.49, 0.02],
     2, one_hot(noisy(NOISY_2, 2))),
    (20, "Case 20 - Server-side WTA", "The same noisy proportional weights as case 19. DEPARTURE: the tool "
     "turns on winner_takes_all in its incentive; the chain has no such switch and neither has btsim, so "
     "this runs the proportional weights as they are.",
     ["Big vali. 1 (low noise)", "Big vali. 2 (high noise)", "Small vali. (high noise)"], [0.49, 0.49, 0.02],
     2, noisy(NOISY_2, 2)),
    (21, "Case 21 - 3 servers Client-side WTA", "Three servers (true [0.30, 0.35, 0.40]), one-hot arg-max "
     "rows. DEPARTURE: the tool also turns on winner_takes_all here (a quirk); btsim does not have it.",
     ["Big vali. 1 (low noise)", "Big vali. 2 (high noise)", "Big vali. 3 (high noise)"], [0.34, 0.33, 0.33],
     3, one_hot(noisy(NOISY_3, 3))),
    (22, "Case 22 - 3 servers Server-side WTA", "The raw proportional 3-server weights of case 21. "
     "DEPARTURE: the tool's winner_takes_all incentive is not modelled (not a chain feature).",
     ["Big vali. 1 (low noise)", "Big vali. 2 (high noise)", "Big vali. 3 (high noise)"], [0.34, 0.33, 0.33],
     3, noisy(NOISY_3, 3)),
]


# Short file and run names, one per case, in case order.
SLUGS = ["kappa_moves_first", "kappa_moves_second", "kappa_moves_third", "all_validators_switch",
         "kappa_moves_second_then_third", "kappa_second_then_all_switch", "big_late_then_small_late",
         "big_late_then_late", "small_validators_merged", "kappa_delayed", "clipping_demo",
         "small_support_alt_miner", "big_s2_small_s1", "one_epoch_deviation", "stable_miner_0.25",
         "stable_miner_0.5", "stable_miner_0.75", "stable_miner_0.9", "client_side_wta", "server_side_wta",
         "3_servers_client_side_wta", "3_servers_server_side_wta"]


def weight_entries(rows, servers):
    """One entry per validator whenever its row changes, re-set every epoch until the next."""
    entries = []
    for v, name in enumerate("ABC"):
        previous = None
        for e, epoch_rows in enumerate(rows):
            row = epoch_rows[v]
            if row != previous:
                entries.append({"epoch": e, "from": name, "to": dict(zip(servers, row)), "every": 1})
                previous = row
    entries.sort(key=lambda w: w["epoch"])
    return entries


def scenario(case):
    number, title, question, labels, stakes, nserv, rows = case
    stakes = stakes or [BIG, SMALL, SMALL]
    servers = [f"S{j + 1}" for j in range(nserv)]
    peers = [{"name": n, "stake": round(s * TOTAL_STAKE, 3), "group": "validator"} for n, s in zip("ABC", stakes)]
    peers += [{"name": s, "stake": 0, "group": "server"} for s in servers]
    roles = "; ".join(f"{n}: {label}" for n, label in zip("ABC", labels))
    return {
        "name": f"case{number:02d}_{SLUGS[number - 1]}",
        "description": f"{title} (bactensor/yuma-simulation, spec yuma-simulation-cases.md 1.5). {question} "
                       f"Validators {roles}.",
        "seed": 0,
        "mechanism": MECHANISM,
        "peers": peers,
        "epochs": EPOCHS,
        "weights": weight_entries(rows, servers),
        "output": {"bonds": True, "weights": True},
    }


def write(sc, path):
    """One key per line at the top level, one peer or weight entry per line."""
    out = ["{"]
    for key in ("name", "description", "seed", "mechanism"):
        out.append(f" {json.dumps(key)}: {json.dumps(sc[key])},")
    out.append(' "peers": [\n' + ",\n".join("  " + json.dumps(p) for p in sc["peers"]) + "\n ],")
    out.append(f' "epochs": {sc["epochs"]},')
    out.append(' "weights": [\n' + ",\n".join("  " + json.dumps(w) for w in sc["weights"]) + "\n ],")
    out.append(f' "output": {json.dumps(sc["output"])}')
    out.append("}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(here, "..", "cases"), help="directory (default scenarios/cases)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for case in CASES:
        sc = scenario(case)
        write(sc, os.path.join(args.out, sc["name"] + ".json"))
    print(f"wrote {len(CASES)} scenarios to {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
