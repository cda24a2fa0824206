#!/usr/bin/env python3
"""Fig. 12 of the two-qubit-oscillator paper (Appendix B): Omega with the
diagonal limit cycle (Eq. 11) against the best partially coherent
(block-diagonal) limit cycle.

(a) Omega/eps^2 and Omega_blocks/eps^2 versus g at the weakest drive of the
run file (eps = 0.01), w_A = 0.55, w_B = 0.09; (b) their relative
difference (Omega - Omega_blocks)/Omega for every eps of the run file.

Input: out/fig12/line (runs/fig12.ini).  Output: out/figures/fig12.png.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from qsync_tsv import read_tsv, ROOT  # noqa: E402

COLORS = ["tab:purple", "tab:orange", "tab:green", "tab:red"]


def main():
    d = read_tsv(os.path.join(ROOT, "out", "fig12", "line", "scan.tsv"))
    epss = np.unique(d["eps"])
    fig, (ax, axb) = plt.subplots(1, 2, figsize=(11.0, 4.4), layout="constrained")
    e0 = epss.min()
    s = d["eps"] == e0
    g = d["g"][s]
    ax.plot(g, d["Omega"][s] / e0**2, "-", color="tab:purple", lw=2.2,
            label=r"diagonal limit cycle, Eq. (11): $\Omega/\epsilon^2$")
    ax.plot(g[::5], d["Omega_blocks"][s][::5] / e0**2, "o", color="tab:orange", mfc="none",
            ms=6, label=r"partially coherent (App. B): $\Omega_{\rm blocks}/\epsilon^2$")
    ax.set_xlim(g[0], g[-1])
    ax.set_ylim(bottom=0)
    ax.set_xlabel(r"coupling $g$ (units of $\Gamma$)")
    ax.set_ylabel(r"$\Omega/\epsilon^2$ ($\epsilon$ in units of $\Gamma$)")
    ax.set_title(rf"(a) $w_A$ = 0.55, $w_B$ = 0.09, $\epsilon$ = {e0:g}", fontsize=10)
    ax.legend(fontsize=9, loc="upper right")
    lines = []
    for e, c in zip(epss, COLORS):
        s = d["eps"] == e
        om, ob = d["Omega"][s], d["Omega_blocks"][s]
        rel = np.where(om > 0, (om - ob) / np.where(om > 0, om, 1), np.nan)
        axb.semilogy(d["g"][s], rel, "-", color=c, lw=1.8, label=rf"$\epsilon$ = {e:g}")
        k = np.nanargmax(rel)
        lines.append(f"eps = {e:g}: max (Omega - Omega_blocks)/Omega = {rel[k]:.2e} at "
                     f"g = {d['g'][s][k]:.3f}, min {np.nanmin(rel):.2e}; "
                     f"Omega_blocks > Omega at {np.sum(ob > om * (1 + 1e-12))} points; "
                     f"max Omega/eps^2 = {om.max() / e**2:.5f} at g = {d['g'][s][np.argmax(om)]:.3f}")
    axb.set_xlim(d["g"][0], d["g"][-1])
    axb.set_xlabel(r"coupling $g$ (units of $\Gamma$)")
    axb.set_ylabel(r"$(\Omega - \Omega_{\rm blocks})/\Omega$ (log scale)")
    axb.set_title(r"(b) relative difference of the two measures", fontsize=10)
    axb.legend(fontsize=9, loc="upper right")
    path = os.path.join(ROOT, "out", "figures", "fig12.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=130)
    for line in lines:
        print("fig12: " + line)


if __name__ == "__main__":
    main()
