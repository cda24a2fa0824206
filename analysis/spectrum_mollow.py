#!/usr/bin/env python3
"""Emission spectra from `qsync spectrum` against closed forms
(docs/spectra.md), PNG in analysis/figures/spectrum_mollow.png.

(a) The Mollow triplet of runs/spectrum_mollow.ini (resonant drive
    Omega = 10 gamma, decay gamma only): qsync's resolvent and fft methods,
    the strong-drive closed form (peaks at 0 and +-Omega, half-widths
    gamma/2 and 3 gamma/4, heights 1/gamma and 1/(3 gamma)) and an
    independent dense evaluation of the two-level quantum-regression
    formula in numpy (the exact spectrum, with the O(gamma/Omega)
    corrections the strong-drive form leaves out).
(b) The cavity field's spectrum near omega = 0 at the bistable point of
    runs/spectrum_cavity_bistable.ini (driven-resonator paper, Fig. 1):
    a narrow Lorentzian of half-width |Re mu1| (the Liouvillian gap from
    `qsync gap` on the same file) on the broad emission, fitted as
    (a + c omega) / (gap^2 + omega^2) + b (the slow mode's absorptive and
    dispersive parts and a flat background; only a, c, b free), and with
    the width free as well.

Runs qsync when out/spectrum/* is missing (REDO=1: always); about a
minute, most of it the 81 sparse LUs of the cavity (N^2 = 19600).
Usage: python3 analysis/spectrum_mollow.py
"""
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qsync_tsv import ROOT, ini_value, read_tsv  # noqa: E402

QSYNC = os.environ.get("QSYNC", os.path.join(ROOT, "build/qsync"))
OUT = os.path.join(ROOT, "out/spectrum")
REDO = os.environ.get("REDO", "0") == "1"


def qsync(command, runfile, name, *sets):
    out = os.path.join(OUT, name)
    if REDO or not os.path.exists(os.path.join(out, "summary.tsv")):
        args = [QSYNC, command, os.path.join(ROOT, runfile), "--quiet", "--out", out]
        for s in sets:
            args += ["--set", s]
        subprocess.run(args, check=True)
    return out


def mollow_exact(omega_rabi, gamma, omegas):
    """Two-level atom, H = (Omega/2) sigma_x, c = sqrt(gamma) sigma_-:
    S_inc(omega) = 2 Re Tr[s+ Y], (L - i omega + rho_ss Tr) Y = -(s- - <s->) rho_ss,
    with the dense 4 x 4 Liouvillian (column stacking)."""
    sm = np.array([[0, 0], [1, 0]], complex)  # basis (up, down): |down><up|
    H = 0.5 * omega_rabi * np.array([[0, 1], [1, 0]], complex)
    c = np.sqrt(gamma) * sm
    eye = np.eye(2)

    def lind(r):
        cdc = c.conj().T @ c
        return -1j * (H @ r - r @ H) + c @ r @ c.conj().T - 0.5 * (cdc @ r + r @ cdc)

    L = np.zeros((4, 4), complex)
    for k in range(4):
        e = np.zeros(4, complex)
        e[k] = 1
        L[:, k] = lind(e.reshape(2, 2, order="F")).reshape(4, order="F")
    w, v = np.linalg.eig(L)
    rho = v[:, np.argmin(abs(w))].reshape(2, 2, order="F")
    rho /= np.trace(rho)
    X = ((sm - np.trace(sm @ rho) * eye) @ rho).reshape(4, order="F")
    border = np.outer(rho.reshape(4, order="F"), eye.reshape(4, order="F"))
    S = []
    for om in omegas:
        Y = np.linalg.solve(L - 1j * om * np.eye(4) + border, -X).reshape(2, 2, order="F")
        S.append(2 * np.trace(sm.conj().T @ Y).real)
    return np.array(S)


def strong_drive(omega_rabi, gamma, om):
    """1/4 e^{-gamma tau/2} + 1/8 e^{(-3 gamma/4 +- i Omega) tau}, transformed."""
    def lor(w, width, centre):
        return 2 * w * width / (width ** 2 + (om - centre) ** 2)
    return (lor(0.25, gamma / 2, 0) + lor(0.125, 0.75 * gamma, omega_rabi)
            + lor(0.125, 0.75 * gamma, -omega_rabi))


def panel_mollow(ax):
    run = "runs/spectrum_mollow.ini"
    res = read_tsv(os.path.join(qsync("spectrum", run, "mollow"), "spectrum.tsv"))
    fft = read_tsv(os.path.join(qsync("spectrum", run, "mollow_fft", "spectrum.method=fft"),
                                "spectrum.tsv"))
    Om, g = ini_value(os.path.join(ROOT, run), "eps"), ini_value(os.path.join(ROOT, run), "gamma_A")
    om = res["omega"]
    exact = mollow_exact(Om, g, om)
    closed = strong_drive(Om, g, om)
    d_res = np.max(abs(res["S_inc"] - exact))
    d_fft = np.max(abs(fft["S_inc"] - exact))
    d_closed = np.max(abs(closed - exact))
    print(f"Mollow, Omega = {Om:g} gamma: max |qsync resolvent - numpy exact| = {d_res:.2e}, "
          f"fft: {d_fft:.2e}; strong-drive form off by at most {d_closed:.3f} "
          f"(peak {exact.max():.4f}; O(gamma/Omega) = {g / Om:.2f})")
    ax.plot(om, res["S_inc"], color="k", lw=1.6, label="qsync, resolvent")
    ax.plot(fft["omega"][::8], fft["S_inc"][::8], "o", ms=3.5, mfc="none", color="tab:blue",
            label="qsync, fft")
    ax.plot(om, exact, ":", color="tab:green", lw=2, label="numpy, dense 2-level QRT")
    ax.plot(om, closed, "--", color="tab:red", lw=1.2,
            label=r"strong drive: $\gamma/2$, $3\gamma/4$; 1 : 3 : 1")
    ax.set_xlabel(r"$\omega/\gamma$ (frame of the drive)")
    ax.set_ylabel(r"$S_{\rm inc}(\omega)\;\gamma$")
    ax.set_title(rf"(a) Mollow triplet, $\Omega = {Om:g}\gamma$", fontsize=10)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)


def panel_cavity(ax):
    run = "runs/spectrum_cavity_bistable.ini"
    spec = read_tsv(os.path.join(qsync("spectrum", run, "cavity"), "spectrum.tsv"))
    gap = read_tsv(os.path.join(qsync("gap", run, "cavity_gap"), "summary.tsv"))["gap"][0]
    om, S = spec["omega"], spec["S_inc"]
    # The slow mode mu1 (real) adds 2 Re[w / (gap + i omega)] with a complex
    # weight w: an absorptive and a dispersive part.  (a + c omega) /
    # (gap^2 + omega^2) + b: linear least squares in (a, c, b).
    def basis(K):
        return np.column_stack([1 / (K ** 2 + om ** 2), om / (K ** 2 + om ** 2),
                                np.ones_like(om)])
    M = basis(gap)
    (a, c, b), *_ = np.linalg.lstsq(M, S, rcond=None)
    fixed = M @ np.array([a, c, b])
    # the width free too (Gauss-Newton on K from the gap)
    K = gap
    for _ in range(50):
        (a2, c2, b2), *_ = np.linalg.lstsq(basis(K), S, rcond=None)
        r = S - basis(K) @ np.array([a2, c2, b2])
        dK = -2 * K * (a2 + c2 * om) / (K ** 2 + om ** 2) ** 2
        K += np.dot(dK, r) / np.dot(dK, dK)
    rel = np.max(abs(S - fixed)) / S.max()
    print(f"cavity bistable point: gap = {gap:.6g}, free-width fit K = {K:.6g} "
          f"(K/gap - 1 = {K / gap - 1:.1e}); width fixed at the gap: max residual {rel:.1e} "
          f"of the peak; slow-mode weight a/(2 gap) = {a / (2 * gap):.4g}, dispersive "
          f"c/a = {c / a:.3g}, background {b:.4g}")
    ax.plot(om, S, "o", ms=3, color="k", label="qsync spectrum (resolvent)")
    ax.plot(om, fixed, "-", color="tab:red", lw=1.2,
            label=rf"$(a+c\omega)/(\mu^2+\omega^2)+b$, $\mu = |{{\rm Re}}\,\mu_1| = {gap:.4g}$")
    ax.set_xlabel(r"$\omega/\lambda$ (frame of the drive)")
    ax.set_ylabel(r"$S_{\rm inc}(\omega)\;\lambda$ of $a$")
    ax.set_title(r"(b) cavity, bistable point ($\Delta=2$, $F=1$, $\gamma=0.3$, "
                 r"$\omega-\omega_0=0.18$)", fontsize=10)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)


def main():
    os.makedirs(OUT, exist_ok=True)
    fig, axs = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    panel_mollow(axs[0])
    panel_cavity(axs[1])
    out = os.path.join(ROOT, "analysis/figures/spectrum_mollow.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
