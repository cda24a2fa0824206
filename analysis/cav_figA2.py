"""Fig. A2 of the driven-resonator paper: maximal Bell-CHSH value of the
qubit pair (cavity traced out) versus omega - omega0 for antisymmetric
detunings Delta = +-0.5, gamma = 0.025, gamma_s = 0.02 gamma, at increasing
drives labelled by <n> = 4 F^2 / gamma^2 (RWA steady state).
Data: out/cav_figA2/rwa (analysis/cavity_figures.sh A2)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qsync_tsv import ROOT, read_tsv

GAMMA = 0.025


def main():
    d = read_tsv(os.path.join(ROOT, "out/cav_figA2/rwa/summary.tsv"))
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    for f in np.unique(d["F"]):
        k = d["F"] == f
        n = 4 * f * f / GAMMA ** 2
        line, = ax.plot(d["domega"][k], d["chsh"][k], label=rf"$\langle n\rangle={n:.2g}$")
        bad = k & (d["P_top.re"] > 1e-3)
        ax.plot(d["domega"][bad], d["chsh"][bad], "x", color=line.get_color(), ms=5)
        i = np.argmax(d["chsh"][k])
        print(f"<n> = {n:.3g} (F = {f:g}): max CHSH {d['chsh'][k][i]:.3f} at domega = "
              f"{d['domega'][k][i]:+.3f}; negativity there {d['negativity'][k][i]:.3f}; "
              f"max P_top {d['P_top.re'][k].max():.1e}")
    ax.axhline(2, color="k", lw=0.8, ls=":")
    ax.plot([], [], "kx", label=r"$P_{\rm top}>10^{-3}$")
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel("maximal CHSH value")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(r"Fig. A2: $\Delta_1=-\Delta_2=0.5\lambda$, $\gamma=0.025\lambda$, "
                 r"$\gamma_s=0.02\gamma$ (RWA)", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_figA2.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
