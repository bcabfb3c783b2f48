// Test support (not a test): a real database migrated like the console does at start (the same
// openDatabase), with the real services behind tRPC callers. SQLite in a temp dir by default;
// with TANDEM_TEST_POSTGRES_URL (a PostgreSQL server's admin URL, set by
// e2e/consolePostgres.test.ts when it re-runs these suites) a fresh PostgreSQL database per
// harness, dropped on close.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import pg from "pg";
import { pino } from "pino";
import { AuthService } from "../console/auth/AuthService";
import { ClusterService } from "../console/cluster/ClusterService";
import { NodeActions } from "../console/cluster/NodeActions";
import { DrainService } from "../console/cluster/drain/DrainService";
import type { Principal } from "../console/auth/Principal";
import type { ConsoleRuntime } from "../console/ConsoleRuntime";
import { DetachedConsoleRuntime } from "../console/DetachedConsoleRuntime";
import { MetricHistoryService } from "../console/metrics/MetricHistoryService";
import type { ConsoleServices } from "../console/ConsoleServices";
import { DefinitionsService } from "../console/definitions/DefinitionsService";
import { BulkDestinationActions } from "../console/destinations/BulkDestinationActions";
import { ConnectionService } from "../console/connections/ConnectionService";
import { RocketMqService } from "../console/rocketmq/RocketMqService";
import { DestinationService } from "../console/destinations/DestinationService";
import type { LiveEvents, LiveMessage } from "../console/LiveEvents";
import { ZkExplorer } from "../console/zk/ZkExplorer";
import { createApiTokenRepository } from "../db/apiTokenRepository";
import { createAuditRepository } from "../db/auditRepository";
import type { PrismaClient } from "../db/createPrismaClient";
import { createEventRepository } from "../db/eventRepository";
import { openDatabase } from "../db/openDatabase";
import { createAlertRepository } from "../db/alertRepository";
import type { AlertFacts } from "../console/alerts/alertFacts";
import { AlertConfigService } from "../console/alerts/AlertConfigService";
import { AlertService } from "../console/alerts/AlertService";
import { clusterAlertFacts } from "../console/alerts/clusterAlertFacts";
import { WebhookDispatcher } from "../console/alerts/WebhookDispatcher";
import { createSessionRepository } from "../db/sessionRepository";
import { createUserRepository } from "../db/userRepository";
import { appRouter, procedurePermissions } from "./root";
import { createCallerFactory, type TrpcContext } from "./trpc";

type AppCaller = ReturnType<typeof appRouter.createCaller>;

export interface ApiTestHarness {
  prisma: PrismaClient;
  services: ConsoleServices;
  published: LiveMessage[];
  cookies: string[];
  caller(principal: Principal | null, opts?: { csrfSafe?: boolean; sessionToken?: string | null }): AppCaller;
  /** Logs in through the service and returns the principal the session resolves to. */
  loginAs(username: string, password: string): Promise<Principal>;
  close(): Promise<void>;
}

export async function createApiTestHarness(
  opts: { zkConnectString?: string; runtime?: ConsoleRuntime; postgresAdminUrl?: string; alertFacts?: () => AlertFacts | null; externalUrl?: string; now?: () => Date } = {},
): Promise<ApiTestHarness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tandem-console-api-"));
  const logger = pino({ level: "silent" });
  const postgresAdminUrl = opts.postgresAdminUrl ?? process.env.TANDEM_TEST_POSTGRES_URL;
  const postgresDb = postgresAdminUrl === undefined ? null : `tandem_api_${randomBytes(6).toString("hex")}`;
  let databaseUrl = `file:${path.join(dir, "console.db")}`;
  if (postgresAdminUrl !== undefined && postgresDb !== null) {
    await postgresAdmin(postgresAdminUrl, `CREATE DATABASE "${postgresDb}"`);
    const url = new URL(postgresAdminUrl);
    url.pathname = `/${postgresDb}`;
    databaseUrl = url.toString();
  }
  const { prisma } = await openDatabase({ databaseUrl, cwd: dir, prismaDir: path.resolve(import.meta.dirname, "../../prisma"), logger });
  const published: LiveMessage[] = [];
  const live: LiveEvents = { publish: (m) => void published.push(m) };
  const zk = new ZkExplorer({ connectString: () => opts.zkConnectString, logger, connectTimeoutMs: 5_000, live });
  const auth = new AuthService({
    users: createUserRepository(prisma),
    sessions: createSessionRepository(prisma),
    apiTokens: createApiTokenRepository(prisma),
    sessionTtlMs: 3_600_000,
    logger,
    now: opts.now,
  });
  const alertRepo = createAlertRepository(prisma);
  const dispatcher = new WebhookDispatcher({ repo: alertRepo, logger, externalUrl: () => opts.externalUrl ?? "http://127.0.0.1:8161", baseDelayMs: 200 });
  const events = createEventRepository(prisma);
  // Not started: tests drive evaluations with alerts.tick().
  const alerts = new AlertService({
    repo: alertRepo,
    events,
    live,
    dispatcher,
    logger,
    facts: opts.alertFacts ?? (() => (opts.runtime?.cluster ? clusterAlertFacts(opts.runtime.cluster, 0) : null)),
  });
  const runtime = opts.runtime ?? new DetachedConsoleRuntime();
  const destinations = new DestinationService({ runtime, prisma, logger });
  const alertConfig = new AlertConfigService(alertRepo, dispatcher, () => alerts.configChanged());
  const metricHistory = new MetricHistoryService(prisma);
  const clusterService = new ClusterService({ runtime, events, metricHistory, zk });
  const nodeActions = new NodeActions({ runtime, live });
  const services: ConsoleServices = {
    alerts,
    alertConfig,
    auth,
    audit: createAuditRepository(prisma),
    events,
    zk,
    live,
    runtime,
    destinations,
    connections: new ConnectionService({ runtime, logger }),
    rocketmq: new RocketMqService({ runtime, audit: createAuditRepository(prisma), logger }),
    bulkDestinations: new BulkDestinationActions({ destinations, audit: createAuditRepository(prisma) }),
    definitions: new DefinitionsService({ destinations, auth, alertConfig }),
    metricHistory,
    cluster: clusterService,
    nodeActions,
    drains: new DrainService({ runtime, cluster: clusterService, nodeActions }),
    logger,
  };
  const permissions = procedurePermissions(appRouter);
  const cookies: string[] = [];
  const factory = createCallerFactory(appRouter);
  const caller: ApiTestHarness["caller"] = (principal, o = {}) => {
    const ctx: TrpcContext = {
      services,
      principal,
      sessionToken: o.sessionToken ?? null,
      ip: "127.0.0.1",
      userAgent: "node:test",
      csrfSafe: o.csrfSafe ?? true,
      cookies: { setSession: (token) => void cookies.push(token), clearSession: () => void cookies.push("") },
      permissions,
    };
    return factory(ctx);
  };
  return {
    prisma,
    services,
    published,
    cookies,
    caller,
    loginAs: async (username, password) => (await auth.login(username, password, { ip: null, userAgent: null })).principal,
    close: async () => {
      alerts.stop();
      await zk.close();
      await prisma.$disconnect();
      if (postgresAdminUrl !== undefined && postgresDb !== null) await postgresAdmin(postgresAdminUrl, `DROP DATABASE IF EXISTS "${postgresDb}" WITH (FORCE)`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Asserts that `p` rejects with a TRPCError of `code` (and, when given, a `cause.reason`); returns it. */
export async function rejectsWith(p: Promise<unknown>, code: TRPCError["code"], reason?: string): Promise<TRPCError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TRPCError, `expected a TRPCError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (reason !== undefined) assert.equal((err.cause as { reason?: string } | undefined)?.reason, reason);
    return err;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

/** A logged-in console user with `role`, as a session principal. */
export function principal(role: Principal["role"], username: string): Principal {
  return { kind: "session", userId: 0, username, role, label: username, mustChangePassword: false, canReadBodies: role !== "viewer" };
}
