"""A page of small panels: dividends per validator over epochs, one panel per scenario x
mechanism, for scanning many runs at once (the 22 named cases, the chain scenarios). Also the
totals behind it: each validator's dividends over the whole run against its stake."""
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .load import LoadError  # noqa: E402
from .plots import colors  # noqa: E402

# Mechanisms in the order the page shows them; others follow in order of appearance.
ORDER = ["yuma0", "yuma", "yuma3", "yuma3 + liquid alpha", "whitepaper"]
METRICS = {
    "per_stake": "dividends / stake share (1 = pro rata)",
    "dividends": "dividends (share of validator emission)",
}


def column_label(run):
    """The mechanism, with the bonds penalty for the kinds that use one."""
    if run.attrs.get("mechanism") in ("whitepaper", "yuma0"):
        return run.label()
    return f"{run.label()}, \u03b2 = {run.bonds_penalty():g}"


def arrange(runs):
    """(scenario names, column labels, {(scenario, column): run}), in page order: mechanisms
    as in ORDER, then the larger bonds penalty first."""
    cells, scenarios, mechanisms, sort_key = {}, [], [], {}
    for run in runs:
        key = (run.name, column_label(run))
        base = run.label()
        sort_key[key[1]] = (ORDER.index(base) if base in ORDER else len(ORDER), -run.bonds_penalty())
        if key in cells:
            raise LoadError(f"{run.path} and {cells[key].path} are both {key[0]} under {key[1]}")
        cells[key] = run
        scenarios += [run.name] if run.name not in scenarios else []
        mechanisms += [key[1]] if key[1] not in mechanisms else []
    return scenarios, sorted(mechanisms, key=lambda m: (sort_key[m], mechanisms.index(m))), cells


def validator_values(run, metric):
    """(validator names, [epochs x validators]) of the metric."""
    index = run.validators()
    if not index:
        raise LoadError(f"{run.path}: no peer ever held a validator permit with stake")
    dividends = np.asarray(run.series("dividends"), dtype=float)[:, index]
    if metric == "dividends":
        return [run.names[i] for i in index], dividends
    share = np.asarray(run.series("stake_weight"), dtype=float)[:, index]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(share > 0, dividends / share, np.nan)
    return [run.names[i] for i in index], ratio


def case_title(name):
    """"case02_kappa_moves_second" -> "2: kappa moves second"; other names as they are."""
    m = re.match(r"case(\d+)_(.*)", name)
    return f"case {int(m.group(1))}: {m.group(2).replace('_', ' ')}" if m else name.replace("_", " ")


def stake_note(run):
    index = run.validators()
    share = np.asarray(run.summary("initial_stake"), dtype=float)
    total = share.sum()
    return " / ".join(f"{run.names[i]} {share[i] / total:.2g}" for i in index) if total > 0 else ""


def draw_panel(ax, run, metric, color):
    """One run's validators as lines; `color` maps a validator's name to its colour."""
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    if metric == "per_stake":
        ax.axhline(1.0, color="grey", ls="--", lw=0.8)
    names, values = validator_values(run, metric)
    for name, col in zip(names, values.T):
        ax.plot(np.arange(run.epochs), col, color=color[name], lw=1.4, label=name,
                marker="o" if run.epochs <= 12 else None, ms=3)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    if run.epochs == 1:
        ax.set_xticks([0])
    ax.set_xlabel("epoch", fontsize=7)
    return names


def palette(runs, metric):
    """A colour per validator name, the same in every panel."""
    names = []
    for run in runs:
        names += [n for n in validator_values(run, metric)[0] if n not in names]
    return dict(zip(names, colors(max(len(names), 3))))


def plot_grid(runs, metric="per_stake", columns=2, title=None):
    """A panel per (scenario, mechanism). When some scenario ran under several mechanisms, each
    scenario is a block with its mechanisms side by side, `columns` blocks per row; otherwise
    each run is one panel, `columns` panels per row, with its own legend."""
    if metric not in METRICS:
        raise LoadError(f"unknown metric {metric!r} (choose from {', '.join(METRICS)})")
    scenarios, mechanisms, cells = arrange(runs)
    ylabel = "D / S" if metric == "per_stake" else "dividends"
    if len(cells) == len(scenarios):
        return panels(scenarios, cells, metric, columns, ylabel, title)
    color = palette(runs, metric)
    columns = max(1, min(columns, len(scenarios)))
    rows = (len(scenarios) + columns - 1) // columns
    m = len(mechanisms)
    fig = plt.figure(figsize=(columns * (m * 2.3 + 0.6), rows * 2.25 + 0.8), layout="constrained")
    header, body = fig.subfigures(2, 1, height_ratios=[0.8, rows * 2.25])
    subfigs = np.atleast_1d(body.subfigures(rows, columns, wspace=0.03, hspace=0.02)).ravel()
    for sub, scenario in zip(subfigs, scenarios):
        axes = np.atleast_1d(sub.subplots(1, m, sharey=True))
        first = next(cells[(scenario, k)] for k in mechanisms if (scenario, k) in cells)
        sub.suptitle(f"{case_title(scenario)}   (stake {stake_note(first)})", fontsize=9, fontweight="bold")
        for q, (ax, mech) in enumerate(zip(axes, mechanisms)):
            ax.set_title(mech, fontsize=8)
            if (scenario, mech) in cells:
                draw_panel(ax, cells[(scenario, mech)], metric, color)
            else:
                ax.text(0.5, 0.5, "not run", ha="center", va="center", transform=ax.transAxes, fontsize=8)
            if q == 0:
                ax.set_ylabel(ylabel, fontsize=8)
    for sub in subfigs[len(scenarios):]:
        sub.set_visible(False)
    handles = [Line2D([], [], color=c, lw=2, label=f"validator {n}") for n, c in color.items()]
    if metric == "per_stake":
        handles.append(Line2D([], [], color="grey", ls="--", lw=1, label="pro rata"))
    header.suptitle(title or f"{METRICS[metric]} per validator over epochs", fontsize=12)
    header.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=9, frameon=False)
    return fig


def panels(scenarios, cells, metric, columns, ylabel, title):
    """One panel per run, each with its own legend and colours."""
    columns = max(1, min(columns, len(scenarios)))
    rows = (len(scenarios) + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 3.6, rows * 2.9 + 0.5), squeeze=False,
                             layout="constrained")
    for ax, (scenario, mech) in zip(axes.flat, cells):
        run = cells[(scenario, mech)]
        ax.set_title(f"{scenario.replace('_', ' ')}\n{mech}", fontsize=8)
        draw_panel(ax, run, metric, palette([run], metric))
        ax.set_ylabel(ylabel, fontsize=8)
        ax.legend(fontsize=6, ncol=2 if len(validator_values(run, metric)[0]) > 4 else 1)
    for ax in list(axes.flat)[len(cells):]:
        ax.set_visible(False)
    fig.suptitle(title or f"{METRICS[metric]} per validator over epochs", fontsize=11)
    return fig


def totals(runs):
    """Rows (scenario, mechanism, {validator: total dividends / total stake share}) in page
    order: the validator's dividends summed over the run, over its stake share summed likewise."""
    scenarios, mechanisms, cells = arrange(runs)
    out = []
    for scenario in scenarios:
        for mech in mechanisms:
            run = cells.get((scenario, mech))
            if run is None:
                continue
            index = run.validators()
            d = np.asarray(run.series("dividends"), dtype=float)[:, index].sum(axis=0)
            s = np.asarray(run.series("stake_weight"), dtype=float)[:, index].sum(axis=0)
            out.append((scenario, mech, {run.names[i]: (dv / sv if sv > 0 else float("nan"))
                                         for i, dv, sv in zip(index, d, s)}))
    return out
