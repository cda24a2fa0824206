#!/usr/bin/env bash
# Faults of the output side (issue 16): a full disk gives exit 3 and changes
# no result file; two runs on one --out never leave a corrupt result (the
# second is refused); SIGINT/SIGTERM leave no temporary file (while
# computing an ensemble: its checkpoint only); an unusable
# or too long --out is refused (exit 2) before any work.
# Prints "faults: N passed, N failed" and exits non-zero on any failure.
set -u
QSYNC=${QSYNC:-build/qsync}
QSYNC=$(cd "$(dirname "$QSYNC")" && pwd)/$(basename "$QSYNC")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
mnt=$work/mnt
mounted=0
cleanup() {
  [ "$mounted" = 1 ] && umount "$mnt" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
set -m # background runs get the default SIGINT (not ignored)

base=$here/regress/qo_run.ini
# The same problem with enough trajectories to take about 2 s on one thread.
slow=(--ntraj 6000 --threads 1 --set run.integrator=adams) # adams: the slowest

# Entries of DIR that are neither a result file nor absent: temporaries.
leftovers() { ls -A "$1" 2>/dev/null | grep -v -e '^run\.h5$' -e '\.tsv$' | tr '\n' ' '; }

# ---- disk full: exit 3, final files unchanged ---------------------------------
# A small tmpfs when this machine allows mounting (root); otherwise a file
# size limit (ulimit -f: writes fail with EFBIG, like a full disk).
mkdir -p "$mnt"
if mount -t tmpfs -o size=2m tmpfs "$mnt" 2>/dev/null; then mounted=1; fi

# disk_full NAME FREE_KB: old result in OUT, then a run with another seed
# with FREE_KB kilobytes of room must fail with exit 3 and leave it as it was.
disk_full() {
  local name=$1 free_kb=$2 out rc
  if [ "$mounted" = 1 ]; then
    out=$mnt/out
    rm -rf "$mnt"/*
  else
    out=$work/full_$free_kb
  fi
  "$QSYNC" run "$base" --quiet --out "$out" || { bad "$name: first run failed"; return; }
  mkdir -p "$work/before" && cp "$out"/* "$work/before/"
  if [ "$mounted" = 1 ]; then
    # Hard links keep the old files' space in use (as a backup would), so
    # that replacing run.h5 frees no room for summary.tsv.
    mkdir -p "$mnt/keep" && ln "$out"/* "$mnt/keep/"
    local avail
    avail=$(df -k --output=avail "$mnt" | tail -1)
    dd if=/dev/zero of="$mnt/fill" bs=1k count=$((avail - free_kb)) 2>/dev/null
    "$QSYNC" run "$base" --quiet --seed 99 --out "$out" 2>"$work/full.err"
    rc=$?
    rm -f "$mnt/fill"
  else
    (trap '' XFSZ; ulimit -f "$free_kb"; "$QSYNC" run "$base" --quiet --seed 99 --out "$out") \
      2>"$work/full.err"
    rc=$?
  fi
  local changed=""
  for f in "$work/before"/*; do
    cmp -s "$f" "$out/$(basename "$f")" || changed="$changed $(basename "$f")"
  done
  if [ "$rc" = 3 ] && [ -z "$changed" ] && [ -z "$(leftovers "$out")" ] &&
     grep -q "$out" "$work/full.err"; then
    ok "$name"
  else
    bad "$name: exit $rc (expected 3), changed:$changed, left: $(leftovers "$out"), $(cat "$work/full.err")"
  fi
  rm -rf "$work/before"
}
# run.h5 is 80 KB, summary.tsv 15 KB: no room for run.h5 (the HDF5 write
# fails), then room for run.h5 only (the TSV write fails after it).
disk_full "disk full: HDF5 write fails" 8
disk_full "disk full: TSV write fails after run.h5" 88

# compare writes run.h5, summary.tsv and compare.tsv: one set.  A
# compare.tsv that cannot be put in place (a directory of that name) fails
# the run and leaves the other two as they were.
out=$work/cmp_set
"$QSYNC" compare "$base" --quiet --out "$out" >/dev/null
cp "$out/run.h5" "$work/cmp_before.h5"
rm "$out/compare.tsv" && mkdir "$out/compare.tsv"
"$QSYNC" compare "$base" --quiet --seed 99 --out "$out" >/dev/null 2>"$work/cmp.err"
rc=$?
if [ "$rc" = 3 ] && cmp -s "$out/run.h5" "$work/cmp_before.h5" && [ -z "$(leftovers "$out")" ]; then
  ok "compare: a failed compare.tsv keeps run.h5 (exit 3)"
else
  bad "compare set: exit $rc (expected 3), run.h5 $(cmp -s "$out/run.h5" "$work/cmp_before.h5" && echo kept || echo changed), left: $(leftovers "$out"): $(cat "$work/cmp.err")"
fi

# ---- two concurrent runs on one --out -----------------------------------------
# A result of ~70 MB (stored density matrices) takes long enough to write
# that two runs' writes overlap and that a signal can arrive while the
# temporaries exist.
big=$work/big.ini
cat >"$big" <<'INI'
[model]
name = cavity_qubits
nqubits = 2
ncav = 8
F = 0.4
gamma = 0.8
gamma_s = 0.2
delta = 1, 0.5
[run]
ntraj = 2
seed = 3
t_end = 50
n_times = 2001
burn_in = 1
store_rho = true
INI
# Different seeds, so that a mix of the two results is visible.
for s in 1 2; do
  "$QSYNC" run "$big" --quiet --threads 1 --seed $s --out "$work/ref$s" || bad "reference run failed"
done
same_set() { cmp -s "$1/run.h5" "$2/run.h5" && cmp -s "$1/summary.tsv" "$2/summary.tsv"; }
concurrent_bad=""
for i in 1 2 3 4 5; do
  out=$work/conc
  rm -rf "$out"
  "$QSYNC" run "$big" --quiet --threads 1 --seed 1 --out "$out" 2>"$work/c1.err" &
  p1=$!
  "$QSYNC" run "$big" --quiet --threads 1 --seed 2 --out "$out" 2>"$work/c2.err" &
  p2=$!
  wait $p1; r1=$?
  wait $p2; r2=$?
  # One refused (exit 2, naming the directory), or both done; the result
  # must be one whole run's.
  case "$r1$r2" in
    00) ;;
    02) grep -q "$out" "$work/c2.err" || concurrent_bad="$concurrent_bad try $i: message $(cat "$work/c2.err");" ;;
    20) grep -q "$out" "$work/c1.err" || concurrent_bad="$concurrent_bad try $i: message $(cat "$work/c1.err");" ;;
    *) concurrent_bad="$concurrent_bad try $i: exits $r1 $r2;" ;;
  esac
  same_set "$work/ref1" "$out" || same_set "$work/ref2" "$out" ||
    concurrent_bad="$concurrent_bad try $i: the result is neither run's;"
  [ -z "$(leftovers "$out")" ] || concurrent_bad="$concurrent_bad try $i: left $(leftovers "$out");"
done
if [ -z "$concurrent_bad" ]; then ok "two concurrent runs on one --out (5 tries)"
else bad "two concurrent runs on one --out:$concurrent_bad"; fi

# A second run while the first computes is refused at once.
"$QSYNC" run "$base" --quiet "${slow[@]}" --out "$work/busy" &
p1=$!
sleep 0.5
start=$(date +%s%N)
"$QSYNC" run "$base" --quiet --out "$work/busy" 2>"$work/busy.err"
r2=$?
ms=$((($(date +%s%N) - start) / 1000000))
wait $p1
r1=$?
if [ "$r1" = 0 ] && [ "$r2" = 2 ] && [ "$ms" -lt 1000 ] && grep -q "another qsync run" "$work/busy.err" &&
   grep -q "$work/busy" "$work/busy.err"; then
  ok "a second run on a busy --out is refused at start"
else
  bad "busy --out: exits $r1, $r2 after $ms ms: $(cat "$work/busy.err")"
fi

# ---- SIGINT / SIGTERM during the write leave no temporary -----------------------
# A shell started with SIGINT ignored (a CI job run in the background) passes
# the ignored disposition on, and bash cannot reset it (set -m does not help
# then): qsync is started through an exec that restores the default.
default_sigint=(/usr/bin/python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])')
for sig in INT TERM; do
  out=$work/sig_$sig
  "${default_sigint[@]}" "$QSYNC" run "$big" --quiet --threads 1 --out "$out" 2>/dev/null &
  p=$!
  # Wait for a temporary to appear (the write has started), then signal.
  for _ in $(seq 2000); do
    ls -A "$out" 2>/dev/null | grep -q -v '^\.qsync\.lock$' && break
    sleep 0.005
  done
  kill -$sig $p
  wait $p
  rc=$?
  want=$((128 + $(kill -l $sig)))
  if [ "$rc" = "$want" ] && [ -z "$(leftovers "$out")" ]; then
    ok "SIG$sig during the write: exit $rc, no temporary left"
  else
    bad "SIG$sig during the write: exit $rc (expected $want), left: $(leftovers "$out")"
  fi
  # The same while computing.
  rm -rf "$out"
  "${default_sigint[@]}" "$QSYNC" run "$base" --quiet "${slow[@]}" --out "$out" 2>/dev/null &
  p=$!
  sleep 0.5
  kill -$sig $p
  wait $p
  rc=$?
  # ... the ensemble stops at a block boundary with its checkpoint (tests/resume.sh).
  if [ "$rc" = "$want" ] && [ "$(leftovers "$out")" = "checkpoint.h5 " ]; then
    ok "SIG$sig while computing: exit $rc, only the checkpoint left"
  else
    bad "SIG$sig while computing: exit $rc (expected $want), left: $(leftovers "$out")"
  fi
done

# SIGKILL cannot be handled: the lock file stays, but the lock dies with
# the process, so the next run on the same --out is not refused.
out=$work/killed
"$QSYNC" run "$base" --quiet "${slow[@]}" --out "$out" 2>/dev/null &
p=$!
sleep 0.5
kill -KILL $p
wait $p 2>/dev/null
if "$QSYNC" run "$base" --quiet --out "$out" 2>"$work/killed.err" && [ -s "$out/run.h5" ]; then
  ok "a run after a SIGKILLed one on the same --out"
else
  bad "after SIGKILL: $(cat "$work/killed.err")"
fi

# ---- unusable --out refused before the work (< 1 s for a ~2 s run) -------------
touch "$work/a_file"
seg=$(printf 'd%.0s' $(seq 200))
long=$work/$seg/$seg/$seg/$seg/$seg/$seg
long=${long:0:1100}
for out in "" /dev/full "$work/a_file" "$work/a_file/sub" "$long"; do
  start=$(date +%s%N)
  err=$("$QSYNC" run "$base" --quiet "${slow[@]}" --out "$out" 2>&1)
  rc=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  what=${out:0:40}
  needle=${out:0:30}
  [ -z "$out" ] && needle="empty output directory"
  if [ "$rc" = 2 ] && [ "$ms" -lt 1000 ] && grep -qF -- "$needle" <<<"$err" &&
     [ ! -e "${long:0:1023}" ]; then
    ok "--out '$what' refused before work ($ms ms)"
  else
    bad "--out '$what': exit $rc after $ms ms (expected 2, < 1000 ms): $err"
  fi
done
if grep -q "too long" <<<"$err"; then ok "long --out: message says too long"
else bad "long --out: message '$err' lacks 'too long'"; fi

echo "faults: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
