#!/usr/bin/env bash
# Fails when dist/ differs from a fresh bundle of src/ (the runner executes dist/, not src/).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build >/dev/null 2>&1
if ! git diff --quiet --exit-code -- dist || [ -n "$(git status --porcelain -- dist)" ]; then
  echo "dist/ is out of date: run 'npm run build' and commit dist/" >&2
  git status --short -- dist >&2
  exit 1
fi
echo "dist/ is up to date"
