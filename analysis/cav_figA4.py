"""Fig. A4 of the driven-resonator paper: total <Sx> of N = 1..4 qubits in
the weak-coupling, strong-damping regime (lambda = gamma/2), exact RWA
(solid) against the semiclassical minimum (dashed; the paper draws it for
2 and 4 qubits), from qsync validity.
Data: out/cav_figA4/qN/validity.tsv (analysis/cavity_figures.sh A4)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qsync_tsv import ROOT, read_tsv

GAMMA = 2.0


def main():
    fig, ax = plt.subplots(figsize=(7.5, 4.5), constrained_layout=True)
    for n, c in zip(range(1, 5), ["tab:blue", "tab:orange", "tab:green", "tab:red"]):
        p = os.path.join(ROOT, f"out/cav_figA4/q{n}/validity.tsv")
        if not os.path.exists(p):
            continue
        d = read_tsv(p)
        x = d["domega"] / GAMMA
        ax.plot(x, d["Sx"], color=c, label=f"{n} qubit" + "s" * (n > 1))
        if n in (2, 4):
            ax.plot(x, d["sc.Sx"], "--", color="k", lw=1)
        i0 = np.argmin(np.abs(d["domega"]))
        print(f"N = {n}: Sx at resonance {d['Sx'][i0]:+.4f} (semiclassical "
              f"{d['sc.Sx'][i0]:+.4f}); max |Sx_sc - Sx| = {np.max(np.abs(d['sc.Sx'] - d['Sx'])):.4f}; "
              f"max trace distance {np.max(d['sc.D']):.3f}; max eps/gamma "
              f"{np.max(d['sc.eps_over_gamma']):.3f}; max P_top {np.max(d['P_top']):.1e}")
    ax.plot([], [], "k--", lw=1, label="semiclassical (2 and 4 qubits)")
    ax.set_xlabel(r"$(\omega-\omega_0)/\gamma$")
    ax.set_ylabel(r"total $\langle S_x\rangle$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(r"Fig. A4: $\lambda=\gamma/2$, $\Delta_l=(10,15,12.5,17.5)\gamma$, "
                 r"$\gamma_s=\gamma$, $F=2.2\gamma$", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_figA4.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
