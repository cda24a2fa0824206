#!/usr/bin/env bash
# Reproduce Figs. 10 and 11 of the two-qubit-oscillator paper (circuit-QED
# realization, Appendix E): transmon model against the qubit model with the
# fitted effective rates, with and without transmon dephasing, using
# `qsync compare-model`.
#
#   make && analysis/transmon_figures.sh        # both figures
#   analysis/transmon_figures.sh 11             # only Fig. 11
#
# Data go to out/tr_fig10/<column>{,_deph} and out/tr_fig11/fig11b{,_deph};
# PNGs to out/figures/tr_fig{10,11}.png (analysis/tr_fig{10,11}.py).
# Environment as in analysis/cavity_figures.sh: QSYNC, PYTHON, THREADS
# (default 2: g points run in parallel), REDO=1, PLOT=0.
set -euo pipefail
cd "$(dirname "$0")/.."

source analysis/figlib.sh
figure_env

plot() { [[ $PLOT == 0 ]] || $PY "analysis/tr_fig$1.py"; }

# compare COLUMN OUTDIR: runs/tr_COLUMN.ini without and with transmon
# dephasing (Table I: gamma_phi/2pi = 53 kHz)
compare() {
  local column=$1 dir=$2
  have "$dir" || "$QSYNC" compare-model "runs/tr_$column.ini" --out "$dir" \
    --threads "$THREADS" --quiet
  have "${dir}_deph" || "$QSYNC" compare-model "runs/tr_$column.ini" --out "${dir}_deph" \
    --threads "$THREADS" --quiet --set model.gamma_phi_A=53 --set model.gamma_phi_B=53
}

fig10() {
  compare fig10a out/tr_fig10/fig10a
  compare fig10b out/tr_fig10/fig10b
  plot 10
}

fig11() {
  compare fig10b out/tr_fig10/fig10b # Fig. 11(a) is Fig. 10(b)'s column
  compare fig11b out/tr_fig11/fig11b
  plot 11
}

run_figures tr_fig "10 11" "$@"
