"""Fig. A1 of the driven-resonator paper: slow relaxation of <n> with a
non-dissipative qubit (gamma_s = 0; Fig. 2 parameters) against the drive
periods omega t / (2 pi) (omega0 = 50), and the relaxation rate seen in the
time integration against the Liouvillian gap |Re mu_1| of qsync validity.
Data: out/cav_figA1/rwa (mesolve, RWA frame), out/cav_figA1/gap
(analysis/cavity_figures.sh A1)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qsync_tsv import ROOT, read_tsv

OMEGA0 = 50.0


def main():
    ts = read_tsv(os.path.join(ROOT, "out/cav_figA1/rwa/timeseries.tsv"))
    gap = read_tsv(os.path.join(ROOT, "out/cav_figA1/gap/validity.tsv"))
    scan_path = os.path.join(ROOT, "out/cav_figA1/gap_scan/validity.tsv")
    scan = read_tsv(scan_path) if os.path.exists(scan_path) else None
    fig, axs = plt.subplots(1, 3 if scan else 2, figsize=(16 if scan else 11, 4.3),
                            constrained_layout=True)
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]
    for k, dw in enumerate(gap["domega"]):
        c = colors[k % len(colors)]
        sel = ts["domega"] == dw
        t, n = ts["t"][sel], ts["n.re"][sel]
        n_ss, g = gap["n"][k], gap["gap"][k]
        periods = (OMEGA0 + dw) * t / (2 * np.pi)
        axs[0].plot(periods, n, color=c, label=rf"$\delta\omega={dw:g}$")
        axs[0].axhline(n_ss, color=c, ls=":", lw=1)
        dev = np.abs(n - n_ss)
        axs[1].semilogy(t, dev, color=c, label=rf"$\delta\omega={dw:g}$")
        # rate seen in the integration: slope of log|n - n_ss| over the
        # second half (past the fast transients)
        late = (t > 0.5 * t[-1]) & (dev > 1e-9 * n_ss)
        rate = -np.polyfit(t[late], np.log(dev[late]), 1)[0]
        t0 = t[late][0]
        axs[1].semilogy(t[t >= t0], dev[late][0] * np.exp(-g * (t[t >= t0] - t0)), "--",
                        color=c, lw=1)
        print(f"domega = {dw:+g}: <n>_ss = {n_ss:.4f}, gap = {g:.5f} (1/gap = {1 / g:.1f}), "
              f"fitted rate = {rate:.5f}, |<n>(t_end) - <n>_ss| = {dev[-1]:.2e}")
    axs[0].set_xlabel(r"$\omega t/2\pi$ ($\omega_0/\lambda=50$)")
    axs[0].set_ylabel(r"$\langle n\rangle$")
    axs[0].legend(fontsize=8)
    axs[0].set_title("relaxation from the empty cavity's coherent state, qubit down\n"
                     "(dotted: exact RWA steady state)", fontsize=9)
    axs[1].set_xlabel(r"$\lambda t$")
    axs[1].set_ylabel(r"$|\langle n\rangle(t)-\langle n\rangle_{ss}|$")
    axs[1].set_title(r"dashed: $e^{-{\rm gap}\,t}$ (gap $=|{\rm Re}\,\mu_1|$ from qsync)",
                     fontsize=9)
    axs[1].legend(fontsize=8)
    if scan:
        axs[2].semilogy(scan["domega"], 1 / scan["gap"], "k.-", label=r"$1/$gap")
        for k, dw in enumerate(gap["domega"]):
            axs[2].semilogy([dw], [1 / gap["gap"][k]], "o", color=colors[k % len(colors)])
        for w0, ls in ((50, "--"), (100, ":")):
            axs[2].axhline(2e4 * 2 * np.pi / w0, color="tab:gray", ls=ls,
                           label=rf"$2\times10^4$ periods, $\omega_0/\lambda={w0}$")
        axs[2].set_xlabel(r"$(\omega-\omega_0)/\lambda$")
        axs[2].set_ylabel(r"relaxation time $1/{\rm gap}$ ($1/\lambda$)")
        axs[2].legend(fontsize=8)
        axs[2].set_title("slowest relaxation time of the RWA Liouvillian", fontsize=9)
        i = int(np.argmax(1 / scan["gap"]))
        print(f"longest 1/gap = {1 / scan['gap'][i]:.1f} at domega = {scan['domega'][i]:g}")
    for a in axs:
        a.grid(alpha=0.3)
    fig.suptitle(r"Fig. A1: $\Delta=2\lambda$, $F=\lambda$, $\gamma=0.3\lambda$, $\gamma_s=0$ "
                 "(RWA frame)", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_figA1.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
