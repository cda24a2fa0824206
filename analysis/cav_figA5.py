"""Fig. A5 of the driven-resonator paper: eps / gamma (eps = sqrt(S) at the
lowest semiclassical minimum, gamma = gamma_s = 0.2) for the semiclassical
runs of Fig. 11, N = 1..4 qubits; circles where the functional has two
minima.  Data: out/cav_fig11/scN (analysis/cavity_figures.sh A5)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from cav_semiclassical import lowest_minimum
from qsync_tsv import ROOT

GAMMA = 0.2


def main():
    fig, ax = plt.subplots(figsize=(7.5, 4.5), constrained_layout=True)
    for n, c in zip(range(1, 5), ["tab:blue", "tab:orange", "tab:green", "tab:red"]):
        p = os.path.join(ROOT, f"out/cav_fig11/sc{n}/minima.tsv")
        if not os.path.exists(p):
            continue
        m = lowest_minimum(p)
        r = m["eps"] / GAMMA
        ax.semilogy(m["domega"], r, color=c, label=f"{n} qubit" + "s" * (n > 1))
        two = m["minima"] >= 2
        ax.semilogy(m["domega"][two], r[two], "o", color=c, ms=3, mfc="none")
        i0 = np.argmin(np.abs(m["domega"]))
        print(f"N = {n}: eps/gamma at resonance {r[i0]:.3f}, max {r.max():.3f} at "
              f"{m['domega'][np.argmax(r)]:g}; 2 minima at domega = "
              f"{', '.join(f'{x:g}' for x in m['domega'][two]) or 'none'}")
    ax.axhline(1, color="k", lw=0.8, ls=":")
    ax.plot([], [], "ko", ms=3, mfc="none", label="two semiclassical minima")
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel(r"$\epsilon/\gamma$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(r"Fig. A5: $\epsilon=\sqrt{S}$ at the semiclassical minimum, Fig. 11 parameters",
                 fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_figA5.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
