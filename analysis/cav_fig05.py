"""Fig. 5 of the driven-resonator paper: spin projections of two qubits
versus omega - omega0 for F = 1 and F = 5 (RWA steady state only; the
paper's semiclassical curves are not available in qsync).
Data: out/cav_fig05/rwa (analysis/cavity_figures.sh 5)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qsync_tsv import ROOT, read_tsv


def main():
    d = read_tsv(os.path.join(ROOT, "out/cav_fig05/rwa/summary.tsv"))
    fig, axs = plt.subplots(2, 2, figsize=(9, 6.5), sharex=True, sharey=True,
                            constrained_layout=True)
    for i, F in enumerate([1.0, 5.0]):
        k = np.isclose(d["F"], F)
        for q in (1, 2):
            ax = axs[i, q - 1]
            for comp, c in [("x", "tab:blue"), ("y", "tab:orange"), ("z", "tab:green")]:
                ax.plot(d["domega"][k], d[f"S{comp}_{q}.re"][k], color=c,
                        label=rf"$\langle S_{{{comp}}}^{{({q})}}\rangle$")
            ax.axvline([2, -1][q - 1], color="gray", ls=":", lw=0.8)
            ax.set_title(rf"qubit {q} ($\Delta_{q}={[2, -1][q - 1]}\lambda$), $F={F:g}\lambda$",
                         fontsize=10)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
            if i == 1:
                ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    fig.suptitle(r"Fig. 5 (RWA only): $\Delta_1=2\lambda$, $\Delta_2=-\lambda$, "
                 r"$\gamma=\gamma_s=2\lambda$", fontsize=11)
    out = os.path.join(ROOT, "out/figures/cav_fig05.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
