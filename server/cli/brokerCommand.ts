import type { Command } from "commander";
import { pino } from "pino";
import { logDestination, logFormat } from "../log/logDestination";
import { ConfigError, loadClusterFile } from "../config/loadClusterFile";
import { resolveNodeConfig } from "../config/resolveNodeConfig";
import { BrokerNode } from "../runtime/node";

/** Node's Buffer pool block size in a broker process (default 8 KiB). */
const BROKER_BUFFER_POOL_SIZE = 64 * 1024;

/** `tandem broker --config cluster.yaml --node mq1`: runs one broker node in this process. */
export function registerBrokerCommand(program: Command): void {
  program
    .command("broker")
    .description("run one broker node of the cluster file")
    .requiredOption("-c, --config <file>", "cluster file (YAML)")
    .option("-n, --node <name>", "node name in the cluster file (default: the only node)")
    .option("--data-dir <dir>", "override the node's data directory")
    .option("--log-level <level>", "log level", process.env.TANDEM_LOG_LEVEL ?? "info")
    .action(async (opts: { config: string; node?: string; dataDir?: string; logLevel: string }) => {
      // Every frame written and every journal record is a short-lived Buffer of about a message's
      // size taken from Node's shared pool; with the default 8 KiB pool a new pool block is made
      // every few messages. 64 KiB blocks make that rare (measured on the (b) benchmark: ~15 % more
      // msg/s). Nothing the broker keeps for long comes from the pool: message bodies have their
      // own allocations (see StompConnection.onSend), so a bigger block pins nothing.
      Buffer.poolSize = BROKER_BUFFER_POOL_SIZE;
      const logger = pino({ level: opts.logLevel, base: { service: "broker" } }, logDestination(logFormat(process.env, process.stdout.isTTY === true)));
      // A bug that escapes every handler ends the process (a broker in an unknown state must not
      // keep acknowledging), but first says what it was, in the log the operator reads.
      const fatal = (kind: string) => (err: unknown): void => {
        logger.fatal({ err }, `${kind}: exiting`);
        process.exit(1);
      };
      process.on("unhandledRejection", fatal("unhandled rejection"));
      process.on("uncaughtException", fatal("uncaught exception"));
      let node: BrokerNode;
      try {
        const cluster = await loadClusterFile(opts.config);
        const all = cluster.groups.flatMap((g) => g.nodes.map((n) => n.name));
        const name = opts.node ?? (all.length === 1 ? all[0] : undefined);
        if (!name) throw new Error(`the cluster file has ${all.length} nodes (${all.join(", ")}): pick one with --node`);
        const config = resolveNodeConfig(cluster, name);
        if (opts.dataDir) config.dataDir = opts.dataDir;
        // Test harnesses set TANDEM_ADMIN_CHECK_RESPONSES=1: every admin answer is checked against the contract.
        node = new BrokerNode({ config, logger: logger.child({ node: name }), checkAdminResponses: process.env.TANDEM_ADMIN_CHECK_RESPONSES === "1" });
        await node.start();
      } catch (err) {
        if (err instanceof ConfigError) process.stderr.write(err.message + "\n");
        else logger.fatal({ err }, "broker failed to start");
        process.exit(2);
      }
      const announce = (): void => {
        for (const [listener, port] of node.ports) {
          const host = node.config.transports.find((t) => t.name === listener)?.host;
          process.stderr.write(`tandem broker ${node.config.nodeName} (${node.role}): ${listener} on ${host}:${port}\n`);
        }
      };
      announce();
      node.onRole = (role) => {
        process.stderr.write(`tandem broker ${node.config.nodeName}: role ${role}\n`);
        if (role === "master") announce();
      };
      const shutdown = (signal: string): void => {
        logger.info({ signal }, "stopping");
        node.stop().then(
          () => process.exit(0),
          (err) => {
            logger.error({ err }, "stop failed");
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
}
