#!/usr/bin/env bash
# `qsync spectrum`: the emission spectrum against closed forms (a qubit
# with gain, loss and dephasing: a Lorentzian; a driven damped cavity:
# coherent, S_inc = 0; derivations in tests/test_spectrum.c and
# docs/spectra.md), resolvent against fft on the Mollow run file, and bad
# input exits 2 naming the file and the key.
# Prints "spectrum: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

# Qubit A: w = 0.3, gamma = 0.5, gamma_phi = 0.1, delta_d = 0.7, no drive,
# no coupling: S_inc = 2 p G2 / (G2^2 + (omega - 0.7)^2), p = w / (w +
# gamma) = 0.375, G2 = (w + gamma)/2 + gamma_phi = 0.5.
cat >"$work/qubit.ini" <<'INI'
[model]
name      = qubit_osc
w_A       = 0.3
gamma_A   = 0.5
gamma_phi = 0.1
delta_d   = 0.7
g         = 0
eps       = 0
[spectrum]
operator  = Sp_A
adjoint   = true
omega_min = -3
omega_max = 4
n_omega   = 141
INI
if "$QSYNC" spectrum "$work/qubit.ini" --out "$work/q" >"$work/q.out"; then
  ok "spectrum of a qubit exits 0"
else
  bad "spectrum of a qubit failed: $(cat "$work/q.out")"
fi
python3 - "$work/q" <<'PY' && ok "qubit: Lorentzian of half-width (w + gamma)/2 + gamma_phi at delta_d, weight <s+ s->" || bad "qubit closed form"
import sys
d = sys.argv[1]
lines = open(d + "/spectrum.tsv").read().splitlines()
assert lines[0] == "# omega\tS_inc", lines[0]
assert lines[1] == "# units: Gamma\t1/Gamma", lines[1]
rows = [list(map(float, l.split("\t"))) for l in lines[2:]]
assert len(rows) == 141
p, G2 = 0.375, 0.5
for om, S in rows:
    exp = 2 * p * G2 / (G2 ** 2 + (om - 0.7) ** 2)
    assert abs(S - exp) < 1e-10, (om, S, exp)
s = open(d + "/summary.tsv").read().splitlines()
r = dict(zip(s[0].lstrip("# ").split("\t"), map(float, s[2].split("\t"))))
assert r["coherent_weight"] < 1e-24 and abs(r["AdagA"] - p) < 1e-12, r
assert abs(r["incoherent_weight"] - p) < 1e-12 and abs(r["peak_omega"] - 0.7) < 1e-12, r
PY
if grep -q "coherent weight" "$work/q.out" && grep -q "peak S_inc = .* 1/Gamma at omega = 0.7 Gamma" "$work/q.out"; then
  ok "printed summary with units"
else
  bad "printed summary: $(cat "$work/q.out")"
fi

# Driven damped cavity: coherent state alpha = -i F / (gamma/2 - i domega);
# F = 0.3, gamma = 1, domega = 0.5: |alpha|^2 = 0.09 / 0.5 = 0.18.
cat >"$work/cavity.ini" <<'INI'
[model]
name    = cavity_qubits
nqubits = 0
ncav    = 15
F       = 0.3
gamma   = 1
domega  = 0.5
[spectrum]
operator  = a
omega_min = -4
omega_max = 4
n_omega   = 81
INI
for method in resolvent fft; do
  if "$QSYNC" spectrum "$work/cavity.ini" --quiet --out "$work/c_$method" \
    --set spectrum.method=$method; then
    python3 - "$work/c_$method" <<'PY' && ok "cavity ($method): coherent weight |alpha|^2, S_inc = 0" || bad "cavity ($method) closed form"
import sys
d = sys.argv[1]
rows = [list(map(float, l.split("\t"))) for l in open(d + "/spectrum.tsv").read().splitlines()[2:]]
assert len(rows) == 81 and max(abs(S) for _, S in rows) < 1e-10, rows
s = open(d + "/summary.tsv").read().splitlines()
r = dict(zip(s[0].lstrip("# ").split("\t"), map(float, s[2].split("\t"))))
# alpha = -i 0.3 / (0.5 - 0.5 i) = -0.3 i (1 + i) = 0.3 - 0.3 i
assert abs(r["A.re"] - 0.3) < 1e-10 and abs(r["A.im"] + 0.3) < 1e-10, r
assert abs(r["coherent_weight"] - 0.18) < 1e-10 and abs(r["incoherent_weight"]) < 1e-10, r
PY
  else
    bad "cavity ($method) failed"
  fi
done

# The Mollow run file: the two methods agree (1e-6 of the peak).
here=$(cd "$(dirname "$0")/.." && pwd)
if "$QSYNC" spectrum "$here/runs/spectrum_mollow.ini" --quiet --out "$work/mr" &&
  "$QSYNC" spectrum "$here/runs/spectrum_mollow.ini" --quiet --out "$work/mf" \
    --set spectrum.method=fft; then
  python3 - "$work/mr" "$work/mf" <<'PY' && ok "Mollow: resolvent and fft agree" || bad "Mollow: resolvent and fft differ"
import sys
def load(d):
    return [list(map(float, l.split("\t"))) for l in open(d + "/spectrum.tsv").read().splitlines()[2:]]
a, b = load(sys.argv[1]), load(sys.argv[2])
peak = max(S for _, S in a)
assert len(a) == len(b) == 801 and peak > 0.9
assert max(abs(x[1] - y[1]) for x, y in zip(a, b)) < 1e-6 * peak
PY
else
  bad "Mollow run file failed"
fi

# Frequencies over threads: the same bytes.
if "$QSYNC" spectrum "$work/qubit.ini" --quiet --out "$work/t1" --threads 1 &&
  "$QSYNC" spectrum "$work/qubit.ini" --quiet --out "$work/t2" --threads 2 &&
  cmp -s "$work/t1/spectrum.tsv" "$work/t2/spectrum.tsv" &&
  cmp -s "$work/t1/summary.tsv" "$work/t2/summary.tsv"; then
  ok "spectrum.tsv and summary.tsv identical for --threads 1 and 2"
else
  bad "--threads 1 and 2 differ"
fi

# A driven cavity on 3 levels (|alpha|^2 = 0.18 leaves ~1e-3 in n = 2):
# the truncation warning, an error (exit 3) with --strict.
err=$("$QSYNC" spectrum "$work/cavity.ini" --quiet --out "$work/w1" --set model.ncav=3 2>&1)
if [ $? -eq 0 ] && grep -q "warning: .*top cavity level n = 2" <<<"$err"; then
  ok "truncation warning"
else
  bad "truncation warning: $err"
fi
"$QSYNC" spectrum "$work/cavity.ini" --quiet --strict --out "$work/w2" --set model.ncav=3 \
  >/dev/null 2>&1
[ $? -eq 3 ] && ok "--strict: an unconverged truncation exits 3" || bad "--strict did not exit 3"

refused "unknown operator names the key and the observables" \
  "[spectrum] operator = 'b': expected an observable of model cavity_qubits (a, n" \
  spectrum "$work/cavity.ini" --out "$work/e1" --set spectrum.operator=b
refused "omega_min >= omega_max" "expected omega_min < omega_max" \
  spectrum "$work/cavity.ini" --out "$work/e2" --set spectrum.omega_min=5
refused "a bad method word" "[spectrum] method = 'lu': expected resolvent | fft" \
  spectrum "$work/cavity.ini" --out "$work/e3" --set spectrum.method=lu
refused "n_omega below 2" "[spectrum] n_omega = '1'" \
  spectrum "$work/cavity.ini" --out "$work/e4" --set spectrum.n_omega=1
refused "an operator that is not a name" "[spectrum] operator = 'a+b'" \
  spectrum "$work/cavity.ini" --out "$work/e5" --set spectrum.operator=a+b
refused "a time-dependent model" "needs a time-independent model" \
  spectrum "$work/cavity.ini" --out "$work/e6" --set model.frame=lab
refused "a sweep" "expected no [sweep]" \
  spectrum "$work/cavity.ini" --out "$work/e7" --set sweep.key=model.F --set sweep.values=0.1,0.2
# N = 15: the dense steady state needs 16 N^4 B = 0.8 MiB, each resolvent
# LU a few hundred KiB (qs_steady_memory_estimate): 16 threads exceed 1.5 MiB.
refused "resolvent beyond the memory limit" "method = resolvent needs about" \
  spectrum "$work/cavity.ini" --out "$work/e9" --max-memory 1.5M --threads 16
if "$QSYNC" spectrum "$work/cavity.ini" --quiet --out "$work/e10" --max-memory 1.5M \
  --threads 16 --set spectrum.method=fft; then
  ok "fft is not held to the resolvent's LU memory"
else
  bad "fft refused under a small memory limit"
fi
refused "fft outside the Nyquist band" "outside the band" \
  spectrum "$work/cavity.ini" --out "$work/e8" --set spectrum.method=fft \
  --set spectrum.n_tau=16 --set spectrum.tau_max=100

finish spectrum
