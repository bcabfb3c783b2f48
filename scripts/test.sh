#!/usr/bin/env bash
# Runs every test: unit tests next to the code (server/**/*.test.ts) and the
# real-process suites under e2e/. node's own test runner, two files at a time
# (the CI machine has two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find server e2e -name '*.test.ts' -not -path '*/node_modules/*' | sort)
exec node --import tsx --test --test-concurrency=2 --test-timeout=300000 "${files[@]}"
