"""Fig. 7 of the driven-resonator paper: total spin <S^2> of two qubits
versus omega - omega0 for Delta = (2, 3) and antisymmetric (2, -2), RWA.
Data: out/cav_fig07/{generic,anti} (analysis/cavity_figures.sh 7)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from qsync_tsv import ROOT, read_tsv


def main():
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    for name, lab, c in [("generic", r"$\Delta_{1,2}=(2,3)\lambda$", "tab:blue"),
                         ("anti", r"$\Delta_{1,2}=(2,-2)\lambda$", "tab:red")]:
        d = read_tsv(os.path.join(ROOT, f"out/cav_fig07/{name}/summary.tsv"))
        ax.plot(d["domega"], d["S2.re"], color=c, label=lab)
    ax.axhline(2, color="k", lw=0.6, ls=":")
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel(r"$\langle \hat S^2\rangle$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    ax.set_title(r"Fig. 7 (RWA): $\gamma=\gamma_s=0.2\lambda$, $F=1.5\lambda$, "
                 "displaced cavity, 30 levels", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_fig07.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
