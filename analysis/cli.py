"""The plotting commands: python3 -m analysis COMMAND ... -o OUT.png. Each reads a run (or a
sweep directory), draws one figure and writes it as PNG (or SVG for OUT.svg; --svg writes both).
A run without the datasets a command needs gets one line saying which and how to get it, and
exit status 2."""
import argparse
import sys

from . import grid, plots, sweeps
from .load import LoadError, Run, Sweep, load

EXAMPLES = """examples (Debian's python3, which has h5py, numpy and matplotlib):
  /usr/bin/python3 -m analysis dividends out/run.h5 -o dividends.png
  /usr/bin/python3 -m analysis bonds out/run.h5 -o bonds.png --svg
  /usr/bin/python3 -m analysis weights out/run.h5 -o weights.png --epochs 0,1,-1
  /usr/bin/python3 -m analysis sweep-heatmap out/sweep --x group_share.cabal --y mechanism.kappa \\
      --metric cabal/emission_share --where mechanism.bonds_penalty=1 -o heat.png
  /usr/bin/python3 -m analysis grid out/cases/*.h5 -o cases.png
  /usr/bin/python3 -m analysis info out/sweep
"""


def csv_list(text):
    return [t for t in text.split(",") if t] if text else None


def int_list(text):
    try:
        return [int(t) for t in text.split(",") if t]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers separated by commas, got {text!r}") from None


def add_output(p):
    p.add_argument("-o", "--out", required=True, help="output image: .png, or .svg")
    p.add_argument("--svg", action="store_true", help="also write an SVG next to the PNG")
    p.add_argument("--title", help="figure title (default: what it shows and the run)")


def add_series_command(sub, name, help_text):
    p = sub.add_parser(name, help=help_text, description=help_text + ". Lines over epochs, one per peer "
                       "(runs of up to 12 peers) or per group (summed over the group's peers).")
    p.add_argument("run", help="a run's HDF5 file")
    add_output(p)
    p.add_argument("--by", choices=["auto", "peer", "group"], default="auto",
                   help="one line per peer or per group (default: peers if at most 12, else groups)")
    p.add_argument("--peers", type=csv_list, help="peers to draw, by name, comma-separated")
    p.add_argument("--top", type=int, default=10, help="at most this many peers, the largest (default 10)")
    add_scale(p)
    p.set_defaults(func=lambda a: plots.plot_series(load_run(a.run), name, a.by, a.peers, a.top, a.title,
                                                    a.share, a.logy))


def check_fmt(fmt):
    try:
        format(0.5, fmt)
    except ValueError:
        raise LoadError(f"--fmt {fmt!r} is not a Python number format (e.g. .3f, .2g)") from None
    return fmt


def add_scale(p):
    p.add_argument("--share", action="store_true", help="each epoch as shares of its total over all peers")
    p.add_argument("--logy", action="store_true", help="logarithmic y axis")


def add_labels(p, y=True):
    p.add_argument("--xlabel", help="axis label of --x, with its units (default: the column name)")
    if y:
        p.add_argument("--ylabel", help="axis label of --y, with its units (default: the column name)")
    p.add_argument("--metric-label", help="label of the metric, with its units (default: the column name)")


def labels(a):
    return {a.x: a.xlabel, getattr(a, "y", None): getattr(a, "ylabel", None), a.metric: a.metric_label,
            getattr(a, "by", None): getattr(a, "by_label", None)}


def build_parser():
    ap = argparse.ArgumentParser(prog="python3 -m analysis", description="Figures from btsim HDF5 runs and "
                                 "sweeps (schema: docs/hdf5-schema.md).", epilog=EXAMPLES,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    for name, text in [("dividends", "dividends per peer or group over epochs"),
                       ("incentive", "incentive per peer or group over epochs"),
                       ("consensus", "consensus per peer or group over epochs"),
                       ("emission", "emission in tokens per peer or group over epochs")]:
        add_series_command(sub, name, text)

    p = sub.add_parser("series", help="any [epochs x peers] series over epochs",
                       description="Lines over epochs of any /epochs dataset, e.g. validator_trust or stake.")
    p.add_argument("run")
    p.add_argument("--dataset", required=True, help="name under /epochs, e.g. validator_trust")
    add_output(p)
    p.add_argument("--by", choices=["auto", "peer", "group"], default="auto")
    p.add_argument("--peers", type=csv_list)
    p.add_argument("--top", type=int, default=10)
    add_scale(p)
    p.set_defaults(func=lambda a: plots.plot_series(load_run(a.run), a.dataset, a.by, a.peers, a.top, a.title,
                                                    a.share, a.logy))

    p = sub.add_parser("xy", help="one series against another across peers, at one epoch",
                       description="One [epochs x peers] series against another at one epoch, a point per "
                       "peer (e.g. consensus against trust, the whitepaper's Figure 4).")
    p.add_argument("run")
    p.add_argument("--x", required=True, help="series under /epochs for the x axis, e.g. trust")
    p.add_argument("--y", required=True, help="series under /epochs for the y axis, e.g. consensus")
    p.add_argument("--epoch", type=int, default=-1, help="the epoch (negative from the end; default the last)")
    p.add_argument("--match", help="only peers whose name matches this regular expression")
    add_output(p)
    p.set_defaults(func=lambda a: plots.plot_xy(load_run(a.run), a.x, a.y, a.epoch, a.match, a.title))

    p = sub.add_parser("bonds", help="bonds heat map over epochs (needs /epochs/bonds)",
                       description="Heat map of bonds: one row per holder -> target pair with a non-zero "
                       "bond (or per group pair), epochs across. Needs a run with output.bonds = true.")
    p.add_argument("run")
    add_output(p)
    p.add_argument("--by", choices=["auto", "pair", "group"], default="auto",
                   help="rows per peer pair or per group pair (default: pairs if at most 12 peers)")
    p.add_argument("--top", type=int, default=40, help="at most this many pairs, the largest (default 40)")
    p.set_defaults(func=lambda a: plots.plot_bonds(load_run(a.run), a.by, a.top, a.title))

    p = sub.add_parser("weights", help="weight matrices at some epochs (needs /epochs/weights)",
                       description="Weight matrices (setters x receivers, rows normalised) at chosen "
                       "epochs. Needs a run with output.weights = true.")
    p.add_argument("run")
    add_output(p)
    p.add_argument("--epochs", type=int_list, help="epochs, comma-separated, negative from the end "
                   "(default: the first, each change, the last; at most 6)")
    p.set_defaults(func=lambda a: plots.plot_weights(load_run(a.run), a.epochs, a.title))

    p = sub.add_parser("sweep-heatmap", help="a metric over two sweep parameters",
                       description="Heat map of a sweep column over two others (DIR/summary.h5, one row "
                       "per run). Each (x, y) pair must occur once; narrow with --where.")
    p.add_argument("sweep", help="a sweep directory holding summary.h5")
    p.add_argument("--x", required=True, help="column across")
    p.add_argument("--y", required=True, help="column up")
    p.add_argument("--metric", required=True, help="column shown in the cells")
    p.add_argument("--where", action="append", help="COLUMN=VALUE, keep matching rows (repeatable)")
    p.add_argument("--fmt", default=".3f", help="Python format of the cell values (default .3f; e.g. .2g)")
    add_labels(p)
    add_output(p)
    p.set_defaults(func=lambda a: sweeps.plot_heatmap(load_sweep(a.sweep), a.x, a.y, a.metric, a.where,
                                                      labels(a), title=a.title, fmt=check_fmt(a.fmt)))

    p = sub.add_parser("sweep-curve", help="a metric against one sweep parameter",
                       description="Curves of a sweep column against another, one per value of --by.")
    p.add_argument("sweep", help="a sweep directory holding summary.h5")
    p.add_argument("--x", required=True)
    p.add_argument("--metric", required=True)
    p.add_argument("--by", help="one curve per value of this column")
    p.add_argument("--where", action="append", help="COLUMN=VALUE, keep matching rows (repeatable)")
    p.add_argument("--diagonal", action="store_true", help="draw y = x (pro rata)")
    add_labels(p, y=False)
    p.add_argument("--by-label", help="legend name of the --by column (default: its name)")
    add_output(p)
    p.set_defaults(func=lambda a: sweeps.plot_curves(load_sweep(a.sweep), a.x, a.metric, a.by, a.where,
                                                     labels(a), title=a.title, diagonal=a.diagonal))

    p = sub.add_parser("grid", help="one page: dividends per validator, a panel per scenario x mechanism",
                       description="A page of small panels, one per (scenario, mechanism) among the runs "
                       "given, for scanning many runs (e.g. the 22 named cases under each mechanism).")
    p.add_argument("runs", nargs="+", help="run files")
    p.add_argument("--metric", choices=sorted(grid.METRICS), default="per_stake",
                   help="per_stake: dividends / stake share (1 = pro rata); dividends: the raw share")
    p.add_argument("--columns", type=int, default=2, help="scenario blocks per row (default 2)")
    add_output(p)
    p.set_defaults(func=lambda a: grid.plot_grid([load_run(r) for r in a.runs], a.metric, a.columns, a.title))

    p = sub.add_parser("info", help="what a run or sweep holds",
                       description="Prints a run's attributes and datasets with their shapes, or a "
                       "sweep's columns.")
    p.add_argument("path", help="a run's HDF5 file or a sweep directory")
    p.set_defaults(func=None)
    return ap


def load_run(path):
    obj = load(path)
    if not isinstance(obj, Run):
        raise LoadError(f"{path} is a sweep directory; this command takes one run's HDF5 file")
    return obj


def load_sweep(path):
    obj = load(path)
    if not isinstance(obj, Sweep):
        raise LoadError(f"{path} is a run; this command takes a sweep directory (DIR/summary.h5)")
    return obj


def info(path):
    obj = load(path)
    if isinstance(obj, Sweep):
        print(f"{obj.summary_path}: sweep, {obj.rows} runs")
        for k, v in sorted(obj.columns.items()):
            print(f"  {k:30s} {v.dtype}")
        return
    print(f"{obj.path}: {obj.name} ({obj.label()}, {obj.attrs.get('arithmetic')}), {obj.n} peers, "
          f"{obj.epochs} epochs")
    for k, v in sorted(obj.attrs.items()):
        if k != "scenario":
            print(f"  @{k} = {v}")
    for k in obj.datasets():
        unit = obj.units.get(k)
        print(f"  {k:30s} {str(list(obj.data[k].shape)):18s} {obj.data[k].dtype}{'  ' + unit if unit else ''}")


def main(argv=None):
    ap = build_parser()
    args = ap.parse_args(argv)
    if not args.command:
        ap.print_help()
        return 2
    try:
        if args.command == "info":
            info(args.path)
            return 0
        fig = args.func(args)
        for path in plots.save(fig, args.out, args.svg):
            print(path)
    except LoadError as e:
        print(f"analysis {args.command}: {e}", file=sys.stderr)
        return 2
    return 0
