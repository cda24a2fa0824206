"""Shared by tr_fig10.py and tr_fig11.py: qsync compare-model output."""
import os

from qsync_tsv import ROOT, read_tsv


def read_compare(rel):
    """(columns of DIR/summary.tsv, rates dict from DIR/rates.tsv) or (None, None)."""
    p = os.path.join(ROOT, rel, "summary.tsv")
    if not os.path.exists(p):
        return None, None
    r = read_tsv(os.path.join(ROOT, rel, "rates.tsv"))
    return read_tsv(p), {k: float(v[0]) for k, v in r.items()}


def panel_title(tag, column, rates):
    if not rates:
        return f"{tag} column {column}"
    ra = rates["w_A"] / rates["gamma_A"]
    rb = rates["w_B"] / rates["gamma_B"]
    return (f"{tag} {column}: fitted $w_A/\\gamma_A$ = {ra:.2f}, "
            f"$w_B/\\gamma_B$ = {rb:.2f}")
