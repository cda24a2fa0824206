#!/usr/bin/env bash
# Byte-identity check across a refactor: run every command on the cheap run
# files of tests/regress/ with the binary of this tree and with the binary
# built from a reference commit, and compare every result file.
#   bash tests/regress.sh [REF_COMMIT]     (default: $QS_REGRESS_REF or the
#                                           last commit before the refactor)
# .tsv files must be byte-identical; run.h5 files must hold the same
# datasets and attributes with the same bits (h5py), except the attribute
# qsync_version and the list of accumulators of /trajectory/raw, which may
# gain names at its end.  Prints "regress: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:-${QS_REGRESS_REF:-916a15c}}
QSYNC=${QSYNC:-$here/build/qsync}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Build the reference binary from a clean export of REF.
mkdir -p "$work/ref"
git -C "$here" archive "$ref" | tar -x -C "$work/ref" || { echo "regress: cannot export $ref"; exit 2; }
make -s -C "$work/ref" build/qsync >"$work/ref_build.log" 2>&1 ||
  { cat "$work/ref_build.log"; echo "regress: reference build failed"; exit 2; }
REF_QSYNC=$work/ref/build/qsync

R=$here/tests/regress
cases=(
  "compare qo_run.ini"
  "run qo_run.ini --threads 2"
  "steady qo_run.ini"
  "mesolve qo_run.ini"
  "steady qo_sweep.ini"
  "mesolve qo_sweep.ini"
  "run qo_sweep.ini"
  "scan qo_sweep.ini"
  "scan qo_scan.ini --threads 2"
  "steady cav.ini"
  "mesolve cav.ini --threads 2"
  "run cav.ini"
  "compare cav_single.ini"
  "steady cav_single.ini --set steady.method=sylvester"
  "steady cav_single.ini --set steady.method=krylov"
  "mesolve cav_lab.ini"
  "run cav_lab.ini"
  "mesolve cav_lab.ini --set mesolve.initial=rwa_steady"
  "mesolve tr.ini"
  "run tr.ini"
  "mesolve tr_periodic.ini"
  "rates tr_rates.ini"
  "rates tr_rates.ini --set sweep.key=model.f_aB --set sweep.values=4500,4600"
  "compare-model tr_compare_model.ini"
)

passed=0
failed=0
i=0
for c in "${cases[@]}"; do
  i=$((i + 1))
  set -- $c
  cmd=$1 file=$2
  shift 2
  "$REF_QSYNC" "$cmd" "$R/$file" --quiet --out "$work/a$i" "$@" >"$work/a$i.stdout" 2>&1
  rca=$?
  # The reference had one integrator, Adams; today's default is auto.
  "$QSYNC" "$cmd" "$R/$file" --quiet --out "$work/b$i" "$@" --set run.integrator=adams \
    >"$work/b$i.stdout" 2>&1
  rcb=$?
  why=""
  [ "$rca" = "$rcb" ] || why="exit $rca (ref) vs $rcb"
  [ "$rca" = 0 ] || why="$why reference exits $rca: $(tail -c 300 "$work/a$i.stdout")"
  if [ -z "$why" ]; then
    for f in $(cd "$work/a$i" 2>/dev/null && ls); do
      case $f in
        *.h5) /usr/bin/python3 - "$work/a$i/$f" "$work/b$i/$f" <<'PY' || why="$why $f differs;"
import sys, h5py, numpy as np
def walk(path):
    out = {}
    with h5py.File(path, "r") as h:
        def attrs(name, obj):
            for k, v in obj.attrs.items():
                if k != "qsync_version":
                    out[name + "@" + k] = np.asarray(v).tobytes() if not isinstance(v, (str, bytes)) else str(v)
        attrs("/", h)
        def visit(name, obj):
            attrs(name, obj)
            if isinstance(obj, h5py.Dataset):
                out[name] = (obj.dtype.str, obj.shape, obj[()].tobytes())
        h.visititems(visit)
    return out
a, b = walk(sys.argv[1]), walk(sys.argv[2])
missing = [k for k in a if k not in b]
# The list of accumulators may grow at its end: a new accumulator (e.g. the
# error-bar ones of issue 14) adds its own raw sums, new datasets, and its
# name to this list; the names and sums of the old ones keep their bits.
def same(k):
    if k.endswith("@accumulators") and isinstance(a[k], str) and isinstance(b[k], str):
        return b[k] == a[k] or b[k].startswith(a[k] + ",")
    return a[k] == b[k]
diff = [k for k in a if k in b and not same(k)]
if missing or diff:
    print("  missing:", missing[:5], "differ:", diff[:5])
    sys.exit(1)
PY
        ;;
        *) cmp -s "$work/a$i/$f" "$work/b$i/$f" || why="$why $f differs;" ;;
      esac
    done
  fi
  if [ -z "$why" ]; then
    passed=$((passed + 1)); echo "PASS: $c ($(cd "$work/a$i" 2>/dev/null && ls | tr '\n' ' '))"
  else
    failed=$((failed + 1)); echo "FAIL: $c: $why"
  fi
done
echo "regress: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
