"""Fig. 10 of the driven-resonator paper: <S_1x> of qubit 1 (left) and the
total spin <S^2> of the pair (right) versus omega - omega0 for the Figs. 8
and 9 parameters: exact RWA steady state, the rate series (R)* and the
lowest semiclassical minimum (S^2 of a product state: 3/2 + 2 S_1 . S_2).
Data: out/cav_fig08/rwa (exact), out/cav_fig10/Rstar, out/cav_fig10/sc
(analysis/cavity_figures.sh 10)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from cav_semiclassical import lowest_minimum, total_spin_squared
from cav_series import draw_series, series_summary
from qsync_tsv import ROOT, read_tsv


def main():
    ex = read_tsv(os.path.join(ROOT, "out/cav_fig08/rwa/summary.tsv"))
    rs = read_tsv(os.path.join(ROOT, "out/cav_fig10/Rstar/summary.tsv"))
    sc = lowest_minimum(os.path.join(ROOT, "out/cav_fig10/sc/minima.tsv"))
    sc_s2 = total_spin_squared(sc)
    fig, axs = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
    for ax, col, sccol, name in ((axs[0], "Sx_1.re", sc["Sx_1"], r"$\langle S_{1x}\rangle$"),
                                 (axs[1], "S2.re", sc_s2, r"$\langle S^2\rangle$")):
        ax.plot(ex["domega"], ex[col], "k", lw=1.6, label="exact RWA")
        draw_series(ax, rs, "domega", col, "tab:blue", "(R)*")
        ax.plot(sc["domega"], sccol, "--", color="tab:red", label="semiclassical")
        ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        series_summary(f"Fig. 10 {col} (R)*", "domega", ex["domega"], ex[col], rs, col)
    i0 = np.argmin(np.abs(ex["domega"]))
    j0 = np.argmin(np.abs(rs["domega"]))
    k0 = np.argmin(np.abs(sc["domega"]))
    print(f"at domega = 0: S^2 exact {ex['S2.re'][i0]:.3f}, (R)* {rs['S2.re'][j0]:.3f} "
          f"(converged {int(rs['series_converged'][j0])}, order {int(rs['series_order'][j0])}), "
          f"semiclassical {sc_s2[k0]:.3f}; S_1x exact {ex['Sx_1.re'][i0]:.3f}, "
          f"(R)* {rs['Sx_1.re'][j0]:.3f}, semiclassical {sc['Sx_1'][k0]:.3f}")
    fig.suptitle(r"Fig. 10: $\Delta_1=-\Delta_2=\lambda$, $F=0.25\lambda$, $\gamma=0.3\lambda$, "
                 r"$\gamma_s=3\times10^{-3}\lambda$", fontsize=11)
    out = os.path.join(ROOT, "out/figures/cav_fig10.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
