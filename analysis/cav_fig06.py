"""Fig. 6 of the driven-resonator paper: <Sx> of one qubit versus
omega - omega0 for increasing damping (RWA steady state only; the
semiclassical curves are not available in qsync).  The gamma_s = 0 curve
is shown both displaced (40 levels) and undisplaced (100 levels, Fig. 1 run).
Data: out/cav_fig06/{rwa,strong}, out/cav_fig01/rwa."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qsync_tsv import ROOT, read_tsv


def main():
    d = read_tsv(os.path.join(ROOT, "out/cav_fig06/rwa/summary.tsv"))
    s = read_tsv(os.path.join(ROOT, "out/cav_fig06/strong/summary.tsv"))
    f1 = read_tsv(os.path.join(ROOT, "out/cav_fig01/rwa/summary.tsv"))
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    k = np.isclose(d["gamma_s"], 0)
    ax.plot(d["domega"][k], d["Sx.re"][k], color="tab:blue",
            label=r"$\gamma_s=0$, $\gamma=0.3\lambda$")
    ax.plot(f1["domega"], f1["Sx.re"], ".", color="tab:blue", ms=3,
            label="  (undisplaced, 100 levels)")
    k = np.isclose(d["gamma_s"], 0.3)
    ax.plot(d["domega"][k], d["Sx.re"][k], color="tab:orange",
            label=r"$\gamma_s=\gamma=0.3\lambda$")
    ax.plot(s["domega"], s["Sx.re"], color="tab:green", label=r"$\gamma_s=\gamma=2\lambda$")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel(r"$\langle S_x\rangle$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(r"Fig. 6 (RWA only): one qubit, $F=\lambda$, $\Delta=2\lambda$", fontsize=11)
    out = os.path.join(ROOT, "out/figures/cav_fig06.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
