"""Shared helpers of the figure scripts: qsync's TSV files and run files."""
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def read_tsv(path):
    """qsync TSV ('# name<TAB>name...' header) -> dict of column arrays."""
    with open(path) as f:
        names = f.readline().lstrip("#").strip().split("\t")
    data = np.loadtxt(path, comments="#", ndmin=2)
    return {n: data[:, i] for i, n in enumerate(names)}


def ini_value(path, key):
    """Value of `key = value` in a run file (first occurrence)."""
    with open(path) as f:
        for line in f:
            k, _, v = line.partition("=")
            if k.strip() == key:
                return float(v.split("#")[0].split(";")[0])
    raise KeyError(key)


def cplx(d, name):
    """Complex column NAME from NAME.re and NAME.im."""
    return d[name + ".re"] + 1j * d[name + ".im"]


def grid(d, name):
    """Map column as a 2-D array [i_wA, i_wB] (w_A is the inner sweep axis)."""
    wa, wb = np.unique(d["w_A"]), np.unique(d["w_B"])
    return wa, wb, d[name].reshape(len(wb), len(wa)).T


def edges(c):
    """Cell edges of evenly spaced cell centres c (for pcolormesh)."""
    h = 0.5 * (c[1] - c[0])
    return np.concatenate([c - h, [c[-1] + h]])
