"""Fig. 11 of the driven-resonator paper: total <Sx> of N = 1..4 qubits
versus omega - omega0, exact RWA steady state (solid) and the lowest
semiclassical minimum (dashed; circles: two or more minima).  Points whose
top displaced cavity level holds more than 1e-3 are marked x (truncation
not converged there).
Data: out/cav_fig11/qN (exact), out/cav_fig11/scN (semiclassical)
(analysis/cavity_figures.sh 11)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from cav_semiclassical import lowest_minimum
from qsync_tsv import ROOT, read_tsv


def main():
    fig, ax = plt.subplots(figsize=(7.5, 4.8), constrained_layout=True)
    for n, c in zip(range(1, 5), ["tab:blue", "tab:orange", "tab:green", "tab:red"]):
        p = os.path.join(ROOT, f"out/cav_fig11/q{n}/summary.tsv")
        if not os.path.exists(p):
            continue
        d = read_tsv(p)
        ax.plot(d["domega"], d["Sx.re"], color=c, label=f"{n} qubit" + "s" * (n > 1))
        bad = d["P_top.re"] > 1e-3
        ax.plot(d["domega"][bad], d["Sx.re"][bad], "x", color=c, ms=5)
        ps = os.path.join(ROOT, f"out/cav_fig11/sc{n}/minima.tsv")
        if os.path.exists(ps):
            m = lowest_minimum(ps)
            ax.plot(m["domega"], m["Sx"], "--", color=c, lw=1)
            two = m["minima"] >= 2
            ax.plot(m["domega"][two], m["Sx"][two], "o", color=c, ms=3, mfc="none")
            dev = np.abs(np.interp(d["domega"], m["domega"], m["Sx"]) - d["Sx.re"])
            for lo, hi in ((1.5, 4.0), (-2.0, -0.5)):
                k = (d["domega"] >= lo) & (d["domega"] <= hi)
                i = np.argmax(d["Sx.re"][k])
                j = np.argmax(m["Sx"][(m["domega"] >= lo) & (m["domega"] <= hi)])
                ms = m["Sx"][(m["domega"] >= lo) & (m["domega"] <= hi)]
                md = m["domega"][(m["domega"] >= lo) & (m["domega"] <= hi)]
                print(f"N = {n}, peak in [{lo:g}, {hi:g}]: RWA {d['Sx.re'][k][i]:.3f} at "
                      f"{d['domega'][k][i]:g}, semiclassical {ms[j]:.3f} at {md[j]:g}")
            print(f"N = {n}: median |Sx_sc - Sx| = {np.median(dev):.3f}, max {dev.max():.3f}; "
                  f"2 minima at {int(two.sum())} of {two.size} points")
    ax.plot([], [], "k--", lw=1, label="semiclassical (lowest minimum)")
    ax.plot([], [], "ko", ms=3, mfc="none", label="two semiclassical minima")
    ax.plot([], [], "kx", label=r"$P_{\rm top}>10^{-3}$")
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel(r"total $\langle S_x\rangle$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(r"Fig. 11: $\Delta_l=(1,1.5,2,2.5)\lambda$, $\gamma=\gamma_s=0.2\lambda$, "
                 r"$F=0.77\lambda$; RWA (solid), semiclassical (dashed)", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_fig11.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
