#!/usr/bin/env bash
# The bad-input corpus: every tests/bad_inputs/*.case must be refused cleanly.
#
# A case file starts with header lines, then the run file's text:
#   # cmd: steady @INI --set model.g=1   command line (@INI: the run file,
#                                         @OUT: the output directory, @WORK: a
#                                         scratch directory for the case)
#   # exit: 2                             expected exit status (never 0)
#   # expect: [model] g =                 a fragment the output must contain
#   # input: file                         how the run file is given: file
#                                         (default), cr (CR line ends), crlf,
#                                         pipe (through a pipe), big (padded
#                                         past 64 KiB with comments), none
#   # absent: TEXT                        text the output must not contain (e.g.
#                                         results printed before a late error)
#   # setup: SHELL COMMAND                run before the case (in @WORK)
#   # known: REASON                       a defect not fixed yet: a failure is
#                                         reported but does not fail the suite
# BAD_INPUTS_ONLY=GLOB runs only the matching cases (e.g. "ini_*").
# Unless the command line says otherwise, --quiet and --out @OUT are added.
#
# A case fails when it crashes (status >= 128 or a sanitizer report), hangs
# (more than 30 s), exits 0 or with another status, lacks its fragment,
# prints "(null)", or leaves a file in its output directory.
# Prints "bad_inputs: N passed, N failed" and the counts; exits 1 on a failure.
set -u
QSYNC=${QSYNC:-build/qsync}
QSYNC=$(cd "$(dirname "$QSYNC")" && pwd)/$(basename "$QSYNC")
DIR=${BAD_INPUTS_DIR:-$(cd "$(dirname "$0")" && pwd)/bad_inputs}
TIMEOUT=${BAD_INPUTS_TIMEOUT:-30}
KNOWN_TIMEOUT=${BAD_INPUTS_KNOWN_TIMEOUT:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0 known=0 fixed=0
cases=0 clean=0 crashes=0 hangs=0 accepts=0

header() { # header FIELD FILE: the value of "# FIELD:" (empty if absent)
  sed -n "s/^# $1: \{0,1\}//p" "$2" | head -n 1
}

# The run file of a case: its text without the header lines.
body() { sed '/^# \(cmd\|exit\|expect\|absent\|input\|setup\|known\):/d' "$1"; }

make_input() { # make_input CASE MODE: write the run file, print its argument
  local case=$1 mode=$2 ini="$work/case/run.ini"
  case $mode in
    ""|file|pipe) body "$case" >"$ini" ;;
    cr) body "$case" | tr '\n' '\r' >"$ini" ;;
    crlf) body "$case" | sed 's/$/\r/' >"$ini" ;;
    big) { for _ in $(seq 1 1200); do
             echo "# padding comment line, sixty characters long ........."; done
           body "$case"; } >"$ini" ;;
    none) ;;
    *) echo "unknown input mode '$mode'" >&2; return 1 ;;
  esac
  echo "$ini"
}

run_case() { # run_case CASE: sets result (pass|fail:REASON) and kind
  local case=$1 cmd status fragment mode setup ini out log rc
  local limit=$TIMEOUT
  # A known failure may still hang: give it less time so that the suite
  # stays short until it is fixed (a refusal takes well under a second).
  [ -n "$(header known "$case")" ] && limit=$KNOWN_TIMEOUT
  cmd=$(header cmd "$case")
  status=$(header exit "$case")
  fragment=$(header expect "$case")
  mode=$(header input "$case")
  setup=$(header setup "$case")
  rm -rf "$work/case"
  mkdir -p "$work/case/scratch"
  ini=$(make_input "$case" "$mode") || { result="fail:bad case file"; kind=bad; return; }
  out="$work/case/out"
  log="$work/case/log"
  if [ -z "$cmd" ] || [ -z "$status" ] || [ -z "$fragment" ]; then
    result="fail:case lacks cmd, exit or expect"; kind=bad; return
  fi
  [[ $cmd == *--out* || $cmd == *@OUT* ]] || cmd="$cmd --out @OUT"
  [[ $cmd == *--quiet* ]] || cmd="$cmd --quiet"
  if [ "$mode" = pipe ]; then
    cmd=${cmd//@INI//dev/stdin}
  else
    cmd=${cmd//@INI/$ini}
  fi
  cmd=${cmd//@OUT/$out}
  cmd=${cmd//@WORK/$work/case/scratch}
  if [ -n "$setup" ]; then
    setup=${setup//@OUT/$out}
    setup=${setup//@WORK/$work/case/scratch}
    (cd "$work/case/scratch" && eval "$setup") >/dev/null 2>&1
  fi
  local -a argv
  eval "argv=($cmd)"
  if [ "$mode" = pipe ]; then
    (cd "$work/case/scratch" && cat "$ini" | timeout -k 5 "$limit" "$QSYNC" "${argv[@]}") \
      >"$log" 2>&1
  else
    (cd "$work/case/scratch" && timeout -k 5 "$limit" "$QSYNC" "${argv[@]}" </dev/null) \
      >"$log" 2>&1
  fi
  rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    kind=hang; result="fail:hang (> ${limit} s)"; return
  fi
  if [ "$rc" -ge 128 ] || grep -q "Sanitizer\|runtime error:" "$log"; then
    kind=crash; result="fail:crash (exit $rc): $(tail -n 3 "$log" | tr '\n' ' ')"; return
  fi
  if [ "$rc" -eq 0 ]; then
    kind=accept; result="fail:exit 0 (silent accept)"; return
  fi
  kind=clean
  if [ "$rc" -ne "$status" ]; then
    result="fail:exit $rc, expected $status: $(head -c 300 "$log")"; return
  fi
  if ! grep -qF -- "$fragment" "$log"; then
    result="fail:message lacks '$fragment': $(head -c 300 "$log")"; return
  fi
  local absent
  absent=$(header absent "$case")
  if [ -n "$absent" ] && grep -qF -- "$absent" "$log"; then
    result="fail:message has '$absent' (work done before the error?)"; return
  fi
  if grep -qF "(null)" "$log"; then
    result="fail:message prints (null): $(head -c 300 "$log")"; return
  fi
  if [ -d "$out" ] && [ -n "$(find "$out" -type f 2>/dev/null | head -n 1)" ] \
     && [ -z "$setup" ]; then
    result="fail:left files in --out: $(find "$out" -type f | head -n 3 | tr '\n' ' ')"; return
  fi
  result=pass
}

for case in "$DIR"/${BAD_INPUTS_ONLY:-*}.case; do
  name=$(basename "$case" .case)
  cases=$((cases + 1))
  run_case "$case"
  case $kind in
    clean) clean=$((clean + 1)) ;;
    crash) crashes=$((crashes + 1)) ;;
    hang) hangs=$((hangs + 1)) ;;
    accept) accepts=$((accepts + 1)) ;;
  esac
  reason=$(header known "$case")
  if [ "$result" = pass ]; then
    passed=$((passed + 1))
    if [ -n "$reason" ]; then
      fixed=$((fixed + 1)); echo "FIXED (remove its known line): $name"
    fi
  elif [ -n "$reason" ]; then
    known=$((known + 1)); echo "KNOWN: $name: ${result#fail:} [$reason]"
  else
    failed=$((failed + 1)); echo "FAIL: $name: ${result#fail:}"
  fi
done
echo "bad_inputs: $cases cases, $clean clean errors, $crashes crashes, $hangs hangs," \
     "$accepts silent accepts; $known known failures, $fixed known cases now passing"
echo "bad_inputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
