"""Fig. 7 of the driven-resonator paper: total spin <S^2> of two qubits
versus omega - omega0 for Delta = (2, 3) and antisymmetric (2, -2), RWA,
at the caption's F = 1.5 (full) and at F = 0.25 (dashed; see
CAVITY_FIGURES.md: only this drive shows the behaviour the paper describes).
Data: out/cav_fig07/{generic,anti}[_F025] (analysis/cavity_figures.sh 7)."""
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
        ax.plot(d["domega"], d["S2.re"], color=c, label=lab + r", $F=1.5\lambda$ (caption)")
        p = os.path.join(ROOT, f"out/cav_fig07/{name}_F025/summary.tsv")
        if os.path.exists(p):
            d = read_tsv(p)
            ax.plot(d["domega"], d["S2.re"], color=c, ls="--", lw=1,
                    label=lab + r", $F=0.25\lambda$")
    ax.axhline(2, color="k", lw=0.6, ls=":")
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel(r"$\langle \hat S^2\rangle$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    ax.set_title(r"Fig. 7 (RWA): $\gamma=\gamma_s=0.2\lambda$, "
                 "displaced cavity (30 / 20 levels)", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_fig07.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
