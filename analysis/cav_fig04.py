"""Fig. 4 of the driven-resonator paper: <Sx> of one qubit versus
omega - omega0 at weak damping (gamma = gamma_s = 0.005, Delta = 2) for
F = 0.1 and 0.2: exact RWA steady state against the rate series (R) and
(R)*.  Lower panels: the series' residuals.
Data: out/cav_fig04/{exact,R,Rstar} (analysis/cavity_figures.sh 4)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from cav_series import draw_series, series_summary
from qsync_tsv import ROOT, read_tsv


def main():
    ex = read_tsv(os.path.join(ROOT, "out/cav_fig04/exact/summary.tsv"))
    r = read_tsv(os.path.join(ROOT, "out/cav_fig04/R/summary.tsv"))
    rs = read_tsv(os.path.join(ROOT, "out/cav_fig04/Rstar/summary.tsv"))
    fs = np.unique(ex["F"])
    fig, axs = plt.subplots(2, len(fs), figsize=(6 * len(fs), 6.5), sharex=True,
                            constrained_layout=True, squeeze=False,
                            gridspec_kw={"height_ratios": [2, 1]})
    for j, f in enumerate(fs):
        e = {k: v[ex["F"] == f] for k, v in ex.items()}
        rr = {k: v[r["F"] == f] for k, v in r.items()}
        rrs = {k: v[rs["F"] == f] for k, v in rs.items()}
        axs[0, j].plot(e["domega"], e["Sx.re"], "k", lw=1.8, label="exact RWA")
        draw_series(axs[0, j], rr, "domega", "Sx.re", "tab:blue", "(R)", ls=":")
        draw_series(axs[0, j], rrs, "domega", "Sx.re", "tab:red", "(R)*")
        axs[0, j].set_title(rf"$F={f:g}\lambda$", fontsize=10)
        axs[0, j].set_ylabel(r"$\langle S_x\rangle$")
        axs[0, j].legend(fontsize=8)
        for d, c, name in ((rr, "tab:blue", "(R)"), (rrs, "tab:red", "(R)*")):
            axs[1, j].semilogy(d["domega"], d["residual"], color=c, label=name)
            series_summary(f"Fig. 4 F = {f:g} {name}", "domega", e["domega"], e["Sx.re"], d,
                           "Sx.re")
        axs[1, j].axhline(1e-10, color="gray", ls=":", lw=0.8)
        axs[1, j].set_ylabel(r"residual $\|L\rho\|/\|\rho\|$")
        axs[1, j].set_xlabel(r"$(\omega-\omega_0)/\lambda$")
        axs[1, j].legend(fontsize=8)
        print(f"F = {f:g}: max <n> = {e['n.re'].max():.3f}, max P_top = {e['P_top.re'].max():.2e}")
    for a in axs.ravel():
        a.grid(alpha=0.3)
    fig.suptitle(r"Fig. 4: weak damping $\gamma=\gamma_s=0.005\lambda$, $\Delta=2\lambda$",
                 fontsize=11)
    out = os.path.join(ROOT, "out/figures/cav_fig04.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
