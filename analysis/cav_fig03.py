"""Fig. 3 of the driven-resonator paper: <Sx> of one qubit versus
omega - omega0, exact RWA steady state against the rate series (R) and
(R)* (F = 1, Delta = 2, gamma = gamma_s = 0.3).  Lower panel: the series'
residual ||L rho|| / ||rho|| and order.
Data: out/cav_fig06/rwa/validity.tsv (exact, gamma_s = 0.3 rows), out/cav_fig03/R,
out/cav_fig03/Rstar (analysis/cavity_figures.sh 3)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from cav_series import draw_series, series_summary
from qsync_tsv import ROOT, read_tsv


def main():
    ex = read_tsv(os.path.join(ROOT, "out/cav_fig06/rwa/validity.tsv"))
    sel = ex["gamma_s"] == 0.3
    r = read_tsv(os.path.join(ROOT, "out/cav_fig03/R/summary.tsv"))
    rs = read_tsv(os.path.join(ROOT, "out/cav_fig03/Rstar/summary.tsv"))
    fig, axs = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True, constrained_layout=True,
                            gridspec_kw={"height_ratios": [2, 1]})
    axs[0].plot(ex["domega"][sel], ex["Sx"][sel], "k", lw=1.8, label="exact RWA")
    draw_series(axs[0], r, "domega", "Sx.re", "tab:blue", "(R)", ls=":")
    draw_series(axs[0], rs, "domega", "Sx.re", "tab:red", "(R)*")
    axs[0].set_ylabel(r"$\langle S_x\rangle$")
    axs[0].set_ylim(-0.5, 0.5)
    axs[0].legend(fontsize=8, ncol=2)
    for d, c, name in ((r, "tab:blue", "(R)"), (rs, "tab:red", "(R)*")):
        axs[1].semilogy(d["domega"], d["residual"], color=c, label=name)
        series_summary("Fig. 3 " + name, "domega", ex["domega"][sel], ex["Sx"][sel], d,
                       "Sx.re")
    axs[1].axhline(1e-10, color="gray", ls=":", lw=0.8)
    axs[1].set_ylabel(r"residual $\|L\rho\|/\|\rho\|$")
    axs[1].set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    axs[1].legend(fontsize=8)
    for a in axs:
        a.grid(alpha=0.3)
    axs[0].set_title(r"Fig. 3: $F=\lambda$, $\Delta=2\lambda$, $\gamma=\gamma_s=0.3\lambda$",
                     fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_fig03.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
