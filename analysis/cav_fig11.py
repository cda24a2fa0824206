"""Fig. 11 of the driven-resonator paper: total <Sx> of N = 1..4 qubits
versus omega - omega0 (RWA steady state only; the semiclassical curves are
not available in qsync).  Points whose top displaced cavity level holds more
than 1e-3 are marked (truncation not converged there).
Data: out/cav_fig11/qN (analysis/cavity_figures.sh 11)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from qsync_tsv import ROOT, read_tsv


def main():
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    for n, c in zip(range(1, 5), ["tab:blue", "tab:orange", "tab:green", "tab:red"]):
        p = os.path.join(ROOT, f"out/cav_fig11/q{n}/summary.tsv")
        if not os.path.exists(p):
            continue
        d = read_tsv(p)
        ax.plot(d["domega"], d["Sx.re"], color=c, label=f"{n} qubit" + "s" * (n > 1))
        bad = d["P_top.re"] > 1e-3
        ax.plot(d["domega"][bad], d["Sx.re"][bad], "x", color=c, ms=5)
    ax.plot([], [], "kx", label=r"$P_{\rm top}>10^{-3}$")
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel(r"total $\langle S_x\rangle$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(r"Fig. 11 (RWA): $\Delta_l=(1,1.5,2,2.5)\lambda$, $\gamma=\gamma_s=0.2\lambda$, "
                 r"$F=0.77\lambda$", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_fig11.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
