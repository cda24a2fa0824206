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
# reach the residual 1e-10 (about an hour of CPU and 6.4 GB: GMRES(30)
# stagnates near 1e-2 and is given up after 5 cycles, then GMRES(150)
# needs hundreds of iterations of 3.5 N^3 complex multiply-adds each).
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
# Bistability at the Fig. 1 point (runs/jumps_fig1.ini, about 3 minutes of
# CPU, docs/bistability.md): the switching rate sum from the dwell times
# and the Lorentzian width of the spectrum each agree with the Liouvillian
# gap, and the time in the low state with the exact steady state's
# probability below the threshold: |z| < 3 for each.  Why 3: under the
# null hypothesis the z-scores are standard normal (rate errors from the
# Poisson counts of ~200 switches, the width's from the fit, the
# occupation's from batch means of 4000 / lambda = 10 / gap), so each false
# alarm has probability 0.27%; the Welch estimate's known bias (+6% at
# segments of 20 / rate_sum, measured on synthetic telegraphs) shifts
# z_psd_gap by about +0.9 and its false-alarm probability to about 1.6%.
# The seed is fixed, so the outcome is reproducible.
jumps_check() {
  if "$QSYNC" jumps runs/jumps_fig1.ini --threads 2 --out "$out/jumps_fig1" \
       >"$out/jumps_fig1.txt" 2>&1 &&
     /usr/bin/python3 - "$out/jumps_fig1/summary.tsv" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
row = dict(zip(lines[0].lstrip("# ").split("\t"), map(float, lines[1].split("\t"))))
z_occ = (row["p_state1"] - row["p_state1_exact"]) / row["p_state1_se"]
for name, z in (("z_rates_gap", row["z_rates_gap"]), ("z_psd_gap", row["z_psd_gap"]),
                ("z_occupation", z_occ)):
    print("  %s = %.2f" % (name, z))
    assert abs(z) < 3, name
PY
  then
    echo "PASS: jumps_fig1 (rate sum, PSD width and occupation against the exact values)"
  else
    echo "FAIL: jumps_fig1"; cat "$out/jumps_fig1.txt"; failed=$((failed + 1))
  fi
  sed -n '/rate_sum  =/,/z:/p' "$out/jumps_fig1.txt" | sed 's/^/      /'
}
jumps_check
echo "validate: $failed failed"
[ "$failed" -eq 0 ]
