"""Figures of a sweep (a Sweep from load.py: one row per run): a heat map of a metric over two
parameters, and curves of a metric against one parameter, one curve per value of another."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from .load import LoadError  # noqa: E402
from .plots import colors  # noqa: E402


def parse_where(sweep, clauses):
    """Row mask for clauses "COLUMN=VALUE" (numbers compared as numbers)."""
    mask = np.ones(sweep.rows, dtype=bool)
    for clause in clauses or []:
        if "=" not in clause:
            raise LoadError(f"--where {clause!r}: expected COLUMN=VALUE")
        key, value = clause.split("=", 1)
        col = sweep.column(key)
        if col.dtype.kind in "fiu":
            try:
                mask &= np.isclose(col.astype(float), float(value))
            except ValueError:
                raise LoadError(f"--where {clause!r}: {key} is numeric") from None
        else:
            mask &= np.array([str(v) == value for v in col])
    if not mask.any():
        raise LoadError(f"no run matches {' and '.join(clauses)}")
    return mask


def axis_label(name, labels):
    """The label given for a column, else the column's name."""
    return (labels or {}).get(name) or name


def plot_heatmap(sweep, x, y, metric, where=None, labels=None, title=None, fmt=".3f"):
    """Cells: the metric at each (x, y) pair; every pair must occur once among the chosen rows."""
    mask = parse_where(sweep, where)
    xs, ys, ms = (sweep.column(c)[mask] for c in (x, y, metric))
    ux, uy = np.unique(xs), np.unique(ys)
    grid = np.full((len(uy), len(ux)), np.nan)
    for xv, yv, mv in zip(xs, ys, ms):
        a, b = np.searchsorted(uy, yv), np.searchsorted(ux, xv)
        if not np.isnan(grid[a, b]):
            raise LoadError(f"several runs at {x}={xv}, {y}={yv}: choose one with --where COLUMN=VALUE")
        grid[a, b] = mv
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * len(ux) + 1.6, 1.2 + 0.5 * len(uy) + 0.8), layout="constrained")
    im = ax.imshow(grid, origin="lower", aspect="auto", cmap="magma", interpolation="nearest")
    ax.set_xticks(range(len(ux)))
    ax.set_xticklabels([f"{v:g}" if np.issubdtype(type(v), np.number) else str(v) for v in ux], fontsize=8)
    ax.set_yticks(range(len(uy)))
    ax.set_yticklabels([f"{v:g}" if np.issubdtype(type(v), np.number) else str(v) for v in uy], fontsize=8)
    ax.set_xlabel(axis_label(x, labels))
    ax.set_ylabel(axis_label(y, labels))
    lo, hi = np.nanmin(grid), np.nanmax(grid)
    for (a, b), v in np.ndenumerate(grid):
        if not np.isnan(v):
            light = hi > lo and (v - lo) / (hi - lo) < 0.6
            ax.text(b, a, format(v, fmt), ha="center", va="center", fontsize=7, color="white" if light else "black")
    fig.colorbar(im, ax=ax, label=axis_label(metric, labels))
    ax.set_title(title or f"{axis_label(metric, labels)} over {axis_label(x, labels)} and {axis_label(y, labels)}",
                 fontsize=10)
    return fig


def plot_curves(sweep, x, metric, by=None, where=None, labels=None, title=None, diagonal=False):
    """The metric against x, one line per value of `by` (rows sorted by x)."""
    mask = parse_where(sweep, where)
    xs, ms = sweep.column(x)[mask].astype(float), sweep.column(metric)[mask].astype(float)
    keys = sweep.column(by)[mask] if by else np.array([""] * int(mask.sum()), dtype=object)
    fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
    values = list(dict.fromkeys(keys.tolist()))
    for value, c in zip(values, colors(len(values))):
        sel = np.array([k == value for k in keys])
        order = np.argsort(xs[sel], kind="stable")
        label = f"{axis_label(by, labels)} = {value:g}" if by and isinstance(value, float) else str(value)
        ax.plot(xs[sel][order], ms[sel][order], marker="o", color=c, label=label if by else None)
    if diagonal:
        lo, hi = min(xs.min(), ms.min(), 0), max(xs.max(), ms.max(), 1)
        ax.plot([lo, hi], [lo, hi], ls="--", color="grey", lw=1, label="pro rata (y = x)")
    ax.set_xlabel(axis_label(x, labels))
    ax.set_ylabel(axis_label(metric, labels))
    ax.set_title(title or f"{axis_label(metric, labels)} against {axis_label(x, labels)}", fontsize=10)
    ax.grid(alpha=0.3)
    if by or diagonal:
        ax.legend(fontsize=8)
    return fig
