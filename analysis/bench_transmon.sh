#!/usr/bin/env bash
# Transmon benchmark (analysis/BENCH_TRANSMON.md, issue 5 item 7): qsync
# against QuTiP 4.7 (Debian python3-qutip, system /usr/bin/python3) on the
# transmon model (runs/bench_transmon.ini: Table II column fig10b,
# g/2pi = 200 kHz, dimension 81, time-dependent H in the pump frame,
# t in [0, 20] us, outputs every 0.1 us, rtol 1e-6, atol 1e-8), one thread:
#   master equation: qsync mesolve vs QuTiP mesolve (same td H, tolerances);
#   trajectories: qsync run (1000) vs QuTiP mcsolve (fewer, QUTIP_NTRAJ).
# Agreement: max |delta| of the observables (drive frame) between the two
# master equations at the common times; trajectory means against the
# master equation and against each other as z-scores.
#
# Usage: analysis/bench_transmon.sh [all|qsync|qutip|tight|report]
#   the parts write raw lines to out/bench/transmon_{qsync,qutip}.txt
#   (QuTiP's observables: transmon_qutip_me.txt, transmon_qutip_mc.txt);
#   tight: both master equations again at rtol 1e-9, atol 1e-11 (converged
#   reference: out/bench/transmon_tight.txt, transmon_qutip_me_tight.txt);
#   report (also run by all) combines them into out/bench/bench_transmon.txt.
# Environment: QSYNC (build/qsync), PYTHON (/usr/bin/python3), QSYNC_NTRAJ
# (qsync trajectories, default 1000 as in the run file: about 45 CPU minutes),
# QUTIP_NTRAJ (mcsolve trajectories, default 20: about 3 CPU minutes),
# RUN and BENCH_OUT (run file and output directory, for tests), NICE (prefix,
# default "nice"), T_Z (trajectory z-scores from this time on,
# default 1 us; see the report).
# Every measurement line carries the `uptime` load at its end.
set -euo pipefail
cd "$(dirname "$0")/.."
QSYNC=${QSYNC:-build/qsync}
PYTHON=${PYTHON:-/usr/bin/python3}
NICE=${NICE:-nice}
RUN=${RUN:-runs/bench_transmon.ini}
OUT=${BENCH_OUT:-out/bench}
mkdir -p "$OUT"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
load() { uptime | sed 's/.*load average: //'; }

part_qsync() {
  echo "qsync_mesolve_load_start $(load)"
  $NICE /usr/bin/time -f "time_wall %e s user %U s maxrss %M KB" \
    "$QSYNC" mesolve "$RUN" --out "$OUT/transmon_me" 2>&1 |
    grep -v '^  ' | sed 's/^/qsync_mesolve_line: /'
  echo "qsync_mesolve_load_end $(load)"
  echo "qsync_run_load_start $(load)"
  $NICE /usr/bin/time -f "time_wall %e s user %U s maxrss %M KB" \
    "$QSYNC" run "$RUN" --threads 1 --set run.ntraj="${QSYNC_NTRAJ:-1000}" --out "$OUT/transmon_run" 2>&1 |
    grep -v '^qsync: warning\|^  ' | sed 's/^/qsync_run_line: /'
  echo "qsync_run_load_end $(load)"
}

part_qutip() {
  echo "qutip_mesolve_load_start $(load)"
  $NICE "$PYTHON" analysis/bench_qutip_transmon.py "$RUN" --what mesolve >"$OUT/transmon_qutip_me.txt"
  grep -v '^qutip_me ' "$OUT/transmon_qutip_me.txt"
  echo "qutip_mesolve_load_end $(load)"
  echo "qutip_mcsolve_load_start $(load)"
  $NICE "$PYTHON" analysis/bench_qutip_transmon.py "$RUN" --what mcsolve \
    --ntraj "${QUTIP_NTRAJ:-20}" >"$OUT/transmon_qutip_mc.txt"
  grep -v '^qutip_traj ' "$OUT/transmon_qutip_mc.txt"
  echo "qutip_mcsolve_load_end $(load)"
}

part_tight() {   # both master equations at rtol 1e-9, atol 1e-11: the converged reference
  echo "tight_load_start $(load)"
  $NICE /usr/bin/time -f "time_wall %e s user %U s maxrss %M KB" \
    "$QSYNC" mesolve "$RUN" --set mesolve.rtol=1e-9 --set mesolve.atol=1e-11 \
    --out "$OUT/transmon_me_tight" 2>&1 | grep -v '^  ' | sed 's/^/qsync_tight_line: /'
  $NICE "$PYTHON" analysis/bench_qutip_transmon.py "$RUN" --what mesolve --rtol 1e-9 --atol 1e-11 \
    >"$OUT/transmon_qutip_me_tight.txt"
  grep '_seconds' "$OUT/transmon_qutip_me_tight.txt" | sed 's/^qutip_mesolve/qutip_tight/'
  echo "tight_load_end $(load)"
}

report() {
  "$PYTHON" - "$OUT" "${T_Z:-1}" <<'PY'
import re, sys
import numpy as np
out, t_z = sys.argv[1], float(sys.argv[2])
def lines(name):
    try:
        return open(f"{out}/{name}").read().splitlines()
    except OSError:
        return []
def tsv(path):
    """{column: array} of a qsync .tsv (header line starts with '#')."""
    try:
        with open(path) as f:
            hdr = f.readline().lstrip("# ").split()
            data = np.loadtxt(f, ndmin=2)
    except OSError:
        return None
    return {h: data[:, i] for i, h in enumerate(hdr)}
qs, qt = lines("transmon_qsync.txt"), lines("transmon_qutip.txt")
qme, qmc = lines("transmon_qutip_me.txt"), lines("transmon_qutip_mc.txt")
qmet, qtight = lines("transmon_qutip_me_tight.txt"), lines("transmon_tight.txt")
print("# transmon benchmark: qsync vs QuTiP 4.7, one thread each; runs/bench_transmon.ini")
print("# (column fig10b, g/2pi = 200 kHz, dimension 81, td H in the pump frame, t in [0, 20] us,")
print("# 201 output times, rtol 1e-6, atol 1e-8; observables in the drive frame); see analysis/BENCH_TRANSMON.md")
d = {}
for l in qs + qt + [x for x in qme + qmc if not x.startswith("qutip_")] + \
        [x for x in qme + qmc if re.match(r"qutip_m[ec]solve_", x)]:
    m = re.match(r"qsync_(mesolve|run)_line: time_wall (\S+) s user (\S+) s maxrss (\d+)", l)
    if m:
        d[f"q{m.group(1)}_wall"], d[f"q{m.group(1)}_cpu"] = float(m.group(2)), float(m.group(3))
        d[f"q{m.group(1)}_rss"] = int(m.group(4))
    m = re.match(r"qsync_mesolve_line: master equation .*: (\S+) s of integration, (\S+) CVODE steps", l)
    if m: d["qme_int"], d["qme_steps"] = float(m.group(1)), m.group(2)
    m = re.match(r"qsync_run_line: (\d+) trajectories of .* in ([0-9.]+) s", l)
    if m: d["qrun_n"], d["qrun_s"] = int(m.group(1)), float(m.group(2))
    m = re.match(r"qsync_run_line: (\d+) trajectories", l)
    if m: d["qrun_text"] = l.split(": ", 1)[1]
    m = re.match(r"(q\w+_load_\w+) (.*)", l)
    if m: d[m.group(1)] = m.group(2)
    m = re.match(r"(qutip_m[ec]solve_\w+) (\S+)$", l)
    if m: d[m.group(1)] = float(m.group(2))
    m = re.match(r"# mcsolve: ntraj=(\d+)", l)
    if m: d["tn"] = int(m.group(1))
    m = re.match(r"# mcsolve: mean number of jumps per trajectory (\S+)", l)
    if m: d["tjumps"] = m.group(1)

# QuTiP's observables: me[name] = (t, values); mc[name] = (t, mean, se_re, se_im)
me, mc = {}, {}
for l in qme:
    f = l.split()
    if f[0] == "qutip_me":
        me.setdefault(f[1], []).append((float(f[2]), complex(float(f[3]), float(f[4]))))
for l in qmc:
    f = l.split()
    if f[0] == "qutip_traj":
        mc.setdefault(f[1], []).append((float(f[2]), complex(float(f[3]), float(f[4])),
                                        float(f[5]), float(f[6])))
qme_ts = tsv(f"{out}/transmon_me/timeseries.tsv")
qrun = tsv(f"{out}/transmon_run/summary.tsv")

def at(table, name, t):
    k = int(np.argmin(np.abs(table["t"] - t)))
    if abs(table["t"][k] - t) > 1e-9:
        return None
    return k

print("\n## master equation: qsync mesolve vs QuTiP mesolve (max |delta| over the common times)")
worst = {}
if qme_ts is not None and me:
    for name, rows in me.items():
        if f"{name}.re" not in qme_ts:
            print(f"# {name}: not in qsync's timeseries.tsv"); continue
        dmax, tw, n = 0.0, None, 0
        for t, v in rows:
            k = at(qme_ts, name, t)
            if k is None: continue
            q = complex(qme_ts[f"{name}.re"][k], qme_ts[f"{name}.im"][k])
            n += 1
            if abs(q - v) >= dmax: dmax, tw, qv, tv = abs(q - v), t, q, v
        worst[name] = dmax
        print(f"me_max_abs_delta {name:6s} {dmax:.2e} over {n} times (worst t = {tw:g}: qsync {qv.real:+.8f}{qv.imag:+.8f}i, QuTiP {tv.real:+.8f}{tv.imag:+.8f}i)")
    # values at the end
    for name in ("Sp_A", "Sp_B", "Pe_A", "Pe_B"):
        if name in me and f"{name}.re" in qme_ts:
            t, v = me[name][-1]
            k = at(qme_ts, name, t)
            print(f"me_value t={t:g} {name}: qsync {qme_ts[f'{name}.re'][k]:+.8f}{qme_ts[f'{name}.im'][k]:+.8f}i  QuTiP {v.real:+.8f}{v.imag:+.8f}i")
else:
    print("# unavailable (run the qsync and qutip parts)")
d["me_worst"] = max(worst.values()) if worst else float("nan")
d["me_key"] = ", ".join(f"{k} {worst[k]:.1e}" for k in ("Sp_A", "Pe_A", "Pe_B") if k in worst)

print("\n## converged reference: both master equations at rtol 1e-9, atol 1e-11 (part tight)")
qme_tight = tsv(f"{out}/transmon_me_tight/timeseries.tsv")
met = {}
for l in qmet:
    f = l.split()
    if f[0] == "qutip_me":
        met.setdefault(f[1], []).append((float(f[2]), complex(float(f[3]), float(f[4]))))
for l in qtight:
    m = re.match(r"qsync_tight_line: time_wall (\S+) s user (\S+) s", l)
    if m: d["qtight_wall"], d["qtight_cpu"] = float(m.group(1)), float(m.group(2))
    m = re.match(r"qsync_tight_line: master equation .*: \S+ s of integration, (\S+) CVODE steps", l)
    if m: d["qtight_steps"] = m.group(1)
for l in qmet:
    m = re.match(r"qutip_mesolve_(seconds|cpu_seconds) (\S+)", l)
    if m: d[f"ttight_{m.group(1)}"] = float(m.group(2))
def g_tsv(tab, name):
    def g(t):
        if tab is None: return None
        k = at(tab, name, t)
        return None if k is None else complex(tab[f"{name}.re"][k], tab[f"{name}.im"][k])
    return g
if qme_tight is not None and met:
    for name, rows in met.items():
        if f"{name}.re" not in qme_tight: continue
        def dev(get):
            return max((abs(get(t) - v) for t, v in rows if get(t) is not None), default=float("nan"))
        qt_lo = {t: v for t, v in me.get(name, [])}
        print(f"tight_max_abs_delta {name:6s} qsync-QuTiP (both tight) {dev(g_tsv(qme_tight, name)):.2e}; "
              f"run-file tolerances against QuTiP tight: qsync {dev(g_tsv(qme_ts, name)):.2e}, "
              f"QuTiP {dev(lambda t: qt_lo.get(t)):.2e}")
    print(f"tight_cpu_seconds qsync {d.get('qtight_cpu', float('nan')):.4g} ({d.get('qtight_steps', '-')} CVODE steps), "
          f"QuTiP {d.get('ttight_cpu_seconds', float('nan')):.4g}; wall qsync {d.get('qtight_wall', float('nan')):.4g}, "
          f"QuTiP {d.get('ttight_seconds', float('nan')):.4g}")
else:
    print("# unavailable (run the tight part)")

print(f"\n## trajectory means (z-scores over the output times t >= {t_z:g} us; 'exact' = QuTiP mesolve at rtol 1e-9")
print("## (part tight), else at the run file's tolerances, else qsync mesolve; standard errors with the rtol-1e-6")
print("## master equations' max |delta| added as a floor).")
print("## Earlier, the first jump (rare, large: e.g. |f> -> |e> of transmon A through its resonator) has not yet")
print("## happened in any trajectory of small ensembles, their standard error is 0 and the z-score meaningless;")
print("## there the no-jump evolution of the two programs is compared directly instead.")
names = ["Sp_A", "Sp_B", "Pg_A", "Pe_A", "Pf_A", "Pg_B", "Pe_B", "Pf_B", "na_A", "na_B"]
nj = []
for name in names:
    for t, v, sr, si in mc.get(name, []):
        a = None if qrun is None else at(qrun, name, t)
        if a is None or max(sr, si, qrun[f"{name}.re_se"][a], qrun[f"{name}.im_se"][a]) > 1e-9: continue
        nj.append((abs(complex(qrun[f"{name}.re"][a], qrun[f"{name}.im"][a]) - v), f"{name} t={t:g}"))
nj.sort(key=lambda x: -x[0])
if nj:
    print(f"nojump_max_abs_delta qsync-QuTiP {nj[0][0]:.2e} over {len(nj)} values (every trajectory of both ensembles without a jump yet: se < 1e-9); worst {nj[0][1]}")
d["nojump"] = nj[0][0] if nj else float("nan")
def zlist(get_a, get_b, names):
    zs = []
    for name in names:
        for t, *_ in me.get(name, []) or mc.get(name, []):
            if t < t_z: continue
            a, b = get_a(name, t), get_b(name, t)
            if a is None or b is None: continue
            for part in (0, 1):
                (va, sa), (vb, sb) = a[part], b[part]
                if abs(va - vb) < 1e-12: continue
                # statistical errors plus a floor for the integration error
                # (the two master equations' max |delta| of this observable):
                # before the first jumps all trajectories coincide and se ~ 0
                fl = worst.get(name, 1e-4)
                se = (sa * sa + sb * sb + fl * fl) ** 0.5
                zs.append(((va - vb) / se, f"{name}.{'re' if part == 0 else 'im'} t={t:g}"))
    zs.sort(key=lambda x: -abs(x[0]))
    return zs
def exact(name, t):
    for tt, v in met.get(name, []) or me.get(name, []):
        if abs(tt - t) < 1e-9: return ((v.real, 0.0), (v.imag, 0.0))
    if qme_ts is not None and f"{name}.re" in qme_ts:
        k = at(qme_ts, name, t)
        if k is not None: return ((qme_ts[f"{name}.re"][k], 0.0), (qme_ts[f"{name}.im"][k], 0.0))
    return None
def qsync_traj(name, t):
    if qrun is None or f"{name}.re" not in qrun: return None
    k = at(qrun, name, t)
    if k is None: return None
    return ((qrun[f"{name}.re"][k], qrun[f"{name}.re_se"][k]), (qrun[f"{name}.im"][k], qrun[f"{name}.im_se"][k]))
def qutip_traj(name, t):
    for tt, v, sr, si in mc.get(name, []):
        if abs(tt - t) < 1e-9: return ((v.real, sr), (v.imag, si))
    return None
for label, fa, fb in (("qsync-exact", qsync_traj, exact), ("QuTiP-exact", qutip_traj, exact),
                      ("qsync-QuTiP", qsync_traj, qutip_traj)):
    zs = zlist(fa, fb, names)
    m = abs(zs[0][0]) if zs else float("nan")
    d[f"z {label}"] = m
    frac = np.mean([abs(z) > 2 for z, _ in zs]) if zs else float("nan")
    print(f"traj_max_abs_z {label} {m:.2f} over {len(zs)} comparisons (fraction |z| > 2: {frac:.3f}); worst: "
          + ", ".join(f"{w} {z:+.2f}" for z, w in zs[:3]))
# mean number of jumps per trajectory from the master equation (the integral of
# sum_k <c_k^dag c_k>; model parameters from QuTiP's header line)
import ast
prm = next((ast.literal_eval(l.split("model ", 1)[1]) for l in qme if l.startswith("# qutip ")), None)
if prm and all(k in me for k in ("na_A", "na_B", "Pe_A", "Pe_B")):
    tt = np.array([t for t, _ in me["na_A"]])
    val = lambda n: np.array([v.real for _, v in me[n]]) if n in me else 0.0
    rate = 0.0
    for j in "AB":
        nb = val(f"Pe_{j}") + 2 * val(f"Pf_{j}")     # levels_q = 3 (higher levels neglected)
        rate = rate + 2 * np.pi * prm[f"kappa_{j}"] * val(f"na_{j}") \
            + 2 * np.pi * prm[f"gamma0_{j}"] / 1000 * nb
        if prm.get(f"gamma_phi_{j}", 0) > 0:
            rate = rate + 2 * np.pi * prm[f"gamma_phi_{j}"] / 1000 * (val(f"Pe_{j}") + 4 * val(f"Pf_{j}"))
    d["jumps_exact"] = float(np.trapz(rate, tt))
m = re.search(r"per trajectory: ([0-9.]+) jumps", d.get("qrun_text", ""))
d["qjumps"] = m.group(1) if m else "–"
print(f"jumps_per_trajectory master-equation {d.get('jumps_exact', float('nan')):.3g}, qsync {d['qjumps']} ({d.get('qrun_n', '–')} traj), QuTiP {d.get('tjumps', '–')} ({d.get('tn', '–')} traj)")
for name in ("Sp_A", "Pe_A", "Pe_B"):
    for t in (5.0, 10.0, 20.0):
        a, b, e = qsync_traj(name, t), qutip_traj(name, t), exact(name, t)
        fmt = lambda x: "–" if x is None else f"{x[0][0]:+.5f}{x[1][0]:+.5f}i ± {x[0][1]:.5f}"
        print(f"traj_value t={t:g} {name}: qsync {fmt(a)}  QuTiP {fmt(b)}  exact {fmt(e)}")

print("\n| quantity | qsync | QuTiP 4.7.1 | QuTiP / qsync |")
print("|---|---|---|---|")
f = lambda x, fmt: (fmt % x) if x is not None else "–"
qw, tw_ = d.get("qmesolve_wall"), d.get("qutip_mesolve_seconds")
print(f"| master equation, wall (s) | {f(qw, '%.3g')} | {f(tw_, '%.3g')} | {f(tw_ / qw if qw and tw_ else None, '%.2f')} |")
qc, tc = d.get("qmesolve_cpu"), d.get("qutip_mesolve_cpu_seconds")
print(f"| master equation, CPU (s) | {f(qc, '%.3g')} | {f(tc, '%.3g')} | {f(tc / qc if qc and tc else None, '%.2f')} |")
qr = d["qrun_n"] / d["qrun_s"] if d.get("qrun_s") else None
tr = d.get("qutip_mcsolve_traj_per_second")
print(f"| trajectories per s (wall) | {f(qr, '%.4g')} ({d.get('qrun_n', '–')}) | {f(tr, '%.4g')} ({d.get('tn', '–')}) | {f(qr / tr if qr and tr else None, '%.2f')} (qsync / QuTiP) |")
qrc = d["qrun_n"] / d["qrun_cpu"] if d.get("qrun_cpu") and d.get("qrun_n") else None
trc = d.get("qutip_mcsolve_traj_per_cpu_second")
print(f"| trajectories per CPU s | {f(qrc, '%.4g')} | {f(trc, '%.4g')} | {f(qrc / trc if qrc and trc else None, '%.2f')} (qsync / QuTiP) |")
print(f"\nmax |delta| master equations: all observables {d['me_worst']:.2g}; {d['me_key']}")
print(f"no-jump evolution (both ensembles, early times): max |delta| qsync-QuTiP {d['nojump']:.2g}")
print(f"max |z| (t >= {t_z:g}): qsync-exact {d.get('z qsync-exact', float('nan')):.2f}, QuTiP-exact {d.get('z QuTiP-exact', float('nan')):.2f}, qsync-QuTiP {d.get('z qsync-QuTiP', float('nan')):.2f}")
print(f"qsync run: {d.get('qrun_text', '–')}")
print(f"jumps per trajectory: master equation {d.get('jumps_exact', float('nan')):.3g}, qsync {d['qjumps']}, QuTiP {d.get('tjumps', '–')}")
for k in sorted(k for k in d if "_load_" in k):
    print(f"load {k}: {d[k]}")
PY
}

part=${1:-all}
case $part in
  qsync) part_qsync | tee "$OUT/transmon_qsync.txt" ;;
  qutip) part_qutip | tee "$OUT/transmon_qutip.txt" ;;
  tight) part_tight | tee "$OUT/transmon_tight.txt" ;;
  report) report | tee "$OUT/bench_transmon.txt" ;;
  all)
    echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m), load at start $(load)"
    part_qsync >"$OUT/transmon_qsync.txt"
    part_qutip >"$OUT/transmon_qutip.txt"
    part_tight >"$OUT/transmon_tight.txt"
    report | tee "$OUT/bench_transmon.txt" ;;
  *) echo "usage: $0 [all|qsync|qutip|tight|report]" >&2; exit 2 ;;
esac
