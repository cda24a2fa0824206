"""Fig. 8 of the driven-resonator paper: <S^2> (and the singlet
probability) of two antisymmetrically detuned qubits versus omega - omega0;
RWA steady state (lines) and lab frame for omega0 = 20, 60 (symbols).
Left: whole range; right: zoom on the resonance, where the lab runs are.
Data: out/cav_fig08/{rwa,lab_w20,lab_w60} (analysis/cavity_figures.sh 8)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qsync_tsv import ROOT, read_tsv


def lab(w0):
    """Lab-frame points for omega0 = w0 (coarse and fine sweeps merged)."""
    parts = [read_tsv(p) for p in
             (os.path.join(ROOT, f"out/cav_fig08/lab_w{w0}{s}/summary.tsv") for s in ("", "_fine"))
             if os.path.exists(p)]
    if not parts:
        return None
    d = {k: np.concatenate([q[k] for q in parts]) for k in parts[0]}
    i = np.argsort(d["domega"])
    return {k: v[i] for k, v in d.items()}


def main():
    rwa = read_tsv(os.path.join(ROOT, "out/cav_fig08/rwa/summary.tsv"))
    fig, axs = plt.subplots(1, 2, figsize=(11, 4.5), constrained_layout=True,
                            gridspec_kw={"width_ratios": [1.3, 1]})
    for ax in axs:
        ax.plot(rwa["domega"], rwa["S2.re"], "k-", label=r"$\langle S^2\rangle$, RWA")
        ax.plot(rwa["domega"], rwa["singlet.re"], "k--", lw=0.9,
                label="singlet probability, RWA")
        for w0, c, m in [(20, "tab:red", "o"), (60, "tab:blue", "s")]:
            d = lab(w0)
            if d is not None:
                ax.plot(d["domega"], d["S2.re"], m + "-", color=c, ms=5, mfc="none", lw=0.7,
                        label=rf"$\langle S^2\rangle$, lab $\omega_0/\lambda={w0}$")
                ax.plot(d["domega"], d["singlet.re"], m + "--", color=c, ms=3, lw=0.5)
        ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
        ax.set_ylim(0, 2.1)
        ax.grid(alpha=0.3)
    axs[0].set_ylabel(r"$\langle \hat S^2\rangle$, singlet probability")
    axs[0].legend(fontsize=8, loc="center left")
    axs[1].set_xlim(-0.35, 0.35)
    axs[1].set_title("zoom (lab: mesolve from the RWA state to $t=300/\\lambda$)", fontsize=9)
    fig.suptitle(r"Fig. 8: $\Delta_1=-\Delta_2=\lambda$, $F=0.25\lambda$, $\gamma=0.3\lambda$, "
                 r"$\gamma_s=3\times10^{-3}\lambda$", fontsize=11)
    out = os.path.join(ROOT, "out/figures/cav_fig08.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
