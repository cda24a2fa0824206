#!/usr/bin/env bash
# Resource limits of the command-line tool (docs/cli.md, Resource limits):
# problems that cannot fit are refused before any work (exit 2, quickly,
# naming the keys that drive the size), --max-memory and [run] max_wall
# change the limits, the wall-time guard stops a long computation with
# exit 3 and no result files, and normal runs still pass.
# Prints "resources: N passed, N failed" and exits non-zero on any failure.
set -u
. "$(dirname "$0")/lib.sh"

now() { date +%s.%N; }

# expect NAME STATUS MAX_SECONDS NEEDLE... -- ARGS: exit status, needles in
# stderr, at most MAX_SECONDS of wall time, and no result file in --out.
expect() {
  local name=$1 status=$2 limit=$3
  shift 3
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  local out="$work/out_$passed$failed" t0 t1 err rc
  t0=$(now)
  err=$("$QSYNC" "$@" --quiet --out "$out" 2>&1 >/dev/null)
  rc=$?
  t1=$(now)
  if [ "$rc" -ne "$status" ]; then
    bad "$name: exit $rc, expected $status ($err)"
    return
  fi
  if awk -v a="$t0" -v b="$t1" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
    bad "$name: took more than $limit s"
    return
  fi
  for n in "${needles[@]}"; do
    if ! grep -qF -- "$n" <<<"$err"; then
      bad "$name: message '$err' lacks '$n'"
      return
    fi
  done
  if [ "$status" -ne 0 ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
    bad "$name: left files in $out: $(ls -A "$out")"
    return
  fi
  ok "$name"
}

qo="$work/qo.ini"
cat >"$qo" <<'INI'
[model]
name = qubit_osc
g = 1.0
eps = 0.3
[run]
ntraj = 64
t_end = 10
n_times = 41
burn_in = 2
[mesolve]
t_end = 5
n_times = 6
INI

huge="$work/huge.ini"
printf '[model]\nname = cavity_qubits\nncav = 2000\nnqubits = 5\n' >"$huge"

# Defect 7 of issue 16: dimension 64000 refused before any allocation, in
# the time it takes to build the model once (0.6 s on an idle machine, 1.6 s
# with the two cores shared four ways; the limit leaves room for that).
fast=3
for cmd in steady mesolve compare scan; do
  expect "$cmd: dimension 64000 refused" 2 $fast "ncav = 2000" "nqubits = 5" "64000" \
    "--max-memory" -- "$cmd" "$huge"
done
expect "run: dimension 64000 refused" 2 $fast "ncav = 2000" "nqubits = 5" "max_wall" -- run "$huge"

# Work without bound refused, naming the keys.
expect "run: t_end = 1e12 refused" 2 2 "[run] t_end = 1e12" "max_wall" -- \
  run "$qo" --set run.t_end=1e12
expect "mesolve: t_end = 1e12 refused" 2 2 "[mesolve] t_end = 1e12" "max_wall" -- \
  mesolve "$qo" --set mesolve.t_end=1e12
expect "run: ntraj x t_end over a lowered max_wall" 2 2 "ntraj = 1e6" "max_wall = 60" -- \
  run "$qo" --set run.ntraj=1000000 --set run.t_end=1000 --set run.max_wall=60
expect "max_wall out of range" 2 2 "[run] max_wall" -- run "$qo" --set run.max_wall=0

# rho(t) storage: 64 slots of n_times matrices of dimension 256.
expect "run: store_rho with many output times" 2 2 "store_rho = true" "n_times = 100000" \
  "dimension 256" -- run "$huge" --set model.ncav=128 --set model.nqubits=1 \
  --set run.n_times=100000 --set run.ntraj=1 --set run.t_end=1 --set run.burn_in=0
expect "run: the same without store_rho" 0 60 -- run "$huge" --set model.ncav=128 \
  --set model.nqubits=1 --set run.n_times=100000 --set run.ntraj=1 --set run.t_end=1 \
  --set run.store_rho=false --set run.burn_in=0 --set run.max_wall=1e6 --max-memory 8G

# --max-memory.
expect "--max-memory 1M refuses a normal run" 2 2 "--max-memory" "1.0 MiB" -- \
  run "$qo" --max-memory 1M
expect "--max-memory: bad size" 2 2 "--max-memory" "lots" -- run "$qo" --max-memory lots
expect "--max-memory 0 refused" 2 2 "--max-memory" -- run "$qo" --max-memory 0
expect "normal run passes" 0 60 -- run "$qo"
expect "normal run passes --max-memory 8G" 0 60 -- run "$qo" --max-memory 8G
expect "normal steady passes" 0 60 -- steady "$qo" --max-memory 500M

# The guard: a fixed-point iteration that cannot reach tol = 1e-15 within
# a million steps passes the estimate (which assumes <= 200 iterations)
# and is stopped after max_wall = 1 s, with no result file.
cav="$work/cav.ini"
printf '[model]\nname = cavity_qubits\nnqubits = 1\nncav = 10\nF = 0.4\n' >"$cav"
expect "guard: stopped after max_wall" 3 20 "max_wall = 1 s" "no results" -- \
  steady "$cav" --set steady.method=sylvester --set steady.tol=1e-15 \
  --set steady.max_iter=1000000 --set run.max_wall=1

# The same inside one master-equation integration (checked after every
# output time): Adams order <= 2 takes ~10x the steps the estimate assumes
# (0.75 s estimated, ~6 s of work).
lab="$work/lab.ini"
printf '[model]\nname = cavity_qubits\nnqubits = 1\nncav = 10\nframe = lab\nomega0 = 20\nF = 0.3\ngamma = 0.5\ngamma_s = 0.1\ndelta = 0.5\n[mesolve]\nt_end = 60\nn_times = 61\navg_periods = 3\nmax_order = 2\n' >"$lab"
expect "guard: one long master equation stopped" 3 4 "max_wall = 1 s" -- \
  mesolve "$lab" --set run.max_wall=1

finish resources
