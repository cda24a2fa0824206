#!/usr/bin/env bash
# Input-side reliability checks of `qsync` (issue 16): run files are read
# whole from any kind of file, ambiguous or malformed text is refused with
# a message naming the file and line, and no result is NaN or inf without
# a warning.  Each case failed before the fix.  Prints "input: N passed,
# N failed" and exits non-zero on any failure.
set -u
. "$(dirname "$0")/lib.sh"
case $QSYNC in /*) ;; *) QSYNC=$PWD/$QSYNC ;; esac # one case runs in another directory

# expect NAME STATUS NEEDLE... -- ARGS: exit status, needles in the output,
# and never "(null)" in it.
expect() {
  local name=$1 status=$2
  shift 2
  local needles=()
  while [ "$1" != "--" ]; do needles+=("$1"); shift; done
  shift
  local out rc
  out=$(timeout 60 "$QSYNC" "$@" --quiet 2>&1 </dev/null)
  rc=$?
  if [ "$rc" -ne "$status" ]; then
    bad "$name: exit $rc, expected $status ($out)"
    return
  fi
  if grep -qF "(null)" <<<"$out"; then
    bad "$name: message prints (null): $out"
    return
  fi
  for n in "${needles[@]}"; do
    if ! grep -qF -- "$n" <<<"$out"; then
      bad "$name: message '$out' lacks '$n'"
      return
    fi
  done
  ok "$name"
}

# file NAME LINE...: a run file with these lines (LF line ends).
file() {
  local f="$work/$1.ini"
  shift
  printf '%s\n' "$@" >"$f"
  echo "$f"
}

# Defect 1: [section:key] headers crashed (SIGSEGV) or were ignored.
for h in "model:g" "run:seed" "run:store_rho" "sweep:key" "model:name" "checks:truncation_tol"; do
  f=$(file "header_${h/:/_}" "[model]" "g = 1" "[$h]")
  expect "[$h] refused" 2 "$f" "line 3" "[$h]" -- steady "$f" --out "$work/o"
done
f=$(file cavity_delta "[model]" "name = cavity_qubits" "[model:delta]")
expect "[model:delta] on a cavity file refused" 2 "line 3" "[model:delta]" -- steady "$f" --out "$work/o"
f=$(file transmon_column "[model]" "name = transmon" "[model:column]")
expect "[model:column] on a transmon file refused" 2 "line 3" "[model:column]" -- mesolve "$f" --out "$work/o"
f=$(file run_seed_run "[run]" "ntraj = 2" "[run:seed]")
expect "[run:seed] refused by run" 2 "line 3" -- run "$f" --out "$work/o"

# Defect 8: silent accepts.
f=$(file foo_bar "[model]" "g = 1" "[foo:bar]")
expect "[foo:bar] refused" 2 "line 3" "[foo:bar]" -- steady "$f" --out "$work/o"
f=$(file empty_misspelled "[model]" "g = 1" "[stedy]")
expect "empty misspelled section refused" 2 "line 3" "unknown section [stedy]" -- steady "$f" --out "$work/o"
f=$(file dup_key "[model]" "g = 1" "eps = 0.3" "g = 2")
expect "duplicate key names both lines" 2 "line 4" "[model] g" "first at line 2" -- steady "$f" --out "$work/o"
f=$(file dup_section "[model]" "g = 1" "[run]" "ntraj = 2" "[model]" "eps = 0.3")
expect "duplicate section names both lines" 2 "line 5" "[model]" "first at line 1" -- steady "$f" --out "$work/o"

# CR-only, CRLF and LF line ends give the same result.
lf=$(file lf "[model]" "g = 0.7" "eps = 0.2" "[steady]" "method = dense")
tr '\n' '\r' <"$lf" >"$work/cr.ini"
sed 's/$/\r/' "$lf" >"$work/crlf.ini"
"$QSYNC" steady "$lf" --quiet --out "$work/lf" >/dev/null 2>&1
for kind in cr crlf; do
  if "$QSYNC" steady "$work/$kind.ini" --quiet --out "$work/$kind" >/dev/null 2>&1 &&
     cmp -s "$work/lf/summary.tsv" "$work/$kind/summary.tsv"; then
    ok "$kind line ends read as LF"
  else
    bad "$kind line ends read as LF"
  fi
done

# Defect 3: a pipe, <(...) and standard input are read; a directory is refused.
for how in pipe stdin; do
  if [ $how = pipe ]; then
    "$QSYNC" steady <(cat "$lf") --quiet --out "$work/$how" >/dev/null 2>&1
  else
    "$QSYNC" steady - --quiet --out "$work/$how" <"$lf" >/dev/null 2>&1
  fi
  rc=$?
  if [ $rc -eq 0 ] && cmp -s "$work/lf/summary.tsv" "$work/$how/summary.tsv"; then
    ok "run file from $how used"
  else
    bad "run file from $how used (exit $rc)"
  fi
done
out=$(cd "$work" && printf '[model]\ng = 0.7\n' | "$QSYNC" steady - --quiet 2>&1)
if [ $? -eq 0 ] && [ -s "$work/out/stdin/summary.tsv" ]; then
  ok "'-' writes to out/stdin by default"
else
  bad "'-' writes to out/stdin by default ($out)"
fi
expect "an empty pipe (a failed <(cmd)) refused" 2 "no [section]" -- steady <(false) --out "$work/o"
mkdir -p "$work/dir.ini"
expect "directory refused" 2 "dir.ini" "directory" -- steady "$work/dir.ini" --out "$work/o"

# Defect 6: a run file over 64 KiB runs, and run.h5 holds its text exactly;
# a t_end CVODE cannot start from is refused at load.
big="$work/big.ini"
{ echo "[model]"; echo "g = 0.7"; echo "eps = 0.2"
  for i in $(seq 3000); do echo "# comment line $i padding the run file past 64 KiB"; done
  echo "[steady]"; echo "method = dense"; } >"$big"
if "$QSYNC" steady "$big" --quiet --out "$work/big" >/dev/null 2>&1 &&
   cmp -s "$work/lf/summary.tsv" "$work/big/summary.tsv" &&
   python3 -c 'import sys; sys.exit(open(sys.argv[1], "rb").read().find(open(sys.argv[2], "rb").read()) < 0)' \
     "$work/big/run.h5" "$big"; then
  ok "run file over 64 KiB runs and is recorded whole"
else
  bad "run file over 64 KiB runs and is recorded whole"
fi
f=$(file tiny_t_end "[mesolve]" "t_end = 1e-200" "avg_periods = 0")
expect "t_end below CVODE's floor refused at load" 2 "[mesolve] t_end" "1e-100" -- mesolve "$f" --out "$work/o"
f=$(file small_t_end "[mesolve]" "t_end = 1e-100" "avg_periods = 0" "n_times = 3")
expect "t_end at the floor runs" 0 -- mesolve "$f" --out "$work/small"

# Defect 5: no NaN or inf result without a word.
base=$(file base "[model]" "g = 1" "eps = 0.3" "[run]" "t_end = 5" "n_times = 11" "burn_in = 1")
expect "compare --ntraj 1 refused" 2 "ntraj = 1" "at least 2 trajectories" -- compare "$base" --ntraj 1 --out "$work/o"
expect "run --ntraj 1 warns that the errors are nan" 0 "warning" "ntraj = 1" "nan" -- run "$base" --ntraj 1 --out "$work/one"
f=$(file no_drive "[model]" "g = 1" "eps = 0")
expect "eps = 0: R undefined, with a warning" 0 "warning" "R is written as nan" -- steady "$f" --out "$work/nodrive"
if [ -s "$work/nodrive/summary.tsv" ] && ! grep -qi "inf" "$work/nodrive/summary.tsv"; then
  ok "eps = 0 writes no inf"
else
  bad "eps = 0 writes no inf"
fi

# Defect 9: an out-of-memory ensemble blames the settings that drive its
# size, not the integrator's (rtol/atol, max_steps).  --max-memory lifts
# the estimate's refusal so that malloc fails under ulimit -v.
f=$(file oom "[model]" "g = 1" "[run]" "ntraj = 2" "t_end = 1" "burn_in = 0" "n_times = 1000000")
out=$(ulimit -v 400000; "$QSYNC" run "$f" --quiet --threads 1 --max-memory 100G --out "$work/oom" 2>&1)
rc=$?
if ! (ulimit -v 400000; "$QSYNC" --version >/dev/null 2>&1) 2>/dev/null; then
  echo "SKIP: out of memory message (qsync does not start under ulimit -v: a sanitizer build)"
elif [ $rc -eq 3 ] && grep -qF "[run] n_times" <<<"$out" && ! grep -q "max_steps" <<<"$out"; then
  ok "out of memory names [run] n_times, not max_steps"
else
  bad "out of memory names [run] n_times, not max_steps (exit $rc: $out)"
fi

finish input
