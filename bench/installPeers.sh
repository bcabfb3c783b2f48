#!/bin/sh
# Bench-only: installs the peer brokers the side-by-side bench (bench/sideBySide.ts) compares
# Tandem with — ActiveMQ 5.17 and RabbitMQ 3.10 from Debian's own packages — plus strace, which
# counts their fsyncs. Never run by `npm test`. The packages' services are not started here (the
# bench starts each broker itself, on loopback ports, with a throw-away data dir).
set -eu
need=""
[ -e /usr/share/activemq/bin/activemq.jar ] || need="$need activemq"
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need="$need rabbitmq-server"
command -v strace >/dev/null 2>&1 || need="$need strace"
command -v java >/dev/null 2>&1 || need="$need default-jre-headless"
if [ -z "$need" ]; then echo "bench peers present"; exit 0; fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need
