#!/usr/bin/env bash
# The documentation made from the code's tables is current, and the CLI's
# help conventions hold: docs/runfile.md and docs/qsync.1 equal what
# `qsync help runfile --markdown` and `qsync help --man` print now (run
# `make docs` after changing a key, a model parameter or a command);
# README.md stays a front page (<= 15 KB; the rest lives in docs/);
# --version prints include/qsync/output.h's QSYNC_VERSION; `help COMMAND`
# and `COMMAND --help` exit 0 for every command.
set -u
. "$(dirname "$0")/lib.sh"

stale() { # stale FILE ARGS...: FILE differs from `qsync ARGS`
  local file=$1
  shift
  if "$QSYNC" "$@" | cmp -s - "$file"; then
    ok "$file is current (qsync $*)"
  else
    bad "$file is stale: run 'make docs' ($("$QSYNC" "$@" | diff "$file" - | head -5))"
  fi
}
stale docs/runfile.md help runfile --markdown
# The key-range cases of the bad-input corpus follow docs/runfile.md.
if check=$(/usr/bin/python3 tests/bad_inputs/generate.py --check 2>&1); then
  ok "tests/bad_inputs/key_*.case follow docs/runfile.md ($check)"
else
  bad "tests/bad_inputs/key_*.case are stale: $(echo "$check" | tail -1)"
fi
stale docs/qsync.1 help --man

size=$(wc -c <README.md)
if [ "$size" -le 15360 ]; then ok "README.md is $size bytes (<= 15 KB)"; else
  bad "README.md is $size bytes; at most 15 KB (15360): move sections to docs/"; fi

# Every file docs/ and the README link to exists.
missing=$(grep -oh '](\(docs/\)\?[A-Za-z0-9_./-]*\.\(md\|1\|sh\|py\|ini\|png\))' README.md docs/*.md |
  sed 's/^](//; s/)$//' | sort -u | while read -r link; do
    [ -e "$link" ] || [ -e "docs/$link" ] || echo "$link"; done)
[ -z "$missing" ] && ok "links of README.md and docs/*.md resolve" ||
  bad "links without a file: $missing"

broken=$(python3 tools/doc_links.py)
[ $? -eq 0 ] && ok "anchors of README.md and docs/*.md resolve" || bad "broken anchors: $broken"

version=$(sed -n 's/^#define QSYNC_VERSION "\(.*\)"/\1/p' include/qsync/output.h)
out=$("$QSYNC" --version)
[ $? -eq 0 ] && [ "$out" = "qsync $version" ] && ok "--version: $out" ||
  bad "--version printed '$out', expected 'qsync $version'"

for cmd in run steady mesolve rates compare compare-model scan validity semiclassical; do
  a=$("$QSYNC" help "$cmd") && b=$("$QSYNC" "$cmd" --help) && [ "$a" = "$b" ] &&
    grep -q "^usage: qsync $cmd " <<<"$a" && grep -q "^reads: " <<<"$a" &&
    grep -q "^writes: " <<<"$a" && ok "help $cmd = $cmd --help (exit 0)" ||
    bad "help $cmd / $cmd --help"
done
"$QSYNC" help >/dev/null && "$QSYNC" --help >/dev/null && ok "help, --help exit 0" ||
  bad "help, --help"
"$QSYNC" help bogus >/dev/null 2>&1
[ $? -eq 2 ] && ok "help of an unknown topic exits 2" || bad "help bogus: not exit 2"

finish docs
