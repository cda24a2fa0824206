#!/usr/bin/env python3
"""Fig. 8 of the two-qubit-oscillator paper: suppression of synchronization.

(a) R_min, the value of R = Omega(g)/Omega(0) at its (deepest) interior
local minimum in g, over the bath gains; white where R has no local
minimum.  Axes w_B horizontal, w_A vertical; the vertical cut w_B = 0.82
carries the four points of (b).
(b) Omega/eps^2 versus g at w_B = 0.82 and w_A = 0.52, 0.46, 0.38, 0.25
(eps = 0.01).

Input: out/fig07/map/features.tsv (runs/fig07_map.ini, shared with Fig. 7)
and out/fig08/cut (runs/fig08b.ini).  Output: out/figures/fig08.png.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from qsync_tsv import read_tsv, ini_value, ROOT, grid, edges  # noqa: E402

COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red"]


def local_extrema(y):
    """Indices of interior local minima and maxima of a sampled curve."""
    i = np.arange(1, len(y) - 1)
    mins = i[(y[i] < y[i - 1]) & (y[i] <= y[i + 1])]
    maxs = i[(y[i] > y[i - 1]) & (y[i] >= y[i + 1])]
    return mins, maxs


def main():
    d = read_tsv(os.path.join(ROOT, "out", "fig07", "map", "features.tsv"))
    wa, wb, rmin = grid(d, "R_min")
    run_b = os.path.join(ROOT, "runs", "fig08b.ini")
    wb_cut, eps = ini_value(run_b, "w_B"), ini_value(run_b, "eps")
    cut = read_tsv(os.path.join(ROOT, "out", "fig08", "cut", "scan.tsv"))
    cut_f = read_tsv(os.path.join(ROOT, "out", "fig08", "cut", "features.tsv"))
    was = cut_f["w_A"]

    fig, (ax, axb) = plt.subplots(1, 2, figsize=(11.0, 4.6), layout="constrained",
                                  gridspec_kw={"width_ratios": [1.05, 1.0]})
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("white")
    m = ax.pcolormesh(edges(wb), edges(wa), rmin, cmap=cmap, vmin=0, vmax=1)
    cb = fig.colorbar(m, ax=ax, shrink=0.9)
    cb.set_label(r"$R_{\min}$ = R at its local minimum in $g$")
    ax.axhline(0.5, color="k", ls="--", lw=0.8)
    ax.axvline(0.5, color="k", ls="--", lw=0.8)
    ax.axvline(wb_cut, color="k", lw=1.2)
    for w, c in zip(was, COLORS):
        ax.plot(wb_cut, w, "o", color=c, mec="k", ms=7)
    ax.set_aspect("equal")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(r"$w_B$ (units of $\Gamma$; $\gamma_B = 1 - w_B$)")
    ax.set_ylabel(r"$w_A$ (units of $\Gamma$; $\gamma_A = 1 - w_A$)")
    ax.set_title(r"(a) $R_{\min}$, $\epsilon$ = 0.1; white: no local minimum; "
                 rf"line: $w_B$ = {wb_cut:g}", fontsize=10)

    report = []
    for w, c in zip(was, COLORS):
        s = cut["w_A"] == w
        g, om = cut["g"][s], cut["Omega"][s] / eps**2
        axb.plot(g, om, "-", color=c, lw=1.8, label=rf"$w_A$ = {w:g}")
        mins, maxs = local_extrema(om)
        axb.plot(g[mins], om[mins], "v", color=c, mec="k", ms=7)
        axb.plot(g[maxs], om[maxs], "^", color=c, mec="k", ms=7)
        report.append(f"w_A = {w:g}: Omega/eps^2(0) = {om[0]:.4f}; minima "
                      + ", ".join(f"{om[i]:.4f} at g = {g[i]:.3f}" for i in mins)
                      + "; maxima " + ", ".join(f"{om[i]:.4f} at g = {g[i]:.3f}" for i in maxs))
    axb.plot([], [], "v", color="0.5", mec="k", label="local minimum")
    axb.plot([], [], "^", color="0.5", mec="k", label="local maximum")
    axb.set_yscale("log")
    axb.set_ylim(1e-3, 1)
    axb.set_xlim(g[0], g[-1])
    axb.set_xlabel(r"coupling $g$ (units of $\Gamma$)")
    axb.set_ylabel(r"$\Omega/\epsilon^2$ (log scale)")
    axb.set_title(rf"(b) $w_B$ = {wb_cut:g}, $\epsilon$ = {eps:g}", fontsize=10)
    axb.legend(fontsize=9, loc="upper right", ncol=2)
    path = os.path.join(ROOT, "out", "figures", "fig08.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=130)

    WA, WB = np.meshgrid(wa, wb, indexing="ij")
    inverted = ((WA > 0.5) & (WB < 0.5)) | ((WA < 0.5) & (WB > 0.5))
    has = ~np.isnan(rmin)
    print(f"fig08: (a) local minimum in {has.sum()} of {rmin.size} cells, outside the inverted "
          f"quadrants: {np.sum(has & ~inverted)}; R_min {np.nanmin(rmin):.4f} .. "
          f"{np.nanmax(rmin):.4f}; more than one local minimum: "
          f"{np.sum(d['n_local_min'] > 1)} cells")
    for r in report:
        print("fig08: (b) " + r)


if __name__ == "__main__":
    main()
