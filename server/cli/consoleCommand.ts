import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { preparePrivateDir } from "../db/privateFiles";
import { pino } from "pino";
import { logDestination, logFormat } from "../log/logDestination";
import type { ClusterRuntime } from "../console/cluster/ClusterRuntime";
import { consoleBanner, type BannerInput } from "./consoleBanner";

/**
 * `tandem console`: the operations console. Without --zk it embeds the cluster: Tandem's
 * coordinator in this process and seed 000's six broker nodes as child processes. With --zk it
 * attaches to a running cluster (Tandem coordinator or a real ZooKeeper) and starts nothing.
 */
export function registerConsoleCommand(program: Command): void {
  program
    .command("console")
    .description("run the operations console (embedding the cluster unless --zk is given)")
    .option("--zk <connect>", "attach to the cluster coordinated at host:port[,host:port…] instead of embedding one")
    .option("-c, --config <file>", "cluster file of the attached cluster (default: groups and nodes are discovered from the coordinator)")
    .option("--admin-token <token>", "the nodes' admin API token (attach mode; default: the cluster file's adminToken)")
    .option("--data-dir <dir>", "console state, embedded coordinator and nodes", "./data")
    .option("--host <host>", "console listen address", "127.0.0.1")
    .option("--port <port>", "console port", "8161")
    .option("--coordinator-port <port>", "embedded coordinator's client port", "2181")
    .option("--port-offset <n>", "embedded cluster: add n to every seed port (STOMP 61613…, admin 8171…, replication 62621…)", "0")
    .option("--dev", "Next.js development mode (hot reload)")
    .option("--build-if-missing", "run `next build` first when the web build is missing (npm start)")
    .action(async (opts: { zk?: string; config?: string; adminToken?: string; dataDir: string; host: string; port: string; coordinatorPort: string; portOffset: string; dev?: boolean; buildIfMissing?: boolean }) => {
      // Human-readable on a terminal, JSON when asked (TANDEM_LOG_FORMAT=json) or piped.
      const format = logFormat(process.env, process.stdout.isTTY === true);
      const logger = pino({ level: process.env.TANDEM_LOG_LEVEL ?? "info", base: { service: "console" } }, logDestination(format));
      const dataDir = resolve(opts.dataDir);
      // Console state (password hashes, cluster secrets, node journals) is the owner's only.
      preparePrivateDir(dataDir);
      const dev = opts.dev === true;
      // Next reads these two from the environment itself; the console's own settings travel in
      // the options object below instead (flags over environment, validated once).
      process.env.NEXT_TELEMETRY_DISABLED = "1";
      (process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";
      const flags = {
        TANDEM_CONSOLE_HOST: opts.host,
        TANDEM_CONSOLE_PORT: opts.port,
        DATABASE_URL: process.env.DATABASE_URL ?? `file:${resolve(dataDir, "console.db")}`,
        NODE_ENV: dev ? "development" : "production",
      };
      const root = resolve(import.meta.dirname, "../..");
      if (!dev && !existsSync(resolve(root, ".next/BUILD_ID"))) {
        if (!opts.buildIfMissing) {
          process.stderr.write("the console's web build is missing: run `npm run build` (npm install does it)\n");
          process.exit(2);
        }
        process.stderr.write("building the console (next build)…\n");
        const built = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
        if (built.status !== 0) process.exit(2);
      }
      // Loaded here so `tandem broker` never pulls in the web stack.
      const { startConsole } = await import("../main");
      const { loadConsoleEnv } = await import("../console/consoleEnv");
      const { ClusterConsoleRuntime } = await import("../console/cluster/ClusterConsoleRuntime");
      const runtime = new ClusterConsoleRuntime(
        opts.zk
          ? { mode: "attach", dataDir, zkAddress: opts.zk, clusterFile: opts.config ? resolve(opts.config) : undefined, adminToken: opts.adminToken }
          : { mode: "embedded", dataDir: resolve(dataDir, "cluster"), host: opts.host, coordinatorPort: Number(opts.coordinatorPort), portOffset: Number(opts.portOffset) },
      );
      const t0 = Date.now();
      let firstAdmin: BannerInput["password"] = null;
      let handle: Awaited<ReturnType<typeof startConsole>>;
      try {
        handle = await startConsole({
          env: loadConsoleEnv(process.env, flags),
          logger,
          runtime,
          dev,
          // On a terminal the password goes into the banner; piped, it stays the one plain line
          // scripts (and the e2e harness) read before the "listening" log line.
          onAdminPassword: (username, password) => {
            if (format === "pretty") firstAdmin = { username, password };
            else process.stdout.write(`${username} password: ${password}\n`);
          },
        });
      } catch (err) {
        logger.fatal({ err }, "console failed to start");
        process.exit(1);
      }
      const shutdown = (signal: string): void => {
        logger.info({ signal }, "stopping");
        handle.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, "stop failed");
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
      // Signals are handled before the wait below: a stop during it still stops the nodes.
      const upIn = ((Date.now() - t0) / 1000).toFixed(1);
      // The banner names each group's master: give the first elections a moment (bounded).
      const groups = await settledGroups(runtime.cluster ?? null, 20_000);
      if (format === "pretty") process.stdout.write(`${consoleBanner({ url: handle.url, password: firstAdmin, groups }, process.stdout.isTTY === true)}\n`);
      else logger.info({ url: handle.url, runtime: runtime.name, upInSeconds: Number(upIn), groups: groups.map((g) => ({ name: g.name, master: g.master, nodes: g.nodes })) }, "console ready");
    });
}

/** Groups with their masters and client ports, once every group has a master or `waitMs` passed. */
async function settledGroups(cluster: ClusterRuntime | null, waitMs: number): Promise<BannerInput["groups"]> {
  if (!cluster) return [];
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && cluster.monitor.snapshot().some((g) => g.master === null)) await new Promise((r) => setTimeout(r, 200));
  return cluster.monitor.snapshot().map((g) => ({
    name: g.name,
    master: g.master,
    nodes: cluster.nodes.filter((n) => n.group === g.name).map((n) => ({ name: n.name, stomp: n.stomp })),
  }));
}
