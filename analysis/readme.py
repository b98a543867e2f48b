"""Writes figures/README.md for `make figures` (figures.py): each image next to what it shows and
the commands that made it, btsim's numbers read from the runs next to the whitepaper's where it
gives numbers, and the 22 cases' totals."""
import os
import shlex

import numpy as np

from .load import load

RUNS = "out/figures"
PY = "/usr/bin/python3"

# The whitepaper's numbers, from ../shared/spec/whitepaper.md: Figure 4's values (2.4), the
# section-10 listing's cabal share per block (2.8) and its milestones, and the scaling-vector
# variant's cabal share (2.8b, derived by the spec; btsim's steps for each of its columns as
# docs/findings.md explains: the spec counts its last two columns from 1, the others from 0).
PAPER_FIG4 = [(0, 0.006693), (0.1, 0.017986), (0.25, 0.075858), (0.4, 0.268941), (0.45, 0.377541),
              (0.49, 0.475021), (0.5, 0.5), (0.51, 0.524979), (0.55, 0.622459), (0.6, 0.731059),
              (0.75, 0.924142), (0.9, 0.982014), (1.0, 0.993307)]
PAPER_SECTION10 = [(0, 0.4877323388820201), (1, 0.4849535784321247), (2, 0.4815511535094221),
                   (3, 0.477389901500398), (4, 0.4723093486843246), (5, 0.4661222457462059),
                   (9, 0.4258790087065162), (10, 0.4109054893545983), (15, 0.3094694723628415),
                   (20, 0.2053005857184977), (30, 0.08195530986912067), (40, 0.03199825846776257),
                   (50, 0.01244288402610896), (70, 0.001876335253374579), (99, 0.0001206337199346469)]
PAPER_MILESTONES = [(0.4, 11), (0.25, 18), (0.1, 28), (0.01, 53), (0.001, 77)]
PAPER_VB = [(0, 0.4900, 1), (1, 0.4899, 2), (10, 0.4894, 11), (100, 0.4835, 101), (500, 0.3937, 501),
            (1000, 0.2301, 1000), (2000, 0.1206, 2000)]


def shown(argv):
    """The plotting command as a shell line; many runs of one directory become DIR/*.h5."""
    out, runs = [], []
    for a in argv + [None]:
        if a is not None and a.endswith(".h5") and (not runs or os.path.dirname(a) == os.path.dirname(runs[0])):
            runs.append(a)
            continue
        if runs:
            out.append(runs[0] if len(runs) == 1 else os.path.dirname(runs[0]) + "/*.h5")
            runs = []
        if a is not None:
            out.append(shlex.quote(a))
    return " ".join([PY, "-m", "analysis"] + out)


def group_shares(path):
    """{group: (stake share, emission share)} of a run."""
    run = load(path)
    names, stake = run.by_group(run.summary("initial_stake"))
    _, emission = run.by_group(run.summary("emission"))
    return {g: (s / stake.sum(), e / emission.sum()) for g, s, e in zip(names, stake, emission)}


def sweep_value(sweep, share, kappa, penalty=1.0):
    mask = (np.isclose(sweep.column("group_share.cabal"), share) & np.isclose(sweep.column("mechanism.kappa"), kappa)
            & np.isclose(sweep.column("mechanism.bonds_penalty"), penalty))
    return float(sweep.column("cabal/emission_share")[mask][0])


def block(lines):
    return "```sh\n" + "\n".join(lines) + "\n```\n"


def image(fig_id, alt):
    return f"![{alt}]({fig_id}.png)\n"


def section_default(figs, jobs):
    d, m = group_shares(f"{RUNS}/default.h5"), group_shares(f"{RUNS}/default_majority.h5")
    return f"""## The main attack result: a cabal below and above kappa

`scenarios/default.json`: 256 UIDs under Yuma 3 with the chain's defaults (kappa 0.5, bonds penalty
1). A cabal of 16 validators holding 30% of the stake puts all its weight on its own 3 miners; 48
honest validators weight all 192 miners by their noisy true quality (the cabal's miners included,
at a low weight). Emission is 1 token per epoch, so tokens per epoch are also shares.

{image("default_emission", "emission per group, cabal at 30% of stake")}
**Emission per group, cabal at 30% of stake.** The cabal holds {d['cabal'][0]:.1%} of the stake and
gets {d['cabal'][1]:.2%} of the emission (ratio {d['cabal'][1] / d['cabal'][0]:.3f}): below kappa it cannot
move the stake-weighted median, so its miners are clipped to the honest consensus and its
validators' bonds follow the clipped weights.

{image("default_majority_emission", "emission per group, cabal at 61% of stake")}
**The same with the cabal's largest validator raised to 800,000 tokens** (the cabal then holds
{m['cabal'][0]:.1%}): the cabal takes {m['cabal'][1]:.2%} of the emission and the honest side
{m['honest'][1]:.2%}.

{image("default_majority_bonds", "bonds per group pair, cabal at 61%")}
**Bonds per group pair in that majority run** (mean over the holder-target pairs that ever hold a
bond; Yuma 3 bonds are per pair, between 0 and 1): the cabal's validators build bonds on their own
miners over about 30 epochs (the EMA step is 0.1); the honest validators' bonds on honest miners
stay 0 because those miners are clipped to 0.

Made by:

{block([j.shown() for j in jobs] + [shown(figs[k]) for k in
                                     ("default_emission", "default_majority_emission", "default_majority_bonds")])}"""


def section_sweep(figs, command):
    sw = load(f"{RUNS}/cabal_sweep")
    cases = {"45_5": (0.45, 0.5, 1), "55_5": (0.55, 0.5, 1), "40_3": (0.4, 0.3, 1), "40_7": (0.4, 0.7, 1),
             "45_6": (0.45, 0.6, 1), "45_6_0": (0.45, 0.6, 0), "40_7_0": (0.4, 0.7, 0)}
    v = {k: sweep_value(sw, *point) for k, point in cases.items()}
    return f"""## Where a cabal starts to win: stake share x kappa x bonds penalty

`scenarios/sweeps/cabal_kappa_penalty.json`: {sw.rows} runs of the default scenario for 40 epochs,
the cabal's validator stakes scaled so that the cabal holds 10% to 60% of the stake, kappa 0.3
to 0.7, bonds penalty 0, 0.5 and 1. The metric is the cabal's share of the whole run's
emission (`/metrics/cabal/emission_share` of the sweep's summary.h5; `bin/btsim report
{RUNS}/cabal_sweep` prints the table).

{image("cabal_heatmap", "cabal emission share over stake share and kappa, penalty 1")}
**The cabal's share of emission over its stake share (across) and kappa (up), bonds penalty 1.**
The cabal gets almost nothing until either its own stake reaches kappa (its miners then carry
consensus) or the honest side's stake falls below kappa (its stake share exceeds 1 - kappa: the
honest miners lose consensus while the cabal's miners keep the small weight the honest
validators give them). At kappa 0.5 the step is sharpest: {v['45_5']:.3f} at 45% of the stake,
{v['55_5']:.3f} at 55%. Kappa away from 0.5 opens the door earlier from one side or the other:
at 40% of the stake the cabal gets {v['40_3']:.3f} with kappa 0.3 and {v['40_7']:.3f} with kappa 0.7. On
the edges themselves (a side's stake share exactly equal to kappa) the outcome turns on the last
bit of the scaled stakes, so those cells can go either way.

{image("cabal_heatmap_b0", "cabal emission share over stake share and kappa, penalty 0")}
**The same with bonds penalty 0.** Where the honest miners lost consensus (kappa above 1 minus the
cabal's share), penalty 1 still leaves the honest validators part of the dividends: their bonds
follow clipped weights, and the cabal's large weights on its own miners are clipped to the
honest level. With penalty 0 bonds follow raw weights and the cabal takes nearly everything:
{v['45_6_0']:.3f} instead of {v['45_6']:.3f} at 45% of the stake with kappa 0.6, {v['40_7_0']:.3f} instead of
{v['40_7']:.3f} at 40% with kappa 0.7.

{image("cabal_curves", "cabal emission share against stake share, one curve per kappa")}
**The penalty-1 map as curves, one per kappa, against the pro-rata line.**

Made by:

{block([command, shown(figs["cabal_heatmap"]), shown(figs["cabal_heatmap_b0"]), shown(figs["cabal_curves"])])}"""


def totals_table(totals):
    mechs = list(dict.fromkeys(m for _, m, _ in totals))
    rows = {}
    for scenario, mech, vals in totals:
        rows.setdefault(scenario, {})[mech] = " / ".join(f"{v:.2f}" for v in vals.values())
    lines = ["| case | " + " | ".join(mechs) + " |", "|---|" + "---|" * len(mechs)]
    for scenario, cells in rows.items():
        lines.append(f"| {scenario} | " + " | ".join(cells.get(m, "") for m in mechs) + " |")
    return "\n".join(lines) + "\n"


def section_cases(figs, totals, mechanisms):
    case2 = ", ".join(f"{vals['B']:.3f}" for scenario, _, vals in totals if scenario.startswith("case02"))
    c21 = load(f"{RUNS}/cases/case21_3_servers_client_side_wta.yuma3_b0.h5")
    idle = int((np.asarray(c21.series("incentive")).sum(axis=1) < 0.5).sum())
    loop = ["for f in scenarios/cases/*.json; do", '  b=out/figures/cases/$(basename "$f" .json)']
    for suffix, sets in mechanisms:
        loop.append(f'  bin/btsim run "$f" -o "$b.{suffix}.h5" --quiet' + "".join(f" --set {s}" for s in sets))
    loop.append("done")
    return f"""## The 22 named cases of yuma-simulation, under four mechanisms

`scenarios/cases/` holds the 22 synthetic cases of bactensor/yuma-simulation (written by
`scenarios/tools/make_cases.py` from ../shared/spec/yuma-simulation-cases.md): validators A, B, C
(stakes 0.8 / 0.1 / 0.1 unless the case says otherwise), servers S1, S2 (S3), 40 epochs. Each
runs under the chain's original Yuma with bonds penalty 1 (the tool's "Yuma 2" chart setting),
Yuma 3 with penalty 1 (the chain's default), Yuma 3 with penalty 0 (the tool's Yuma 3, which
ignores the penalty) and Yuma 3 with liquid alpha (0.1 to 0.3). Departures from the tool: case 9
keeps its stakes fixed (btsim has no stake event yet), and the tool's server-side winner-takes-all
(cases 20 to 22) is not modelled; the case files say so. Bond resets are off, as in the tool's
default.

{image("cases_dividends", "dividends per validator for each case and mechanism")}
**Dividends over stake share per validator and epoch** (1 = paid exactly pro rata), one block per
case, one panel per mechanism. Read across a row to see what a mechanism does to early and late
movers. In case 2 a small validator (B) moves to the new miner first: every mechanism pays it
below pro rata in the epoch it moves, but afterwards its early bonds pay off to a different
degree; over the run B gets {case2} times its pro-rata dividends (in the order of the columns).
In case 21 the one-hot validators leave {idle} of the 40 epochs without any server reaching kappa
(Yuma 3, penalty 0): no incentive and no dividends then (the chain emits by stake), so the totals
fall below 1 for everyone.

Over the whole run, each validator's dividends over its stake share, both summed over the 40
epochs (A / B / C; 1 = pro rata):

{totals_table(totals)}
Made by:

{block(loop + [shown(figs["cases_dividends"])])}"""


def section_case2(figs):
    return f"""## One case in detail: case 2, kappa moves second (Yuma 3, penalty 0)

{image("case02_dividends", "case 2 dividends per validator")}
**Dividends per validator** (share of each epoch's validator emission). B, the small eager
validator, moves to S2 at epoch 1; A (80%) follows at epoch 2, C at epoch 3.

{image("case02_bonds", "case 2 bonds heat map")}
**Bonds over epochs**, one row per validator-server pair (Yuma 3: per pair, 0 to 1). B's bond on S2
starts to grow at epoch 1, a step ahead of A's and two ahead of C's.

{image("case02_weights", "case 2 weight matrices")}
**The weight matrices** at the first epoch, each epoch where they change, and the last.

Made by:

{block([f"bin/btsim run scenarios/cases/case02_kappa_moves_second.json -o {RUNS}/cases/"
        "case02_kappa_moves_second.yuma3_b0.h5 --quiet"] +
       [shown(figs[k]) for k in ("case02_dividends", "case02_bonds", "case02_weights")])}"""


def section_chain(figs):
    loop = ["for f in scenarios/chain/*.json; do",
            '  bin/btsim run "$f" -o out/figures/chain/$(basename "$f" .json).h5 --quiet', "done"]
    return f"""## The chain's own test scenarios

`scenarios/chain/`: the chain's epoch tests as scenario files (fixed-point arithmetic, tempo 1),
which btsim reproduces bit for bit (tests/test_chain_vectors.c).

{image("chain_dividends", "dividends per validator in the chain scenarios")}
**Dividends per validator in each chain scenario.** test_1_graph and test_10_graph run one epoch
with self-weights only (dividends 0, emission falls back to stake). In test_bonds V0, V1 and V2
switch to self-weights (masked) at epochs 1, 2 and 3; at epoch 3 only V3, with 40% of the stake,
below kappa, weights the servers, so consensus and dividends drop to 0; V2 weights S7 from epoch 4.

{image("test_bonds_bonds", "test_bonds bonds heat map")}
**Bonds in test_bonds** (original Yuma: bonds column-normalised, each column sums to 1 over holders).

{image("kappa_first_consensus", "consensus in yuma3_kappa_moves_first")}
**Consensus per server in yuma3_kappa_moves_first**: the 80% validator moves to S2 at epoch 1 and
takes consensus with it (the incentive, one-hot here, follows the same lines).

Made by:

{block(loop + [shown(figs[k]) for k in ("chain_dividends", "test_bonds_bonds", "kappa_first_consensus")])}"""


def cabal_share(path):
    """The cabal group's share of the stake after each step of a run."""
    run = load(path)
    names, stake = run.by_group(run.series("stake"))
    return stake[:, names.index("cabal")] / stake.sum(axis=1)


def section_figure5(rows):
    table = "\n".join(f"| {k} | {share:.3f} | {loss:+.4f} |" for k, share, loss in rows)
    return f"""{image("wp_figure5", "Figure 5 effect: cabal incentive share against the honest peers' edges")}
**The Figure 5 effect (spec 2.10): a disjoint cabal of 30% of the stake against the number of
edges k each of 70 honest peers sets** (whitepaper mechanism, rho 10, kappa 0.5; the scenarios of
docs/findings.md study 2, written by `scenarios/whitepaper/make_scenarios.py`, first step). The
paper argues that a well-connected honest side keeps a minority cabal down but gives no numbers;
btsim finds the cabal above its stake share until each honest peer weights about 30 others, and
the chain loss L turning negative only near k = 60:

| k | cabal share of the incentive | chain loss L |
|---|---|---|
{table}

Made by:

{block([PY + " -m analysis.figure5"])}
"""


def section_whitepaper(figs, jobs, command):
    wp = f"{RUNS}/whitepaper"
    f4 = load(f"{wp}/figure4.h5")
    trust, cons = f4.series("trust")[0], f4.series("consensus")[0]
    at = {round(t, 6): c for t, c, n in zip(trust, cons, f4.names) if n.startswith("t")}
    fig4 = "\n".join(f"| {t:g} | {c:.6f} | {at[round(t, 6)]:.6f} |" for t, c in PAPER_FIG4)
    s10, rho0 = cabal_share(f"{wp}/section10.h5"), cabal_share(f"{wp}/section10_rho0.h5")
    sec10 = "\n".join(f"| {b} | {v:.16g} | {s10[b]:.16g} | {abs(s10[b] - v):.1e} |" for b, v in PAPER_SECTION10)
    miles = "\n".join(f"| below {x:g} | {b} | {int((s10 < x).argmax())} |" for x, b in PAPER_MILESTONES)
    vb = cabal_share(f"{wp}/scaling_vector_decay.h5")
    vbt = "\n".join(f"| {b} | {v:.4f} | {n} | {vb[n - 1]:.4f} |" for b, v, n in PAPER_VB)
    sw = load(f"{RUNS}/whitepaper_sweep")

    def minted(share, rho, kappa):
        mask = (np.isclose(sw.column("group_share.cabal"), share) & np.isclose(sw.column("mechanism.rho"), rho)
                & np.isclose(sw.column("mechanism.kappa"), kappa))
        return float(sw.column("cabal/emission_share")[mask][0])
    runs = [j.shown() for j in jobs]
    return f"""## The whitepaper's results

`scenarios/whitepaper/` (kind `whitepaper`, written by `make_scenarios.py`): the paper's own
examples. The paper's values are those of ../shared/spec/whitepaper.md; btsim's are read from
the runs below. docs/findings.md goes further (the collusion studies the paper never ran).

{image("wp_figure4", "whitepaper Figure 4: consensus against trust")}
**Figure 4: consensus c = sigmoid(rho (t - kappa)) against trust t**, rho 10, kappa 0.5. Each
point is a target peer whose in-edges come from a share t of the stake (`figure4.json`).

| t | paper | btsim |
|---|---|---|
{fig4}

{image("wp_section10", "whitepaper section 10: stake share per subgraph")}
**The section-10 listing: an honest subgraph (51%) and a disjoint cabal (49%), each voting only
for itself** (tau 0.1: each step mints 10% of the stake). The cabal's share after each step, on a
log scale. The paper's value is its printed output (blocks 0 to 4) and the listing rerun (the
spec's table); btsim's is `/epochs/stake` after the step.

| block | paper: cabal share | btsim | difference |
|---|---|---|---|
{sec10}

| cabal share first | paper: block | btsim |
|---|---|---|
{miles}

With rho = 0 (naive ranking; `--set mechanism.rho=0`) the paper's cabal keeps 0.49 for ever;
btsim's stays within {np.abs(rho0 - 0.49).max():.1e} of 0.49 over the 100 steps.

{image("wp_vb_decay", "scaling-vector variant: stake share per subgraph")}
**The scaling-vector variant (the later listing, spec 2.8b)**: 5 honest peers (51%) and a cabal
of 5 (49%), tau 0.01 minted per step, 2000 steps. The spec derives the values (the listing as
printed has an indexing bug); it counts its last two columns from 1 and the others from 0, so
btsim's column gives the step each value is compared at.

| spec block | spec: cabal share | btsim: after step | btsim |
|---|---|---|---|
{vbt}

{image("wp_rho", "cabal's minted share over its starting share and rho")}
{image("wp_kappa", "cabal's minted share over its starting share and kappa")}
{image("wp_curves", "cabal's minted share against its starting share, one curve per rho")}
**rho, kappa and the starting share (spec 2.9; the paper gives no numbers here).** The sweep
`scenarios/sweeps/whitepaper_rho_kappa.json` runs the section-10 model for every starting share
x rho x kappa; the metric is the cabal's share of all the stake minted in the 100 steps. For
every rho > 0 the side below 50% loses and the side above wins; rho sets the speed (at 49%:
{minted(0.49, 1, 0.5):.3f} with rho 1, {minted(0.49, 2.5, 0.5):.3f} with rho 2.5,
{minted(0.49, 10, 0.5):.1e} with rho 10), rho = 0 pays pro rata, 50/50 stays put. kappa below
both sides' trust slows it down (at 49%, rho 10: {minted(0.49, 10, 0.1):.3f} with kappa 0.1,
{minted(0.49, 10, 0.3):.1e} with kappa 0.3).

Made by:

{block(runs + [command] + [shown(figs[k]) for k in ("wp_figure4", "wp_section10", "wp_vb_decay", "wp_rho",
                                                   "wp_kappa", "wp_curves")])}
Figures 1-3 and 5-7 of the paper are diagrams without data; the Figure 5 effect is measured in
the next section.
"""


def write(path, figs, totals, jobs, sweeps, version, case_mechanisms, figure5_rows=None):
    text = f"""# Figures

Made by `make figures` ({version}), which runs `{PY} -m analysis.figures`: it runs the
scenarios below with `bin/btsim` into `out/figures/`, draws every image here with the plotting
commands of the `analysis` package (`{PY} -m analysis --help`), and writes this file with
btsim's numbers read from the runs. Every command below can be run on its own from the
repository root.

Units: shares are fractions of the epoch's total (dividends of the validator emission, incentive
of the server emission); emission is in tokens (1 token = 1e9 rao); stake in tokens.

- [The whitepaper's results](#the-whitepapers-results)
- [The Figure 5 effect](#the-figure-5-effect)
- [The main attack result: a cabal below and above kappa](#the-main-attack-result-a-cabal-below-and-above-kappa)
- [Where a cabal starts to win](#where-a-cabal-starts-to-win-stake-share-x-kappa-x-bonds-penalty)
- [The 22 named cases under four mechanisms](#the-22-named-cases-of-yuma-simulation-under-four-mechanisms)
- [Case 2 in detail](#one-case-in-detail-case-2-kappa-moves-second-yuma-3-penalty-0)
- [The chain's test scenarios](#the-chains-own-test-scenarios)

{section_whitepaper(figs, jobs["whitepaper"], sweeps["whitepaper"])}
{"## The Figure 5 effect" + chr(10) + chr(10) + section_figure5(figure5_rows) if figure5_rows else ""}
{section_default(figs, jobs["default"])}
{section_sweep(figs, sweeps["cabal"])}
{section_cases(figs, totals, case_mechanisms)}
{section_case2(figs)}
{section_chain(figs)}"""
    with open(path, "w") as f:
        f.write(text)
