#!/usr/bin/env bash
# Long physics validation (make validate, a few minutes): qsync compare with
# enough trajectories that the jackknife error bar of Omega enters the
# verdict (>= 30 groups of 64), at several points of the qubit_osc model:
# the Fig. 3 point, a detuned drive with dephasing, spin 1, and strong
# drive.  Every compare must PASS (|z| < 4 for all observables and Omega).
set -u
QSYNC=${QSYNC:-build/qsync}
out=${OUT:-out/validate}
failed=0
check() { # check NAME SETTINGS...
  local name=$1
  shift
  local args=()
  for s in "$@"; do args+=(--set "$s"); done
  if "$QSYNC" compare runs/qubit_osc_default.ini --threads 2 --ntraj 6400 \
       --out "$out/$name" "${args[@]}" >"$out/$name.txt" 2>&1; then
    echo "PASS: $name ($(grep 'max |z|' "$out/$name.txt"))"
  else
    echo "FAIL: $name"; cat "$out/$name.txt"; failed=$((failed + 1))
  fi
  grep '^Omega ' "$out/$name.txt" | sed 's/^/      /'
}
mkdir -p "$out"
check fig3_point
check detuned_dephased model.delta_d=0.3 model.delta_q=-0.2 model.gamma_phi=0.1
check qutrits model.spin=1 model.w_A=0.25 model.gamma_A=0.75
check strong_drive model.eps=1.0 model.g=2.0
# The dimension-1600 steady state of docs/benchmarks.md
# (runs/bench_cavity_q4_n100.ini: 4 qubits, ncav = 100): method auto must
# reach the residual 1e-10 (about an hour of CPU: GMRES needs ~1000
# iterations of 3.5 N^3 complex multiply-adds each).
residual_of() { # the residual column of a steady summary.tsv
  awk -F'\t' 'NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) if ($i == "residual") c = i; next }
               /^#/ { next } c { print $c }' "$1"
}
steady_check() { # steady_check NAME RUNFILE SETTINGS...
  local name=$1 file=$2 res
  shift 2
  local args=()
  for s in "$@"; do args+=(--set "$s"); done
  if "$QSYNC" steady "$file" --quiet --out "$out/$name" "${args[@]}" >"$out/$name.txt" 2>&1 &&
     res=$(residual_of "$out/$name/summary.tsv") && awk -v r="$res" 'BEGIN { exit !(r != "" && r <= 1e-10) }'; then
    echo "PASS: $name (residual $res)"
  else
    echo "FAIL: $name"; cat "$out/$name.txt"; failed=$((failed + 1))
  fi
}
steady_check steady_n1600 runs/bench_cavity_q4_n100.ini steady.method=auto steady.max_iter=3000
echo "validate: $failed failed"
[ "$failed" -eq 0 ]
