#!/usr/bin/env bash
# Checkpoint and resume (docs/cluster.md): a run killed with SIGKILL at
# random moments and resumed with --resume, three times, with other thread
# counts (and, in an MPI build, other rank counts) each time, ends with the
# same result files as an uninterrupted run; SIGTERM and SIGINT write a
# checkpoint and exit 143 / 130 (resumed by `run --resume` and by `qsync
# resume OUT`), but exit 0 with the results during the last block; a checkpoint of another run (seed) or of another qsync
# version is refused with a message.
# Prints "resume: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
set -m # background runs get the default SIGINT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
have_mpi=0
[ "${MPI:-0}" = 1 ] && command -v mpirun >/dev/null && have_mpi=1

base=$here/regress/qo_run.ini
# About 7-14 s on one thread; a checkpoint every 0.1 s. Long enough that no
# attempt (killed at most ~0.35 s after its first checkpoint, ~2000
# trajectories at 2 ranks x 2 threads) can reach the end: with 6000 one did.
args=(--ntraj 20000 --quiet --checkpoint-every 0.1 --set run.integrator=adams) # adams: long enough to kill

same() { # same DIR_A DIR_B: every result file equal, nothing else left
  local f why=""
  for f in $(cd "$1" && ls); do
    case $f in
      *.h5) /usr/bin/python3 "$here/h5same.py" "$1/$f" "$2/$f" >/dev/null || why="$why $f" ;;
      *) cmp -s "$1/$f" "$2/$f" || why="$why $f" ;;
    esac
  done
  [ "$(cd "$1" && ls)" = "$(cd "$2" && ls)" ] || why="$why (files: $(cd "$2" && ls | tr '\n' ' '))"
  echo "$why"
}

done_in() { # trajectories in DIR's checkpoint (0 without one)
  /usr/bin/python3 -c 'import sys, h5py
try:
    print(int(h5py.File(sys.argv[1], "r").attrs["next_trajectory"]))
except Exception:
    print(0)' "$1/checkpoint.h5"
}

"$QSYNC" run "$base" "${args[@]}" --threads 1 --out "$work/ref" || bad "reference run"

# Start one attempt in the background: plain or under mpirun with R ranks.
start() { # start RANKS THREADS OUT [--resume]
  local r=$1 t=$2 out=$3
  shift 3
  if [ "$r" -gt 1 ]; then
    mpirun --oversubscribe --allow-run-as-root --bind-to none -n "$r" \
      "$QSYNC" run "$base" "${args[@]}" --threads "$t" --out "$out" "$@" 2>/dev/null &
  else
    "$QSYNC" run "$base" "${args[@]}" --threads "$t" --out "$out" "$@" 2>/dev/null &
  fi
  pid=$!
}

# SIGKILL the attempt and, under mpirun, its ranks (a node failure).
kill_all() {
  local ranks
  ranks=$(pgrep -P "$pid" 2>/dev/null)
  kill -KILL $ranks "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

out=$work/killed
plan=("1 1" "2 2" "1 2" "2 1") # ranks threads of each attempt
[ $have_mpi = 1 ] || plan=("1 1" "1 2" "1 1" "1 2")
trail=""
for k in 0 1 2; do
  set -- ${plan[$k]}
  resume=()
  [ "$k" -gt 0 ] && resume=(--resume)
  before=$(done_in "$out")
  touch "$work/mark"
  start "$1" "$2" "$out" "${resume[@]}"
  # Wait for this attempt's first checkpoint (progress), then kill at a
  # random moment up to 0.25 s later: mid-block, mid-write or in between.
  for _ in $(seq 400); do
    [ "$out/checkpoint.h5" -nt "$work/mark" ] && break
    sleep 0.025
  done
  sleep "0.$((RANDOM % 25))"
  kill_all
  [ -e "$out/run.h5" ] && trail="$trail (finished before the kill)"
  trail="$trail $before->$(done_in "$out") (${1}r${2}t)"
done
set -- ${plan[3]}
start "$1" "$2" "$out" --resume
wait "$pid"
rc=$?
why=$(same "$work/ref" "$out")
case $trail in *finished*) why="$why a kill came after the end;" ;; esac
if [ "$rc" = 0 ] && [ -z "$why" ]; then
  ok "3 SIGKILLs and resumes (checkpointed trajectories:$trail): the bits of an uninterrupted run"
else
  bad "killed and resumed:$trail: exit $rc, differs:$why"
fi

# SIGTERM / SIGINT: a checkpoint and 143 / 130, then a resume to the end.
for sig in TERM INT; do
  out=$work/sig_$sig
  start 1 1 "$out"
  sleep 0.5
  kill -$sig "$pid"
  wait "$pid"
  rc=$?
  want=$((128 + $(kill -l $sig)))
  n=$(done_in "$out")
  if [ $sig = TERM ]; then
    "$QSYNC" run "$base" "${args[@]}" --threads 2 --out "$out" --resume >/dev/null 2>&1
  else # the command, run file and overrides stored with the checkpoint
    "$QSYNC" resume "$out" --threads 2 --quiet >/dev/null 2>&1
  fi
  why=$(same "$work/ref" "$out")
  if [ "$rc" = "$want" ] && [ "$n" -gt 0 ] && [ -z "$why" ]; then
    ok "SIG$sig: exit $rc with a checkpoint of $n trajectories; resumed ($([ $sig = TERM ] &&
      echo 'run --resume' || echo 'qsync resume OUT')): the same bits"
  else
    bad "SIG$sig: exit $rc (expected $want), checkpoint $n, differs:$why"
  fi
done

# SIGTERM during the last block (64 trajectories: one block, ~3 s): the
# run is complete, so it writes its results, says so and exits 0 (a
# requeued job would otherwise start over: docs/cluster.md).
last=(--ntraj 64 --quiet --threads 1 --set run.t_end=3000 --set run.integrator=adams)
"$QSYNC" run "$base" "${last[@]}" --out "$work/last.ref" >/dev/null 2>&1
"$QSYNC" run "$base" "${last[@]}" --out "$work/last" 2>"$work/last.err" &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"
rc=$?
why=$(same "$work/last.ref" "$work/last")
if [ "$rc" = 0 ] && grep -q "signal 15 arrived during the last block" "$work/last.err" &&
   [ -z "$why" ]; then
  ok "SIGTERM during the last block: exit 0 with a note, the uninterrupted run's files"
else
  bad "SIGTERM during the last block: exit $rc, differs:$why: $(cat "$work/last.err")"
fi

# A checkpoint of another run or another version is refused (exit 2).
out=$work/other
start 1 1 "$out"
sleep 0.5
kill -TERM "$pid"
wait "$pid"
refused "a checkpoint of another seed is refused" "refused: written for another run file" \
  run "$base" "${args[@]}" --out "$out" --resume --seed 8
/usr/bin/python3 -c 'import sys, h5py, numpy
with h5py.File(sys.argv[1], "r+") as f:
    fp = f.attrs["fingerprint"]
    fp = fp.decode() if isinstance(fp, bytes) else fp
    f.attrs["fingerprint"] = numpy.bytes_(fp.split(" ")[0] + " 0.0.0-old")' "$out/checkpoint.h5"
refused "a checkpoint of another qsync version is refused" "refused: written by qsync 0.0.0-old" \
  run "$base" "${args[@]}" --out "$out" --resume
refused "qsync resume without a checkpoint is refused" "no checkpoint to resume from" \
  resume "$work/nothing_here"
finish resume
