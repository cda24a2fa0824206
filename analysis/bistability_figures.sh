#!/usr/bin/env bash
# The bistability and spectrum figures (docs/bistability.md, docs/spectra.md)
# as PNGs in analysis/figures/: qsync jumps at the Fig. 1 point of the
# driven-resonator paper (about 3 CPU minutes), the switching rates against
# the drive detuning (about 16 CPU minutes), and the emission spectra
# against their closed forms (about a minute).  Data go to out/; a run whose
# summary.tsv is there is not repeated (REDO=1 repeats it).
set -euo pipefail
cd "$(dirname "$0")/.."
source analysis/figlib.sh
figure_env
jumps() { # jumps NAME: qsync jumps runs/NAME.ini into out/NAME
  if have "out/$1"; then echo "out/$1: kept (REDO=1 reruns)"; return; fi
  "$QSYNC" jumps "runs/$1.ini" --threads "$THREADS" --quiet --out "out/$1"
}
jumps jumps_fig1
jumps jumps_sweep
$PY analysis/jumps_figures.py out/jumps_fig1 out/jumps_sweep
QSYNC=$QSYNC REDO=$REDO $PY analysis/spectrum_mollow.py
