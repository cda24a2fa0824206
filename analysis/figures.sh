#!/usr/bin/env bash
# Reproduce Figs. 3, 4, 5, 6, 7, 8, 12, 14 and 15 of the two-qubit-oscillator
# paper (Vaidya et al., PRA 109, 033718 (2024)) with `qsync scan`.
#
#   make && analysis/figures.sh            # every figure
#   analysis/figures.sh 3 6 12             # only these figures
#
# Run from anywhere; works in the repository root.  The data go to
# out/figNN/..., the PNGs to out/figures/figNN.png (made by
# analysis/figNN.py, Python 3 with Debian numpy + matplotlib).  The notes
# for every figure (parameters, what the paper says, what qsync gives)
# are in docs/figures.md (section "Figures of the two-qubit-oscillator paper").
#
# Environment: QSYNC (default build/qsync), PYTHON (default
# /usr/bin/python3), THREADS (default 2: scan lines run in parallel).
set -euo pipefail
cd "$(dirname "$0")/.."

QSYNC=${QSYNC:-build/qsync}
PY=${PYTHON:-/usr/bin/python3}
THREADS=${THREADS:-2}
# qsync parallelizes over scan lines with OpenMP; OpenBLAS's own threads on
# the tiny (16 x 16 ... 81 x 81) matrices only add overhead (3x slower).
export OPENBLAS_NUM_THREADS=1
export MPLBACKEND=Agg

if [[ ! -x $QSYNC ]]; then
  echo "figures.sh: $QSYNC not found; run make first" >&2
  exit 2
fi
mkdir -p out/figures

scan() { # RUNFILE OUTDIR [qsync options...]
  local run=$1 dir=$2
  shift 2
  "$QSYNC" scan "$run" --out "$dir" --threads "$THREADS" --quiet "$@"
}

# Value of column NAME in the first data row of a qsync TSV file (whose
# header line is "# name<TAB>name..."), optionally only rows whose column
# KEY equals VALUE (numerically).
column() { # FILE NAME [KEY VALUE]
  awk -F'\t' -v name="$2" -v key="${3:-}" -v val="${4:-}" '
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) { if ($i == name) c = i; if ($i == key) k = i }
              if (!c) { print "no column " name > "/dev/stderr"; exit 1 } next }
    /^#/ { next }
    key == "" || ($k + 0 == val + 0) { print $c; found = 1; exit }
    END { if (!found) exit 1 }' "$1"
}

# a + b with awk (12 significant digits, like qsync's output)
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.12g", a + b }'; }

fig03() {
  local d=out/fig03
  scan runs/fig03.ini $d/line
  local g0a g0b
  g0a=$(column $d/line/features.tsv g0_A)
  g0b=$(column $d/line/features.tsv g0_B)
  # three couplings: 0.5 before, at and 0.5 after each qubit's zero crossing
  scan runs/fig03.ini $d/phase_A --set scan.from="$(add "$g0a" -0.5)" \
    --set scan.to="$(add "$g0a" 0.5)" --set scan.points=3
  scan runs/fig03.ini $d/phase_B --set scan.from="$(add "$g0b" -0.5)" \
    --set scan.to="$(add "$g0b" 0.5)" --set scan.points=3
  $PY analysis/fig03.py
}

fig04() {
  scan runs/fig04.ini out/fig04/map
  $PY analysis/fig04.py
}

fig05() {
  local d=out/fig05
  scan runs/fig05c.ini $d/restore
  scan runs/fig05c_first.ini $d/restore_first
  local dd dq g0
  dd=$(awk -F= '/^ *delta_d *=/ { gsub(/ /, "", $2); print $2 }' runs/fig05.ini)
  dq=$(column $d/restore/features.tsv restore_delta_q delta_d "$dd")
  g0=$(column $d/restore/features.tsv restore_g delta_d "$dd")
  scan runs/fig05.ini $d/detuned
  scan runs/fig05.ini $d/restored --set model.delta_q="$dq"
  # delta P at 0.6 before, at and 0.6 after the restored zero crossing
  local from to
  from=$(add "$g0" -0.6)
  to=$(add "$g0" 0.6)
  scan runs/fig05.ini $d/phase_detuned --set scan.from="$from" --set scan.to="$to" \
    --set scan.points=3
  scan runs/fig05.ini $d/phase_restored --set model.delta_q="$dq" --set scan.from="$from" \
    --set scan.to="$to" --set scan.points=3
  $PY analysis/fig05.py
}

fig06() {
  local c
  for c in enh sup mix; do
    scan runs/fig06_$c.ini out/fig06/$c
  done
  $PY analysis/fig06.py
}

fig07() {
  scan runs/fig07_map.ini out/fig07/map
  scan runs/fig07b.ini out/fig07/wB0
  $PY analysis/fig07.py
}

fig08() {
  # panel (a) is the map of Fig. 7 (same run file); make it if missing
  if [[ ! -s out/fig07/map/features.tsv ]]; then
    scan runs/fig07_map.ini out/fig07/map
  fi
  scan runs/fig08b.ini out/fig08/cut
  $PY analysis/fig08.py
}

fig12() {
  scan runs/fig12.ini out/fig12/line
  $PY analysis/fig12.py
}

fig14() {
  scan runs/fig14.ini out/fig14/line
  $PY analysis/fig14.py
}

fig15() {
  local c
  for c in enh sup; do
    scan runs/fig15_$c.ini out/fig15/$c
  done
  $PY analysis/fig15.py
}

source analysis/figlib.sh
run_figures fig "3 4 5 6 7 8 12 14 15" "$@"
