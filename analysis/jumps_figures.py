"""Bistability jump statistics at the Fig. 1 point (docs/bistability.md):
a trajectory's conditional <n> with its detected switches, the dwell-time
histograms with the exponentials of the fitted rates, the power spectral
density with its Lorentzian, and P+-(n) from the trajectories against the
exact steady state (paper 003, Fig. 1 top); with a sweep directory also
the switching rates against domega compared with the gap.
Data: qsync jumps runs/jumps_fig1.ini --out out/jumps_fig1 (and optionally
a [sweep] over model.domega in out/jumps_sweep).
Usage: python3 analysis/jumps_figures.py [OUT_DIR [SWEEP_DIR]]"""
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qsync_tsv import ROOT, read_tsv


def states(x, lower, upper, threshold):
    """The threshold-with-hysteresis classification of jumps.h (0 low, 1 high)."""
    s = np.empty(len(x), dtype=int)
    cur = 0 if x[0] < threshold else 1
    for k, v in enumerate(x):
        if cur == 0 and v >= upper:
            cur = 1
        elif cur == 1 and v <= lower:
            cur = 0
        s[k] = cur
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "out/jumps_fig1")
    sweep = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "out/jumps_sweep")
    summ = read_tsv(os.path.join(out, "summary.tsv"))
    one = {k: v[0] for k, v in summ.items()}
    with h5py.File(os.path.join(out, "run.h5"), "r") as f:
        g = f["signals"]
        dt, burn = g.attrs["dt"], g.attrs["burn_in"]
        x = g["traj_000000/values"][:, 0]
    t = burn + dt * np.arange(len(x))
    fig, axs = plt.subplots(2, 2, figsize=(11, 7.5), constrained_layout=True)

    ax = axs[0, 0]
    s = states(x, one["band_lower"], one["band_upper"], one["threshold"])
    ax.plot(t, x, lw=0.4, color="0.5", label=r"conditional $\langle n\rangle$")
    ax.plot(t, np.where(s, one["level_2"], one["level_1"]), lw=1.0, color="C3",
            label="detected state")
    ax.axhspan(one["band_lower"], one["band_upper"], color="C0", alpha=0.12,
               label="hysteresis band")
    ax.set_xlabel(r"$t\lambda$")
    ax.set_ylabel(r"$\langle n\rangle$")
    ax.set_title("trajectory 0 (%d switches in all %d trajectories)"
                 % (one["n_switches"], one["ntraj"]))
    ax.legend(loc="upper right", fontsize=8)

    ax = axs[0, 1]
    d = read_tsv(os.path.join(out, "dwells.tsv"))
    for st, name in ((1, "state 1 (low)"), (2, "state 2 (high)")):
        k = d["state"] == st
        mid = 0.5 * (d["t_lo"][k] + d["t_hi"][k])
        ax.errorbar(mid, d["count"][k], yerr=np.sqrt(np.maximum(d["count"][k], 1)),
                    fmt="o", ms=3, color="C%d" % st, label=name)
        ax.plot(mid, d["expected"][k], "-", color="C%d" % st,
                label="exp, rate %.3g" % one["rate_12" if st == 1 else "rate_21"])
    ax.set_yscale("log")
    ax.set_xlabel(r"dwell time $\lambda\tau$")
    ax.set_ylabel("dwells per bin")
    ax.set_title("dwell times (CV %.2f / %.2f)" % (one["cv_1"], one["cv_2"]))
    ax.legend(fontsize=8)

    ax = axs[1, 0]
    p = read_tsv(os.path.join(out, "psd.tsv"))
    k = (p["omega"] > 0) & (p["omega"] <= 100 * one["gap"])
    f = k & (p["in_fit"] > 0)
    ax.errorbar(p["omega"][k], p["psd"][k], yerr=p["psd_se"][k], fmt=".", ms=3,
                color="0.3", label="Welch PSD")
    ax.plot(p["omega"][f], p["lorentzian"][f], color="C3",
            label="Lorentzian, width %.3g ± %.2g" % (one["psd_width"], one["psd_width_se"]))
    for val, name, c in ((one["gap"], "gap %.4g" % one["gap"], "C2"),
                         (one["rate_sum"], "rate sum %.3g" % one["rate_sum"], "C0")):
        ax.axvline(val, color=c, ls="--", lw=1, label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(p["omega"][k][0], p["omega"][k][-1])
    ax.set_xlabel(r"$\omega/\lambda$")
    ax.set_ylabel(r"$S_{nn}(\omega)$")
    ax.set_title("spectrum of the conditional photon number")
    ax.legend(fontsize=8)

    ax = axs[1, 1]
    ph = read_tsv(os.path.join(out, "photon.tsv"))
    for col, name, c in (("P_down", "$P_-(n)$", "C0"), ("P_up", "$P_+(n)$", "C3")):
        ax.errorbar(ph["n"], ph[col], yerr=ph[col + "_se"], fmt="o", ms=2.5, color=c,
                    label=name + " trajectories")
        ax.plot(ph["n"], ph[col + "_exact"], "-", color=c, lw=1, label=name + " exact")
    ax.set_xlim(0, 50)
    ax.set_xlabel("$n$")
    ax.set_ylabel("probability")
    ax.set_title("qubit up / down (paper Fig. 1 top)")
    ax.legend(fontsize=8)
    fig.suptitle(r"Fig. 1 point: $\Delta = 2$, $F = 1$, $\gamma = 0.3$, "
                 r"$\omega-\omega_0 = 0.18$ (units of $\lambda$)")
    dest = os.path.join(ROOT, "analysis/figures/jumps_fig1.png")
    fig.savefig(dest, dpi=110)
    print(dest)

    path = os.path.join(sweep, "summary.tsv")
    if not os.path.exists(path):
        return
    w = read_tsv(path)
    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    ax.errorbar(w["domega"], w["rate_sum"], yerr=w["rate_sum_se"], fmt="o", color="C0",
                label="$k_{12} + k_{21}$ (dwell times)")
    ax.errorbar(w["domega"], w["psd_width"], yerr=w["psd_width_se"], fmt="s", ms=4,
                color="C3", label="PSD width")
    ax.plot(w["domega"], w["gap"], "-", color="C2", label=r"gap $|\mathrm{Re}\,\mu_1|$")
    ax.plot(w["domega"], w["rate_12"], ":", color="C0", label="$k_{12}$")
    ax.plot(w["domega"], w["rate_21"], "--", color="C0", label="$k_{21}$")
    ax.set_yscale("log")
    ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
    ax.set_ylabel(r"rate$/\lambda$")
    ax.legend(fontsize=8)
    dest = os.path.join(ROOT, "analysis/figures/jumps_rates.png")
    fig.savefig(dest, dpi=110)
    print(dest)


if __name__ == "__main__":
    main()
