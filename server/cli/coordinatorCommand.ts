// `tandem coordinator`: runs the embedded ZooKeeper-protocol coordinator as its own process.
import type { Command } from "commander";
import { pino } from "pino";
import { logDestination, logFormat } from "../log/logDestination";
import { MetricsListener } from "../runtime/coordinator/MetricsListener";
import { CoordinatorServer } from "../runtime/coordinator/CoordinatorServer";

function intOption(name: string): (v: string) => number {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
    return n;
  };
}

export function registerCoordinatorCommand(program: Command): void {
  program
    .command("coordinator")
    .description("run the ZooKeeper-protocol coordinator")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "client port (0 = ephemeral)", intOption("port"), 2181)
    .option("--data-dir <dir>", "transaction log and snapshot directory", "./data/coordinator")
    .option("--tick-time <ms>", "ZooKeeper tickTime in ms", intOption("tick-time"), 2000)
    .option("--min-session-timeout <ms>", "shortest session granted (default 1000; ZooKeeper's is 2 x tickTime)", intOption("min-session-timeout"))
    .option("--max-session-timeout <ms>", "default 20 x tickTime", intOption("max-session-timeout"))
    .option("--max-client-cnxns <n>", "connections per client address (0 = unlimited)", intOption("max-client-cnxns"), 60)
    .option("--max-buffer <bytes>", "jute.maxbuffer", intOption("max-buffer"), 1048575)
    .option("--snapshot-every <txns>", "snapshot after this many txns (ZooKeeper snapCount default)", intOption("snapshot-every"), 100000)
    .option("--super-digest <user:hash>", "superuser who passes every ACL check: user:base64(sha1(user:password)), as ZooKeeper's superDigest (default: none)")
    .option("--reconfig-enabled", "ZooKeeper's reconfigEnabled; a standalone server cannot reconfigure, so reconfig answers Unimplemented instead of ReconfigDisabled (default: off)")
    .option("--extended-types", "offer TTL nodes, as ZooKeeper's zookeeper.extendedTypesEnabled (default: off)")
    .option("--metrics-port <port>", "serve Prometheus metrics on GET /metrics (ZooKeeper's metricsProvider.httpPort; default: off)", intOption("metrics-port"))
    .option("--metrics-host <host>", "address of the metrics listener", "127.0.0.1")
    .option("--4lw <words>", 'four-letter-word whitelist, comma separated ("*" = all)', "*")
    .action(async (o: Record<string, unknown>) => {
      const logger = pino({ base: { pid: process.pid } }, logDestination(logFormat(process.env, process.stdout.isTTY === true)));
      const server = await CoordinatorServer.start({
        host: o.host as string,
        port: o.port as number,
        dataDir: o.dataDir as string,
        tickTime: o.tickTime as number,
        minSessionTimeout: o.minSessionTimeout as number | undefined,
        maxSessionTimeout: o.maxSessionTimeout as number | undefined,
        maxClientCnxns: o.maxClientCnxns as number,
        maxBuffer: o.maxBuffer as number,
        snapshotEvery: o.snapshotEvery as number,
        superDigest: o.superDigest as string | undefined,
        extendedTypesEnabled: o.extendedTypes === true,
        reconfigEnabled: o.reconfigEnabled === true,
        fourLetterWords: String(o["4lw"]).split(",").map((s) => s.trim()).filter(Boolean),
        logger,
      });
      const metrics = o.metricsPort === undefined ? null : new MetricsListener(() => server.prometheusMetrics(), logger);
      await metrics?.listen(o.metricsPort as number, o.metricsHost as string);
      const shutdown = (signal: string): void => {
        logger.info({ service: "coordinator", signal }, "stopping");
        Promise.all([metrics?.close(), server.stop()]).then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err: String(err) }, "stop failed");
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
}
