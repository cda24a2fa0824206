#!/usr/bin/env python3
"""Fig. 14 of the two-qubit-oscillator paper (Appendix D): spherical-tensor
multipoles of qutrit A versus the coupling g, two-qutrit oscillator.

|<T^1_1>|, |<T^2_1>|, |<T^2_2>| of qutrit A (log scale, so that the zero
crossings show as cusps), with w_A = 0.25, w_B = 0.75.  The zero crossings
are found here from scan.tsv: each multipole is projected on its phase at
its largest magnitude, sign changes are located on the grid and refined by
cubic interpolation of the projection; a sign change counts as a zero only
if the part off the phase axis is below 1e-3 of the largest magnitude
there (otherwise the phase merely slips past the axis).  The T^1_1 root
is checked against qsync's own g_{0,A} (Brent, of <S+_A> = -2 <T^1_1>).

Input: out/fig14/line (runs/fig14.ini).  Output: out/figures/fig14.png.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from qsync_tsv import read_tsv, cplx, ROOT  # noqa: E402

TENSORS = (("T1_1_A", r"$|\langle \hat T^1_1\rangle|$", "tab:purple"),
           ("T2_1_A", r"$|\langle \hat T^2_1\rangle|$", "tab:orange"),
           ("T2_2_A", r"$|\langle \hat T^2_2\rangle|$", "tab:green"))


def zero_crossings(g, z, ratio=1e-3):
    """Zeros of the complex sampled curve z(g); see the module docstring."""
    a = np.abs(z)
    axis = z[np.argmax(a)] / a.max()
    p = np.real(z * np.conj(axis))  # projection on the phase axis
    q = np.imag(z * np.conj(axis))  # the part off that axis
    roots = []
    for i in np.nonzero(p[:-1] * p[1:] < 0)[0]:
        lo, hi = max(i - 1, 0), min(i + 3, len(g))  # 4 points around the bracket
        c = np.polyfit(g[lo:hi] - g[i], p[lo:hi], hi - lo - 1)
        r = [x.real + g[i] for x in np.roots(c)
             if abs(x.imag) < 1e-12 and g[i] <= x.real + g[i] <= g[i + 1]]
        x0 = r[0] if r else g[i] - p[i] * (g[i + 1] - g[i]) / (p[i + 1] - p[i])
        if abs(np.interp(x0, g, q)) <= ratio * a.max():  # |z| itself vanishes there
            roots.append(x0)
    return roots, np.max(np.abs(q)) / a.max()


def main():
    d = read_tsv(os.path.join(ROOT, "out", "fig14", "line", "scan.tsv"))
    f = read_tsv(os.path.join(ROOT, "out", "fig14", "line", "features.tsv"))
    g = d["g"]
    fig, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
    report = []
    for name, label, color in TENSORS:
        z = cplx(d, name)
        roots, off_axis = zero_crossings(g, z)
        ax.semilogy(g, np.abs(z), "-", color=color, lw=1.8, label=label)
        for r in roots:
            ax.axvline(r, color=color, ls=":", lw=1.0)
            ax.annotate(f"{r:.3f}", (r, 2e-6), color=color, fontsize=8, rotation=90,
                        ha="right", va="bottom")
        report.append(f"{name}: |<T>|(g=0) = {abs(z[0]):.4e}, zero crossings at g = "
                      + ", ".join(f"{r:.4f}" for r in roots)
                      + f" (largest off-axis part / max = {off_axis:.1e})")
    ax.set_xlim(g[0], g[-1])
    ax.set_ylim(1e-6, 0.2)
    ax.set_xlabel(r"coupling $g$ (units of $\Gamma$)")
    ax.set_ylabel(r"$|\langle \hat T^k_q\rangle|$ of qutrit A (log scale)")
    ax.set_title(r"two qutrits (S = 1): $w_A$ = 0.25, $w_B$ = 0.75, $\epsilon$ = 0.1; "
                 "dotted: zero crossings", fontsize=10)
    ax.legend(fontsize=10, loc="upper right")
    path = os.path.join(ROOT, "out", "figures", "fig14.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=130)
    for line in report:
        print("fig14: " + line)
    print(f"fig14: qsync g0_A (zero of <S+_A>, Brent) = {f['g0_A'][0]:.6f}; "
          f"g0_B = {f['g0_B'][0]:.6f}")


if __name__ == "__main__":
    main()
