"""`make figures`: runs the scenarios and sweeps behind btsim's figures, draws them into
figures/ and writes figures/README.md, which shows each image with what it shows, the commands
that made it and, where the whitepaper gives numbers, the paper's value next to btsim's
(readme.py). Runs go to out/figures/ (not committed).

What it runs: the whitepaper's Figure 4, section-10 listing and scaling-vector decay
(scenarios/whitepaper/) and the sweep scenarios/sweeps/whitepaper_rho_kappa.json; the default
scenario (a 30% cabal) and its majority variant and the sweep
scenarios/sweeps/cabal_kappa_penalty.json; the 22 named cases (scenarios/cases/) under four
mechanisms; the chain's test scenarios (scenarios/chain/).

Usage: /usr/bin/python3 -m analysis.figures [--btsim bin/btsim] [--out figures] [--jobs 2]
"""
import argparse
import concurrent.futures
import contextlib
import glob
import io
import os
import shlex
import shutil
import subprocess
import sys
import time

from . import cli, figure5, grid, readme
from .load import load

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = "out/figures"
PY = "/usr/bin/python3"

# The 22 cases under each mechanism: (file suffix, --set overrides).
CASE_MECHANISMS = [
    ("yuma_b1", ["mechanism.kind=yuma", "mechanism.bonds_penalty=1"]),
    ("yuma3_b1", ["mechanism.bonds_penalty=1"]),
    ("yuma3_b0", []),
    ("yuma3_la_b0", ["mechanism.liquid_alpha.enabled=true"]),
]

# Sweeps: name -> (sweep file, output directory).
SWEEPS = {
    "whitepaper": ("scenarios/sweeps/whitepaper_rho_kappa.json", f"{RUNS}/whitepaper_sweep"),
    "cabal": ("scenarios/sweeps/cabal_kappa_penalty.json", f"{RUNS}/cabal_sweep"),
}


class Job:
    """One btsim run: a scenario, overrides, an output file."""

    def __init__(self, scenario, out, sets=()):
        self.scenario, self.out, self.sets = scenario, out, list(sets)

    def argv(self, btsim):
        args = [btsim, "run", self.scenario, "-o", self.out, "--quiet"]
        for s in self.sets:
            args += ["--set", s]
        return args

    def shown(self):
        return shlex.join(self.argv("bin/btsim"))


def run_jobs(jobs, btsim, workers):
    """Runs the jobs, `workers` at a time; stops at the first failure with its message."""
    def one(job):
        os.makedirs(os.path.join(ROOT, os.path.dirname(job.out)), exist_ok=True)
        p = subprocess.run(job.argv(btsim), cwd=ROOT, capture_output=True, text=True)
        return job, p

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for job, p in pool.map(one, jobs):
            if p.returncode != 0:
                sys.exit(f"figures: {job.shown()} failed (exit {p.returncode}): {p.stderr.strip()}")


def sweep_argv(btsim, name, jobs):
    spec, directory = SWEEPS[name]
    return [btsim, "sweep", spec, "-o", directory, "--quiet", "--jobs", str(jobs)]


def run_sweep(btsim, name, jobs):
    """btsim sweep into a fresh directory (an existing one would need --resume)."""
    shutil.rmtree(os.path.join(ROOT, SWEEPS[name][1]), ignore_errors=True)
    p = subprocess.run(sweep_argv(btsim, name, jobs), cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"figures: {shlex.join(sweep_argv('bin/btsim', name, jobs))} failed (exit {p.returncode}): "
                 f"{p.stderr.strip()}")


def plot(argv):
    """Runs one plotting command (python3 -m analysis ARGV) in this process."""
    print("  " + readme.shown(argv))
    with contextlib.redirect_stdout(io.StringIO()):
        rc = cli.main(argv)
    if rc:
        sys.exit(f"figures: python3 -m analysis {shlex.join(argv)} failed")


# ---- the runs ----

def whitepaper_jobs():
    wp = "scenarios/whitepaper"
    return [Job(f"{wp}/figure4.json", f"{RUNS}/whitepaper/figure4.h5"),
            Job(f"{wp}/section10.json", f"{RUNS}/whitepaper/section10.h5"),
            Job(f"{wp}/section10.json", f"{RUNS}/whitepaper/section10_rho0.h5", ["mechanism.rho=0"]),
            Job(f"{wp}/scaling_vector_decay.json", f"{RUNS}/whitepaper/scaling_vector_decay.h5")]


def default_jobs():
    return [Job("scenarios/default.json", f"{RUNS}/default.h5", ["output.bonds=true"]),
            Job("scenarios/default.json", f"{RUNS}/default_majority.h5", ["peers[0].stake=800000", "output.bonds=true"])]


def case_jobs():
    jobs = []
    for f in sorted(glob.glob(os.path.join(ROOT, "scenarios/cases/*.json"))):
        for suffix, sets in CASE_MECHANISMS:
            jobs.append(Job(os.path.relpath(f, ROOT), f"{RUNS}/cases/{os.path.basename(f)[:-5]}.{suffix}.h5", sets))
    return jobs


def chain_jobs():
    return [Job(os.path.relpath(f, ROOT), f"{RUNS}/chain/{os.path.basename(f)[:-5]}.h5")
            for f in sorted(glob.glob(os.path.join(ROOT, "scenarios/chain/*.json")))]


# ---- the figures: id -> the plotting command's arguments ----

def sweep_map(sweep, y, where, ylabel, out, title, metric_label="cabal share of the run emission", fmt=".3f"):
    """A heat map of the cabal's emission share over its stake share and `y`."""
    return ["sweep-heatmap", sweep, "--x", "group_share.cabal", "--y", y, "--metric", "cabal/emission_share",
            "--where", where, "--xlabel", "cabal stake share", "--ylabel", ylabel, "--metric-label",
            metric_label, "--fmt", fmt, "-o", out, "--title", title]


def whitepaper_figs(o):
    wp, sweep = f"{RUNS}/whitepaper", SWEEPS["whitepaper"][1]
    minted = "cabal share of the stake minted in 100 steps"
    return {
        "wp_figure4": ["xy", f"{wp}/figure4.h5", "--x", "trust", "--y", "consensus", "--match", "^t", "-o",
                       f"{o}/wp_figure4.png", "--title", "whitepaper Figure 4: consensus against trust "
                       "(rho 10, kappa 0.5)"],
        "wp_section10": ["series", f"{wp}/section10.h5", "--dataset", "stake", "--by", "group", "--share", "--logy",
                         "-o", f"{o}/wp_section10.png", "--title", "whitepaper section 10: stake share per "
                         "subgraph after each step (rho 10, kappa 0.5, tau 0.1)"],
        "wp_vb_decay": ["series", f"{wp}/scaling_vector_decay.h5", "--dataset", "stake", "--by", "group", "--share",
                        "-o", f"{o}/wp_vb_decay.png", "--title", "scaling-vector variant (spec 2.8b): stake share "
                        "per subgraph, tau 0.01"],
        "wp_rho": sweep_map(sweep, "mechanism.rho", "mechanism.kappa=0.5", "rho (sigmoid steepness)",
                            f"{o}/wp_rho.png", "section-10 model, kappa 0.5, 100 steps", minted, ".2g"),
        "wp_kappa": sweep_map(sweep, "mechanism.kappa", "mechanism.rho=10", "kappa", f"{o}/wp_kappa.png",
                              "section-10 model, rho 10, 100 steps", minted, ".2g"),
        "wp_curves": ["sweep-curve", sweep, "--x", "group_share.cabal", "--metric", "cabal/emission_share", "--by",
                      "mechanism.rho", "--by-label", "rho", "--where", "mechanism.kappa=0.5", "--diagonal",
                      "--xlabel", "cabal starting stake share", "--metric-label", minted, "-o",
                      f"{o}/wp_curves.png", "--title", "section-10 model, kappa 0.5, 100 steps"],
    }


def yuma_figs(o):
    sweep = SWEEPS["cabal"][1]
    return {
        "default_emission": ["emission", f"{RUNS}/default.h5", "-o", f"{o}/default_emission.png", "--by", "group",
                             "--title", "emission per group: default scenario, cabal at 30% of stake (Yuma 3)"],
        "default_majority_emission": ["emission", f"{RUNS}/default_majority.h5", "-o",
                                      f"{o}/default_majority_emission.png", "--by", "group", "--title",
                                      "emission per group: default scenario, cabal at 61% of stake (Yuma 3)"],
        "default_majority_bonds": ["bonds", f"{RUNS}/default_majority.h5", "-o", f"{o}/default_majority_bonds.png",
                                   "--by", "group", "--title",
                                   "bonds per group pair: default scenario, cabal at 61% of stake (Yuma 3)"],
        "cabal_heatmap": sweep_map(sweep, "mechanism.kappa", "mechanism.bonds_penalty=1",
                                   "kappa (stake majority of consensus)", f"{o}/cabal_heatmap.png",
                                   "default scenario under Yuma 3, bonds penalty 1, 40 epochs"),
        "cabal_heatmap_b0": sweep_map(sweep, "mechanism.kappa", "mechanism.bonds_penalty=0",
                                      "kappa (stake majority of consensus)", f"{o}/cabal_heatmap_b0.png",
                                      "default scenario under Yuma 3, bonds penalty 0, 40 epochs"),
        "cabal_curves": ["sweep-curve", sweep, "--x", "group_share.cabal", "--metric", "cabal/emission_share",
                         "--by", "mechanism.kappa", "--by-label", "kappa", "--where", "mechanism.bonds_penalty=1",
                         "--diagonal", "--xlabel", "cabal stake share",
                         "--metric-label", "cabal share of the run emission", "-o", f"{o}/cabal_curves.png",
                         "--title", "default scenario under Yuma 3, bonds penalty 1, 40 epochs"],
    }


def case_figs(o, cases):
    c2 = f"{RUNS}/cases/case02_kappa_moves_second.yuma3_b0.h5"
    return {
        "cases_dividends": ["grid"] + cases + ["-o", f"{o}/cases_dividends.png"],
        "case02_dividends": ["dividends", c2, "-o", f"{o}/case02_dividends.png"],
        "case02_bonds": ["bonds", c2, "-o", f"{o}/case02_bonds.png"],
        "case02_weights": ["weights", c2, "-o", f"{o}/case02_weights.png"],
    }


def chain_figs(o, chain):
    return {
        "chain_dividends": ["grid"] + chain + ["--columns", "4", "-o", f"{o}/chain_dividends.png", "--metric",
                                               "dividends"],
        "test_bonds_bonds": ["bonds", f"{RUNS}/chain/test_bonds.h5", "-o", f"{o}/test_bonds_bonds.png"],
        "kappa_first_consensus": ["consensus", f"{RUNS}/chain/yuma3_kappa_moves_first.h5", "-o",
                                  f"{o}/kappa_first_consensus.png"],
    }


def draw(out):
    """Draws every figure into `out` (run from ROOT); returns the figures' commands and the
    cases' totals."""
    o = os.path.relpath(out, ROOT)
    cases = sorted(glob.glob(f"{RUNS}/cases/*.h5"))
    chain = sorted(glob.glob(f"{RUNS}/chain/*.h5"))
    figs = {**whitepaper_figs(o), **yuma_figs(o), **case_figs(o, cases), **chain_figs(o, chain)}
    for argv in figs.values():
        plot(argv)
    return figs, grid.totals([load(c) for c in cases])


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m analysis.figures", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--btsim", default=os.environ.get("BTSIM", os.path.join(ROOT, "bin/btsim")),
                    help="the btsim binary (default: $BTSIM, else bin/btsim)")
    ap.add_argument("--out", default=os.path.join(ROOT, "figures"), help="where the images go (default figures/)")
    ap.add_argument("--jobs", type=int, default=2, help="btsim runs at a time (default 2)")
    args = ap.parse_args(argv)
    btsim, out = os.path.abspath(args.btsim), os.path.abspath(args.out)
    if not os.access(btsim, os.X_OK):
        sys.exit(f"figures: {args.btsim} is not an executable; run make first")
    os.chdir(ROOT)   # every path below is relative to the repository root
    start = time.time()
    jobs = {"whitepaper": whitepaper_jobs(), "default": default_jobs(), "cases": case_jobs(), "chain": chain_jobs()}
    for what, group in jobs.items():
        print(f"figures: {len(group)} runs: {what}")
        run_jobs(group, btsim, args.jobs)
    for name in SWEEPS:
        print(f"figures: {shlex.join(sweep_argv('bin/btsim', name, args.jobs))}")
        run_sweep(btsim, name, args.jobs)
    print("figures: drawing")
    figs, totals = draw(out)
    print("figures: the Figure 5 effect (22 runs)")
    with contextlib.redirect_stdout(io.StringIO()):
        fig5 = figure5.main(["--btsim", btsim, "--runs", f"{RUNS}/figure5", "-o", os.path.join(out, "wp_figure5.png")])
    version = subprocess.run([btsim, "--version"], capture_output=True, text=True).stdout.strip()
    sweeps = {name: shlex.join(sweep_argv("bin/btsim", name, args.jobs)) for name in SWEEPS}
    readme.write(os.path.join(out, "README.md"), figs, totals, jobs, sweeps, version, CASE_MECHANISMS, fig5)
    print(f"figures: {len(figs) + 1} images and README.md in {os.path.relpath(out, ROOT)} ({time.time() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
