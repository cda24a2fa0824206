#!/usr/bin/env python3
"""Fig. 4 of the two-qubit-oscillator paper: where the zero crossings exist.

Maps of g_{0,A} and g_{0,B} (first zero crossing of <S+_j> in g, Appendix C
first order) over the bath gains, gamma_j = 1 - w_j.  White: no crossing;
red in (a): g_{0,A} > 4.  Axes: w_B horizontal, w_A vertical (the paper's
Fig. 8 speaks of a "vertical cut" at fixed w_B; we use the same
orientation for every map).

Input: out/fig04/map/features.tsv (qsync scan of runs/fig04.ini).
Output: out/figures/fig04.png.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from qsync_tsv import read_tsv, ROOT, grid, edges  # noqa: E402


def main():
    d = read_tsv(os.path.join(ROOT, "out", "fig04", "map", "features.tsv"))
    wa, wb, g0a = grid(d, "g0_A")
    _, _, g0b = grid(d, "g0_B")
    WA, WB = np.meshgrid(wa, wb, indexing="ij")
    inverted = ((WA > 0.5) & (WB < 0.5)) | ((WA < 0.5) & (WB > 0.5))

    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.6), layout="constrained")
    vmax = {"A": 4.0, "B": float(np.ceil(np.nanmax(g0b) * 2) / 2)}
    for ax, j, g0 in zip(axes, "AB", (g0a, g0b)):
        cmap = plt.get_cmap("viridis").copy()
        cmap.set_bad("white")
        shown = np.where(g0 <= vmax[j], g0, np.nan)
        m = ax.pcolormesh(edges(wb), edges(wa), shown, cmap=cmap, vmin=0, vmax=vmax[j],
                          shading="flat")
        big = np.where(g0 > vmax[j], 1.0, np.nan)
        if np.any(big == 1):
            ax.pcolormesh(edges(wb), edges(wa), big, cmap=ListedColormap(["red"]),
                          shading="flat")
        cb = fig.colorbar(m, ax=ax, shrink=0.9)
        cb.set_label(rf"$g_{{0,{j}}}$ (units of $\Gamma$)")
        ax.axhline(0.5, color="k", ls="--", lw=0.8)
        ax.axvline(0.5, color="k", ls="--", lw=0.8)
        ax.set_xlabel(r"$w_B$ (units of $\Gamma$; $\gamma_B = 1 - w_B$)")
        ax.set_ylabel(r"$w_A$ (units of $\Gamma$; $\gamma_A = 1 - w_A$)")
        ax.set_aspect("equal")
        title = f"({'ab'['AB'.index(j)]}) zero crossing of qubit {j}"
        if j == "A":
            title += r"; red: $g_{0,A} > 4$"
        ax.set_title(title + "; white: none", fontsize=10)
    fig.suptitle("first order in $\\epsilon$ (Appendix C), $g$ scanned on [0, 50]; "
                 "dashed: infinite-temperature baths $w_j = \\gamma_j$", fontsize=10)
    path = os.path.join(ROOT, "out", "figures", "fig04.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=130)

    for j, g0 in zip("AB", (g0a, g0b)):
        has = ~np.isnan(g0)
        print(f"fig04: qubit {j}: crossings in {has.sum()} of {g0.size} cells; "
              f"outside the inverted quadrants: {np.sum(has & ~inverted)}; "
              f"inverted cells without crossing: {np.sum(inverted & ~has)} of "
              f"{inverted.sum()}; g0 range {np.nanmin(g0):.3f} .. {np.nanmax(g0):.3f}; "
              f"cells with g0 > 4: {np.sum(g0 > 4)}")


if __name__ == "__main__":
    main()
