"""Validity maps from `qsync validity` (OUT/validity.tsv): where the
semiclassical product state, the rate series (R)* and the RWA (lab frame)
describe the exact RWA steady state.

    validity_map.py OUT [PNG] [--title TEXT] [--hold D]

One sweep axis: the trace distances D of each picture against the swept
parameter (log scale), eps/gamma and gap/gamma, and total <Sx> of each
picture.  Two axes: one map per quantity (D of each picture, eps/gamma,
the number of semiclassical minima, gap/gamma) and a summary map of which
picture is within D < HOLD (default 0.1) of the exact state.  Pictures that
were not computed (all NaN) are left out.  PNG defaults to
OUT/validity_map.png.
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm

from qsync_tsv import read_tsv

PICTURES = [("sc", "semiclassical", "tab:red"), ("rs", "(R)*", "tab:blue"),
            ("lab", "lab frame (RWA validity)", "tab:green")]


def sweep_axes(path):
    with open(path) as f:
        names = f.readline().lstrip("#").strip().split("\t")
    return names[:names.index("residual")]


def geometric(c):
    """Positive, evenly spaced in log (ratio >= 1.5): drawn on a log axis."""
    if len(c) < 3 or c.min() <= 0:
        return False
    r = c[1:] / c[:-1]
    return r.min() >= 1.5 and r.max() / r.min() < 1.1


def edges(c):
    """Cell edges around centres c (midpoints; in log space on a log axis)."""
    if len(c) == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    if geometric(c):
        return np.exp(edges(np.log(c)))
    mid = 0.5 * (c[1:] + c[:-1])
    return np.concatenate([[2 * c[0] - mid[0]], mid, [2 * c[-1] - mid[-1]]])


def have(d, col):
    return col in d and np.any(np.isfinite(d[col]))


def label(key):
    return {"domega": r"$(\omega-\omega_0)/\lambda$", "gamma": r"$\gamma/\lambda$",
            "gamma_s": r"$\gamma_s/\lambda$", "F": r"$F/\lambda$",
            "omega0": r"$\omega_0/\lambda$"}.get(key, key)


def plot_1d(d, x, fig_title):
    fig, axs = plt.subplots(3, 1, figsize=(7, 8.5), sharex=True, constrained_layout=True)
    xs = d[x]
    for p, name, c in PICTURES:
        if have(d, p + ".D"):
            axs[0].semilogy(xs, np.maximum(d[p + ".D"], 1e-16), color=c, label=name)
    if have(d, "rs.converged"):
        bad = d["rs.converged"] == 0
        axs[0].semilogy(xs[bad], np.maximum(d["rs.D"][bad], 1e-16), "x", color="tab:blue",
                        label="(R)* not converged")
    axs[0].set_ylabel("trace distance D to exact")
    axs[0].legend(fontsize=8)
    if have(d, "sc.eps_over_gamma"):
        axs[1].semilogy(xs, d["sc.eps_over_gamma"], color="tab:red", label=r"$\epsilon/\gamma$")
        two = d["sc.minima"] >= 2
        axs[1].semilogy(xs[two], d["sc.eps_over_gamma"][two], "o", color="tab:red", ms=3,
                        label="2+ semiclassical minima")
    if have(d, "gap"):
        axs[1].semilogy(xs, d["gap_over_gamma"], color="k", label=r"gap$/\gamma$")
    axs[1].legend(fontsize=8)
    axs[1].set_ylabel("ratio")
    axs[2].plot(xs, d["Sx"], color="k", lw=2, label="exact RWA")
    for p, name, c in PICTURES:
        if have(d, p + ".Sx"):
            axs[2].plot(xs, d[p + ".Sx"], "--", color=c, label=name)
    axs[2].set_ylabel(r"total $\langle S_x\rangle$")
    axs[2].set_xlabel(label(x))
    axs[2].legend(fontsize=8)
    for a in axs:
        a.grid(alpha=0.3)
    axs[0].set_title(fig_title, fontsize=10)
    return fig


def plot_2d(d, x, y, fig_title, hold):
    xs, ys = np.unique(d[x]), np.unique(d[y])

    def grid(col):
        return d[col].reshape(len(ys), len(xs))

    panels = [(p + ".D", "D: " + name) for p, name, _ in PICTURES if have(d, p + ".D")]
    panels += [(c, t) for c, t in [("sc.eps_over_gamma", r"$\epsilon/\gamma$"),
                                   ("gap_over_gamma", r"gap$/\gamma$")] if have(d, c)]
    # the number of minima only where it varies; the convergence flag always
    extra = [k for k in ("sc.minima", "rs.converged")
             if have(d, k) and (k != "sc.minima" or np.nanmax(d[k]) > 1)]
    n = len(panels) + len(extra) + 1
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axs = plt.subplots(rows, cols, figsize=(4.3 * cols, 3.6 * rows),
                            constrained_layout=True, squeeze=False)
    axs = axs.ravel()
    ex, ey = edges(xs), edges(ys)
    k = 0
    for col, title in panels:
        z = grid(col)
        pos = z[np.isfinite(z) & (z > 0)]
        norm = LogNorm(vmin=max(pos.min(), 1e-12), vmax=pos.max()) if pos.size else None
        m = axs[k].pcolormesh(ex, ey, np.where(z > 0, z, np.nan), norm=norm, cmap="viridis")
        fig.colorbar(m, ax=axs[k])
        axs[k].set_title(title, fontsize=10)
        k += 1
    for col in extra:
        z = grid(col)
        m = axs[k].pcolormesh(ex, ey, z, cmap="coolwarm", vmin=0, vmax=max(2, np.nanmax(z)))
        fig.colorbar(m, ax=axs[k])
        axs[k].set_title({"sc.minima": "semiclassical minima",
                          "rs.converged": "(R)* converged"}[col], fontsize=10)
        k += 1
    # which picture holds: bit 0 semiclassical, bit 1 (R)*
    code = np.zeros(len(d[x]))
    if have(d, "sc.D"):
        code += np.where(d["sc.D"] < hold, 1, 0)
    if have(d, "rs.D"):
        code += np.where((d["rs.D"] < hold) & (d["rs.converged"] == 1), 2, 0)
    cmap = ListedColormap(["lightgrey", "tab:red", "tab:blue", "tab:purple"])
    m = axs[k].pcolormesh(ex, ey, code.reshape(len(ys), len(xs)), cmap=cmap,
                          norm=BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], 4))
    cb = fig.colorbar(m, ax=axs[k], ticks=[0, 1, 2, 3])
    cb.ax.set_yticklabels(["neither", "semicl.", "(R)*", "both"])
    axs[k].set_title(f"D < {hold:g} to exact", fontsize=10)
    k += 1
    for a in axs[:k]:
        a.set_xlabel(label(x))
        a.set_ylabel(label(y))
        if geometric(xs):
            a.set_xscale("log")
            a.set_xticks(xs, [f"{v:g}" for v in xs])
            a.minorticks_off()
        if geometric(ys):
            a.set_yscale("log")
            a.set_yticks(ys, [f"{v:g}" for v in ys])
            a.minorticks_off()
    for a in axs[k:]:
        a.axis("off")
    fig.suptitle(fig_title, fontsize=11)
    return fig


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("png", nargs="?")
    ap.add_argument("--title", default="")
    ap.add_argument("--hold", type=float, default=0.1)
    a = ap.parse_args()
    path = os.path.join(a.out, "validity.tsv")
    d = read_tsv(path)
    axes = sweep_axes(path)
    if len(axes) == 1:
        fig = plot_1d(d, axes[0], a.title)
    elif len(axes) == 2:
        fig = plot_2d(d, axes[0], axes[1], a.title, a.hold)
    else:
        raise SystemExit(f"{path}: needs a [sweep] with one or two axes")
    png = a.png or os.path.join(a.out, "validity_map.png")
    fig.savefig(png, dpi=110)
    print(png)


if __name__ == "__main__":
    main()
