#!/usr/bin/env bash
# Installs what the test suites use on a fresh Debian machine: real peers (stomp.py, kazoo,
# ZooKeeper 3.8 + zkCli.sh, Chromium, PostgreSQL), then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    python3-stomp python3-kazoo zookeeper default-jre-headless chromium postgresql \
    prometheus-alertmanager prometheus \
    python3-pytest python3-mock python3-objgraph >/dev/null # the last three: scripts/kazoo-suite.sh
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NEXT_TELEMETRY_DISABLED=1
# package-lock.json is kept consistent for `npm ci` by scripts/prune-lockfile.mjs (the registry
# here lacks some platforms' optional binaries). Should it drift anyway, fall back to a plain
# install rather than fail the whole run on bookkeeping — loudly.
if ! npm ci --no-audit --no-fund; then
  echo "npm ci refused the lock file; falling back to npm install" >&2
  npm install --no-audit --no-fund
fi
