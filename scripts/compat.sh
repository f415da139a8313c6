#!/usr/bin/env bash
# The plugin on the Vitest and Node versions it supports, beyond the Vitest 5 / Node 24 that
# `npm test` runs: type-checks the built types as a user's project sees them (Vitest 4 and 5), then
# runs the integration tests that wire the plugin into Vitest on each combination below.
#
#   scripts/compat.sh [--full] [--types-only] [--no-install] [combination...]
#     combinations: vitest5-node22 vitest4-node22 vitest4-node24 (the default), and on request
#                   vitest5-node24 (what npm test runs) and vitest4-node20 (not supported: see below)
#     --full        every integration test, not the combination's part (about 9 min a combination)
#     COMPAT_FILES, COMPAT_TESTS: the files and the test-name pattern (-t) to run instead
#     COMPAT_KEEP=1 keeps the laid-out copies, to rerun a test by hand
#
# How a combination gets its Vitest: tests, fixtures, examples, src/ and dist/ are copied into a
# temporary folder whose node_modules links every package of the repository's node_modules, except
# vitest, vite and @vitest/*, which link to compat/vitest4's for Vitest 4. Copies, not links: Node and
# Vite resolve a linked file to its real path and would find the repository's Vitest from there.
# Node comes from the `node` package of compat/node22 or compat/node20; Node 24 is the repository's.
#
# Node 20 is left out of the default matrix: Vitest 4.1 runs there and the plugin's wiring works, and
# its readings are taken in V8's GC epilogue (after gc() returns, V8 11.3 counts an old-space
# allocation area as used and leaks read as shrinking heaps: see readsInGcEpilogue). Two figures
# still differ there: a clean block in the threads pool read 72 B/cycle of growth, and a 16 MB peak
# read 18 MB.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

default_combinations=(vitest5-node22 vitest4-node22 vitest4-node24)
# Each combination runs its part of the integration tests (about a minute), together covering the
# plugin's wiring into Vitest: the setup file and matchers in every kind of worker (forks, threads,
# vm, isolate false), verdicts and their messages, budget-file errors, update mode (-u, CI=true)
# with the budget recorder and the GitHub summary, the reporters (task meta), projects, watch mode,
# and json/junit printing to stdout (Vitest 4 without an output file, Vitest 5 with `stdout: true`),
# and browser mode (Vitest 4's @vitest/browser-playwright, Debian's Chromium) beside a Node project.
# Every combination also runs compat/probe, which checks the Vitest and Node versions in the main
# process and in a worker. COMPAT_FILES / COMPAT_TESTS replace the files / the -t pattern.
declare -A subset_files subset_tests
subset_files[vitest5-node22]="pools record core"
subset_tests[vitest5-node22]="verdicts in the '?forks'? pool, isolate true|verdicts in the '?threads'? pool, isolate false|budgets that are missing|budget file problems"
subset_files[vitest4-node22]="pools record core projects"
subset_tests[vitest4-node22]="verdicts in the '?vmThreads'? pool, isolate true|budgets that are missing|budget file problems|each project|printed once"
subset_files[vitest4-node24]="core watch pools reporters user-globals hooks default-timeout browser-memory browser"
subset_tests[vitest4-node24]="core suite in the forks pool|watch mode|verdicts in the '?threads'? pool, isolate false|beside Vitest reporters that print to stdout|the same verdicts as an untouched worker|check in beforeAll|concurrent|default timeout|catch a detached node|beside a Node project"
# Combinations outside the default run (vitest5-node24 is npm test's, vitest4-node20 see above).
subset_files[other]="core record"
subset_tests[other]="core suite in the forks pool|budget file problems|budgets that are missing"
full=0
install=1
types_only=0
combinations=()
for arg in "$@"; do
  case "$arg" in
    --full) full=1 ;;
    --no-install) install=0 ;;
    --types-only) types_only=1 ;;
    vitest5-node22 | vitest5-node24 | vitest4-node20 | vitest4-node22 | vitest4-node24) combinations+=("$arg") ;;
    *) echo "unknown argument: $arg" >&2; sed -n '2,12p' "$0" >&2; exit 2 ;;
  esac
done
[ ${#combinations[@]} -eq 0 ] && combinations=("${default_combinations[@]}")

log() { printf '\n== %s\n' "$*"; }
wants() { local c; for c in "${combinations[@]}"; do [[ $c == *"$1"* ]] && return 0; done; return 1; }

if [ "$install" -eq 1 ]; then
  # Vitest 4 is always installed: the type check runs against it whatever the combinations.
  dirs=(compat/vitest4)
  [ "$types_only" -eq 0 ] && wants node22 && dirs+=(compat/node22)
  [ "$types_only" -eq 0 ] && wants node20 && dirs+=(compat/node20)
  for dir in "${dirs[@]}"; do
    log "npm ci --prefix $dir"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null || { echo "npm ci failed in $dir" >&2; exit 1; }
  done
fi
log "npm run build"
npm run build --silent || exit 1

work=$(mktemp -d "${TMPDIR:-/tmp}/vmb-compat-XXXXXX")
if [ "${COMPAT_KEEP:-0}" = 1 ]; then echo "copies kept in $work"; else trap 'rm -rf "$work"' EXIT; fi

# A folder where `vitest` resolves to Vitest $1: copies of what the tests read, node_modules of links.
lay_out() {
  local major=$1 dir=$work/vitest$1 entry
  [ -d "$dir" ] && return 0
  mkdir -p "$dir/node_modules"
  tar -C "$repo" -cf - --exclude=node_modules --exclude=memory-report --exclude=example-report \
    package.json budget.schema.json tsconfig.json dist src test fixtures examples \
    compat/vitest.config.ts compat/probe compat/types-check | tar -C "$dir" -xf - || return 1
  for entry in "$repo"/node_modules/*; do
    ln -s "$entry" "$dir/node_modules/${entry##*/}"
  done
  if [ "$major" = 4 ]; then
    for entry in vitest vite @vitest; do
      rm "$dir/node_modules/$entry"
      ln -s "$repo/compat/vitest4/node_modules/$entry" "$dir/node_modules/$entry"
    done
  fi
  # The package as a user installs it, for the type check's `types` (its real path stays in here).
  ln -s "$dir" "$dir/node_modules/vitest-memory-budget"
}

declare -A result
order=()
failed=0

for major in 5 4; do
  lay_out "$major" || { echo "could not lay out Vitest $major" >&2; exit 1; }
  log "types: Vitest $major (compat/types-check: test/types/matchers.types.ts and a consumer, against dist/index.d.ts)"
  start=$SECONDS
  if (cd "$work/vitest$major" && "$repo/node_modules/.bin/tsc" -p compat/types-check/tsconfig.json); then
    result[types-vitest$major]="passed ($((SECONDS - start)) s)"
  else
    result[types-vitest$major]="FAILED ($((SECONDS - start)) s)"
    failed=1
  fi
  order+=("types-vitest$major")
done

for combination in "${combinations[@]}"; do
  [ "$types_only" -eq 1 ] && break
  major=${combination#vitest}; major=${major%%-*}
  node_major=${combination##*-node}
  dir=$work/vitest$major
  key=$combination; [ -n "${subset_files[$key]:-}" ] || key=other
  files=""
  for name in ${subset_files[$key]}; do files+=" test/integration/$name.test.ts"; done
  files=${COMPAT_FILES:-${files# }}
  tests=${COMPAT_TESTS-${subset_tests[$key]}}
  if [ "$full" -eq 1 ]; then files=test/integration; tests=""; fi
  # The probe runs in every combination, whatever the pattern.
  [ -n "$tests" ] && tests="$tests|compat probe"
  if [ "$node_major" = 24 ]; then node=$repo/node_modules/.bin/node; else node=$repo/compat/node$node_major/node_modules/.bin/node; fi
  log "$combination: Node $("$node" --version), $files${tests:+, -t \"$tests\"}"
  rm -f "$dir/.compat-results.json"
  start=$SECONDS
  # shellcheck disable=SC2086 # $files is a list of paths
  (cd "$dir" && PATH="$(dirname "$node"):$PATH" COMPAT_VITEST=$major COMPAT_NODE=$node_major \
    "$node" node_modules/vitest/vitest.mjs run --config compat/vitest.config.ts --root . \
    $files compat/probe ${tests:+-t "$tests"})
  status=$?
  seconds=$((SECONDS - start))
  counts=$("$node" -e '
    const fs = require("node:fs")
    const file = process.argv[1]
    if (!fs.existsSync(file)) { console.log("0 passed, 0 failed"); process.exit() }
    const r = JSON.parse(fs.readFileSync(file, "utf8"))
    // A file that fails outside its tests (an import, a hook) counts no failed test: name it.
    const broken = r.testResults.filter((f) => f.status === "failed" && f.assertionResults.every((t) => t.status !== "failed")).length
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${broken ? `, ${broken} files failed outside tests` : ""}`)
  ' "$dir/.compat-results.json")
  if [ "$status" -eq 0 ] && [[ $counts != "0 passed"* ]]; then
    result[$combination]="passed: $counts (${seconds} s)"
  else
    result[$combination]="FAILED: $counts, exit $status (${seconds} s)"
    failed=1
  fi
  order+=("$combination")
done

log "compatibility summary"
for key in "${order[@]}"; do printf '  %-16s %s\n' "$key" "${result[$key]}"; done
if [ "$failed" -eq 0 ]; then echo "compat: every check passed"; else echo "compat: some checks FAILED"; fi
exit $failed
