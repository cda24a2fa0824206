"""Fig. 6 of the driven-resonator paper: <Sx> of one qubit versus
omega - omega0 for increasing damping: exact RWA steady state (solid) and
the lowest semiclassical minimum (dashed), from qsync validity; circles
where the functional has two minima.  The gamma_s = 0 curve is also shown
undisplaced (100 levels, Fig. 1 run) when that run exists.
Data: out/cav_fig06/{rwa,strong}/validity.tsv, out/cav_fig01/rwa."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qsync_tsv import ROOT, read_tsv


def curve(ax, d, k, color, label):
    ax.plot(d["domega"][k], d["Sx"][k], color=color, label=label)
    ax.plot(d["domega"][k], d["sc.Sx"][k], "--", color=color, lw=1)
    two = k & (d["sc.minima"] >= 2)
    ax.plot(d["domega"][two], d["sc.Sx"][two], "o", color=color, ms=3, mfc="none")
    dev = np.abs(d["sc.Sx"][k] - d["Sx"][k])
    print(f"{label}: max |Sx_sc - Sx| = {dev.max():.3f} at domega = "
          f"{d['domega'][k][np.argmax(dev)]:g}; median {np.median(dev):.3f}; "
          f"median trace distance {np.median(d['sc.D'][k]):.3f}; "
          f"2 minima at {int(np.sum(two))} points")


def main():
    d = read_tsv(os.path.join(ROOT, "out/cav_fig06/rwa/validity.tsv"))
    s = read_tsv(os.path.join(ROOT, "out/cav_fig06/strong/validity.tsv"))
    fig, ax = plt.subplots(figsize=(7, 4.5), constrained_layout=True)
    curve(ax, d, np.isclose(d["gamma_s"], 0), "tab:blue", r"$\gamma_s=0$, $\gamma=0.3\lambda$")
    f1 = os.path.join(ROOT, "out/cav_fig01/rwa/summary.tsv")
    if os.path.exists(f1):
        f1 = read_tsv(f1)
        ax.plot(f1["domega"], f1["Sx.re"], ".", color="tab:blue", ms=3,
                label="  (undisplaced, 100 levels)")
    curve(ax, d, np.isclose(d["gamma_s"], 0.3), "tab:orange", r"$\gamma_s=\gamma=0.3\lambda$")
    curve(ax, s, np.ones(len(s["domega"]), bool), "tab:green", r"$\gamma_s=\gamma=2\lambda$")
    ax.plot([], [], "k--", lw=1, label="semiclassical (lowest minimum)")
    ax.plot([], [], "ko", ms=3, mfc="none", label="two semiclassical minima")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel(r"$\langle S_x\rangle$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(r"Fig. 6: one qubit, $F=\lambda$, $\Delta=2\lambda$; RWA (solid), "
                 "semiclassical (dashed)", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_fig06.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
