#!/usr/bin/env python3
"""Fig. 6 of the two-qubit-oscillator paper: enhancement and suppression of
synchronization.

(a) R = Omega(g)/Omega(g=0) (Eq. 13) versus g for three bath sets
(runs/fig06_{enh,sup,mix}.ini); (b) the dressed-basis coherences
|<T|rho|U>| and |<T|rho|D>| along the same curves.

Input: out/fig06/{enh,sup,mix} (analysis/figures.sh).
Output: out/figures/fig06.png.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from qsync_tsv import read_tsv, ini_value, cplx, ROOT  # noqa: E402

CURVES = (("enh", "tab:purple"), ("sup", "tab:orange"), ("mix", "tab:green"))


def main():
    fig, (ax, axb) = plt.subplots(1, 2, figsize=(11.0, 4.6), layout="constrained")
    for name, color in CURVES:
        run = os.path.join(ROOT, "runs", f"fig06_{name}.ini")
        wa, wb = ini_value(run, "w_A"), ini_value(run, "w_B")
        eps = ini_value(run, "eps")
        d = read_tsv(os.path.join(ROOT, "out", "fig06", name, "scan.tsv"))
        f = read_tsv(os.path.join(ROOT, "out", "fig06", name, "features.tsv"))
        label = f"$w_A$ = {wa:g}, $w_B$ = {wb:g}"
        ax.semilogy(d["g"], d["R"], "-", color=color, lw=1.8, label=label)
        rmax, xmax, rmin, xmin = (f[k][0] for k in ("R_max", "x_R_max", "R_min", "x_R_min"))
        if xmax > 0:
            ax.plot(xmax, rmax, "^", color=color, mec="k", ms=8)
        if not np.isnan(rmin):
            ax.plot(xmin, rmin, "v", color=color, mec="k", ms=8)
        axb.plot(d["g"], np.abs(cplx(d, "coh_TU")), "-", color=color, lw=1.6,
                 label=label + r": $|\langle T|\hat\rho|U\rangle|$")
        axb.plot(d["g"], np.abs(cplx(d, "coh_TD")), "--", color=color, lw=1.6,
                 label=label + r": $|\langle T|\hat\rho|D\rangle|$")
        print(f"fig06: w_A = {wa:g}, w_B = {wb:g}: Omega0 = {f['Omega0'][0]:.4e}, "
              f"R_max = {rmax:.4f} at g = {xmax:.4f}, R_min = {rmin:.4f} at g = {xmin:.4f}, "
              f"g0_A = {f['g0_A'][0]:.4f}, g0_B = {f['g0_B'][0]:.4f}")
    ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    ax.plot([], [], "^", color="0.5", mec="k", label=r"$R_{\max}$ (interior maximum)")
    ax.plot([], [], "v", color="0.5", mec="k", label=r"$R_{\min}$ (interior local minimum)")
    ax.set_xlim(d["g"][0], d["g"][-1])
    ax.set_xlabel(r"coupling $g$ (units of $\Gamma$)")
    ax.set_ylabel(r"$R = \Omega(g)/\Omega(g=0)$ (log scale)")
    ax.set_title(rf"(a) synchronization ratio, $\epsilon$ = {eps:g}, "
                 r"$\gamma_j = 1 - w_j$", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    axb.set_xlim(d["g"][0], d["g"][-1])
    axb.set_ylim(bottom=0)
    axb.set_xlabel(r"coupling $g$ (units of $\Gamma$)")
    axb.set_ylabel(r"dressed-basis coherence magnitude")
    axb.set_title(rf"(b) coherences in the dressed basis, $\epsilon$ = {eps:g}", fontsize=10)
    axb.legend(fontsize=7.5, loc="upper right")
    path = os.path.join(ROOT, "out", "figures", "fig06.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=130)


if __name__ == "__main__":
    main()
