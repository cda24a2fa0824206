#!/usr/bin/env bash
# Issue 14 from the command line: [run] target_stderr (same trajectories
# and bits for 1 and 2 threads, the reason the run stopped in run.h5 and on
# stdout, max_wall as a soft stop), error bars (derived.tsv with NAME_se,
# rho_stderr), the rho guards (max_rho_dim note, the memory refusal naming
# store_rho, n_times and the size) and the replay of one trajectory.
# Prints "ensemble_errors: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
qo=$work/qo.ini
cat >"$qo" <<'INI'
[model]
name = qubit_osc
g = 1.0
eps = 0.3
[run]
ntraj = 2000
seed = 7
t_end = 20
n_times = 41
burn_in = 8
store_rho = true
INI

h5attr() { # FILE GROUP ATTR
  "$PY" -c "import h5py,sys; v=h5py.File(sys.argv[1])[sys.argv[2]].attrs[sys.argv[3]]; print(v.decode() if isinstance(v, bytes) else v)" "$@"
}

# --- target_stderr: threads 1 and 2 stop at the same block, same bits ---
for t in 1 2; do
  "$QSYNC" run "$qo" --set run.target_stderr=0.008 --threads $t --out "$work/t$t" \
    >"$work/t$t.out" 2>&1 || bad "target run, threads $t: exit $?"
done
if cmp -s "$work/t1/summary.tsv" "$work/t2/summary.tsv" &&
   cmp -s "$work/t1/derived.tsv" "$work/t2/derived.tsv"; then
  ok "target_stderr: summary.tsv and derived.tsv identical for threads 1 and 2"
else
  bad "target_stderr: outputs differ between threads 1 and 2"
fi
n1=$(grep -o '^[0-9]* trajectories' "$work/t1.out" | cut -d' ' -f1)
if grep -q "stopped: target standard error reached" "$work/t1.out" && [ "${n1:-0}" -lt 2000 ] &&
   [ $((n1 % 64)) -eq 0 ] && [ "$(h5attr "$work/t1/run.h5" trajectory stop_reason)" = target_stderr ]; then
  ok "target_stderr: stopped at a block boundary ($n1 trajectories), reason in stdout and run.h5"
else
  bad "target_stderr: no recorded stop ($(tail -c 300 "$work/t1.out"))"
fi
# the standard errors at the stop are below the target, one block earlier not all
"$QSYNC" run "$qo" --ntraj $((n1 - 64)) --out "$work/before" --quiet >/dev/null 2>&1
if "$PY" - "$work/t1/run.h5" "$work/before/run.h5" <<'PY'; then
import sys, h5py, numpy as np
at = h5py.File(sys.argv[1])["trajectory/steady_stderr"][()].max()
before = h5py.File(sys.argv[2])["trajectory/steady_stderr"][()].max()
sys.exit(0 if at < 0.008 <= before else 1)
PY
  ok "target_stderr: max steady_stderr below 0.008 at the stop, not one block earlier"
else
  bad "target_stderr: the stop is not the first block below the target"
fi
# ... and for 2 and 3 MPI ranks (rank 0 decides on the totals it sums in
# block order; the other ranks stop with it)
if [ "${MPI:-0}" = 1 ] && command -v mpirun >/dev/null; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  for r in 2 3; do
    mpirun --oversubscribe --allow-run-as-root --bind-to none -n $r "$QSYNC" run "$qo" \
      --set run.target_stderr=0.008 --out "$work/r$r" --quiet >"$work/r$r.out" 2>&1
    if cmp -s "$work/t1/summary.tsv" "$work/r$r/summary.tsv" &&
       cmp -s "$work/t1/derived.tsv" "$work/r$r/derived.tsv" &&
       [ "$(h5attr "$work/r$r/run.h5" trajectory stop_reason)" = target_stderr ]; then
      ok "target_stderr: $r MPI ranks stop where one process does, same bits"
    else
      bad "target_stderr: $r MPI ranks differ ($(tail -c 300 "$work/r$r.out"))"
    fi
  done
fi
refused "target_obs: unknown name" "target_obs: 'nope'" run "$qo" --out "$work/x1" \
  --set run.target_stderr=0.01 --set run.target_obs=Sz_A,nope
"$QSYNC" run "$qo" --set run.target_stderr=0.01 --set run.target_obs=Sz_B --out "$work/tm" \
  --quiet >/dev/null 2>&1 && ok "target_obs = Sz_B runs" || bad "target_obs = Sz_B fails"

# --- max_wall stops a target run at a block boundary, with its results ---
if "$QSYNC" run "$qo" --set run.target_stderr=1e-9 --set run.max_wall=1 --set run.store_rho=false \
     --ntraj 100000000 --out "$work/wall" >"$work/wall.out" 2>&1 &&
   [ "$(h5attr "$work/wall/run.h5" trajectory stop_reason)" = max_wall ] &&
   grep -q "max_wall = 1 s reached" "$work/wall.out"; then
  ok "max_wall: a target run stops with its results and says why"
else
  bad "max_wall soft stop ($(tail -c 300 "$work/wall.out"))"
fi

# --- error bars: derived.tsv, rho_stderr ---
"$QSYNC" run "$qo" --ntraj 256 --out "$work/eb" --quiet >/dev/null 2>&1
if head -1 "$work/eb/derived.tsv" | grep -q "Omega_se" &&
   "$PY" - "$work/eb/run.h5" <<'PY'; then
import sys, h5py, numpy as np
t = h5py.File(sys.argv[1])["trajectory"]
ok = t["rho_stderr"].shape == t["rho"].shape and t["steady_rho_stderr"].shape == t["steady_rho"].shape
# rho(0) is the same pure state in every trajectory: no error there
ok = ok and np.all(t["rho_stderr"][0] == 0) and np.all(t["rho_stderr"][-1] >= 0) and t["rho_stderr"][-1].max() > 0
sys.exit(0 if ok else 1)
PY
  ok "error bars: derived.tsv has Omega_se, run.h5 has rho_stderr and steady_rho_stderr"
else
  bad "error bars missing"
fi
cav=$work/cav.ini
printf '[model]\nname = cavity_qubits\nnqubits = 2\nncav = 4\nF = 0.4\n[run]\nntraj = 128\nt_end = 4\nn_times = 5\nburn_in = 1\n' >"$cav"
"$QSYNC" compare "$cav" --out "$work/cmp" --quiet >/dev/null 2>&1
if head -1 "$work/cmp/derived.tsv" 2>/dev/null | grep -q "negativity_se.*chsh_se.*trace_distance_se"; then
  ok "compare: negativity_se, chsh_se, trace_distance_se in derived.tsv"
else
  bad "compare: derived.tsv lacks the jackknife errors"
fi

sweep=$work/sweep.ini
sed 's/^ntraj = 128/ntraj = 192/' "$cav" >"$sweep"
printf '[sweep]\nkey = model.domega\nvalues = -1, 1\n' >>"$sweep"
"$QSYNC" run "$sweep" --out "$work/sw" --quiet >/dev/null 2>&1
if "$PY" - "$work/sw/summary.tsv" "$work/sw/derived.tsv" <<'PY'; then
import sys, numpy as np
def load(p):
    names = open(p).readline().lstrip("# ").rstrip("\n").split("\t")
    return names, np.loadtxt(p, ndmin=2)
sn, s = load(sys.argv[1]); dn, d = load(sys.argv[2])
ok = d.shape[0] == 2
for q in ("negativity", "chsh"):
    ok = ok and np.array_equal(s[:, sn.index(q)], d[:, dn.index(q)])
    ok = ok and np.all(np.isfinite(d[:, dn.index(q + "_se")])) and np.all(d[:, dn.index(q + "_se")] > 0)
sys.exit(0 if ok else 1)
PY
  ok "run sweep: derived.tsv has negativity_se, chsh_se per point, values as in summary.tsv"
else
  bad "run sweep: derived.tsv wrong"
fi

# --- rho guards ---
"$QSYNC" run "$qo" --ntraj 8 --set run.max_rho_dim=2 --out "$work/nr" >"$work/nr.out" 2>&1
if grep -q "rho is not stored: dimension .* max_rho_dim = 2" "$work/nr.out" &&
   "$PY" -c "import h5py,sys; sys.exit(1 if 'rho' in h5py.File(sys.argv[1])['trajectory'] else 0)" "$work/nr/run.h5"; then
  ok "max_rho_dim: the run says rho is not stored, and stores none"
else
  bad "max_rho_dim note ($(cat "$work/nr.out"))"
fi
refused "memory: rho(t) storage refused naming store_rho, n_times and its size" \
  "store_rho = true, n_times = 100000" run "$qo" --set run.n_times=100000 --max-memory 100M \
  --out "$work/x2"
refused "memory: the refusal gives the size of the rho storage" "the stored rho(t) and sums, ~" \
  run "$qo" --set run.n_times=100000 --max-memory 100M --out "$work/x3"

# A run sweep's Omega has its jackknife error (derived.tsv): each point's
# Omega, Omega_se and Omega_jackknife are those of the single run at that
# point's parameters (the same trajectories).
"$QSYNC" run "$qo" --ntraj 192 --set sweep.key=model.g --set sweep.values=0.3,0.5 \
  --out "$work/omsweep" --quiet >/dev/null 2>&1
"$QSYNC" run "$qo" --ntraj 192 --set model.g=0.5 --out "$work/omone" --quiet >/dev/null 2>&1
om_sweep=$(awk -F'\t' 'NR == 1 && $2 == "Omega" && $3 == "Omega_se" && $4 == "Omega_jackknife" { h = 1 }
                       h && $1 == "0.5" { print $2, $3, $4 }' "$work/omsweep/derived.tsv" 2>/dev/null)
om_one=$(awk -F'\t' 'NR == 2 { print $1, $2, $3 }' "$work/omone/derived.tsv" 2>/dev/null)
if [ -n "$om_one" ] && [ "$om_sweep" = "$om_one" ] && [ "$(echo "$om_one" | awk '{ print ($2 > 0) }')" = 1 ]; then
  ok "run sweep: derived.tsv has Omega, Omega_se, Omega_jackknife per point, the single run's ($om_one)"
else
  bad "run sweep: Omega error bar '$om_sweep', single run '$om_one'"
fi

# --- replay: trajectory I alone, bit for bit ---
"$QSYNC" run "$qo" --ntraj 130 --threads 2 --set run.record_jumps=true --out "$work/full" \
  --quiet >/dev/null 2>&1
"$QSYNC" run "$qo" --first-index 67 --ntraj 1 --dump-state --out "$work/one" --quiet \
  >/dev/null 2>"$work/one.err"
if "$PY" - "$work/full/run.h5" "$work/one/jumps.tsv" "$work/one/state.tsv" <<'PY'; then
import sys, h5py, numpy as np
g = h5py.File(sys.argv[1])["trajectory/raw/total/jump_records"]
traj, t, ch = g["trajectory"][()], g["time"][()], g["channel"][()]
sel = traj == 67
rows = np.loadtxt(sys.argv[2], ndmin=2)
psi = np.loadtxt(sys.argv[3], ndmin=2)
ok = sel.sum() > 0 and rows.shape[0] == sel.sum() and np.all(rows[:, 0] == 67)
ok = ok and np.array_equal(rows[:, 1], t[sel]) and np.array_equal(rows[:, 2], ch[sel])
ok = ok and abs((psi[:, 1] ** 2 + psi[:, 2] ** 2).sum() - 1) < 1e-12
sys.exit(0 if ok else 1)
PY
  ok "replay: --first-index 67 --ntraj 1 has trajectory 67's jumps bit for bit; state normalized"
else
  bad "replay differs from the full run ($(cat "$work/one.err"))"
fi
refused "--dump-state needs ntraj 1" "--dump-state" run "$qo" --ntraj 2 --dump-state --out "$work/x4"
refused "--first-index: only for trajectory commands" "--first-index" steady "$qo" \
  --first-index 3 --out "$work/x5"

finish ensemble_errors
