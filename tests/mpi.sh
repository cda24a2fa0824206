#!/usr/bin/env bash
# Distributed runs (docs/cluster.md): `mpirun -n R qsync run|compare` gives
# the bits of one process for R in {1, 2, 4} and --threads in {1, 2}
# (summary.tsv byte for byte, run.h5 datasets and attributes but the
# version through tests/h5same.py); only rank 0 writes; a failure reaches
# the exit status; 16 oversubscribed ranks give the same bits too.  So do
# the task-farm commands (gap, mesolve, scan, jumps, rates, validity, run
# with a [sweep]), and a task failing on a rank > 0 reads as in one process.
# Skipped (one line) when the binary is built without MPI (MPI=0).
# Prints "mpi: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
if [ "${MPI:-0}" != 1 ] || ! command -v mpirun >/dev/null; then
  echo "mpi: skipped (built without MPI or no mpirun)"
  exit 0
fi
# Open MPI refuses root unless told twice (CI runs as root).  --bind-to
# none: a rank bound to one core runs OpenBLAS on one thread, which changes
# the bits of the exact steady state (compare) against a plain run.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi() { mpirun --oversubscribe --allow-run-as-root --bind-to none -n "$@"; }

base=$here/regress/qo_run.ini
# 5 blocks of 64, the last one short: every rank count gets uneven shares
# (16 ranks: 11 of them get no block).
args=(--ntraj 300 --quiet)

same() { # same DIR_A DIR_B: every result file equal
  local f why=""
  for f in $(cd "$1" && ls); do
    case $f in
      *.h5) /usr/bin/python3 "$here/h5same.py" "$1/$f" "$2/$f" >/dev/null || why="$why $f" ;;
      *) cmp -s "$1/$f" "$2/$f" || why="$why $f" ;;
    esac
  done
  [ "$(cd "$1" && ls)" = "$(cd "$2" && ls)" ] || why="$why (file lists)"
  echo "$why"
}

for cmd in run compare; do
  "$QSYNC" $cmd "$base" "${args[@]}" --threads 1 --out "$work/$cmd.ref" >/dev/null
  ranks_list="1 2 4 16"
  [ $cmd = compare ] && ranks_list="2 4"
  for r in $ranks_list; do
    for t in 1 2; do
      [ "$r" = 16 ] && [ "$t" = 2 ] && continue # 16 ranks on 2 cores: once is enough
      out=$work/$cmd.r$r.t$t
      mpi "$r" "$QSYNC" $cmd "$base" "${args[@]}" --threads $t --out "$out" >"$out.log" 2>&1
      rc=$?
      why=$(same "$work/$cmd.ref" "$out")
      if [ "$rc" -le 1 ] && [ -z "$why" ]; then
        ok "$cmd: $r ranks x $t threads: the bits of one process ($(cd "$out" && ls | tr '\n' ' '))"
      else
        bad "$cmd: $r ranks x $t threads: exit $rc, differs:$why $(tail -c 300 "$out.log")"
      fi
    done
  done
done

# Only rank 0 prints: one result line, not one per rank.
n=$(mpi 2 "$QSYNC" run "$base" --ntraj 300 --out "$work/print" 2>&1 | grep -c '^results:')
[ "$n" = 1 ] && ok "2 ranks print one result line" || bad "2 ranks printed $n result lines"

# A trajectory failure (max_steps too small) exits 3 on every rank count,
# with rank 0's message, and writes nothing.
mpi 2 "$QSYNC" run "$base" --ntraj 300 --quiet --set run.max_steps=5 --set run.integrator=adams --out "$work/fail" \
  >"$work/fail.log" 2>&1
rc=$?
if [ "$rc" = 3 ] && grep -q "trajectory ensemble failed" "$work/fail.log" &&
   [ ! -e "$work/fail/run.h5" ]; then
  ok "a failing ensemble on 2 ranks: exit 3, one message, no result"
else
  bad "a failing ensemble on 2 ranks: exit $rc: $(tail -c 300 "$work/fail.log")"
fi

# A failure in a later block, on whichever rank runs it: with max_steps =
# 16 the first 640 trajectories succeed and some of 6400 fail (checked
# first, in one process).  4 ranks exit 3; when the failing block b ran on
# a rank r > 0 the message names both, and r = b mod 4.
fails=(run "$base" --quiet --set run.max_steps=16 --set run.integrator=adams) # CVODE step limit
if "$QSYNC" "${fails[@]}" --ntraj 640 --out "$work/late0" >/dev/null 2>&1 &&
   ! "$QSYNC" "${fails[@]}" --ntraj 6400 --out "$work/late1" >/dev/null 2>&1; then
  mpi 4 "$QSYNC" "${fails[@]}" --ntraj 6400 --out "$work/late" >"$work/late.log" 2>&1
  rc=$?
  where=$(grep -o 'in block [0-9]* (trajectories from [0-9]*) on rank [0-9]*' "$work/late.log")
  set -- $where
  right=1
  [ -n "$where" ] && [ $(($3 % 4)) != "${9:-x}" ] && right=0
  if [ "$rc" = 3 ] && grep -q "trajectory ensemble failed" "$work/late.log" &&
     [ "$right" = 1 ] && [ ! -e "$work/late/run.h5" ]; then
    ok "a failure beyond block 9 on 4 ranks: exit 3, ${where:-on rank 0}"
  else
    bad "a failure beyond block 9 on 4 ranks: exit $rc: $(tail -c 400 "$work/late.log")"
  fi
else
  bad "precondition: max_steps = 16 should pass 640 trajectories and fail 6400"
fi

# The commands whose points or trajectories run through the task farm
# (farm.h: task i on rank i mod R, slots gathered to rank 0 in index
# order), and run with a [sweep] (one distributed ensemble per point):
# each against one process, file by file (the wall-clock column "seconds"
# of validity aside).
cat >"$work/gap.ini" <<'INI'
[model]
name    = cavity_qubits
nqubits = 0
ncav    = 6
gamma   = 0.5
F       = 0.8
displace = on
[gap]
nev    = 3
method = arpack
[sweep]
key    = model.domega
values = 0.3, 0.5, 0.7, 0.9, 1.2
INI
cat >"$work/validity.ini" <<'INI'
[model]
name     = cavity_qubits
nqubits  = 1
ncav     = 8
displace = on
delta    = 2
F        = 0.5
gamma    = 1
gamma_s  = 1
omega0   = 10
[validity]
lab = true
[mesolve]
t_end       = 4
n_times     = 5
avg_periods = 4
[sweep]
key     = model.domega
from    = -1
to      = 1
points  = 2
key2    = model.gamma
values2 = 0.5, 1
INI
sweep=$here/regress/qo_sweep.ini

tsv_same() { # the same table but for a column named seconds (wall clock)
  local drop='NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") s = i }
              { if (s) $s = ""; print }'
  cmp -s <(awk -F'\t' "$drop" "$1") <(awk -F'\t' "$drop" "$2")
}
same_results() { # same_results DIR_A DIR_B: every result file equal
  local f why=""
  for f in $(cd "$1" && ls); do
    case $f in
      *.h5) /usr/bin/python3 "$here/h5same.py" "$1/$f" "$2/$f" seconds >/dev/null ||
              why="$why $f" ;;
      *) tsv_same "$1/$f" "$2/$f" || why="$why $f" ;;
    esac
  done
  [ "$(cd "$1" && ls)" = "$(cd "$2" && ls)" ] || why="$why (file lists)"
  echo "$why"
}
farmed() { # farmed NAME "RxT ..." COMMAND ARGS...: each R ranks x T threads against one process
  local name=$1 combos=$2 rt r t out rc why
  shift 2
  if ! "$QSYNC" "$@" --quiet --threads 1 --out "$work/$name.ref" >"$work/$name.ref.log" 2>&1; then
    bad "$name: one process failed: $(tail -c 300 "$work/$name.ref.log")"
    return
  fi
  for rt in $combos; do
    r=${rt%x*} t=${rt#*x} out=$work/$name.r$r.t$t
    mpi "$r" "$QSYNC" "$@" --quiet --threads "$t" --out "$out" >"$out.log" 2>&1
    rc=$?
    why=$(same_results "$work/$name.ref" "$out")
    if [ "$rc" = 0 ] && [ -z "$why" ]; then
      ok "$name: $r ranks x $t threads: the bits of one process ($(cd "$out" && ls | tr '\n' ' '))"
    else
      bad "$name: $r ranks x $t threads: exit $rc, differs:$why $(tail -c 300 "$out.log")"
    fi
  done
}
all="1x2 2x1 2x2 4x1 4x2"
farmed gap "$all" gap "$work/gap.ini"
farmed mesolve "$all" mesolve "$sweep"
farmed scan "$all" scan "$sweep"
farmed scan-curves "2x1 4x2" scan "$here/regress/qo_scan.ini" --set sweep.values=0.3,0.4,0.5
farmed run-sweep "$all" run "$sweep"
# target_stderr stops most points after their first block: rank 0 stops the
# others, and the next point's ensemble still starts clean (dist.h)
farmed run-sweep-target "2x1 4x2" run "$sweep" --ntraj 640 --set run.target_stderr=0.03
farmed jumps "$all" jumps "$here/../runs/jumps_fig1_short.ini" --ntraj 5 \
  --set jumps.t_end=300 --set model.ncav=16
farmed rates "2x1 4x2" rates "$here/regress/tr_rates.ini" --set sweep.key=model.f_aB \
  --set sweep.values=4500,4600,4700
farmed validity "2x1 4x2" validity "$work/validity.ini"

# A failing task on a rank > 0 (arpack refuses ncav = 2): gap point 3 of 4,
# and point 1 of 12 (rank 0 then stops the other ranks' later waves): the
# exit status and message of one process, and nothing written.
sed 's/^key    = model.domega/key = model.ncav/' "$work/gap.ini" >"$work/gapncav.ini"
sed 's/^values = .*/values = 6, 5, 4, 2/' "$work/gapncav.ini" >"$work/gapfail3.ini"
sed 's/^values = .*/values = 6, 2, 5, 6, 4, 6, 5, 6, 4, 6, 5, 6/' "$work/gapncav.ini" \
  >"$work/gapfail1.ini"
for at in 3 1; do
  f=$work/gapfail$at
  "$QSYNC" gap "$f.ini" --quiet --out "$f.ref" 2>"$f.ref.log"
  ref_rc=$?
  ref_msg=$(grep '^qsync:' "$f.ref.log")
  for r in 2 4; do
    mpi "$r" "$QSYNC" gap "$f.ini" --quiet --threads 2 --out "$f.r$r" >"$f.r$r.log" 2>&1
    rc=$?
    msg=$(grep '^qsync:' "$f.r$r.log")
    if [ "$ref_rc" = 2 ] && [ "$rc" = "$ref_rc" ] && [ -n "$ref_msg" ] && [ "$msg" = "$ref_msg" ] &&
       [ ! -e "$f.r$r" ]; then
      ok "a failing gap point $at on rank $((at % r)) of $r: exit $rc and one process's message"
    else
      bad "a failing gap point $at on $r ranks: exit $rc (one process: $ref_rc): $msg / $ref_msg"
    fi
  done
done

# A command that is not distributed runs on rank 0 alone, with a note.
mpi 2 "$QSYNC" steady "$base" --quiet --out "$work/steady" >"$work/steady.log" 2>&1
rc=$?
"$QSYNC" steady "$base" --quiet --out "$work/steady.ref" >/dev/null 2>&1
if [ "$rc" = 0 ] && grep -q "rank 0 alone" "$work/steady.log" &&
   [ -z "$(same "$work/steady.ref" "$work/steady")" ]; then
  ok "steady on 2 ranks: rank 0 alone, the same results"
else
  bad "steady on 2 ranks: exit $rc: $(tail -c 300 "$work/steady.log")"
fi
finish mpi
