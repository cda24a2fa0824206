"""Fig. 11 of the two-qubit-oscillator paper (circuit-QED realization):
synchronization measure Omega (Eq. 11) of the two qubits versus g/2pi,
(a) Table II column fig10b (= Fig. 11a), (b) column fig11b.  Markers:
transmon model (qsync compare-model; Omega of the drive-frame, time-averaged
two-qubit state projected on {g, e}, undriven reference eps = 0); lines:
qubit model with the fitted rates.  Filled / solid without dephasing, open
/ dashed with gamma_phi/2pi = 53 kHz.
Data: out/tr_fig10/fig10b{,_deph} and out/tr_fig11/fig11b{,_deph}."""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from qsync_tsv import ROOT
from tr_common import panel_title, read_compare


def main():
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), constrained_layout=True)
    for ax, col, base, tag in zip(axes, ["fig10b", "fig11b"],
                                  ["out/tr_fig10/fig10b", "out/tr_fig11/fig11b"],
                                  ["(a)", "(b)"]):
        rates = None
        for deph, mfc, ls in [("", None, "-"), ("_deph", "none", "--")]:
            d, q, r = read_compare(base + deph)
            if d is None:
                continue
            rates = rates or r
            ax.plot(q["g"], q["Omega_qubit"], ls, color="k",
                    label="qubit model" + (" (dephasing)" if deph else ""))
            ax.plot(d["g"], d["Omega"], "o", color="tab:purple", mfc=mfc or "tab:purple",
                    ms=6, label="transmon" + (" (dephasing)" if deph else ""))
        ax.set_xlabel(r"$g/2\pi$ (kHz)")
        ax.set_ylabel(r"$\Omega$ (nats)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        ax.set_title(panel_title(tag, col, rates), fontsize=9)
    out = os.path.join(ROOT, "out/figures/tr_fig11.png")
    fig.savefig(out, dpi=110)
    print(out)


if __name__ == "__main__":
    main()
