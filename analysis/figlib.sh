# Shared by analysis/figures.sh and analysis/cavity_figures.sh (sourced):
# run_figures PREFIX "ALL FIGURE NUMBERS" [FIGURE ...] calls the shell
# function figNN for each requested figure (all by default) and prints the
# time each took.  PREFIX names the PNG (out/figures/PREFIXNN.png).
# figure_env: the environment both figure drivers share (QSYNC, PYTHON,
# THREADS, REDO, PLOT; one OpenBLAS thread: the matrices are small and
# qsync's own threads run the sweep points), the check that qsync is
# built, and have DIR (data already there and REDO=0).
figure_env() {
  QSYNC=${QSYNC:-build/qsync}
  PY=${PYTHON:-/usr/bin/python3}
  THREADS=${THREADS:-2}
  REDO=${REDO:-0}
  PLOT=${PLOT:-1}
  export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
  export MPLBACKEND=Agg
  if [[ ! -x $QSYNC ]]; then
    echo "$(basename "$0"): $QSYNC not found; run make first" >&2
    exit 2
  fi
  mkdir -p out/figures
}

have() { [[ $REDO == 0 && -s $1/summary.tsv ]]; }

run_figures() {
  local prefix=$1 all=($2) figs
  shift 2
  if [[ $# -gt 0 ]]; then figs=("$@"); else figs=("${all[@]}"); fi
  local start t0 t1 n nn
  start=$(date +%s.%N)
  for n in "${figs[@]}"; do
    # numbers are zero-padded (3 -> 03); appendix figures keep their name (A1)
    if [[ $n =~ ^[0-9]+$ ]]; then nn=$(printf '%02d' "$((10#$n))"); else nn=$n; fi
    if ! declare -F "fig$nn" >/dev/null; then
      echo "$(basename "$0"): no figure $n (choose from ${all[*]})" >&2
      exit 2
    fi
    t0=$(date +%s.%N)
    "fig$nn"
    t1=$(date +%s.%N)
    awk -v p="$prefix" -v n="$nn" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
      'BEGIN { printf "%s%s: %7.1f s  -> out/figures/%s%s.png\n", p, n, t, p, n }'
  done
  awk -v a="$start" -v b="$(date +%s.%N)" -v t="${THREADS:-1}" \
    'BEGIN { printf "all figures: %.1f s (%d threads)\n", b - a, t }'
}
