#!/usr/bin/env bash
# `qsync jumps` on the short Fig. 1 run file (runs/jumps_fig1_short.ini):
# the summary has its columns with finite values, run.h5 holds the streamed
# records (one group per trajectory, every sample), --threads 1 and 2 give
# the same datasets bit for bit, and bad input is refused (exit 2) naming
# the key.  Prints "jumps: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")/.." && pwd)
short=$here/runs/jumps_fig1_short.ini

if "$QSYNC" jumps "$short" --quiet --out "$work/a" --threads 1 &&
  "$QSYNC" jumps "$short" --quiet --out "$work/b" --threads 2; then
  ok "jumps on the short Fig. 1 file exits 0 (threads 1 and 2)"
else
  bad "jumps on the short Fig. 1 file failed"
fi

# Columns present and finite (the analysis columns may be nan only where
# documented: none of the ones listed here).
/usr/bin/python3 - "$work/a/summary.tsv" <<'PY' && ok "summary.tsv: columns present and finite" || bad "summary.tsv columns"
import math, sys
lines = [l for l in open(sys.argv[1]).read().splitlines() if not l.startswith("# units")]
cols = lines[0].lstrip("# ").split("\t")
row = dict(zip(cols, map(float, lines[1].split("\t"))))
need = ["ntraj", "n_samples", "t_record", "n_jumps", "jump_rate",
        "n", "n_se", "n_exact", "Sz_1", "Sz_1_se", "Sx_1_exact"]
need += ["rate_12", "rate_21", "rate_sum", "rate_sum_se", "gap", "psd_width",
         "psd_width_se", "p_state1", "p_state1_exact", "n_switches"]
missing = [c for c in need if c not in row]
assert not missing, "missing columns %s" % missing
finite = [c for c in need[:11] if not math.isfinite(row[c])]
assert not finite, "not finite: %s" % finite
assert row["ntraj"] == 2 and row["n_samples"] == 3001 and row["n_se"] > 0
PY

# The records: every trajectory's samples, jump times in the window and
# increasing, jump counts adding up to the summary's; and the same bits
# for any thread count.
/usr/bin/python3 - "$work/a/run.h5" "$work/b/run.h5" "$work/a/summary.tsv" <<'PY' && ok "run.h5 records complete, identical for threads 1 and 2" || bad "run.h5 records"
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
g = a["signals"]
assert g.attrs["names"] == b"n,Sz_1,Sx_1" and g.attrs["ntraj"] == 2
jumps = 0
for i in range(2):
    t = g["traj_%06d" % i]
    v, jt = t["values"][()], t["jump_time"][()]
    assert v.shape == (3001, 3) and np.all(np.isfinite(v))
    assert np.all(np.diff(jt) >= 0) and jt[0] >= 50 and jt[-1] <= 3050
    jumps += len(jt)
lines = open(sys.argv[3]).read().splitlines()
row = dict(zip(lines[0].lstrip("# ").split("\t"), map(float, lines[1].split("\t"))))
assert jumps == row["n_jumps"], (jumps, row["n_jumps"])
def walk(f):
    out = {}
    f.visititems(lambda n, o: out.__setitem__(n, o[()].tobytes()) if isinstance(o, h5py.Dataset) else None)
    return out
da, db = walk(a), walk(b)
assert da.keys() == db.keys() and all(da[k] == db[k] for k in da), "datasets differ"
PY
if cmp -s "$work/a/summary.tsv" "$work/b/summary.tsv"; then
  ok "summary.tsv identical for --threads 1 and 2"
else
  bad "summary.tsv differs between --threads 1 and 2"
fi
if [ -z "$(ls -A "$work/a" | grep -v -e '^run.h5$' -e '\.tsv$')" ]; then
  ok "no scratch file left in the output directory"
else
  bad "the records scratch file was left behind"
fi

# SIGTERM during the trajectories: no result and no scratch file remains.
"$QSYNC" jumps "$short" --quiet --out "$work/int" --set jumps.t_end=1e6 2>/dev/null &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 143 ] && [ -z "$(ls -A "$work/int" 2>/dev/null)" ]; then
  ok "SIGTERM during the run leaves nothing in the output directory"
else
  bad "SIGTERM: exit $rc, left: $(ls -A "$work/int" 2>/dev/null)"
fi

refused "unknown signal named" "[jumps] signals: 'bogus'" jumps "$short" --quiet --out "$work/e1" \
  --set jumps.signals=n,bogus
refused "bad signals list" "[jumps] signals =" jumps "$short" --quiet --out "$work/e2" \
  --set "jumps.signals=n,,Sz_1"
refused "dt beyond t_end" "[jumps] dt" jumps "$short" --quiet --out "$work/e3" --set jumps.dt=5000
refused "unknown method" "[jumps] method =" jumps "$short" --quiet --out "$work/e4" \
  --set jumps.method=bogus
refused "too many batches" "[jumps] batches" jumps "$short" --quiet --out "$work/e5" \
  --set jumps.batches=1000 --set jumps.t_end=100

finish jumps
