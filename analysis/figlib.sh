# Shared by analysis/figures.sh and analysis/cavity_figures.sh (sourced):
# run_figures PREFIX "ALL FIGURE NUMBERS" [FIGURE ...] calls the shell
# function figNN for each requested figure (all by default) and prints the
# time each took.  PREFIX names the PNG (out/figures/PREFIXNN.png).
run_figures() {
  local prefix=$1 all=($2) figs
  shift 2
  if [[ $# -gt 0 ]]; then figs=("$@"); else figs=("${all[@]}"); fi
  local start t0 t1 n nn
  start=$(date +%s.%N)
  for n in "${figs[@]}"; do
    nn=$(printf '%02d' "$((10#$n))")
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
