#!/usr/bin/env bash
# make bench's arithmetic and its docs writer on synthetic results (nothing is
# timed): medians and ratios of analysis/bench_table.py, the pooled z-score
# and the verdict of analysis/bench.py, and that writing docs/benchmarks.md
# replaces only the block between its markers. Expected numbers are worked
# out by hand in the comments.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # DESCRIPTION FILE PATTERN: fixed-string PATTERN must occur in FILE
  if grep -qF -- "$3" "$2"; then echo "ok: $1"; else echo "FAIL: $1 (no '$3' in $2)"; fail=1; fi
}

cat >"$tmp/results.json" <<'EOF'
{"quick": false, "reps": 3, "date": "2026-01-01 00:00 UTC", "nproc": 2,
 "cpu_model": "Test CPU", "cpu": "1", "cpus2": "0,1", "load_start": "0.00",
 "load_end": "0.00", "qsync_commit": "abc1234", "sundials": "SUNDIALS test",
 "qutip_version": "4.7.1", "numpy_version": "1.24.2", "python": "3.11.2",
 "fixed_cost_cpu": 0.025,
 "integrators": {"p": ["adams", "erk"]},
 "problems": {"p": {"label": "`p.ini`", "runfile": "runs/p.ini", "dim": 80, "overrides": []},
              "me_p": {"label": "`p.ini`", "runfile": "runs/p.ini", "dim": 80, "overrides": []}},
 "measurements": [
  {"kind": "traj", "problem": "p", "program": "qsync", "integrator": "adams", "rep": 0, "ntraj": 100, "cpu": 1.0, "wall": 1.0},
  {"kind": "traj", "problem": "p", "program": "qutip", "rep": 0, "ntraj": 10, "cpu": 5.0, "wall": 5.0},
  {"kind": "traj", "problem": "p", "program": "qsync", "integrator": "adams", "rep": 1, "ntraj": 100, "cpu": 2.0, "wall": 2.0},
  {"kind": "traj", "problem": "p", "program": "qutip", "rep": 1, "ntraj": 10, "cpu": 4.0, "wall": 4.0},
  {"kind": "traj", "problem": "p", "program": "qsync", "integrator": "adams", "rep": 2, "ntraj": 100, "cpu": 4.0, "wall": 4.0},
  {"kind": "traj", "problem": "p", "program": "qutip", "rep": 2, "ntraj": 10, "cpu": 10.0, "wall": 10.0},
  {"kind": "traj", "problem": "p", "program": "qsync", "integrator": "erk", "rep": 0, "ntraj": 100, "cpu": 0.5, "wall": 0.5},
  {"kind": "mesolve", "problem": "me_p", "program": "qsync", "rep": 0, "cpu": 1.0, "wall": 1.0},
  {"kind": "mesolve", "problem": "me_p", "program": "qutip", "rep": 0, "cpu": 7.0, "wall": 7.0},
  {"kind": "mesolve", "problem": "me_p", "program": "qsync", "rep": 1, "cpu": 3.0, "wall": 3.0},
  {"kind": "mesolve", "problem": "me_p", "program": "qutip", "rep": 1, "cpu": 9.0, "wall": 9.0}],
 "agreement": [{"problem": "p", "integrator": "adams", "max_abs_z": 2.5, "where": "n.re t=1",
                "n": 100, "z_crit": 3.9, "frac_above_2": 0.05, "agree": true}],
 "me_agreement": [{"problem": "me_p", "max_rel_diff": 3e-8, "where": "n.re t=1", "agree": true}],
 "threads": [
  {"problem": "p", "threads": 1, "cpus": "1", "rep": 0, "ntraj": 200, "cpu": 4.0, "wall": 4.0},
  {"problem": "p", "threads": 2, "cpus": "0,1", "rep": 0, "ntraj": 200, "cpu": 4.4, "wall": 2.2}],
 "profile": [{"problem": "p", "integrator": "adams", "ntraj": 4, "total": 1000,
              "heff": 0.25, "rhs": 0.3, "overrides": [], "top": [["k_linearsum", 0.28]]},
             {"problem": "p", "integrator": "exact", "ntraj": 4, "total": 1000,
              "heff": 0.0, "rhs": 0.0, "overrides": [], "top": [["dense_apply", 0.67]]}]}
EOF
"$PY" analysis/bench_table.py "$tmp/results.json" >"$tmp/table.md"
# qsync adams: 100, 50, 25 traj/CPU-s -> median 50; QuTiP: 2, 2.5, 1 -> median 2
check "median and range of the reps" "$tmp/table.md" "| 50 (25–100) [100] | 2 (1–2.5) [10] | **25.0×** | 20× |"
# erk: one rep, 200 traj/CPU-s against the same QuTiP median 2
check "one row per integrator" "$tmp/table.md" "| erk | 200 [100] | 2 (1–2.5) [10] | **100.0×** |"
check "agreement verdict" "$tmp/table.md" "yes: 2.50 at n.re t=1 (3.90, 100)"
# mesolve: qsync median 2 s, QuTiP median 8 s -> 4.0x
check "mesolve ratio" "$tmp/table.md" "| 2 (1–3) | 8 (7–9) | **4.0×** | 5× | 3.0e-08 |"
# threads: wall 4 / 2.2 = 1.82x, CPU 4 / 4.4 = 0.91
check "thread speed-up" "$tmp/table.md" "| 2 (0,1) | 200 | 4.4 | 2.2 | 1.82× | 0.91 |"
check "profile fraction" "$tmp/table.md" "| 4 | **25.0 %** | 30.0 % | k_linearsum 28 % |"
check "no H_eff share without a right-hand side" "$tmp/table.md" "| exact | 4 | – (no right-hand side) |"

# the z-score: qsync 0.1 +- 0.01 (100 traj: variance 0.01), QuTiP 0 +- 0.02
# (25 traj: variance 0.01); pooled se = sqrt(0.01 (1/100 + 1/25)) = 0.02236,
# z = 4.472 > the one-comparison bound 2.576 (two-sided 1 %)
"$PY" - >"$tmp/z.txt" <<'EOF'
import sys
sys.path.insert(0, "analysis")
import bench
qsync = {"ntraj": 100, "n.re": [0.1], "n.re_se": [0.01]}
qt = {"ntraj": 25, "names": ["n"], "t": [1.0], "re": [[0.0]], "re_se": [[0.02]]}
a = bench.agreement(bench.z_scores(qsync, qt, 1e-5))
print(f"z {a['max_abs_z']:.3f} bound {a['z_crit']:.3f} agree {a['agree']}")
EOF
check "pooled z-score and verdict" "$tmp/z.txt" "z 4.472 bound 2.576 agree False"

# the docs writer keeps what lies outside its markers
printf '# Benchmarks\nintro\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\n## Optimised SUNDIALS\nkeep me\n' >"$tmp/doc.md"
"$PY" analysis/bench_table.py "$tmp/results.json" --write "$tmp/doc.md" >/dev/null
check "writer keeps the intro" "$tmp/doc.md" "intro"
check "writer keeps other sections" "$tmp/doc.md" "keep me"
check "writer puts the new table in" "$tmp/doc.md" "**25.0×**"
if grep -q "old table" "$tmp/doc.md"; then echo "FAIL: the old table is still there"; fail=1; else echo "ok: old table replaced"; fi
sed 's/"quick": false/"quick": true/' "$tmp/results.json" >"$tmp/quick.json"
if "$PY" analysis/bench_table.py "$tmp/quick.json" --write "$tmp/doc.md" >/dev/null 2>&1; then
  echo "FAIL: quick-mode results were written to the docs"; fail=1
else echo "ok: quick-mode results are not written"; fi
exit $fail
