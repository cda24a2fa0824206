"""Fig. 2 of the driven-resonator paper: <Sx>, <Sy>, <Sz> and <n> versus
omega - omega0, lab frame (no RWA) for omega0 = 10, 30, 100 (symbols,
qsync mesolve) against the RWA steady state (line).
Data: out/cav_fig01/rwa, out/cav_fig02/lab_wNN (analysis/cavity_figures.sh 2)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from qsync_tsv import ROOT, read_tsv

W0 = [(10, "tab:red", "o"), (30, "tab:green", "s"), (100, "tab:blue", "^")]


def main():
    rwa = read_tsv(os.path.join(ROOT, "out/cav_fig01/rwa/summary.tsv"))
    labs = {}
    for w0, _, _ in W0:
        p = os.path.join(ROOT, f"out/cav_fig02/lab_w{w0}/summary.tsv")
        if os.path.exists(p):
            labs[w0] = read_tsv(p)
    fig, axs = plt.subplots(2, 2, figsize=(9, 6.5), sharex=True, constrained_layout=True)
    for ax, (col, lab) in zip(axs.flat, [("Sx", r"$\langle S_x\rangle$"),
                                         ("Sy", r"$\langle S_y\rangle$"),
                                         ("Sz", r"$\langle S_z\rangle$"),
                                         ("n", r"$\langle n\rangle=\langle a^\dagger a\rangle$")]):
        ax.plot(rwa["domega"], rwa[col + ".re"], "k-", lw=1.2, label="RWA")
        for w0, c, m in W0:
            if w0 in labs:
                d = labs[w0]
                ax.plot(d["domega"], d[col + ".re"], m, color=c, ms=4, mfc="none",
                        label=rf"$\omega_0/\lambda={w0}$")
        ax.set_ylabel(lab)
        ax.grid(alpha=0.3)
    for ax in axs[1]:
        ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    axs[0, 0].legend(fontsize=8)
    fig.suptitle(r"Fig. 2: $\Delta=2\lambda$, $F=\lambda$, $\gamma=0.3\lambda$, $\gamma_s=0$; "
                 r"lab frame: mesolve from the RWA state to $t=10/\lambda$", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_fig02.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
