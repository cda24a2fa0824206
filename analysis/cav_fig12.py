"""Fig. 12 of the driven-resonator paper: total <Sx> of N = 1..4 qubits
versus omega - omega0, exact RWA steady state (Fig. 11, solid) against the
rate series (R)* (dashed where converged, crosses: best partial sum where
it did not converge).
Data: out/cav_fig11/qN (exact), out/cav_fig12/qN (R)* (analysis/cavity_figures.sh 12)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from cav_series import draw_series, series_summary
from qsync_tsv import ROOT, read_tsv


def main():
    fig, axs = plt.subplots(2, 2, figsize=(11, 7), sharex=True, constrained_layout=True)
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    for n, ax, c in zip(range(1, 5), axs.ravel(), colors):
        ex = read_tsv(os.path.join(ROOT, f"out/cav_fig11/q{n}/summary.tsv"))
        rs = read_tsv(os.path.join(ROOT, f"out/cav_fig12/q{n}/summary.tsv"))
        ax.plot(ex["domega"], ex["Sx.re"], color="k", lw=1.6, label="exact RWA")
        draw_series(ax, rs, "domega", "Sx.re", c, "(R)*")
        conv = rs["series_converged"] == 1
        bad = rs["domega"][~conv]
        series_summary(f"Fig. 12 N = {n} (R)*", "domega", ex["domega"], ex["Sx.re"], rs, "Sx.re")
        if bad.size:
            print(f"   not converged at domega = {', '.join(f'{x:g}' for x in bad)}")
        lo = np.nanmin(ex["Sx.re"]) - 0.2
        hi = np.nanmax(ex["Sx.re"]) + 0.2
        ax.set_ylim(lo, hi)
        ax.set_title(f"{n} qubit" + "s" * (n > 1), fontsize=10)
        ax.set_ylabel(r"total $\langle S_x\rangle$")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in axs[1]:
        ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    fig.suptitle(r"Fig. 12: (R)* against RWA; $\Delta_l=(1,1.5,2,2.5)\lambda$, "
                 r"$\gamma=\gamma_s=0.2\lambda$, $F=0.77\lambda$", fontsize=11)
    out = os.path.join(ROOT, "out/figures/cav_fig12.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
