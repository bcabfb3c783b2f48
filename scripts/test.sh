#!/usr/bin/env bash
# Runs every test:
#  0. the type check (tsc --noEmit) and ESLint (type-aware promise rules, eslint.config.mjs); a
#     failure fails the run, but the suites below still run and report;
#  1. node's test runner over the unit tests next to the code (server/**/*.test.ts) and the
#     real-process suites under e2e/ (brokers, coordinator, real ZooKeeper, python clients),
#     two files at a time (the CI machine has two cores);
#  2. Playwright over the console (e2e/console*.spec.ts) with Debian's chromium, against the
#     production build (`npm ci` builds it; built here if missing).
# Both always run; the script fails if either failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Every broker node a test starts checks its admin answers against the contract (adminResponses.ts).
export TANDEM_ADMIN_CHECK_RESPONSES=1
npx tsc --noEmit
typecheck_status=$?
npm run --silent lint
lint_status=$?
mapfile -t files < <(find server e2e components scripts -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-concurrency=2 --test-timeout=300000 "${files[@]}"
node_status=$?

[ -f .next/BUILD_ID ] || npm run build
npx playwright test
browser_status=$?

echo "typecheck: exit ${typecheck_status}; lint: exit ${lint_status}; node tests: exit ${node_status}; browser tests: exit ${browser_status}"
[ "$typecheck_status" -eq 0 ] && [ "$lint_status" -eq 0 ] && [ "$node_status" -eq 0 ] && [ "$browser_status" -eq 0 ]
