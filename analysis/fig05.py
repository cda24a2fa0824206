#!/usr/bin/env python3
"""Fig. 5 of the two-qubit-oscillator paper: phase response to a detuned drive.

(a) |<S+_A>|/eps versus g at Delta_d (runs/fig05.ini) with Delta_q = 0 (no zero
crossing) and with the Delta_q that restores it (markers exact, lines
Appendix C first order); (b) delta P_A(phi) at three couplings for both
cases; (c) the restoring Delta_q and the coupling g_{0,A} of the restored
zero crossing versus Delta_d (markers exact at eps = 0.1, lines first order).

Input: out/fig05/{detuned,restored,phase_detuned,phase_restored,restore,
restore_first} (analysis/figures.sh).  Output: out/figures/fig05.png.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from qsync_tsv import read_tsv, ini_value, cplx, ROOT  # noqa: E402

C_DET, C_RES = "tab:purple", "tab:orange"


def main():
    out = os.path.join(ROOT, "out", "fig05")
    det = read_tsv(os.path.join(out, "detuned", "scan.tsv"))
    res = read_tsv(os.path.join(out, "restored", "scan.tsv"))
    res_feat = read_tsv(os.path.join(out, "restored", "features.tsv"))
    det_feat = read_tsv(os.path.join(out, "detuned", "features.tsv"))
    rest = read_tsv(os.path.join(out, "restore", "features.tsv"))
    rest1 = read_tsv(os.path.join(out, "restore_first", "features.tsv"))
    run = os.path.join(ROOT, "runs", "fig05.ini")
    eps, dd = ini_value(run, "eps"), ini_value(run, "delta_d")
    k = np.argmin(np.abs(rest["delta_d"] - dd))
    dq, g0 = rest["restore_delta_q"][k], rest["restore_g"][k]

    fig = plt.figure(figsize=(11.0, 7.6), layout="constrained")
    gs = fig.add_gridspec(2, 3)
    ax = fig.add_subplot(gs[0, :2])
    for d, c, lab in ((det, C_DET, r"$\Delta_q = 0$"), (res, C_RES, rf"$\Delta_q$ = {dq:.5f}")):
        ax.plot(d["g"], np.abs(cplx(d, "Sp_A_first")) / eps, "-", color=c, lw=1.6,
                label=lab + ", first order (App. C)")
        ax.plot(d["g"][::4], d["absSp_A_over_eps"][::4], "o", ms=4, mfc="none", color=c,
                label=lab + rf", exact ($\epsilon$ = {eps:g})")
    ax.plot(res_feat["g0_A"][0], 0, "*", ms=16, color=C_RES, mec="k", zorder=5,
            label=rf"restored $g_{{0,A}}$ = {res_feat['g0_A'][0]:.4f}")
    ph = {"det": read_tsv(os.path.join(out, "phase_detuned", "scan.tsv")),
          "res": read_tsv(os.path.join(out, "phase_restored", "scan.tsv"))}
    for gv in ph["res"]["g"]:
        ax.axvline(gv, color="0.4", ls=":", lw=0.8)
    ax.set_xlim(det["g"][0], det["g"][-1])
    ax.set_ylim(0, 1.15 * det["absSp_A_over_eps"].max())
    ax.set_xlabel(r"coupling $g$ (units of $\Gamma$)")
    ax.set_ylabel(r"$|\langle \hat S^+_A\rangle| / \epsilon$")
    ax.set_title(rf"(a) qubit A, $w_A$ = 0.25, $w_B$ = 0.75, drive detuning $\Delta_d$ = {dd:g} "
                 "(dotted: couplings of (b))", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0.27, 1.0))
    ins = ax.inset_axes([0.67, 0.35, 0.31, 0.6])
    for d, c in ((det, C_DET), (res, C_RES)):
        ins.semilogy(d["g"], np.abs(cplx(d, "Sp_A_first")) / eps, "-", color=c, lw=1.2)
        ins.semilogy(d["g"][::2], d["absSp_A_over_eps"][::2], "o", ms=3, mfc="none", color=c)
    ins.set_xlim(1.0, 3.0)
    ins.set_ylim(1e-4, 0.3)
    ins.tick_params(labelsize=7)
    ins.set_xlabel("g (log-scale zoom)", fontsize=7, labelpad=1)

    phi = np.linspace(0, 2 * np.pi, 361)
    styles = ["--", "-", "-."]
    for col, (key, c, lab) in enumerate((("det", C_DET, r"$\Delta_q = 0$"),
                                         ("res", C_RES, rf"$\Delta_q$ = {dq:.4f}"))):
        axb = fig.add_subplot(gs[1, col])
        d = ph[key]
        sp = cplx(d, "Sp_A")
        for i in range(3):
            axb.plot(phi, np.real(sp[i] * np.exp(-1j * phi)) / 4, styles[i], color=c,
                     lw=1.6 if i == 1 else 1.2, label=f"g = {d['g'][i]:.3f}")
            if i != 1 or key == "det":
                top = np.angle(sp[i]) % (2 * np.pi)  # maximum of delta P
                axb.plot(top, np.abs(sp[i]) / 4, "v", color=c, ms=5,
                         label="maximum" if i == 0 else None)
        axb.axhline(0, color="0.6", lw=0.6)
        axb.set_xlim(0, 2 * np.pi)
        axb.set_xticks(np.arange(0, 2.01 * np.pi, np.pi / 2))
        axb.set_xticklabels(["0", r"$\pi/2$", r"$\pi$", r"$3\pi/2$", r"$2\pi$"])
        axb.set_xlabel(r"azimuthal angle $\varphi$")
        axb.set_ylabel(r"$\delta P_A(\varphi)$")
        axb.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
        axb.set_title("(b) " + lab, fontsize=10, loc="right")
        axb.legend(fontsize=8, loc="lower left")

    axc = fig.add_subplot(gs[:, 2])
    axc2 = axc.twinx()
    axc.plot(rest1["delta_d"], rest1["restore_delta_q"], "-", color="tab:blue", lw=1.5,
             label=r"$\Delta_q$, first order")
    axc.plot(rest["delta_d"], rest["restore_delta_q"], "o", color="tab:blue", mfc="none",
             label=rf"$\Delta_q$, exact ($\epsilon$ = {eps:g})")
    axc2.plot(rest1["delta_d"], rest1["restore_g"], "-", color="tab:red", lw=1.5,
              label=r"$g_{0,A}$, first order")
    axc2.plot(rest["delta_d"], rest["restore_g"], "s", color="tab:red", mfc="none", ms=5,
              label=rf"$g_{{0,A}}$, exact ($\epsilon$ = {eps:g})")
    axc.set_xlabel(r"drive detuning $\Delta_d$ (units of $\Gamma$)")
    axc.set_ylabel(r"restoring qubit detuning $\Delta_q$ (units of $\Gamma$)", color="tab:blue")
    axc2.set_ylabel(r"restored zero crossing $g_{0,A}$ (units of $\Gamma$)", color="tab:red")
    axc2.set_ylim(0, 2.5)
    h1, l1 = axc.get_legend_handles_labels()
    h2, l2 = axc2.get_legend_handles_labels()
    axc.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper right")
    axc.set_title("(c) zero crossing restored by $\\Delta_q$", fontsize=10)

    path = os.path.join(ROOT, "out", "figures", "fig05.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=130)
    print(f"fig05: Delta_d = {dd}: Delta_q = 0 -> n_zero_A = {int(det_feat['n_zero_A'][0])}, "
          f"min |<S+_A>|/max = {det_feat['min_ratio_A'][0]:.4f}; restoring Delta_q = {dq:.6f} "
          f"at g0_A = {g0:.6f} (rescan: g0_A = {res_feat['g0_A'][0]:.6f})")
    ok = ~np.isnan(rest["restore_g"])
    print(f"fig05: (c) exact: restored at {ok.sum()} of {ok.size} Delta_d; g0_A "
          f"{np.nanmin(rest['restore_g']):.4f} .. {np.nanmax(rest['restore_g']):.4f}; "
          f"Delta_q/Delta_d at Delta_d = 0.1, 1: "
          f"{rest['restore_delta_q'][np.argmin(np.abs(rest['delta_d'] - 0.1))] / 0.1:.4f}, "
          f"{rest['restore_delta_q'][np.argmin(np.abs(rest['delta_d'] - 1))]:.4f}; "
          f"first order: restored at {np.sum(~np.isnan(rest1['restore_g']))} of "
          f"{rest1['restore_g'].size}")


if __name__ == "__main__":
    main()
