"""Fig. 1 of the driven-resonator paper: photon-number distributions
P_-(n) (qubit down) and P_+(n) (qubit up) versus omega - omega0.
Top: lab frame (no RWA), omega0 = 10 (qsync mesolve, 21 points);
bottom: RWA steady state (qsync steady, 101 points).
Data: out/cav_fig01/{lab,rwa}/photon.tsv (analysis/cavity_figures.sh 1)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import PowerNorm

from qsync_tsv import ROOT, edges, read_tsv

NMAX = 70


def maps(path):
    d = read_tsv(path)
    x = np.unique(d["domega"])
    n = np.unique(d["n"]).astype(int)
    up = d["P_up"].reshape(len(x), len(n)).T
    down = d["P_down"].reshape(len(x), len(n)).T
    return x, n, down, up


def main():
    rows = [("lab frame, $\\omega_0/\\lambda = 10$", "out/cav_fig01/lab/photon.tsv"),
            ("RWA", "out/cav_fig01/rwa/photon.tsv")]
    data = [maps(os.path.join(ROOT, p)) for _, p in rows]
    vmax = max(max(m[2][:NMAX].max(), m[3][:NMAX].max()) for m in data)
    fig, axs = plt.subplots(2, 2, figsize=(9, 6.5), sharex=True, sharey=True,
                            constrained_layout=True)
    for i, ((title, _), (x, n, down, up)) in enumerate(zip(rows, data)):
        for j, (name, p) in enumerate([("$P_-(n)$ (qubit down)", down),
                                       ("$P_+(n)$ (qubit up)", up)]):
            ax = axs[i, j]
            k = n <= NMAX
            im = ax.pcolormesh(edges(x), edges(n[k].astype(float)), p[k],
                               cmap="viridis", norm=PowerNorm(0.3, vmin=0, vmax=vmax),
                               shading="flat")
            ax.set_title(f"{name}, {title}", fontsize=10)
            if i == 1:
                ax.set_xlabel(r"$(\omega-\omega_0)/\lambda$")
            if j == 0:
                ax.set_ylabel("cavity level $n$")
    fig.colorbar(im, ax=axs, label=r"$\langle n,s|\rho|n,s\rangle$ (power-law scale, exponent 0.3)", shrink=0.8)
    fig.suptitle(r"Fig. 1: $\Delta=2\lambda$, $F=\lambda$, $\gamma=0.3\lambda$, "
                 r"$\gamma_s=0$, 100 cavity levels", fontsize=11)
    out = os.path.join(ROOT, "out/figures/cav_fig01.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
