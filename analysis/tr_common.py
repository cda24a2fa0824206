"""Shared by tr_fig10.py and tr_fig11.py: qsync compare-model output."""
import os

from qsync_tsv import ROOT, read_tsv


def read_compare(rel):
    """(transmon points of DIR/summary.tsv, qubit-model curve of
    DIR/qubit_curve.tsv, rates dict of DIR/rates.tsv), or Nones."""
    p = os.path.join(ROOT, rel, "summary.tsv")
    if not os.path.exists(p):
        return None, None, None
    r = read_tsv(os.path.join(ROOT, rel, "rates.tsv"))
    curve = read_tsv(os.path.join(ROOT, rel, "qubit_curve.tsv"))
    return read_tsv(p), curve, {k: float(v[0]) for k, v in r.items()}


def panel_title(tag, column, rates):
    if not rates:
        return f"{tag} column {column}"
    ra = rates["w_A"] / rates["gamma_A"]
    rb = rates["w_B"] / rates["gamma_B"]
    return (f"{tag} {column}: fitted $w_A/\\gamma_A$ = {ra:.2f}, "
            f"$w_B/\\gamma_B$ = {rb:.2f}")
