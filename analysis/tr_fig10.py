"""Fig. 10 of the two-qubit-oscillator paper (circuit-QED realization):
phase response |<S+>| of transmons A and B versus the transmon-transmon
coupling g/2pi, (a) Table II column fig10a, (b) column fig10b.
Markers: transmon model (qsync compare-model: master equation of E1-E2,
time averaged in the drive frame, projected on the {g, e} subspaces);
lines: qubit model (Eq. 4) with the effective rates fitted by qsync rates.
Filled markers / solid lines without dephasing, open markers / dashed
lines with transmon dephasing gamma_phi/2pi = 53 kHz.
Data: out/tr_fig10/{fig10a,fig10b}{,_deph} (analysis/transmon_figures.sh 10)."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from qsync_tsv import ROOT
from tr_common import panel_title, read_compare


def main():
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), constrained_layout=True)
    for ax, col, tag in zip(axes, ["fig10a", "fig10b"], ["(a)", "(b)"]):
        rates = None
        for deph, mfc, ls in [("", None, "-"), ("_deph", "none", "--")]:
            d, q, r = read_compare(f"out/tr_fig10/{col}{deph}")
            if d is None:
                continue
            rates = rates or r
            for s, c in [("A", "tab:blue"), ("B", "tab:red")]:
                ax.plot(q["g"], q[f"Sp_{s}_qubit"], ls, color=c,
                        label=f"qubit model {s}" if not deph else None)
                ax.plot(d["g"], d[f"Sp_{s}"], "o", color=c, mfc=mfc or c, ms=6,
                        label=f"transmon {s}" + (" (dephasing)" if deph else ""))
        ax.set_xlabel(r"$g/2\pi$ (kHz)")
        ax.set_ylabel(r"$|\langle \hat S^+\rangle|$")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        ax.set_title(panel_title(tag, col, rates), fontsize=9)
    out = os.path.join(ROOT, "out/figures/tr_fig10.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
