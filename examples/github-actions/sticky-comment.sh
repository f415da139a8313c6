#!/usr/bin/env bash
# .github/scripts/sticky-comment.sh <pull request number> <markdown file>
# Posts the file as the pull request's memory comment, or updates the one posted before: one comment
# per pull request, found by the marker on its first line. The number comes from an artifact a pull
# request's own run wrote, so it is checked to be one before it goes into an API path.
set -euo pipefail
pr=$1 file=$2
if ! [[ $pr =~ ^[0-9]+$ ]]; then
  echo "not a pull request number: '$pr'" >&2
  exit 1
fi
marker='<!-- vitest-memory-budget -->'
body=$(printf '%s\n%s' "$marker" "$(cat "$file")")
existing=$(gh api "repos/$GITHUB_REPOSITORY/issues/$pr/comments" --paginate --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -f body="$body" > /dev/null
  echo "updated comment $existing on #$pr"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$pr/comments" -f body="$body" > /dev/null
  echo "posted a comment on #$pr"
fi
