"""Fig. 5 of the driven-resonator paper: spin projections of two qubits
versus omega - omega0 for F = 1 and F = 5: exact RWA steady state (solid)
and the lowest semiclassical minimum (dashed), and below them the cavity
amplitude alpha = <a> (the paper's "susceptibility" alpha_x, alpha_y).
Data: out/cav_fig05/rwa, out/cav_fig05/sc (analysis/cavity_figures.sh 5)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from cav_semiclassical import lowest_minimum
from qsync_tsv import ROOT, read_tsv


def main():
    d = read_tsv(os.path.join(ROOT, "out/cav_fig05/rwa/summary.tsv"))
    sc_path = os.path.join(ROOT, "out/cav_fig05/sc/minima.tsv")
    sc = lowest_minimum(sc_path) if os.path.exists(sc_path) else None
    fig, axs = plt.subplots(3, 2, figsize=(10, 9), sharex=True, constrained_layout=True)
    for i, F in enumerate([1.0, 5.0]):
        k = np.isclose(d["F"], F)
        ks = np.isclose(sc["F"], F) if sc else None
        for q in (1, 2):
            ax = axs[q - 1, i]
            worst = 0.0
            for comp, c in [("x", "tab:blue"), ("y", "tab:orange"), ("z", "tab:green")]:
                ax.plot(d["domega"][k], d[f"S{comp}_{q}.re"][k], color=c,
                        label=rf"$\langle S_{{{comp}}}^{{({q})}}\rangle$")
                if sc:
                    ax.plot(sc["domega"][ks], sc[f"S{comp}_{q}"][ks], "--", color=c, lw=1)
                    worst = max(worst, np.max(np.abs(sc[f"S{comp}_{q}"][ks] -
                                                     d[f"S{comp}_{q}.re"][k])))
            if sc:
                print(f"F = {F:g}, qubit {q}: max |S_sc - S_exact| = {worst:.4f}")
            ax.axvline([2, -1][q - 1], color="gray", ls=":", lw=0.8)
            ax.set_title(rf"qubit {q} ($\Delta_{q}={[2, -1][q - 1]}\lambda$), $F={F:g}\lambda$",
                         fontsize=10)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        ax = axs[2, i]
        ax.plot(d["domega"][k], d["a.re"][k], color="tab:purple", label=r"$\alpha_x$")
        ax.plot(d["domega"][k], d["a.im"][k], color="tab:brown", label=r"$\alpha_y$")
        if sc:
            ax.plot(sc["domega"][ks], sc["a.re"][ks], "--", color="tab:purple", lw=1)
            ax.plot(sc["domega"][ks], sc["a.im"][ks], "--", color="tab:brown", lw=1)
            dev = np.max(np.abs(sc["a.re"][ks] + 1j * sc["a.im"][ks] -
                                (d["a.re"][k] + 1j * d["a.im"][k])))
            print(f"F = {F:g}: max |alpha_sc - <a>| = {dev:.4f} (max |<a>| = "
                  f"{np.max(np.hypot(d['a.re'][k], d['a.im'][k])):.3f}); "
                  f"2 minima at {int(np.sum(sc['minima'][ks] >= 2))} points")
        ax.set_title(rf"cavity amplitude $\langle a\rangle$, $F={F:g}\lambda$", fontsize=10)
        ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(r"Fig. 5: $\Delta_1=2\lambda$, $\Delta_2=-\lambda$, $\gamma=\gamma_s=2\lambda$; "
                 "RWA (solid), semiclassical (dashed)", fontsize=11)
    out = os.path.join(ROOT, "out/figures/cav_fig05.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
