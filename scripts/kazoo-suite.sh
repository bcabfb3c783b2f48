#!/usr/bin/env bash
# Runs kazoo's own test suite (Debian's python3-kazoo ships it) against ONE server on this
# machine — Tandem's coordinator from this checkout, or ZooKeeper 3.8 — configured as kazoo's
# harness configures ZooKeeper (superDigest super:test, reconfigEnabled, 4lw *). SASL tests are
# left out. Not part of `npm test` (it takes minutes); fetches nothing.
#   scripts/kazoo-suite.sh tandem|zookeeper [extra pytest args]
# Needs: python3-kazoo python3-pytest python3-mock python3-objgraph (zookeeper for the second).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: kazoo-suite.sh tandem|zookeeper [pytest args]}
shift
work=$(mktemp -d /tmp/kazoo-suite-XXXXXX)
port=${KAZOO_SUITE_PORT:-22190}
super="super:D/InIHSb7yEEbrWz8b9l71RjZJU=" # "super:test", kazoo's harness
ctl="$work/ctl.sh"
case "$target" in
tandem)
  cat > "$ctl" <<CTL
#!/usr/bin/env bash
case "\$1" in
start) cd "$PWD" && { node --import tsx server/cli.ts coordinator --port $port --data-dir "$work/data" --max-client-cnxns 0 \
         --super-digest "$super" --reconfig-enabled >> "$work/server.log" 2>&1 & echo \$! > "$work/pid"; } ;;
stop) pid=\$(cat "$work/pid"); kill "\$pid"; while kill -0 "\$pid" 2>/dev/null; do sleep 0.1; done ;;
esac
CTL
  ;;
zookeeper)
  mkdir -p "$work/data"
  printf 'tickTime=2000\ndataDir=%s/data\nclientPort=%s\nclientPortAddress=127.0.0.1\nmaxClientCnxns=0\n4lw.commands.whitelist=*\nreconfigEnabled=true\nadmin.enableServer=false\n' "$work" "$port" > "$work/zoo.cfg"
  cat > "$ctl" <<CTL
#!/usr/bin/env bash
case "\$1" in
start) { java -Dzookeeper.DigestAuthenticationProvider.superDigest=$super -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar \
         org.apache.zookeeper.server.ZooKeeperServerMain "$work/zoo.cfg" >> "$work/server.log" 2>&1 & echo \$! > "$work/pid"; } ;;
stop) pid=\$(cat "$work/pid"); kill "\$pid"; while kill -0 "\$pid" 2>/dev/null; do sleep 0.1; done ;;
esac
CTL
  ;;
*) echo "unknown target $target" >&2; exit 2 ;;
esac
chmod +x "$ctl"
# Wrap start so it returns once the server answers ruok.
cat > "$work/ctl-wait.sh" <<CTL
#!/usr/bin/env bash
"$ctl" "\$1"
if [ "\$1" = start ]; then
  for _ in \$(seq 1 120); do
    (exec 3<>/dev/tcp/127.0.0.1/$port && printf ruok >&3 && cat <&3) 2>/dev/null | grep -q imok && exit 0
    sleep 0.5
  done
  echo "server did not start; see $work/server.log" >&2; exit 1
fi
CTL
chmod +x "$work/ctl-wait.sh"
"$work/ctl-wait.sh" start
trap '"$ctl" stop || true' EXIT
KAZOO_EXT_HOST="127.0.0.1:$port" KAZOO_EXT_CTL="$work/ctl-wait.sh" PYTHONPATH="$PWD/e2e/python/kazoo_suite" \
  /usr/bin/python3 -m pytest -p conftest -p no:cacheprovider -q -rfE /usr/lib/python3/dist-packages/kazoo/tests \
  -k "not sasl and not SASL" --junitxml="$work/results.xml" "$@" || true
echo "results: $work/results.xml, server log: $work/server.log"
