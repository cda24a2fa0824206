#!/usr/bin/env python3
"""Fig. 3 of the two-qubit-oscillator paper: phase response of the qubits.

(a) |<S+_j>|/eps versus g (markers: exact steady states; lines: Appendix C
first order), stars at the zero crossings g_{0,A}, g_{0,B};
(b) delta P(phi) = Re[<S+_j> e^{-i phi}]/4 (Eq. 8) before, at and after
each qubit's zero crossing.

Input (analysis/figures.sh): out/fig03/line, out/fig03/phase_A,
out/fig03/phase_B (qsync scan of runs/fig03.ini).  Output: out/figures/fig03.png.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from qsync_tsv import read_tsv, cplx, ROOT  # noqa: E402

COLORS = {"A": "tab:purple", "B": "tab:orange"}


def main():
    out = os.path.join(ROOT, "out", "fig03")
    line = read_tsv(os.path.join(out, "line", "scan.tsv"))
    feat = read_tsv(os.path.join(out, "line", "features.tsv"))
    eps = 0.1  # runs/fig03.ini
    g = line["g"]
    g0 = {"A": feat["g0_A"][0], "B": feat["g0_B"][0]}

    fig = plt.figure(figsize=(8.0, 7.2), layout="constrained")
    gs = fig.add_gridspec(2, 2, height_ratios=[1.1, 1.0])
    ax = fig.add_subplot(gs[0, :])
    for j in "AB":
        first = np.abs(cplx(line, f"Sp_{j}_first")) / eps
        ax.plot(g, first, "-", color=COLORS[j], lw=1.6,
                label=f"qubit {j}, first order in $\\epsilon$ (App. C)")
        ax.plot(g[::4], line[f"absSp_{j}_over_eps"][::4], "o", ms=4, mfc="none",
                color=COLORS[j], label=f"qubit {j}, exact ($\\epsilon$ = {eps:g})")
        ax.plot(g0[j], 0.0, "*", ms=16, color=COLORS[j], mec="k", zorder=5,
                label=f"$g_{{0,{j}}}$ = {g0[j]:.4f}")
    phase = {j: read_tsv(os.path.join(out, f"phase_{j}", "scan.tsv")) for j in "AB"}
    for j in "AB":
        for gv in phase[j]["g"]:
            ax.axvline(gv, color=COLORS[j], ls=":", lw=0.8)
    ax.set_xlim(g[0], g[-1])
    ax.set_ylim(0, 1.22 * line["absSp_A_over_eps"].max())
    ax.set_xlabel(r"coupling $g$ (units of $\Gamma$)")
    ax.set_ylabel(r"$|\langle \hat S^+_j\rangle| / \epsilon$")
    ax.set_title(r"(a) phase response, $w_A$ = 0.4, $w_B$ = 0.75, "
                 r"$\Delta_d=\Delta_q=0$ (dotted: couplings of (b))", fontsize=10)
    ax.legend(fontsize=8, ncol=3, loc="upper right")

    phi = np.linspace(0, 2 * np.pi, 361)
    styles = ["--", "-", "-."]
    words = ["before", "at", "after"]
    for col, j in enumerate("AB"):
        axb = fig.add_subplot(gs[1, col])
        d = phase[j]
        sp = cplx(d, f"Sp_{j}")
        for k in range(3):
            dp = np.real(sp[k] * np.exp(-1j * phi)) / 4
            axb.plot(phi, dp, styles[k], color=COLORS[j], lw=1.6 if k == 1 else 1.2,
                     alpha=1.0 if k == 1 else 0.75,
                     label=f"g = {d['g'][k]:.3f} ({words[k]} $g_{{0,{j}}}$)")
        axb.axhline(0, color="0.6", lw=0.6)
        axb.set_xlim(0, 2 * np.pi)
        axb.set_xticks(np.arange(0, 2.01 * np.pi, np.pi / 2))
        axb.set_xticklabels(["0", r"$\pi/2$", r"$\pi$", r"$3\pi/2$", r"$2\pi$"])
        axb.set_xlabel(r"azimuthal angle $\varphi$")
        axb.set_ylabel(rf"$\delta P_{j}(\varphi)$")
        axb.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
        axb.set_title(f"(b) qubit {j}", fontsize=10)
        axb.legend(fontsize=8, loc="upper right")

    os.makedirs(os.path.join(ROOT, "out", "figures"), exist_ok=True)
    path = os.path.join(ROOT, "out", "figures", "fig03.png")
    fig.savefig(path, dpi=130)
    print(f"fig03: g0_A = {g0['A']:.6f}, g0_B = {g0['B']:.6f}; "
          f"|<S+_A>|/eps at g=0: {line['absSp_A_over_eps'][0]:.4f}; "
          f"max |exact - first order| / eps: "
          f"A {np.max(np.abs(cplx(line, 'Sp_A') - cplx(line, 'Sp_A_first'))) / eps:.2e}, "
          f"B {np.max(np.abs(cplx(line, 'Sp_B') - cplx(line, 'Sp_B_first'))) / eps:.2e}")


if __name__ == "__main__":
    main()
