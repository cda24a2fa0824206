#!/usr/bin/env bash
# Cavity benchmark (analysis/BENCH_CAVITY.md): qsync against QuTiP 4.7
# (Debian python3-qutip, system /usr/bin/python3) on the cavity_qubits model
# (RWA, ncav = 40) with 1, 2 and 4 qubits, single thread each:
#   steady state (qsync auto method vs QuTiP steadystate 'direct') and
#   trajectories (qsync run, 1000 trajectories, vs QuTiP mcsolve, fewer).
# Then the largest case, ncav = 100 with 4 qubits (dimension 1600), with a
# time limit (BENCH_N100_TIMEOUT, default 900 s) and its peak memory.
#
# Usage: analysis/bench_cavity.sh [all|qsync|qutip|n100|report]
#   the parts write raw lines to out/bench/cavity_{qsync,qutip,n100}.txt;
#   report (also run by all) combines them into out/bench/bench_cavity.txt.
# Environment: QSYNC (build/qsync), PYTHON (/usr/bin/python3), BEST (best of
# BEST qsync trajectory runs, default 1), QUTIP_NTRAJ_1/_2/_4 (mcsolve
# trajectories per case, defaults 200, 100, 50), BENCH_N100_TIMEOUT.
# Every measurement line carries the `uptime` load at its end.
set -euo pipefail
cd "$(dirname "$0")/.."
QSYNC=${QSYNC:-build/qsync}
PYTHON=${PYTHON:-/usr/bin/python3}
BEST=${BEST:-1}
OUT=out/bench
mkdir -p "$OUT"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
CASES="1 2 4"
qutip_ntraj() { case $1 in 1) echo "${QUTIP_NTRAJ_1:-200}";; 2) echo "${QUTIP_NTRAJ_2:-100}";; *) echo "${QUTIP_NTRAJ_4:-50}";; esac; }
load() { uptime | sed 's/.*load average: //'; }

part_qsync() {
  for q in $CASES; do
    run=runs/bench_cavity_q$q.ini
    line=$("$QSYNC" steady "$run" --out "$OUT/cavity_steady_q$q" 2>/dev/null)
    echo "$line" | head -1 | sed "s/^/qsync_steady_line q$q: /"
    echo "qsync_steady_load q$q $(load)"
    echo "$line" | sed -n "s/^  \([A-Za-z_0-9]*\) *\([-0-9.e+]*\) *\([-+]\) *\([0-9.e+-]*\) i$/qsync_steady q$q \1 \2 \3\4/p"
    best=0
    for _ in $(seq "$BEST"); do
      l=$(/usr/bin/time -f "cpu_user %U s" "$QSYNC" run "$run" --threads 1 --out "$OUT/cavity_run_q$q" 2>&1 |
          grep -v '^qsync: warning' | sed -n '1p;/^cpu_user/p' | tr '\n' ' ')
      echo "qsync_run_line q$q: $l"
      # rate from the wall time (the printed traj/s is rounded), and per CPU second
      rate=$(echo "$l" | sed -n 's/^\([0-9]*\) trajectories of .* in \([0-9.]*\) s .*/\1 \2/p' |
             awk '{printf "%.4g", $1 / $2}')
      echo "qsync_traj_per_cpu_second q$q $(echo "$l" | sed -n 's/^\([0-9]*\) trajectories.*cpu_user \([0-9.]*\) s.*/\1 \2/p' | awk '{printf "%.4g", $1 / $2}')"
      best=$(python3 -c "print(max($best, $rate))")
    done
    echo "qsync_traj_per_second q$q $best"
    echo "qsync_run_load q$q $(load)"
  done
}

part_qutip() {
  for q in $CASES; do
    run=runs/bench_cavity_q$q.ini
    timeout 600 "$PYTHON" analysis/bench_qutip_cavity.py "$run" --what steady --reps 1 |
      sed "s/^/q$q /" || echo "q$q qutip_steadystate_failed (timeout 600 s or error)"
    echo "q$q qutip_steady_load $(load)"
    "$PYTHON" analysis/bench_qutip_cavity.py "$run" --what mcsolve --ntraj "$(qutip_ntraj "$q")" |
      sed "s/^/q$q /"
    echo "q$q qutip_mcsolve_load $(load)"
  done
  for q in $CASES; do   # exact means for the trajectory check (not timed)
    timeout 900 "$PYTHON" analysis/bench_qutip_cavity.py "runs/bench_cavity_q$q.ini" --what mesolve |
      sed "s/^/q$q /" || echo "q$q # mesolve reference failed (timeout 900 s or error)"
  done >"$OUT/cavity_qutip_me.txt"
}

part_n100() {
  # the full solve (tol 1e-10, krylov) under a time limit; then the cost per
  # GMRES iteration from two loose-tolerance solves (slope between them)
  run=runs/bench_cavity_q4_n100.ini
  echo "n100_load_start $(load)"
  set +e
  /usr/bin/time -f "%e s wall %U s user %M KB" timeout "${BENCH_N100_TIMEOUT:-900}" \
    "$QSYNC" steady "$run" --out "$OUT/cavity_steady_q4_n100" 2>&1 | sed 's/^/n100: /'
  echo "n100_exit ${PIPESTATUS[0]} (nonzero: timed out, time's line shows 'exit status 124')"
  echo "n100_load_end $(load)"
  for tol in 1e-2 1e-4; do
    timeout 900 /usr/bin/time -f "%e s wall %U s user %M KB" \
      "$QSYNC" steady "$run" --out "$OUT/cavity_steady_q4_n100_tol$tol" --set steady.tol=$tol 2>&1 |
      grep -v '^  ' | sed "s/^/n100_tol$tol: /"
    echo "n100_tol${tol}_load $(load)"
  done
  set -e
}

report() {
  "$PYTHON" - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
def lines(name):
    try:
        return open(f"{out}/{name}").read().splitlines()
    except OSError:
        return []
qs, qt, n100 = lines("cavity_qsync.txt"), lines("cavity_qutip.txt"), lines("cavity_n100.txt")
qme = lines("cavity_qutip_me.txt")
print("# cavity_qubits benchmark: qsync vs QuTiP 4.7, one thread each; RWA, ncav = 40,")
print("# delta = 1, 1.5, 2, 2.5, domega = 0, F = 0.77, gamma = gamma_s = 0.2; t in [0, 20], 101 times, rtol 1e-6, atol 1e-8")
print("# all numbers measured under load (uptime load averages are listed); see analysis/BENCH_CAVITY.md")
rows = []
for q in ("1", "2", "4"):
    d = {}
    for l in qs:
        m = re.match(rf"qsync_steady_line q{q}: .*dimension (\d+), method (\w+), (\d+) iterations\) in ([0-9.e+-]+) (m?s), residual .* = ([0-9.e+-]+)", l)
        if m:
            d["dim"], d["meth"], d["it"] = m.group(1), m.group(2), m.group(3)
            d["ss"] = float(m.group(4)) * (1e-3 if m.group(5) == "ms" else 1)
            d["res"] = m.group(6)
        m = re.match(rf"qsync_traj_per_second q{q} (\S+)", l)
        if m: d["qr"] = float(m.group(1))
        m = re.match(rf"qsync_traj_per_cpu_second q{q} (\S+)", l)
        if m: d["qc"] = max(d.get("qc", 0.0), float(m.group(1)))
        for k in ("steady", "run"):
            m = re.match(rf"qsync_{k}_load q{q} (.*)", l)
            if m: d[f"ql_{k}"] = m.group(1)
    qsteady = {m.group(1): complex(float(m.group(2)), float(m.group(3)))
               for m in (re.match(rf"qsync_steady q{q} (\S+) (\S+) (\S+)", l) for l in qs) if m}
    tsteady, ttraj = {}, []
    for l in qt:
        if not l.startswith(f"q{q} "): continue
        l = l[len(q) + 2:]
        f = l.split()
        if f[0] == "qutip_steadystate_seconds": d["ts"] = float(f[1])
        elif f[0] == "qutip_mcsolve_traj_per_second": d["tr"] = float(f[1])
        elif f[0] == "qutip_mcsolve_traj_per_cpu_second": d["tc"] = float(f[1])
        elif f[0] == "qutip_steady": tsteady[f[1]] = complex(float(f[2]), float(f[3]))
        elif f[0] == "qutip_traj": ttraj.append(f[1:])
        elif f[0].startswith("# mcsolve: ntraj="): pass
        elif f[0] in ("qutip_steady_load", "qutip_mcsolve_load"): d[f[0]] = " ".join(f[1:])
        m = re.match(r"# mcsolve: ntraj=(\d+)", l)
        if m: d["tn"] = m.group(1)
        m = re.match(r"# steadystate residual .* = (\S+)", l)
        if m: d["tres"] = m.group(1)
    print(f"## q{q}: {q} qubit(s), dimension {d.get('dim')}")
    worst = 0.0
    for k, v in qsteady.items():
        if k in tsteady:
            diff = abs(v - tsteady[k]); worst = max(worst, diff)
            print(f"steady_compare q{q} {k:7s} qsync {v.real:+.10f}{v.imag:+.10f}i  qutip {tsteady[k].real:+.10f}{tsteady[k].imag:+.10f}i  |diff| {diff:.2e}")
    d["worst"] = worst if tsteady else float("nan")
    print(f"steady_max_abs_diff q{q} {d['worst']:.3g}")
    # trajectory means: qsync summary.tsv and QuTiP mcsolve against each
    # other and against the exact mean (QuTiP mesolve, rtol 1e-9)
    me = {}
    for l in qme:
        f = l.split()
        if f[0] == f"q{q}" and f[1] == "qutip_me":
            me[(f[2], float(f[3]))] = complex(float(f[4]), float(f[5]))
    zs = {"qsync-QuTiP": [], "qsync-exact": [], "QuTiP-exact": []}
    try:
        hdr = open(f"{out}/cavity_run_q{q}/summary.tsv").readline().lstrip("# ").split()
        rows_t = [list(map(float, r.split())) for r in open(f"{out}/cavity_run_q{q}/summary.tsv") if not r.startswith("#")]
        col = {h: i for i, h in enumerate(hdr)}
        for name, t, re_, im_, sre, sim in ttraj:
            t = float(t)
            row = min(rows_t, key=lambda r: abs(r[0] - t))
            ex = me.get((name, t))
            for part, tv, ts in (("re", float(re_), float(sre)), ("im", float(im_), float(sim))):
                qv, qse = row[col[f"{name}.{part}"]], row[col[f"{name}.{part}_se"]]
                xv = None if ex is None else (ex.real if part == "re" else ex.imag)
                vals = [qv, tv] + ([xv] if xv is not None else [])
                if max(vals) - min(vals) < 1e-9 or name == "P_top":
                    continue        # identically zero parts; P_top (1e-14 .. 1e-3,
                                    # below mesolve's atol early on) is the truncation check
                def z(x, sx, y, sy):
                    se = (sx ** 2 + sy ** 2) ** 0.5
                    return (x - y) / se if se > 0 else float("inf")
                tag = f"{name}.{part} t={t:g}"
                zs["qsync-QuTiP"].append((z(qv, qse, tv, ts), tag))
                if xv is not None:
                    zs["qsync-exact"].append((z(qv, qse, xv, 0), tag))
                    zs["QuTiP-exact"].append((z(tv, ts, xv, 0), tag))
                if name in ("n", "Sx_1", "Sz_1") and part == "re" or name == "a":
                    xs = f"  exact {xv:+.5f}" if xv is not None else ""
                    print(f"traj_compare q{q} t={t:g} {name}.{part}: qsync {qv:+.5f} ± {qse:.5f}  qutip {tv:+.5f} ± {ts:.5f}{xs}  z(qsync-qutip) {zs['qsync-QuTiP'][-1][0]:+.2f}")
    except (OSError, KeyError, ValueError) as e:
        print(f"# trajectory comparison unavailable: {e}")
    for k, v in zs.items():
        v.sort(key=lambda x: -abs(x[0]))
        m = abs(v[0][0]) if v else float("nan")
        d[f"z {k}"] = m
        print(f"traj_max_abs_z q{q} {k} {m:.2f} over {len(v)} comparisons; worst: " + ", ".join(f"{w} {x:+.2f}" for x, w in v[:3]))
    rows.append((q, d))
print()
print("| qubits | dim | qsync steady: method, iterations, time, residual | QuTiP steadystate | QuTiP / qsync | max abs diff of steady observables | qsync traj/s (1000 traj) | QuTiP traj/s (ntraj) | qsync / QuTiP | max abs z: qsync-QuTiP, qsync-exact, QuTiP-exact |")
print("|---|---|---|---|---|---|---|---|---|---|")
for q, d in rows:
    ss = d.get("ss"); ts = d.get("ts"); qr = d.get("qr"); tr = d.get("tr")
    f = lambda x, fmt: (fmt % x) if x is not None else "–"
    print(f"| {q} | {d.get('dim')} | {d.get('meth')}, {d.get('it')}, {f(ss, '%.3g s')}, {d.get('res')} | {f(ts, '%.3g s')} | "
          f"{(ts / ss) if ss and ts else float('nan'):.2f} | {d['worst']:.1e} | {f(qr, '%.3g')} | {f(tr, '%.3g')} ({d.get('tn')}) | "
          f"{(qr / tr) if qr and tr else float('nan'):.1f} | {d.get('z qsync-QuTiP', float('nan')):.1f}, {d.get('z qsync-exact', float('nan')):.1f}, {d.get('z QuTiP-exact', float('nan')):.1f} |")
print()
for q, d in rows:
    if d.get("qc") and d.get("tc"):
        print(f"trajectories per CPU second q{q}: qsync {d['qc']:.3g}, QuTiP {d['tc']:.3g}, ratio {d['qc'] / d['tc']:.1f}")
print()
for q, d in rows:
    print(f"load q{q}: qsync steady {d.get('ql_steady')}; qsync run {d.get('ql_run')}; QuTiP steady {d.get('qutip_steady_load')}; QuTiP mcsolve {d.get('qutip_mcsolve_load')}")
print()
for l in n100:
    print(l)
PY
}

part=${1:-all}
case $part in
  qsync) part_qsync | tee "$OUT/cavity_qsync.txt" ;;
  qutip) part_qutip | tee "$OUT/cavity_qutip.txt" ;;
  n100) part_n100 | tee "$OUT/cavity_n100.txt" ;;
  report) report | tee "$OUT/bench_cavity.txt" ;;
  all)
    echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), load at start $(load)"
    part_qsync >"$OUT/cavity_qsync.txt"
    part_qutip >"$OUT/cavity_qutip.txt"
    part_n100 >"$OUT/cavity_n100.txt"
    report | tee "$OUT/bench_cavity.txt" ;;
  *) echo "usage: $0 [all|qsync|qutip|n100|report]" >&2; exit 2 ;;
esac
