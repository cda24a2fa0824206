"""Fig. 9 of the driven-resonator paper: maximal Bell-CHSH value and
negativity of the qubit pair (cavity traced out) versus omega - omega0 for
the Fig. 8 parameters, RWA steady state.
Data: out/cav_fig08/rwa (analysis/cavity_figures.sh 9)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from qsync_tsv import ROOT, read_tsv


def main():
    d = read_tsv(os.path.join(ROOT, "out/cav_fig08/rwa/summary.tsv"))
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    ax.plot(d["domega"], d["chsh"], color="tab:red", label="max CHSH value")
    ax.axhline(2, color="tab:red", ls=":", lw=0.8)
    ax.axhline(2 ** 1.5, color="tab:red", ls="--", lw=0.6)
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel("CHSH (2 = classical bound, $2\\sqrt{2}$ = Tsirelson)", color="tab:red")
    ax2 = ax.twinx()
    ax2.plot(d["domega"], d["negativity"], color="tab:blue", label="negativity")
    ax2.set_ylabel("negativity (max 1/2)", color="tab:blue")
    ax2.set_ylim(0, 0.5)
    ax.set_ylim(0, 3)
    ax.grid(alpha=0.3)
    ax.set_title(r"Fig. 9 (RWA): $\Delta_1=-\Delta_2=\lambda$, $F=0.25\lambda$, "
                 r"$\gamma=0.3\lambda$, $\gamma_s=3\times10^{-3}\lambda$", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_fig09.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
