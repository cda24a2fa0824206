#!/usr/bin/env bash
# Build CVODE and ARKODE at -O2 from Debian's own source package of
# sundials (docs/benchmarks.md, "Optimised SUNDIALS"): Debian compiles
# libsundials without optimisation, and CVODE's own code is half of a small
# model's trajectory time.
#   bash tools/build_sundials.sh PREFIX STAMP
# Installs static libraries and headers into PREFIX and writes STAMP:
# "optimised VERSION" on success.  On any failure (no network, no cmake,
# ...) it prints a warning, writes "system: REASON" and exits 0,
# so the build goes on with the system's libsundials; remove STAMP to retry.
# apt is pointed at a private sources list and private state directories
# (the system's apt configuration is only read, never changed); the source
# host and suite are those of the system's own sources.
set -uo pipefail
prefix=$(realpath -m "$1") # absolute: apt reads relative paths from /
stamp=$2
work=$prefix-build
log=$prefix.log
start=$SECONDS

fail() {
  echo "warning: optimised SUNDIALS not built ($1; log: $log)." >&2
  echo "warning: linking the system's unoptimised libsundials instead;" \
       "rm $stamp and make to retry." >&2
  echo "system: $1" >"$stamp"
  rm -rf "$prefix" "$work"
  exit 0
}
run() { # STEP COMMAND...: run COMMAND with its output in the log
  echo "== $*" >>"$log"
  "${@:2}" >>"$log" 2>&1 || fail "$1 failed"
}

# The first enabled "deb" source of the system (deb822 .sources files, then
# the one-line sources.list) as a deb-src stanza in deb822 form.
system_source() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        types = uris = suites = key = ""; enabled = 1
        for (i = 1; i <= NF; i++) {
          split($i, kv, ":[ \t]*")
          k = tolower(kv[1]); v = substr($i, length(kv[1]) + 2)
          sub(/^[ \t]+/, "", v)
          if (k == "types") types = " " v " "
          else if (k == "uris") { split(v, w, " "); uris = w[1] }
          else if (k == "suites") { split(v, w, " "); suites = w[1] }
          else if (k == "signed-by") key = v
          else if (k == "enabled" && tolower(v) == "no") enabled = 0
        }
        if (enabled && types ~ / deb / && uris != "" && suites != "") {
          print "Types: deb-src\nURIs: " uris "\nSuites: " suites "\nComponents: main"
          if (key ~ /^\/[^ ]*$/) print "Signed-By: " key
          exit
        }
      }' "$f" | grep . && return 0
  done
  [ -f /etc/apt/sources.list ] || return 1
  sed -n 's/^deb[ \t]\+\(\[\([^]]*\)\][ \t]\+\)\?\([^ \t]\+\)[ \t]\+\([^ \t]\+\).*/\3 \4 \2/p' \
      /etc/apt/sources.list | head -n 1 | {
    read -r uri suite options || exit 1
    printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: main\n' "$uri" "$suite"
    key=$(printf '%s\n' "$options" | sed -n 's/.*signed-by=\([^ ]*\).*/\1/p')
    [ -n "$key" ] && echo "Signed-By: $key"
    exit 0
  }
}

rm -rf "$prefix" "$work"
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src" || fail "mkdir"
: >"$log"
for tool in apt-get cmake tar xz; do
  command -v "$tool" >/dev/null || fail "no $tool"
done
system_source >"$work/apt/src.sources" || fail "no Debian source in the system's apt sources"
cat "$work/apt/src.sources" >>"$log"
apt=(apt-get -q -o "Dir::Etc::SourceList=$work/apt/src.sources"
     -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$work/apt/lists"
     -o "Dir::Cache=$work/apt/cache")
run "apt-get update" "${apt[@]}" --error-on=any update
# The version of the installed libsundials-dev when there is one, so that
# the optimised build is the same code as the system's library.
version=$(dpkg-query -W -f='${source:Version}' libsundials-dev 2>/dev/null)
run "apt-get source" sh -c 'cd "$1" && shift && "$@"' - "$work/src" \
    "${apt[@]}" source --download-only "sundials${version:+=$version}"
# Debian's patches change install paths, PETSc detection and examples,
# none of the code built here, so the upstream tarball is used as is.
orig=$(ls "$work"/src/sundials_*.orig.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] || fail "no orig tarball"
run "tar" tar -xf "$orig" -C "$work/src" --exclude='*/doc' --exclude='*/examples' \
    --exclude='*/benchmarks'
srcdir=$(ls -d "$work"/src/sundials-*/ | head -n 1)

# Index size and precision as the system's library, so that sunindextype
# and sunrealtype are the types qsync was written for.
index=64
grep -qs '^#define SUNDIALS_INT32_T' /usr/include/sundials/sundials_config.h && index=32
# -ffp-contract=off: no fused multiply-add where the target has one (the
# system library, at -O0, contracts nothing), so results keep their bits.
run "cmake configure" cmake -S "$srcdir" -B "$work/build" \
    -DCMAKE_BUILD_TYPE= -DCMAKE_C_FLAGS="-O2 -ffp-contract=off" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
    -DSUNDIALS_INDEX_SIZE=$index -DSUNDIALS_PRECISION=double \
    -DBUILD_CVODE=ON -DBUILD_ARKODE=ON -DBUILD_CVODES=OFF -DBUILD_IDA=OFF \
    -DBUILD_IDAS=OFF -DBUILD_KINSOL=OFF \
    -DBUILD_STATIC_LIBS=ON -DBUILD_SHARED_LIBS=OFF -DBUILD_FORTRAN_MODULE_INTERFACE=OFF \
    -DEXAMPLES_ENABLE_C=OFF -DEXAMPLES_ENABLE_CXX=OFF -DEXAMPLES_ENABLE_F2003=OFF \
    -DEXAMPLES_INSTALL=OFF -DENABLE_MPI=OFF -DENABLE_OPENMP=OFF -DENABLE_PTHREAD=OFF
# The parent make's flags (a jobserver it does not share) stay out.
run "cmake build" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
    cmake --build "$work/build" -j "$(nproc 2>/dev/null || echo 1)"
run "cmake install" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL cmake --install "$work/build"
[ -f "$prefix/lib/libsundials_cvode.a" ] || fail "no libsundials_cvode.a installed"
rm -rf "$work"
echo "optimised ${version:-sundials}" >"$stamp"
echo "SUNDIALS ${version:-(latest)} built at -O2 into $prefix ($((SECONDS - start)) s)"
