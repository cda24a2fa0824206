#!/usr/bin/env python3
"""Fig. 15 of the two-qubit-oscillator paper (Appendix D): enhancement and
suppression of synchronization of the two-qutrit oscillator.

R = Omega(g)/Omega(g=0) versus g for spin = 1 and two bath sets
(runs/fig15_{enh,sup}.ini), with the qubit (spin 1/2) curves of Fig. 6 at
the same baths for comparison when out/fig06 exists.

Input: out/fig15/{enh,sup} (and out/fig06/{enh,sup}).
Output: out/figures/fig15.png.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from qsync_tsv import read_tsv, ini_value, ROOT  # noqa: E402

CURVES = (("enh", "tab:purple"), ("sup", "tab:orange"))


def main():
    fig, ax = plt.subplots(figsize=(9.8, 4.8), layout="constrained")
    for name, color in CURVES:
        run = os.path.join(ROOT, "runs", f"fig15_{name}.ini")
        wa, wb, eps = (ini_value(run, k) for k in ("w_A", "w_B", "eps"))
        d = read_tsv(os.path.join(ROOT, "out", "fig15", name, "scan.tsv"))
        f = read_tsv(os.path.join(ROOT, "out", "fig15", name, "features.tsv"))
        ax.semilogy(d["g"], d["R"], "-", color=color, lw=2,
                    label=f"qutrits: $w_A$ = {wa:g}, $w_B$ = {wb:g}")
        rmax, xmax, rmin, xmin = (f[k][0] for k in ("R_max", "x_R_max", "R_min", "x_R_min"))
        if xmax > 0:
            ax.plot(xmax, rmax, "^", color=color, mec="k", ms=8)
        if not np.isnan(rmin):
            ax.plot(xmin, rmin, "v", color=color, mec="k", ms=8)
        qubit = os.path.join(ROOT, "out", "fig06", name, "scan.tsv")
        qrun = os.path.join(ROOT, "runs", f"fig06_{name}.ini")
        if os.path.exists(qubit) and (ini_value(qrun, "w_A"), ini_value(qrun, "w_B")) == (wa, wb):
            q = read_tsv(qubit)
            ax.semilogy(q["g"], q["R"], ":", color=color, lw=1.4,
                        label="qubits (Fig. 6), same baths")
        print(f"fig15: spin 1, w_A = {wa:g}, w_B = {wb:g}: Omega0 = {f['Omega0'][0]:.4e}, "
              f"R_max = {rmax:.4f} at g = {xmax:.4f}, R_min = {rmin:.4f} at g = {xmin:.4f}, "
              f"g0_A = {f['g0_A'][0]:.4f}, g0_B = {f['g0_B'][0]:.4f}")
    ax.axhline(1.0, color="0.5", lw=0.8, ls=":")
    ax.plot([], [], "^", color="0.5", mec="k", label=r"$R_{\max}$ (interior maximum)")
    ax.plot([], [], "v", color="0.5", mec="k", label=r"$R_{\min}$ (interior local minimum)")
    ax.set_xlim(d["g"][0], d["g"][-1])
    ax.set_xlabel(r"coupling $g$ (units of $\Gamma$)")
    ax.set_ylabel(r"$R = \Omega(g)/\Omega(g=0)$ (log scale)")
    ax.set_title(rf"two-qutrit oscillator (S = 1), $\epsilon$ = {eps:g}, "
                 r"$\gamma_j = 1 - w_j$", fontsize=10)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    path = os.path.join(ROOT, "out", "figures", "fig15.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=130)


if __name__ == "__main__":
    main()
