#!/usr/bin/env bash
# Set up (once) and run the test suite: nbdev_export must leave cdx/ unchanged, nbdev_clean must leave nbs/
# unchanged, then every notebook's inline tests run (slow cells included unless CDX_FAST=1).
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
export PATH="$PWD/.venv/bin:$PATH"
export CDX_THREADS="${CDX_THREADS:-1}"
status() { git status --porcelain -- "$@" 2>/dev/null || true; }
before=$(status cdx nbs)
nbdev_export
nbdev_clean
after=$(status cdx nbs)
if [ "$before" != "$after" ]; then
  echo "FAIL: nbdev_export/nbdev_clean changed cdx/ or nbs/: the committed library or notebooks are out of sync." >&2
  git --no-pager diff --stat -- cdx nbs >&2; exit 1
fi
if ! ruff check --select F401,F821 --quiet cdx bench experiments; then   # every module imports what it uses, and only names it has
  echo "FAIL: unused imports or undefined names (above): remove them from the notebooks' export cells (a name only a test uses goes in the #| hide cell), then nbdev_export." >&2; exit 1
fi
flags="slow"; [ "${CDX_FAST:-0}" = 1 ] && flags=""
start=$(date +%s)
log=$(mktemp)
set +e   # the tests write to a file, not a pipe: a process a test leaves behind cannot hold this script open
setsid nbdev_test --n_workers 2 --timing ${flags:+--flags $flags} > "$log" 2>&1 &   # its own process group: Ctrl-C stops it all
pid=$!; trap 'kill -TERM -- -"$pid" 2>/dev/null' INT TERM
tail -n +1 -f --pid="$pid" "$log"
wait "$pid"; rc=$?
set -e
left=$(find /proc/[0-9]*/fd -lname "$log" 2>/dev/null | cut -d/ -f3 | sort -u || true)   # processes that still hold it
if [ -n "$left" ]; then
  echo "FAIL: the tests left processes running (a test must stop what it starts); stopping them:" >&2
  for p in $left; do echo "  $p: $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" >&2; kill "$p" 2>/dev/null || true; done
  [ "$rc" = 0 ] && rc=1
fi
echo "the ten slowest notebooks (seconds, incl. their slow cells unless CDX_FAST=1):"
grep -E ': [0-9]+ secs$' "$log" | sort -t: -k2 -n -r | head -10 | sed 's/^/  /'
rm -f "$log"
[ "$rc" = 0 ] || { echo "tests FAILED after $(( $(date +%s) - start ))s" >&2; exit "$rc"; }
echo "tests passed in $(( $(date +%s) - start ))s"
