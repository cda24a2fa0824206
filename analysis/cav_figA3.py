"""Fig. A3 of the driven-resonator paper: a qubit synchronized with the
drive in the lab frame (no RWA).  Left: spin projections in the drive frame
against time, oscillating around the RWA steady state (dashed).  Right: the
in-plane angle theta = arg <Sx + i Sy> in the drive frame (constant up to
the counter-rotating wiggles: phase locking) and, inset-free, the lab-frame
angle theta_lab = theta - omega t against the drive phase omega t (mod 2 pi).
Data: out/cav_figA3/lab (mesolve), out/cav_figA3/rwa (steady)
(analysis/cavity_figures.sh A3)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from qsync_tsv import ROOT, read_tsv

OMEGA = 10.0 - 0.3


def main():
    ts = read_tsv(os.path.join(ROOT, "out/cav_figA3/lab/timeseries.tsv"))
    rwa = read_tsv(os.path.join(ROOT, "out/cav_figA3/rwa/summary.tsv"))
    t = ts["t"]
    fig, axs = plt.subplots(1, 2, figsize=(12, 4.3), constrained_layout=True)
    for comp, c in (("x", "tab:blue"), ("y", "tab:orange"), ("z", "tab:green")):
        axs[0].plot(t, ts[f"S{comp}.re"], color=c, lw=0.8, label=rf"$\langle S_{comp}\rangle$")
        axs[0].axhline(rwa[f"S{comp}.re"][0], color=c, ls="--", lw=1)
        late = t >= t[-1] - 8 * 2 * np.pi / OMEGA
        print(f"S{comp}: RWA {rwa[f'S{comp}.re'][0]:+.4f}, lab mean over the last 8 periods "
              f"{np.mean(ts[f'S{comp}.re'][late]):+.4f}, peak-to-peak "
              f"{np.ptp(ts[f'S{comp}.re'][late]):.4f}")
    axs[0].set_xlabel(r"$\lambda t$")
    axs[0].set_ylabel("spin projection (drive frame)")
    axs[0].legend(fontsize=8)
    axs[0].set_title(r"lab-frame dynamics (solid) around the RWA steady state (dashed)",
                     fontsize=9)
    theta = np.angle(ts["Sx.re"] + 1j * ts["Sy.re"])
    axs[1].plot(t, theta, color="k", lw=0.8, label=r"$\theta$ (drive frame)")
    # lab frame: <S+> rotates as e^{-i omega t} (the frame's rotation undone)
    lab = np.mod(theta - OMEGA * t + np.pi, 2 * np.pi) - np.pi
    drive = np.mod(OMEGA * t + np.pi, 2 * np.pi) - np.pi
    ax2 = axs[1].twiny()
    ax2.plot(drive[late], lab[late], ".", color="tab:red", ms=2)
    ax2.set_xlabel(r"drive phase $\omega t$ mod $2\pi$ (red: lab-frame $\theta$, last 8 periods)",
                   color="tab:red", fontsize=8)
    axs[1].set_xlabel(r"$\lambda t$")
    axs[1].set_ylabel(r"$\theta=\arg\langle S_x+iS_y\rangle$")
    axs[1].set_ylim(-np.pi, np.pi)
    axs[1].legend(fontsize=8, loc="lower left")
    print(f"theta (drive frame): {np.mean(theta[late]):+.4f} rad, spread "
          f"{np.ptp(theta[late]):.4f} rad over the last 8 periods; RWA "
          f"{np.angle(rwa['Sx.re'][0] + 1j * rwa['Sy.re'][0]):+.4f}")
    for a in axs:
        a.grid(alpha=0.3)
    fig.suptitle(r"Fig. A3: $\Delta=\lambda$, $\omega-\omega_0=-0.3\lambda$, $F=\lambda$, "
                 r"$\gamma=\lambda/3$, $\gamma_s=0$, $\omega_0/\lambda=10$", fontsize=10)
    out = os.path.join(ROOT, "out/figures/cav_figA3.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
