#!/usr/bin/env bash
# Runs every test:
#  1. node's test runner over the unit tests next to the code (server/**/*.test.ts) and the
#     real-process suites under e2e/ (brokers, coordinator, real ZooKeeper, python clients),
#     two files at a time (the CI machine has two cores);
#  2. Playwright over the console (e2e/console*.spec.ts) with Debian's chromium, against the
#     production build (`npm ci` builds it; built here if missing).
# Both always run; the script fails if either failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
mapfile -t files < <(find server e2e components -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-concurrency=2 --test-timeout=300000 "${files[@]}"
node_status=$?

[ -f .next/BUILD_ID ] || npm run build
npx playwright test
browser_status=$?

echo "node tests: exit ${node_status}; browser tests: exit ${browser_status}"
[ "$node_status" -eq 0 ] && [ "$browser_status" -eq 0 ]
