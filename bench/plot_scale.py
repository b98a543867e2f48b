#!/usr/bin/python3
"""Plots bench/scale_results.tsv: epoch time and peak memory against the number of weights.
Usage: plot_scale.py RESULTS.tsv OUT.png"""
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

def main(src, dst):
    rows = [line.rstrip("\n").split("\t") for line in open(src)][1:]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for kind in sorted({r[0] for r in rows}):
        for t in sorted({r[1] for r in rows}):
            pts = sorted((int(r[3]), float(r[4]), float(r[5]), float(r[6])) for r in rows if r[0] == kind and r[1] == t)
            if not pts:
                continue
            nnz = [p[0] for p in pts]
            ax1.loglog(nnz, [p[1] for p in pts], "o-", label=f"{kind}, {t} thread{'s' if t != '1' else ''}")
            if t == "1":
                ax1.loglog(nnz, [p[2] for p in pts], ":", color="gray")
                ax2.loglog(nnz, [p[3] for p in pts], "o-", label=kind)
    ax1.set_xlabel("weights (nnz)")
    ax1.set_ylabel("epoch time (ms)")
    ax1.set_title("Epoch time (dotted: one streaming pass)")
    ax1.legend(fontsize=8)
    ax2.set_xlabel("weights (nnz)")
    ax2.set_ylabel("peak resident memory (MiB)")
    ax2.set_title("Peak memory")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(dst, dpi=110)

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
