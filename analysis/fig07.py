#!/usr/bin/env python3
"""Fig. 7 of the two-qubit-oscillator paper: enhancement of synchronization.

(a) R_max (R = Omega(g)/Omega(0) maximized over g) over the bath gains,
white where R_max > 10; axes w_B horizontal, w_A vertical (as in Fig. 8).
(b) Omega at g = 0 and Omega maximized over g versus w_A, for w_B = 0.

Input: out/fig07/map/features.tsv (runs/fig07_map.ini) and out/fig07/wB0
(runs/fig07b.ini).  Output: out/figures/fig07.png.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402
from qsync_tsv import read_tsv, ROOT, grid, edges  # noqa: E402


def omega_max(curves, feat):
    """Omega maximized over g per sweep point: R_max * Omega0 (refined by
    qsync) where R is defined, else the largest Omega on the g grid."""
    wa = feat["w_A"]
    out = np.empty_like(wa)
    for i, w in enumerate(wa):
        grid_max = np.nanmax(curves["Omega"][curves["w_A"] == w])
        refined = feat["R_max"][i] * feat["Omega0"][i]
        out[i] = max(grid_max, refined) if np.isfinite(refined) else grid_max
    return out


def main():
    d = read_tsv(os.path.join(ROOT, "out", "fig07", "map", "features.tsv"))
    wa, wb, rmax = grid(d, "R_max")
    fig, (ax, axb) = plt.subplots(1, 2, figsize=(11.0, 4.6), layout="constrained",
                                  gridspec_kw={"width_ratios": [1.05, 1.0]})
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("white")
    shown = np.where(rmax <= 10, rmax, np.nan)
    m = ax.pcolormesh(edges(wb), edges(wa), shown, cmap=cmap, norm=LogNorm(1, 10))
    cb = fig.colorbar(m, ax=ax, shrink=0.9)
    cb.set_label(r"$R_{\max} = \max_g \Omega(g)/\Omega(0)$ (log scale)")
    cb.ax.yaxis.set_minor_formatter(NullFormatter())
    cb.set_ticks([1, 2, 3, 5, 10], labels=["1", "2", "3", "5", "10"])
    ax.axhline(0.5, color="k", ls="--", lw=0.8)
    ax.axvline(0.5, color="k", ls="--", lw=0.8)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$w_B$ (units of $\Gamma$; $\gamma_B = 1 - w_B$)")
    ax.set_ylabel(r"$w_A$ (units of $\Gamma$; $\gamma_A = 1 - w_A$)")
    ax.set_title(r"(a) $R_{\max}$, $\epsilon$ = 0.1; white: $R_{\max} > 10$", fontsize=10)

    curves = read_tsv(os.path.join(ROOT, "out", "fig07", "wB0", "scan.tsv"))
    feat = read_tsv(os.path.join(ROOT, "out", "fig07", "wB0", "features.tsv"))
    om = omega_max(curves, feat)
    axb.plot(feat["w_A"], om, "--", color="tab:orange", lw=2,
             label=r"$\Omega_{\max}$ (maximized over $g$)")
    axb.plot(feat["w_A"], feat["Omega0"], "-", color="tab:purple", lw=2,
             label=r"$\Omega|_{g=0}$ (uncoupled qubits)")
    axb.axvline(0.5, color="0.5", ls=":", lw=0.8)
    axb.set_xlim(0, 1)
    axb.set_ylim(bottom=0)
    axb.set_xlabel(r"$w_A$ (units of $\Gamma$; $\gamma_A = 1 - w_A$)")
    axb.set_ylabel(r"synchronization measure $\Omega$ (nats)")
    axb.set_title(r"(b) $w_B = 0$, $\gamma_B = 1$, $\epsilon$ = 0.1", fontsize=10)
    axb.legend(fontsize=9, loc="upper center")
    ins = axb.inset_axes([0.33, 0.33, 0.34, 0.36])
    ins.semilogy(feat["w_A"], om, "--", color="tab:orange", lw=1.5)
    ins.semilogy(feat["w_A"], np.where(feat["Omega0"] > 0, feat["Omega0"], np.nan), "-",
                 color="tab:purple", lw=1.5)
    ins.set_xlim(0.3, 0.7)
    ins.set_ylim(1e-6, 1e-2)
    ins.tick_params(labelsize=7)
    ins.set_xlabel(r"$w_A$ (log-scale zoom)", fontsize=7, labelpad=1)
    path = os.path.join(ROOT, "out", "figures", "fig07.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=130)

    i = int(np.nanargmax(np.where(np.isfinite(d["R_max"]), d["R_max"], np.nan)))
    print(f"fig07: (a) R_max > 10 in {np.sum(rmax > 10)} of {rmax.size} cells, > 1.01 in "
          f"{np.sum(rmax > 1.01)}; largest R_max = {d['R_max'][i]:.2f} at w_A = "
          f"{d['w_A'][i]:.4f}, w_B = {d['w_B'][i]:.4f} (g = {d['x_R_max'][i]:.3f}); "
          f"R_max > 1.01 with w_A outside [0.35, 0.65]: "
          f"{np.sum((rmax > 1.01) & ((wa[:, None] < 0.35) | (wa[:, None] > 0.65)))} cells")
    h = np.argmin(np.abs(feat["w_A"] - 0.5))
    enh = (feat["R_max"] > 1.0 + 1e-9) & (feat["x_R_max"] > 0)
    print(f"fig07: (b) at w_A = {feat['w_A'][h]:g}: Omega0 = {feat['Omega0'][h]:.3e}, "
          f"Omega_max = {om[h]:.3e}; Omega_max > Omega0 (interior maximum) for w_A in "
          f"{feat['w_A'][enh].min():g} .. {feat['w_A'][enh].max():g}; "
          f"largest R_max = {np.nanmax(feat['R_max']):.1f}")


if __name__ == "__main__":
    main()
