"""Fig. 8 of the driven-resonator paper: <S^2> (and the singlet
probability) of two antisymmetrically detuned qubits versus omega - omega0;
RWA steady state (lines) and lab frame for omega0 = 20, 60 (symbols).
Data: out/cav_fig08/{rwa,lab_w20,lab_w60} (analysis/cavity_figures.sh 8)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from qsync_tsv import ROOT, read_tsv


def main():
    rwa = read_tsv(os.path.join(ROOT, "out/cav_fig08/rwa/summary.tsv"))
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    ax.plot(rwa["domega"], rwa["S2.re"], "k-", label=r"$\langle S^2\rangle$, RWA")
    ax.plot(rwa["domega"], rwa["singlet.re"], "k--", lw=0.9, label="singlet probability, RWA")
    for w0, c, m in [(20, "tab:red", "o"), (60, "tab:blue", "s")]:
        p = os.path.join(ROOT, f"out/cav_fig08/lab_w{w0}/summary.tsv")
        if os.path.exists(p):
            d = read_tsv(p)
            ax.plot(d["domega"], d["S2.re"], m + "-", color=c, ms=4, mfc="none", lw=0.7,
                    label=rf"$\langle S^2\rangle$, lab $\omega_0/\lambda={w0}$")
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel(r"$\langle \hat S^2\rangle$, singlet probability")
    ax.set_ylim(0, 2.1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(r"Fig. 8: $\Delta_1=-\Delta_2=\lambda$, $F=0.25\lambda$, $\gamma=0.3\lambda$, "
                 r"$\gamma_s=3\times10^{-3}\lambda$", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_fig08.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
