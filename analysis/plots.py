"""Figures of one run: a series over epochs per peer or per group (dividends, incentive,
consensus, ...), the bonds as a heat map over epochs, and weight matrices at chosen epochs.
Each function takes a loaded Run and returns a matplotlib Figure; save() writes PNG or SVG."""
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .load import LoadError  # noqa: E402

DPI = 100

# What each /epochs series is, for axis labels: (label, units).
SERIES = {
    "dividends": ("dividends", "share of the epoch's validator emission"),
    "incentive": ("incentive", "share of the epoch's server emission"),
    "consensus": ("consensus", "kappa stake-median of the column, fraction of a row"),
    "validator_trust": ("validator trust", "fraction of a row kept after clipping"),
    "emission": ("emission", "tokens per epoch"),
    "server_emission": ("server emission", "tokens per epoch"),
    "validator_emission": ("validator emission", "tokens per epoch"),
    "stake": ("stake", "tokens"),
    "stake_weight": ("stake weight", "share of total stake"),
    "active_stake": ("active stake", "share of active stake"),
    "trust": ("trust", "share of stake with a non-zero edge to the peer"),
    "rank": ("rank", "fraction"),
}
RAO_PER_TOKEN = 1e9


def save(fig, out, svg=False):
    """Writes fig to out (PNG, or SVG when out ends in .svg); svg=True also writes OUT.svg."""
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=DPI)
    written = [out]
    if svg and not out.endswith(".svg"):
        fig.savefig(os.path.splitext(out)[0] + ".svg")
        written.append(os.path.splitext(out)[0] + ".svg")
    plt.close(fig)
    return written


def colors(k):
    cmap = plt.get_cmap("tab10" if k <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(k)]


SIGMOID_KINDS = ("whitepaper", "yuma0")


def run_title(run):
    """name (mechanism, bonds penalty where the kind uses it, arithmetic)."""
    beta = "" if run.attrs.get("mechanism") in SIGMOID_KINDS else f", \u03b2 = {run.bonds_penalty():g}"
    return f"{run.name} ({run.label()}{beta}, {run.attrs.get('arithmetic', '?')})"


def series_label(run, name):
    """(label, units) of an /epochs series for axis labels."""
    if name == "consensus" and run.attrs.get("mechanism") in SIGMOID_KINDS:
        return "consensus", "c = sigmoid(rho (t - kappa))"
    return SERIES.get(name, (name.replace("_", " "), run.units.get("/epochs/" + name, "")))


def series_values(run, name):
    """The series in display units (emission in tokens rather than rao)."""
    values = np.asarray(run.series(name), dtype=float)
    if values.ndim != 2:
        raise LoadError(f"{run.path}: /epochs/{name} is not [epochs x peers]")
    if run.units.get("/epochs/" + name) == "rao":
        values = values / RAO_PER_TOKEN
    return values


def choose_columns(run, values, by, peers, top):
    """(labels, [epochs x k] columns) for a per-peer or per-group plot."""
    if by == "auto":
        by = "peer" if peers or run.n <= 12 else "group"
    if by == "group":
        return run.by_group(values)
    index = run.peer_index(peers) if peers else [i for i in range(run.n) if np.any(values[:, i] != 0)]
    if not index:
        index = list(range(run.n))
    if top and len(index) > top:
        totals = np.abs(values[:, index]).sum(axis=0)
        index = [index[q] for q in sorted(np.argsort(-totals, kind="stable")[:top])]
    return [run.names[i] for i in index], values[:, index]


def plot_series(run, name, by="auto", peers=None, top=10, title=None, share=False, logy=False):
    """Lines over epochs, one per peer (or per group, summed); share=True divides each epoch by
    its total over all peers first."""
    label, units = series_label(run, name)
    values = series_values(run, name)
    if share:
        total = values.sum(axis=1, keepdims=True)
        values = np.divide(values, total, out=np.zeros_like(values), where=total != 0)
        label, units = f"{label} share", "fraction of the epoch's total"
    labels, cols = choose_columns(run, values, by, peers, top)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    epochs = np.arange(run.epochs)
    marker = "o" if run.epochs <= 12 else None
    for lab, col, c in zip(labels, cols.T, colors(len(labels))):
        ax.plot(epochs, col, label=lab, color=c, marker=marker, lw=1.8)
    grouped = by == "group" or (by == "auto" and not peers and run.n > 12)
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"{label}{' (group sum)' if grouped else ''}\n[{units}]" if units else label)
    ax.set_title(title or f"{label} per {'group' if grouped else 'peer'}: {run_title(run)}", fontsize=10)
    ax.grid(alpha=0.3)
    if logy:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if run.epochs == 1:
        ax.set_xticks([0])
    ax.legend(title="group" if grouped else "peer", fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    fig.tight_layout()
    return fig


def plot_xy(run, x, y, epoch=-1, match=None, title=None):
    """One series against another across peers at one epoch (e.g. consensus against trust),
    one point per peer whose name matches the regular expression `match`."""
    xs, ys = series_values(run, x), series_values(run, y)
    if not -run.epochs <= epoch < run.epochs:
        raise LoadError(f"epoch {epoch} is outside 0..{run.epochs - 1}")
    index = [i for i, n in enumerate(run.names) if not match or re.search(match, n)]
    if not index:
        raise LoadError(f"{run.path}: no peer name matches {match!r}")
    order = sorted(index, key=lambda i: xs[epoch, i])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(xs[epoch, order], ys[epoch, order], marker="o", lw=1.2)
    for name, set_label in ((x, ax.set_xlabel), (y, ax.set_ylabel)):
        label, unit = series_label(run, name)
        set_label(f"{label} [{unit}]" if unit else label)
    ax.grid(alpha=0.3)
    ax.set_title(title or f"{y} against {x} at epoch {epoch % run.epochs}: {run_title(run)}", fontsize=10)
    fig.tight_layout()
    return fig


def bond_rows(run, by, top):
    """(labels, [k x epochs]) bonds per holder->target pair, or summed per group pair."""
    bonds = np.asarray(run.bonds(), dtype=float)
    e, n, _ = bonds.shape
    if by == "auto":
        by = "pair" if n <= 12 else "group"
    if by == "group":
        names = run.group_names()
        member = [np.array([g == name for g in run.groups]) for name in names]
        labels, rows = [], []
        for a, ma in zip(names, member):
            for b, mb in zip(names, member):
                block = bonds[:, ma][:, :, mb].reshape(e, -1)
                held = np.any(block != 0, axis=0)
                if held.any():
                    labels.append(f"{a} \u2192 {b}")
                    rows.append(block[:, held].mean(axis=1))
        return labels, np.array(rows).reshape(len(rows), e), "mean bond of the pairs\nthat ever hold one"
    flat = bonds.reshape(e, n * n)
    keep = [k for k in range(n * n) if np.any(flat[:, k])]
    if top and len(keep) > top:
        totals = flat[:, keep].sum(axis=0)
        keep = [keep[q] for q in sorted(np.argsort(-totals, kind="stable")[:top])]
    labels = [f"{run.names[k // n]} \u2192 {run.names[k % n]}" for k in keep]
    return labels, flat[:, keep].T.reshape(len(keep), e), "bond of holder on target"


def plot_bonds(run, by="auto", top=40, title=None):
    """Heat map: one row per holder->target pair with a non-zero bond, epochs across."""
    labels, rows, what = bond_rows(run, by, top)
    if not labels:
        raise LoadError(f"{run.path}: every bond is 0 in every epoch; nothing to draw")
    kind = run.attrs.get("mechanism")
    scale = "per pair, 0 to 1" if kind == "yuma3" else "column-normalised" if kind == "yuma" else "fraction"
    fig, ax = plt.subplots(figsize=(8.5, max(3.0, 1.6 + 0.28 * len(labels))))
    im = ax.imshow(rows, aspect="auto", cmap="viridis", interpolation="nearest",
                   extent=(-0.5, run.epochs - 0.5, len(labels) - 0.5, -0.5), vmin=0)
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlabel("epoch")
    ax.set_ylabel("holder \u2192 target")
    ax.set_title(title or f"bonds over epochs: {run_title(run)}", fontsize=10)
    bar = fig.colorbar(im, ax=ax, pad=0.02)
    bar.set_label(f"{what}\n[{scale}]", fontsize=8)
    fig.tight_layout()
    return fig


def weight_epochs(weights, wanted, most=6):
    """Epochs to draw: the ones asked for (negative counts from the end), or else the first
    epoch, every epoch where the matrix changed (up to `most` in all) and the last."""
    e = weights.shape[0]
    if wanted:
        out = []
        for w in wanted:
            if not -e <= w < e:
                raise LoadError(f"epoch {w} is outside 0..{e - 1}")
            out.append(w % e)
        return out
    changes = [0] + [t for t in range(1, e) if not np.array_equal(weights[t], weights[t - 1])]
    picked = changes[:most - 1]
    if e - 1 not in picked:
        picked.append(e - 1)
    return picked


def plot_weights(run, epochs=None, title=None):
    """Weight matrices (rows: setters, columns: receivers, each row normalised) at some epochs."""
    weights = np.asarray(run.weights(), dtype=float)
    picked = weight_epochs(weights, epochs)
    used = weights[picked]
    rows = [i for i in range(run.n) if np.any(used[:, i, :])]
    cols = [j for j in range(run.n) if np.any(used[:, :, j])]
    if not rows:
        raise LoadError(f"{run.path}: no peer set weights at epochs {picked}; nothing to draw")
    k = len(picked)
    ncols = min(k, 3)
    nrows = (k + ncols - 1) // ncols
    size = max(2.6, min(5.0, 0.35 * max(len(rows), len(cols)) + 1.5))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + 1.2, size * nrows + 0.6), squeeze=False)
    annotate = len(rows) * len(cols) <= 64
    for ax, t in zip(axes.flat, picked):
        m = weights[t][np.ix_(rows, cols)]
        im = ax.imshow(m, cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(f"epoch {t}", fontsize=10)
        ticks = [(ax.set_xticks, ax.set_xticklabels, cols), (ax.set_yticks, ax.set_yticklabels, rows)]
        for set_ticks, set_labels, idx in ticks:
            if len(idx) <= 24:
                set_ticks(range(len(idx)))
                set_labels([run.names[i] for i in idx], fontsize=8)
        ax.set_xlabel("receiver")
        ax.set_ylabel("setter")
        if annotate:
            for (a, b), v in np.ndenumerate(m):
                if v:
                    ax.text(b, a, f"{v:.2f}", ha="center", va="center", fontsize=7,
                            color="white" if v > 0.6 else "black")
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    fig.suptitle(title or f"weights (each row normalised to 1): {run_title(run)}", fontsize=10)
    fig.tight_layout()
    fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label="weight [fraction of the setter's row]")
    return fig
