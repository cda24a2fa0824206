# Shared by the command-line test scripts (source it after `set -u`):
#   QSYNC      the program under test (default build/qsync)
#   $work      a scratch directory, removed on exit
#   ok / bad   count and print one check;  finish NAME  prints
#              "NAME: N passed, N failed" and fails on any failure
#   refused NAME NEEDLE ARGS...  `qsync ARGS` must exit 2 (bad input)
#              with NEEDLE in its message
QSYNC=${QSYNC:-build/qsync}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "PASS: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }

finish() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

refused() {
  local name=$1 needle=$2
  shift 2
  local err rc
  err=$("$QSYNC" "$@" 2>&1)
  rc=$?
  if [ "$rc" -eq 2 ] && grep -qF -- "$needle" <<<"$err"; then
    ok "$name"
  else
    bad "$name: exit $rc (expected 2), message '$err' lacks '$needle'"
  fi
}
