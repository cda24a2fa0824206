#!/usr/bin/env bash
# `[steady] method = rate_series | rate_series_star` from the CLI: at weak
# damping (R)* agrees with sparse LU (the residual bound of
# docs/methods.md: residual 1e-12 times ||rho|| / sigma, sigma ~ gamma/2,
# is far below 1e-8); a series that does not converge (the paper's Fig. 3
# point for (R)) still writes its best partial sum, exits 0 and warns;
# series_max_order out of range exits 2 naming the key.
# Prints "rateeq: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

cat >"$work/weak.ini" <<'INI'
[model]
name    = cavity_qubits
nqubits = 1
ncav    = 20
F       = 0.2
gamma   = 0.005
gamma_s = 0.005
delta   = 2
[steady]
tol = 1e-12
[sweep]
key    = model.domega
values = -1.5, -0.7
INI

if "$QSYNC" steady "$work/weak.ini" --quiet --out "$work/series" \
     --set steady.method=rate_series_star 2>"$work/series.err" &&
   "$QSYNC" steady "$work/weak.ini" --quiet --out "$work/exact" \
     --set steady.method=sparse_lu 2>/dev/null; then
  ok "rate_series_star and sparse_lu sweeps exit 0"
else
  bad "a weak-damping sweep failed: $(cat "$work/series.err")"
fi
if ! grep -q "warning" "$work/series.err"; then
  ok "a converged series prints no warning"
else
  bad "unexpected warning: $(cat "$work/series.err")"
fi
python3 - "$work/series/summary.tsv" "$work/exact/summary.tsv" <<'PY' && ok "(R)* equals sparse LU to 1e-8, converged flag and order" || bad "(R)* against sparse LU"
import sys
def rows(path):
    lines = [l for l in open(path).read().splitlines() if not l.startswith("# units")]
    head = lines[0].lstrip("# ").split("\t")
    return head, [dict(zip(head, map(float, l.split("\t")))) for l in lines[1:]]
hs, s = rows(sys.argv[1])
he, e = rows(sys.argv[2])
assert "series_order" in hs and "series_converged" in hs and "series_order" not in he
for a, b in zip(s, e):
    assert a["series_converged"] == 1 and a["series_order"] >= 1 and a["residual"] <= 1e-12, a
    for k in ("Sx_1.re", "Sy_1.re", "Sz_1.re", "n.re", "a.re", "a.im"):
        assert abs(a[k] - b[k]) < 1e-8, (k, a[k], b[k])
PY

cat >"$work/fig3.ini" <<'INI'
[model]
name    = cavity_qubits
nqubits = 1
ncav    = 30
F       = 1
gamma   = 0.3
gamma_s = 0.3
delta   = 2
domega  = -1.5
[steady]
method = rate_series
INI
if "$QSYNC" steady "$work/fig3.ini" --quiet --out "$work/fig3" 2>"$work/fig3.err"; then
  ok "a diverging series exits 0"
else
  bad "a diverging series failed"
fi
if grep -q "warning: .*rate_series: the series diverged" "$work/fig3.err"; then
  ok "a diverging series warns"
else
  bad "no divergence warning: $(cat "$work/fig3.err")"
fi
python3 - "$work/fig3/summary.tsv" <<'PY' && ok "summary says not converged" || bad "summary of the diverging series"
import sys
lines = [l for l in open(sys.argv[1]).read().splitlines() if not l.startswith("# units")]
head = lines[0].lstrip("# ").split("\t")
row = dict(zip(head, map(float, lines[1].split("\t"))))
assert row["series_converged"] == 0 and row["residual"] > 1e-6, row
PY

"$QSYNC" steady "$work/fig3.ini" --quiet --out "$work/bad" --set steady.series_max_order=-1 \
  >/dev/null 2>"$work/bad.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "series_max_order" "$work/bad.err"; then
  ok "series_max_order = -1 exits 2 naming the key"
else
  bad "series_max_order = -1: exit $rc: $(cat "$work/bad.err")"
fi

finish rateeq
