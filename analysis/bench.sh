#!/usr/bin/env bash
# `make bench`: qsync against QuTiP 4.7 (Debian python3-qutip, system
# /usr/bin/python3) on runs/bench_qubit_osc.ini, single thread each.
# Prints the timings and ratios and writes them to out/bench/bench.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
QSYNC=${QSYNC:-build/qsync}
RUN=runs/bench_qubit_osc.ini
OUT=out/bench
mkdir -p "$OUT"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

qsync_traj_rate() { # ARGS...: best of 3 runs, trajectories per second
  local best=0
  for _ in 1 2 3; do
    local rate
    rate=$("$QSYNC" run "$RUN" --threads 1 --out "$OUT/run" "$@" |
           sed -n 's/.*(\([0-9.]*\) traj\/s.*/\1/p')
    best=$(python3 -c "print(max($best, $rate))")
  done
  echo "$best"
}

{
  echo "# qsync benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
  echo "# problem: $RUN (1000 trajectories, t in [0,50], 201 output times, rtol 1e-6, atol 1e-8, 1 thread)"
  line=$("$QSYNC" run "$RUN" --threads 1 --out "$OUT/run" | head -1)
  echo "qsync_run: $line"
  qrate=$(qsync_traj_rate)
  echo "qsync_traj_per_second $qrate"
  for f in 0.1 1.0; do
    echo "restart_step=$f: $("$QSYNC" run "$RUN" --threads 1 --out "$OUT/run" \
      --set run.restart_step=$f | head -1)"
  done
  ss=$("$QSYNC" steady "$RUN" --out "$OUT/steady" | sed -n 's/.* in \([0-9.e+-]*\) ms.*/\1/p')
  echo "qsync_steady_ms $ss"
  /usr/bin/python3 analysis/bench_qutip.py "$RUN" --what both >"$OUT/qutip.txt"
  cat "$OUT/qutip.txt"
  trate=$(sed -n 's/^qutip_mcsolve_traj_per_second //p' "$OUT/qutip.txt")
  tss=$(sed -n 's/^qutip_steadystate_seconds //p' "$OUT/qutip.txt")
  python3 - "$qrate" "$trate" "$ss" "$tss" <<'PY'
import sys
q, t, ss_ms, tss = map(float, sys.argv[1:])
print(f"trajectory throughput ratio qsync/QuTiP = {q / t:.1f} (target >= 50)")
print(f"steady state: qsync {ss_ms:.3f} ms, QuTiP {1e3 * tss:.3f} ms, ratio {1e3 * tss / ss_ms:.1f}")
PY
} | tee "$OUT/bench.txt"
analysis/bench_cavity.sh   # cavity_qubits vs QuTiP, ncav = 40 and the dimension-1600 steady state (analysis/BENCH_CAVITY.md; about 30 min)
analysis/bench_transmon.sh  # transmon model (Appendix E) vs QuTiP mesolve and mcsolve, td H (analysis/BENCH_TRANSMON.md; about an hour of CPU time)
