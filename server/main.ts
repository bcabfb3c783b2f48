/**
 * Composition root of the console process: one Node process serving Next (app router), tRPC at
 * /api/trpc (standalone adapter, mounted here rather than as a Next route handler so it shares
 * this process's Prisma client and services) and socket.io, all on one port.
 *
 * Start order: environment → migrations → Prisma → services → first admin → Next → runtime
 * (embedded coordinator + cluster supervisor, via options.runtime) → HTTP listen.
 * Stop order is the reverse. Run: `node --import tsx server/main.ts`.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import next from "next";
import { pino, type Logger } from "pino";
import { Server as SocketServer } from "socket.io";
import { createContextFactory, resolvePrincipal } from "./api/createContext";
import { appRouter, procedurePermissions } from "./api/root";
import { createRestHandler } from "./api/rest/createRestHandler";
import { errorResponseHeaders } from "./api/trpc";
import { AuthService } from "./console/auth/AuthService";
import { roleAtLeast } from "./console/auth/roles";
import { loadConsoleEnv, type ConsoleEnv } from "./console/consoleEnv";
import type { ConsoleRuntime } from "./console/ConsoleRuntime";
import { DetachedConsoleRuntime } from "./console/DetachedConsoleRuntime";
import type { ConsoleServices } from "./console/ConsoleServices";
import { AlertConfigService } from "./console/alerts/AlertConfigService";
import { AlertService } from "./console/alerts/AlertService";
import { clusterAlertFacts } from "./console/alerts/clusterAlertFacts";
import { SessionFlapWindow } from "./console/alerts/SessionFlapWindow";
import { WebhookDispatcher } from "./console/alerts/WebhookDispatcher";
import { DestinationService } from "./console/destinations/DestinationService";
import { ClusterService } from "./console/cluster/ClusterService";
import { NodeActions } from "./console/cluster/NodeActions";
import { DrainService } from "./console/cluster/drain/DrainService";
import { MetricHistoryService } from "./console/metrics/MetricHistoryService";
import { ConsoleHealth } from "./console/health/ConsoleHealth";
import { createConsoleMetrics } from "./console/metrics/consoleMetrics";
import { hostAllowed } from "./console/http/hostAllowed";
import { SocketLiveEvents, VIEWERS_ROOM, type LiveSocketServer } from "./console/SocketLiveEvents";
import { DefinitionsService } from "./console/definitions/DefinitionsService";
import { BulkDestinationActions } from "./console/destinations/BulkDestinationActions";
import { ConnectionService } from "./console/connections/ConnectionService";
import { RocketMqService } from "./console/rocketmq/RocketMqService";
import { ZkExplorer } from "./console/zk/ZkExplorer";
import { createAlertRepository } from "./db/alertRepository";
import { createApiTokenRepository } from "./db/apiTokenRepository";
import { createAuditRepository } from "./db/auditRepository";
import type { PrismaClient } from "./db/createPrismaClient";
import { createEventRepository } from "./db/eventRepository";
import { openDatabase } from "./db/openDatabase";
import { createSessionRepository } from "./db/sessionRepository";
import { createUserRepository } from "./db/userRepository";
import { logDestination, logFormat } from "./log/logDestination";

export interface StartConsoleOptions {
  env: ConsoleEnv;
  logger: Logger;
  /** The cluster (embedded or attached: ClusterConsoleRuntime). Absent: the console runs detached. */
  runtime?: ConsoleRuntime;
  /** Next dev mode (Turbopack, HMR). Default: env.NODE_ENV !== "production". */
  dev?: boolean;
  /** Project directory holding app/ and .next/. Default: the parent of server/. */
  projectDir?: string;
  /** Receives the first admin's one-time password. Default: prints "admin password: …" to stdout. */
  onAdminPassword?: (username: string, password: string) => void;
}

export interface ConsoleHandle {
  host: string;
  port: number;
  url: string;
  services: ConsoleServices;
  prisma: PrismaClient;
  /** Idempotent; stops everything in reverse start order. */
  stop(): Promise<void>;
}

export async function startConsole(options: StartConsoleOptions): Promise<ConsoleHandle> {
  const { env, logger } = options;
  const projectDir = options.projectDir ?? path.resolve(import.meta.dirname, "..");
  const dev = options.dev ?? env.NODE_ENV !== "production";
  const stack: Array<{ name: string; stop: () => Promise<void> }> = [];
  const stopAll = async (): Promise<void> => {
    while (stack.length > 0) {
      const step = stack.pop()!;
      try {
        await step.stop();
      } catch (err) {
        logger.error({ err, step: step.name }, "stop step failed");
      }
    }
  };

  try {
    // 1. Database: migrate, then open the client. SQLite for file: URLs, PostgreSQL for
    //    postgresql:// (same repositories; server/db/openDatabase.ts).
    const { prisma, target } = await openDatabase({ databaseUrl: env.DATABASE_URL, cwd: process.cwd(), prismaDir: path.join(projectDir, "prisma"), logger });
    stack.push({ name: "prisma", stop: () => prisma.$disconnect() });

    // 2. Services.
    const live = new SocketLiveEvents();
    const events = createEventRepository(prisma);
    const auth = new AuthService({
      users: createUserRepository(prisma),
      sessions: createSessionRepository(prisma),
      apiTokens: createApiTokenRepository(prisma),
      sessionTtlMs: env.TANDEM_SESSION_HOURS * 3_600_000,
      logger,
    });
    const runtime = options.runtime ?? new DetachedConsoleRuntime(env.TANDEM_ZK);
    const zk = new ZkExplorer({ connectString: () => runtime.zkConnectString() ?? env.TANDEM_ZK, logger, live });
    stack.push({ name: "zk explorer", stop: () => zk.close() });
    const destinations = new DestinationService({ runtime, prisma, logger: logger.child({ component: "destinations" }) });
    // Alerting: rules evaluated against what the runtime's monitor and pollers see; the URL the
    // notifications link to is known once the HTTP server listens (step 5).
    let consoleUrl = "";
    const alertRepo = createAlertRepository(prisma);
    const dispatcher = new WebhookDispatcher({ repo: alertRepo, logger: logger.child({ component: "webhooks" }), externalUrl: () => consoleUrl });
    const sessionFlaps = new SessionFlapWindow();
    const alerts = new AlertService({
      repo: alertRepo,
      events,
      live,
      dispatcher,
      logger: logger.child({ component: "alerts" }),
      facts: () => (runtime.cluster ? clusterAlertFacts(runtime.cluster, sessionFlaps.count()) : null),
    });
    const auditRepo = createAuditRepository(prisma);
    const alertConfig = new AlertConfigService(alertRepo, dispatcher, () => alerts.configChanged());
    const metricHistory = new MetricHistoryService(prisma, target.kind === "sqlite" ? "sqlite" : "portable");
    const clusterService = new ClusterService({ runtime, events, metricHistory, zk });
    const nodeActions = new NodeActions({ runtime, live });
    const services: ConsoleServices = {
      auth, audit: auditRepo, events, zk, live, runtime, destinations, alerts, alertConfig, logger, metricHistory,
      cluster: clusterService,
      nodeActions,
      drains: new DrainService({ runtime, cluster: clusterService, nodeActions }),
      connections: new ConnectionService({ runtime, logger: logger.child({ component: "connections" }) }),
      rocketmq: new RocketMqService({ runtime, audit: auditRepo, logger: logger.child({ component: "rocketmq" }) }),
      bulkDestinations: new BulkDestinationActions({ destinations, audit: auditRepo }),
      definitions: new DefinitionsService({ destinations, auth, alertConfig }),
    };

    const admin = await auth.bootstrapAdmin();
    if (admin !== null) {
      (options.onAdminPassword ?? ((u, p) => process.stdout.write(`${u} password: ${p}\n`)))(admin.username, admin.password);
    }
    await auth.purgeExpiredSessions();

    // 3. Next.
    const nextApp = next({ dev, dir: projectDir, hostname: env.TANDEM_CONSOLE_HOST, port: env.TANDEM_CONSOLE_PORT });
    await nextApp.prepare();
    stack.push({ name: "next", stop: () => nextApp.close() });
    const nextHandler = nextApp.getRequestHandler();

    // 4. Runtime seam: the embedded cluster starts here, once the database and services exist.
    await runtime.start({ prisma, events, live, logger: logger.child({ component: "runtime", runtime: runtime.name }) });
    stack.push({ name: `runtime ${runtime.name}`, stop: () => runtime.stop() });
    if (runtime.cluster?.zk) sessionFlaps.watch(runtime.cluster.zk);
    stack.push({ name: "session flap window", stop: () => Promise.resolve(sessionFlaps.close()) });

    // 5. HTTP: tRPC + health probes + Next + socket.io on one port.
    const health = new ConsoleHealth(prisma, runtime);
    // The external URL's host is one the console is reached under (a proxy's name) by definition.
    const allowedHosts = env.TANDEM_CONSOLE_EXTERNAL_URL === undefined ? env.TANDEM_CONSOLE_ALLOWED_HOSTS : [...env.TANDEM_CONSOLE_ALLOWED_HOSTS, new URL(env.TANDEM_CONSOLE_EXTERNAL_URL).host];
    const consoleMetrics = createConsoleMetrics(runtime, alerts);
    const permissions = procedurePermissions(appRouter);
    const trpcHandler = createHTTPHandler({
      router: appRouter,
      basePath: "/api/trpc/",
      createContext: createContextFactory({ services, permissions, secureCookies: env.TANDEM_CONSOLE_SECURE_COOKIES }),
      responseMeta: ({ errors }) => ({ headers: errorResponseHeaders(errors) }),
      onError: ({ error, path: p }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") logger.error({ err: error.cause ?? error, path: p }, "tRPC internal error");
      },
    });
    // REST at /api/v1 (OpenAPI document at /api/v1/openapi.json): the same procedures, bearer tokens only.
    const restHandler = createRestHandler({ router: appRouter, services, permissions, logger: logger.child({ component: "rest" }) });
    // Only requests addressed to a name this console is served under (DNS-rebinding defence).
    const servedHost = (req: IncomingMessage): boolean =>
      hostAllowed(req.headers.host, { listenHost: env.TANDEM_CONSOLE_HOST, port: (httpServer.address() as AddressInfo | null)?.port ?? env.TANDEM_CONSOLE_PORT, extra: allowedHosts });
    const httpServer = createServer((req: IncomingMessage, res: ServerResponse) => {
      securityHeaders(res);
      if (!servedHost(req)) {
        logger.warn({ host: req.headers.host?.slice(0, 200), ip: req.socket.remoteAddress, url: req.url?.slice(0, 200) }, "request for a host this console does not serve refused");
        res.writeHead(421, { "content-type": "text/plain; charset=utf-8" });
        res.end("This console does not serve that host name (add it to TANDEM_CONSOLE_ALLOWED_HOSTS if it should).\n");
        return;
      }
      if (req.url?.startsWith("/api/trpc/") === true) {
        trpcHandler(req, res);
        return;
      }
      if (req.method === "GET" && req.url === "/metrics") {
        // Prometheus: an API token (Authorization: Bearer) or a session, viewer role at least.
        resolvePrincipal(services, req)
          .then(async ({ principal }) => {
            if (principal === null) return void res.writeHead(401, { "www-authenticate": 'Bearer realm="tandem-console"' }).end("log in or send an API token\n");
            if (!roleAtLeast(principal.role, "viewer")) return void res.writeHead(403).end("needs the viewer role\n");
            const m = await consoleMetrics.scrape();
            res.writeHead(200, { "content-type": m.contentType, "cache-control": "no-store" }).end(m.text);
          })
          .catch((err: unknown) => {
            logger.error({ err }, "metrics scrape failed");
            if (!res.headersSent) res.writeHead(500);
            res.end();
          });
        return;
      }
      if (req.method === "GET" && (req.url === "/api/v1/health/live" || req.url === "/api/v1/health/ready")) {
        const answer = req.url.endsWith("/live") ? Promise.resolve(health.live()) : health.ready();
        answer.then(
          (a) => {
            const body = JSON.stringify(a);
            res.writeHead(a.status === "ok" ? 200 : 503, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(body);
          },
          (err: unknown) => {
            logger.error({ err }, "health check failed");
            res.writeHead(503, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify({ status: "unavailable", checks: [] }));
          },
        );
        return;
      }
      if (restHandler(req, res)) return;
      nextHandler(req, res).catch((err: unknown) => {
        logger.error({ err, url: req.url }, "next request failed");
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    });
    // In dev, Next's HMR websocket shares the port: socket.io must leave foreign upgrades alone.
    const io: LiveSocketServer = new SocketServer(httpServer, {
      serveClient: false,
      destroyUpgrade: !dev,
      allowRequest: (req, callback) => callback(servedHost(req) ? null : "host not served", servedHost(req)),
    });
    io.use((socket, nextFn) => {
      const req = socket.request;
      const origin = req.headers.origin;
      if (origin !== undefined && safeHost(origin) !== req.headers.host) return nextFn(new Error("foreign origin"));
      resolvePrincipal(services, req).then(
        ({ principal }) => {
          if (principal === null || !roleAtLeast(principal.role, "viewer")) return nextFn(new Error("log in first"));
          socket.data.username = principal.username;
          nextFn();
        },
        (err: unknown) => nextFn(err instanceof Error ? err : new Error(String(err))),
      );
    });
    // Pollers run fast while anyone watches and slow down when the last browser leaves.
    let watchers = 0;
    io.on("connection", (socket) => {
      void socket.join(VIEWERS_ROOM);
      if (watchers++ === 0) runtime.setWatched(true);
      socket.on("disconnect", () => {
        if (--watchers === 0) runtime.setWatched(false);
      });
    });
    live.attach(io);
    if (dev) {
      const upgrade = nextApp.getUpgradeHandler();
      httpServer.on("upgrade", (req, socket, head) => {
        if (req.url?.startsWith("/socket.io/") === true) return;
        if (servedHost(req)) void upgrade(req, socket, head);
        else socket.destroy();
      });
    }
    await listen(httpServer, env.TANDEM_CONSOLE_PORT, env.TANDEM_CONSOLE_HOST);
    stack.push({
      name: "http",
      stop: async () => {
        live.detach();
        await io.close(); // also closes httpServer
        httpServer.closeAllConnections();
      },
    });
    const port = (httpServer.address() as AddressInfo).port;
    const url = `http://${env.TANDEM_CONSOLE_HOST.includes(":") ? `[${env.TANDEM_CONSOLE_HOST}]` : env.TANDEM_CONSOLE_HOST}:${port}`;
    logger.info({ service: "console", host: env.TANDEM_CONSOLE_HOST, port, dev, runtime: runtime.name }, "listening");

    // 6. Alerts, once there is a URL to link to; stopped first.
    consoleUrl = env.TANDEM_CONSOLE_EXTERNAL_URL ?? url;
    await alerts.start();
    stack.push({ name: "alerts", stop: () => Promise.resolve(alerts.stop()) });

    let stopping: Promise<void> | undefined;
    return { host: env.TANDEM_CONSOLE_HOST, port, url, services, prisma, stop: () => (stopping ??= stopAll()) };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Headers for every response: no framing (clickjacking), no MIME sniffing, no cross-site referrers. */
function securityHeaders(res: ServerResponse): void {
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
}

function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  const logger = pino({ base: { pid: process.pid } }, logDestination(logFormat(process.env, process.stdout.isTTY === true)));
  const env = loadConsoleEnv(process.env);
  const handle = await startConsole({ env, logger });
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
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`console failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
