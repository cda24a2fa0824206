#!/usr/bin/env bash
# Command-line checks of `qsync`: every bad-input case exits with status 2
# and a message naming the file, section and key; good runs exit 0 and
# write their files; --threads 1 and 2 give byte-identical results.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -u
. "$(dirname "$0")/lib.sh"

# expect_fail NAME STATUS NEEDLE... -- ARGS: exit status and needles in the output.
expect_fail() {
  local name=$1 status=$2
  shift 2
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  local err rc
  if [ $# -eq 0 ]; then
    err=$("$QSYNC" 2>&1)
  else
    err=$("$QSYNC" "$@" --quiet --out "$work/out_fail" 2>&1)
  fi
  rc=$?
  if [ "$rc" -ne "$status" ]; then
    bad "$name: exit $rc, expected $status ($err)"
    return
  fi
  for n in "${needles[@]}"; do
    if ! grep -qF -- "$n" <<<"$err"; then
      bad "$name: message '$err' lacks '$n'"
      return
    fi
  done
  ok "$name"
}

base="$work/base.ini"
cat >"$base" <<'INI'
[model]
name = qubit_osc
g = 1.0
eps = 0.3
[run]
ntraj = 200
t_end = 20
n_times = 41
burn_in = 8
INI
# with NAME [SECTION] LINE...: base.ini with LINE... in SECTION: a key that
# base.ini sets there is replaced, a new one is added, a new section is
# appended (qsync refuses a key or section written twice).
with() {
  local f="$work/$1.ini" header=$2
  shift 2
  printf '%s\n' "$@" | awk -v h="$header" '
    function key(s) { sub(/=.*/, "", s); gsub(/[ \t]/, "", s); return tolower(s) }
    function flush() { for (i = 1; i <= n; i++) if (!used[i]) { print add[i]; used[i] = 1 } }
    NR == FNR { add[++n] = $0; next }
    /^\[/ { if (in_h) flush(); in_h = ($0 == h); seen = seen || in_h; print; next }
    { for (i = 1; i <= n; i++) if (in_h && !used[i] && key($0) == key(add[i]) && index($0, "=")) {
        print add[i]; used[i] = 1; next } print }
    END { if (in_h) flush(); else if (!seen) { print h; flush() } }' - "$base" >"$f"
  echo "$f"
}

expect_fail "no arguments" 2 "usage" -- 
expect_fail "unknown command" 2 "unknown command 'walk'" -- walk "$base"
expect_fail "missing run file" 2 "$work/none.ini" "cannot read" -- run "$work/none.ini"
f=$(with unknown_key "[model]" "omega = 3")
expect_fail "unknown key" 2 "$f" "[model]" "omega" -- run "$f"
f=$(with unknown_section "[output]" "dir = x")
expect_fail "unknown section" 2 "$f" "[output]" -- steady "$f"
f=$(with unparsable "[run]" "t_end = soon")
expect_fail "value does not parse" 2 "$f" "[run] t_end" "soon" -- run "$f"
f=$(with negative_rate "[model]" "gamma_B = -0.25")
expect_fail "negative rate" 2 "$f" "[model] gamma_B" -- steady "$f"
f=$(with bad_spin "[model]" "spin = 0.3")
expect_fail "spin not a multiple of 1/2" 2 "$f" "spin" -- steady "$f"
f=$(with zero_ntraj "[run]" "ntraj = 0")
expect_fail "ntraj < 1 in the file" 2 "$f" "[run] ntraj" -- run "$f"
expect_fail "--ntraj 0" 2 "--set run.ntraj=0" "ntraj" -- run "$base" --ntraj 0
expect_fail "--threads 0" 2 "threads" -- run "$base" --threads 0
expect_fail "--seed -1" 2 "seed" -- run "$base" --seed -1
expect_fail "--set without a section" 2 "section.key=value" -- run "$base" --set ntraj=5
expect_fail "--set unknown key" 2 "[model]" "bogus" -- run "$base" --set model.bogus=1
expect_fail "--set out of range" 2 "[model] eps" -- run "$base" --set model.eps=-1
expect_fail "burn_in after t_end" 2 "burn_in" -- run "$base" --set run.burn_in=30
f=$(with syntax "[run" "x")
expect_fail "INI syntax error" 2 "$f" "not a valid INI file" -- run "$f"
expect_fail "unknown option" 2 "usage" -- run "$base" --fast
expect_fail "two run files" 2 "exactly one run file" -- run "$base" "$base"
expect_fail "compare above threshold" 1 "FAIL" -- compare "$base" --set compare.z_threshold=1e-6

# Good runs: exit 0, files written, no temporaries left behind.
if "$QSYNC" steady "$base" --quiet --out "$work/steady" && [ -s "$work/steady/run.h5" ] &&
   [ -s "$work/steady/summary.tsv" ] && ! ls -A "$work/steady" | grep -q '^\.'; then
  ok "steady writes run.h5 and summary.tsv"
else
  bad "steady writes run.h5 and summary.tsv"
fi
"$QSYNC" compare "$base" --quiet --threads 1 --out "$work/t1" >"$work/t1.txt"
rc1=$?
"$QSYNC" compare "$base" --quiet --threads 2 --out "$work/t2" >"$work/t2.txt"
rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && grep -q "PASS" "$work/t1.txt"; then
  ok "compare exits 0 and passes"
else
  bad "compare exits 0 and passes (exit $rc1, $rc2)"
fi
if cmp -s "$work/t1/run.h5" "$work/t2/run.h5" && cmp -s "$work/t1/summary.tsv" "$work/t2/summary.tsv" &&
   cmp -s "$work/t1/compare.tsv" "$work/t2/compare.tsv"; then
  ok "--threads 1 and --threads 2 give byte-identical files"
else
  bad "--threads 1 and --threads 2 give byte-identical files"
fi
if head -1 "$work/t1/summary.tsv" | grep -q '^# t	Sp_A.re	Sp_A.im'; then
  ok "summary.tsv header"
else
  bad "summary.tsv header"
fi

# scan: bad sweep keys, method limits, thread-independent results.
f=$(with bad_sweep "[sweep]" "key = model.omega")
expect_fail "sweep of an unknown parameter" 2 "$f" "[sweep]" "model.omega" -- scan "$f"
f=$(with bad_sum "[sweep]" "key = model.w_A" "to = 2" "keep_sum = model.gamma_A")
expect_fail "keep_sum out of range" 2 "$f" "keep_sum" "gamma_A" -- scan "$f"
expect_fail "first_order needs qubits" 2 "first_order" "spin" -- scan "$base" \
  --set scan.method=first_order --set model.spin=1
# [steady] tol / max_iter / restart reach every exact solve: Krylov held to
# one Arnoldi step cannot reach 1e-13 (the 16-dimensional Liouvillian needs
# about seven).
krylov1=(--set steady.method=krylov --set steady.max_iter=1 --set steady.tol=1e-13)
expect_fail "scan honours [steady] max_iter" 3 "max_iter = 1" -- scan "$base" "${krylov1[@]}"
expect_fail "compare honours [steady] max_iter" 3 "max_iter = 1" -- compare "$base" "${krylov1[@]}"
expect_fail "steady (with Omega) honours [steady] max_iter" 3 "max_iter = 1" -- steady "$base" "${krylov1[@]}"
f=$(with map "[sweep]" "key = model.w_B" "values = 0.6, 0.75, 0.9" "keep_sum = model.gamma_B" \
  "[scan]" "points = 21")
if "$QSYNC" scan "$f" --threads 1 --out "$work/s1" >"$work/s1.txt" &&
   "$QSYNC" scan "$f" --quiet --threads 2 --out "$work/s2" &&
   cmp -s "$work/s1/features.tsv" "$work/s2/features.tsv" &&
   cmp -s "$work/s1/scan.tsv" "$work/s2/scan.tsv"; then
  ok "scan: --threads 1 and 2 give byte-identical features.tsv and scan.tsv"
else
  bad "scan: --threads 1 and 2 give byte-identical features.tsv and scan.tsv"
fi
if grep -q "zero crossing at g = " "$work/s1.txt" && [ "$(grep -vc '^#' "$work/s1/features.tsv")" -eq 3 ] &&
   [ "$(grep -vc '^#' "$work/s1/scan.tsv")" -eq 63 ]; then
  ok "scan: crossings printed, one features row per sweep point, 21 samples per line"
else
  bad "scan: crossings printed, one features row per sweep point, 21 samples per line"
fi

# ---- cavity_qubits: sweeps, mesolve, truncation check ----------------------
cav="$work/cav.ini"
cat >"$cav" <<'INI'
[model]
name = cavity_qubits
nqubits = 1
ncav = 12
F = 0.4
gamma = 0.8
gamma_s = 0.2
delta = 1
[sweep]
key = model.domega
from = -1
to = 1
points = 5
[mesolve]
t_end = 4
n_times = 9
avg_periods = 2
INI
cavwith() { # cavwith NAME LINE...: a copy of cav.ini with extra lines appended
  local f="$work/cav_$1.ini"
  shift
  cp "$cav" "$f"
  printf '%s\n' "$@" >>"$f"
  echo "$f"
}
f=$(cavwith frame "[checks]" "truncation_tol = 1e-6" && sed -i 's/^delta = 1/delta = 1\nframe = sideways/' "$work/cav_frame.ini")
expect_fail "cavity: frame not rwa|lab" 2 "$f" "[model] frame" "rwa|lab" -- steady "$f"
expect_fail "cavity: too many detunings" 2 "[model] delta" "comma-separated" -- steady "$cav" --set model.delta=1,2,3,4,5,6,7,8,9
expect_fail "cavity: steady of the lab frame" 2 "time-dependent" "qsync mesolve" -- steady "$cav" --set model.frame=lab
expect_fail "cavity: averaging window longer than t_end" 2 "[mesolve] avg_periods" -- mesolve "$cav" --set mesolve.avg_periods=1000
expect_fail "cavity: dense beyond memory" 2 "dense" "ncav = 400" "--max-memory" -- steady "$cav" --set model.ncav=400 --set steady.method=dense --set sweep.points=1
expect_fail "cavity: krylov not converged within max_iter" 3 "krylov" "max_iter = 3" -- steady "$cav" --set steady.method=krylov --set steady.max_iter=3 --set sweep.points=1
expect_fail "cavity: restart out of range" 2 "[steady] restart" -- steady "$cav" --set steady.restart=0
expect_fail "cavity: --strict makes truncation an error" 3 "top cavity level" "ncav" -- steady "$cav" --set model.ncav=4 --set model.F=2 --strict
expect_fail "cavity: scan needs the observables Sp_A, Sp_B" 2 "$cav" "cavity_qubits" "no observable Sp_A" -- scan "$cav" --set scan.key=model.F --set sweep.points=1
if "$QSYNC" steady "$cav" --quiet --out "$work/cs" --set model.ncav=4 --set model.F=2 2>"$work/cs.err" &&
   grep -q "warning.*top cavity level n = 3" "$work/cs.err" &&
   grep -q "at domega = 0 (over the tolerance at 5 of 5 points)" "$work/cs.err"; then
  ok "cavity: truncation warning names the level, population and worst sweep point"
else
  bad "cavity: truncation warning names the level, population and worst sweep point"
fi
if "$QSYNC" steady "$cav" --quiet --out "$work/cs2" &&
   [ "$(grep -vc '^#' "$work/cs2/summary.tsv")" -eq 5 ] &&
   head -1 "$work/cs2/summary.tsv" | grep -q '^# domega	residual	a.re' &&
   [ "$(grep -vc '^#' "$work/cs2/photon.tsv")" -eq 60 ]; then
  ok "cavity: steady sweep writes one summary row per point and photon.tsv"
else
  bad "cavity: steady sweep writes one summary row per point and photon.tsv"
fi
if "$QSYNC" mesolve "$cav" --quiet --out "$work/m1" --threads 1 --set model.frame=lab &&
   "$QSYNC" mesolve "$cav" --quiet --out "$work/m2" --threads 2 --set model.frame=lab &&
   cmp -s "$work/m1/summary.tsv" "$work/m2/summary.tsv" &&
   [ "$(grep -vc '^#' "$work/m1/timeseries.tsv")" -eq 45 ]; then
  ok "cavity: mesolve sweep (lab frame), threads 1 and 2 identical, 9 times x 5 points"
else
  bad "cavity: mesolve sweep (lab frame), threads 1 and 2 identical, 9 times x 5 points"
fi
if "$QSYNC" run "$cav" --quiet --out "$work/r1" --ntraj 64 --set run.t_end=5 --set run.burn_in=1 &&
   [ "$(grep -vc '^#' "$work/r1/summary.tsv")" -eq 5 ] &&
   head -1 "$work/r1/summary.tsv" | grep -q '^# domega	a.re	a.im	a.re_se'; then
  ok "cavity: run sweep writes one row per point with standard errors"
else
  bad "cavity: run sweep writes one row per point with standard errors"
fi

# transmon: the column word, and a short master-equation run in MHz / us
tr="$work/tr.ini"
printf '[model]\nname = transmon\nlevels_q = 2\nlevels_r = 1\ncolumn = fig10a\n[mesolve]\nt_end = 0.05\nn_times = 3\navg_periods = 0\n' >"$tr"
expect_fail "transmon: unknown column" 2 "[model] column" "none|fig10a|fig10b|fig11b" -- mesolve "$tr" --set model.column=fig12
if "$QSYNC" mesolve "$tr" --quiet --out "$work/tm" 2>"$work/tm.err" &&
   head -1 "$work/tm/summary.tsv" | grep -q "Sp_A.re" && [ ! -e "$work/tm/photon.tsv" ]; then
  ok "transmon: mesolve writes summary.tsv (no photon.tsv)"
else
  bad "transmon: mesolve writes summary.tsv (no photon.tsv): $(cat "$work/tm.err")"
fi
# ---- rates (model transmon) --------------------------------------------------
expect_fail "rates: model not transmon" 2 "$base" "[model] name = qubit_osc" "needs model transmon" -- rates "$base"
tr="$work/transmon.ini"
cat >"$tr" <<'INI'
[model]
name = transmon
column = fig11b
f_aB = 4500
f_pA = 4798.865
f_pB = 4749.7
[rates]
t_end = 2
n_times = 41
t_skip = 0.2
INI
sed 's/^t_skip = 0.2/tau = 1/' "$tr" >"$work/tr_tau.ini"
expect_fail "rates: unknown [rates] key" 2 "$work/tr_tau.ini" "[rates] unknown key 'tau'" -- rates "$work/tr_tau.ini"
sed 's/^n_times = 41/n_times = many/' "$tr" >"$work/tr_nt.ini"
expect_fail "rates: [rates] value does not parse" 2 "$work/tr_nt.ini" "[rates] n_times = 'many'" -- rates "$work/tr_nt.ini"
expect_fail "rates: t_skip after t_end" 2 "$tr" "[rates] t_skip" "t_end" -- rates "$tr" --set rates.t_skip=3
expect_fail "rates: negative t_end" 2 "[rates] t_end" -- rates "$tr" --set rates.t_end=-1
expect_fail "rates: too few samples to fit" 2 "[rates] n_times" "at least 3" -- rates "$tr" --set rates.n_times=3
expect_fail "rates: sweep of g" 2 "[sweep]" "g = 0" -- rates "$tr" --set sweep.key=model.g --set sweep.to=10 --set sweep.points=2
if "$QSYNC" rates "$tr" --out "$work/rates" >"$work/rates.txt" &&
   head -1 "$work/rates/summary.tsv" | grep -q '^# w_A	gamma_A	w_B	gamma_B	ratio_A	ratio_B	Gamma_A	Gamma_B' &&
   sed -n 2p "$work/rates/summary.tsv" | grep -q '^# units: kHz	kHz	kHz	kHz' &&
   [ "$(grep -vc '^#' "$work/rates/summary.tsv")" -eq 1 ] &&
   [ "$(grep -vc '^#' "$work/rates/relaxation.tsv")" -eq 41 ] &&
   [ -s "$work/rates/run.h5" ] && grep -q "transmon A: w/2pi" "$work/rates.txt"; then
  ok "rates: summary.tsv (w_A gamma_A w_B gamma_B ... in kHz), relaxation.tsv, run.h5"
else
  bad "rates: summary.tsv (w_A gamma_A w_B gamma_B ... in kHz), relaxation.tsv, run.h5"
fi

# ---- rates against the paper (Figs. 10, 11 captions) -------------------------
# The paper quotes w_A/gamma_A, w_B/gamma_B = (0, 3.2), (0.27, 4.5), (0.71,
# 0.28); the issue asks for 10 %.  With Table I's complete parameter set
# (transmon dephasing 53 kHz) all six are met (docs/methods.md, "Effective qubit rates").
rates_ok=1
for spec in "fig10a 0 3.2" "fig10b 0.27 4.5" "fig11b 0.71 0.28"; do
  set -- $spec
  if ! "$QSYNC" rates "$(dirname "$0")/../runs/transmon_rates_$1.ini" --quiet --out "$work/paper_$1" \
       --set model.gamma_phi_A=53 --set model.gamma_phi_B=53 2>"$work/paper_$1.err" ||
     ! awk -F'\t' -v a="$2" -v b="$3" '!/^#/ { ok = (a == 0 ? $5 < 1e-6 : $5 > 0.9 * a && $5 < 1.1 * a) &&
                                                  $6 > 0.9 * b && $6 < 1.1 * b; print "    " $5, $6 }
                                         END { exit !ok }' "$work/paper_$1/summary.tsv"; then
    rates_ok=0
  fi
done
if [ "$rates_ok" = 1 ]; then
  ok "rates: the paper's six w/gamma ratios within 10 % (Table I incl. dephasing)"
else
  bad "rates: the paper's six w/gamma ratios within 10 %"
fi

# ---- compare-model (transmon against the qubit model) -----------------------
expect_fail "compare-model: model not transmon" 2 "$base" "compares model transmon" -- compare-model "$base"
cm="$work/compare_model.ini"
# Two transmon levels, no resonators, no pumps: the transmon model IS the
# qubit model (b^dag b = Sz + 1/2, g_spin = 2 g, eps_spin = 2 eps), so the
# two sides must agree to the integration accuracy, with and without g
# (a wrong factor in g or eps would show as differences of order 0.1).
cat >"$cm" <<'EOF2'
[model]
name = transmon
levels_q = 2
levels_r = 1
gamma0_A = 1000
gamma0_B = 300
Omega_pB = 0
eps = 200
[sweep]
key = model.g
values = 0, 300
[mesolve]
t_end = 0.5
n_times = 3
avg_periods = 0.2
avg_samples = 4096
rtol = 1e-9
atol = 1e-11
[rates]
t_end = 5
t_skip = 0
EOF2
expect_fail "compare-model: sweep of another key" 2 "sweeps model.g only" -- compare-model "$cm" --set sweep.key=model.eps
expect_fail "compare-model: unequal dephasing" 2 "gamma_phi_A" "one dephasing rate" -- compare-model "$cm" --set model.gamma_phi_A=10
if "$QSYNC" compare-model "$cm" --quiet --out "$work/cmp" 2>"$work/cmp.err" &&
   [ "$(grep -vc '^#' "$work/cmp/summary.tsv")" -eq 2 ] &&
   [ "$(grep -vc '^#' "$work/cmp/qubit_curve.tsv")" -eq 71 ] &&
   awk -F'\t' '!/^#/ { d = ($2 - $6); e = ($3 - $7); o = ($4 - $8);
                         if (d * d > 1e-10 || e * e > 1e-10 || o * o > 1e-10) bad = 1; n++ }
                END { exit !(n == 2 && !bad) }' "$work/cmp/summary.tsv"; then
  ok "compare-model: two-level transmons = qubit model (|S+_A|, |S+_B|, Omega to 1e-5: the pump-frame phase, 600 rad, integrated at rtol 1e-9)"
else
  bad "compare-model: two-level transmons = qubit model: $(cat "$work/cmp.err") $(cat "$work/cmp/summary.tsv" 2>/dev/null)"
fi

# ---- mesolve initial = periodic ---------------------------------------------
# The resonantly driven two-level transmon (gamma0 = 1 MHz, eps = 0.5 MHz):
# with Table I's pumps H(t) has the period 20 ns and the periodic steady
# state at t = 0 has the Bloch closed form <S+_A> = i eps |z| / (gamma/2)
# = i / 3 (z = -gamma^2/4 / (gamma^2/4 + 2 eps^2) = -1/3).
pm="$work/periodic.ini"
printf '[model]\nname = transmon\nlevels_q = 2\nlevels_r = 1\nOmega_pA = 0\nOmega_pB = 0\ngamma0_A = 1000\neps = 500\n[mesolve]\nt_end = 0.04\nn_times = 3\navg_periods = 0\ninitial = periodic\n' >"$pm"
if "$QSYNC" mesolve "$pm" --quiet --out "$work/pm" 2>"$work/pm.err" &&
   awk -F'\t' '!/^#/ { d = $2 - 1 / 3; if (d * d < 1e-10 && $1 * $1 < 1e-10) good = 1 } END { exit !good }' "$work/pm/summary.tsv"; then
  ok "mesolve: initial = periodic gives the Bloch steady state (<S+_A> = i/3 to 1e-5)"
else
  bad "mesolve: initial = periodic gives the Bloch steady state: $(cat "$work/pm.err") $(cat "$work/pm/summary.tsv" 2>/dev/null)"
fi
expect_fail "mesolve: initial = periodic on an aperiodic model" 3 "initial = periodic" "no common period" -- mesolve "$pm" --set model.f_pB=4748.7771

# ---- --ntraj of a command without trajectories ------------------------------
expect_fail "steady --ntraj" 2 "--ntraj" "runs no trajectories" -- steady "$base" --ntraj 10

finish cli
