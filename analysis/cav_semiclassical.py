"""Shared by the figures with semiclassical curves: the lowest minimum of
each point of qsync semiclassical's minima.tsv (branch 0: sorted by S)."""
import numpy as np

from qsync_tsv import read_tsv


def lowest_minimum(path, x="domega"):
    """Columns of the branch-0 rows (one per point, in sweep order)."""
    d = read_tsv(path)
    k = d["branch"] == 0
    return {name: col[k] for name, col in d.items()}


def total_spin_squared(m, n_spins=2):
    """<(S_1 + S_2)^2> of a product state: 3/2 + 2 S_1 . S_2 (S = b/2)."""
    dot = sum(m[f"{c}_1"] * m[f"{c}_2"] for c in ("Sx", "Sy", "Sz"))
    return 0.75 * n_spins + 2 * dot


def two_minima(path, x="domega"):
    """Sweep values where the functional has two or more minima."""
    d = read_tsv(path)
    k = (d["branch"] == 0) & (d["minima"] >= 2)
    return d[x][k]
