#!/usr/bin/env bash
# .github/scripts/find-base-report.sh <base branch ref> <workflow file> <folder>
# Downloads into <folder> the memory-report.json that <workflow file> kept (artifact memory-report)
# for the merge base of HEAD and <base branch ref>, and names it to the job's later steps
# (VITEST_MEMORY_BUDGET_COMPARE in $GITHUB_ENV), so that their Vitest run compares with it. No report
# there (the first run, or one that expired) says so and is not an error: the run compares with nothing.
set -euo pipefail
ref=$1 workflow=$2 folder=$3
base=$(git merge-base "$ref" HEAD)
run=$(gh run list --workflow "$workflow" --commit "$base" --status success --limit 1 --json databaseId --jq '.[0].databaseId // empty')
if [ -z "$run" ]; then
  echo "no memory report for the merge base $base: this run compares with nothing"
  exit 0
fi
if ! gh run download "$run" --name memory-report --dir "$folder"; then
  echo "the run $run of $base kept no memory report (expired?): this run compares with nothing"
  rm -rf "$folder"
  exit 0
fi
echo "VITEST_MEMORY_BUDGET_COMPARE=$folder/memory-report.json" >> "${GITHUB_ENV:-/dev/null}"
echo "comparing with the memory report of $base (run $run)"
