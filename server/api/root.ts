import type { AnyProcedure, AnyRouter } from "@trpc/server";
import { alertsRouter } from "./routers/alerts/alertsRouter";
import { auditRouter } from "./routers/audit/auditRouter";
import { authRouter } from "./routers/auth/authRouter";
import { bridgesRouter } from "./routers/bridges/bridgesRouter";
import { clusterRouter } from "./routers/cluster/clusterRouter";
import { connectionsRouter } from "./routers/connections/connectionsRouter";
import { definitionsRouter } from "./routers/definitions/definitionsRouter";
import { destinationsRouter } from "./routers/destinations/destinationsRouter";
import { drainRouter } from "./routers/drain/drainRouter";
import { eventsRouter } from "./routers/events/eventsRouter";
import { rocketmqRouter } from "./routers/rocketmq/rocketmqRouter";
import { tokensRouter } from "./routers/tokens/tokensRouter";
import { usersRouter } from "./routers/users/usersRouter";
import { webhooksRouter } from "./routers/webhooks/webhooksRouter";
import { zkRouter } from "./routers/zk/zkRouter";
import { createTRPCRouter, type Permission, type ProcedureMeta } from "./trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  users: usersRouter,
  tokens: tokensRouter,
  audit: auditRouter,
  events: eventsRouter,
  cluster: clusterRouter,
  drain: drainRouter,
  zk: zkRouter,
  destinations: destinationsRouter,
  alerts: alertsRouter,
  webhooks: webhooksRouter,
  bridges: bridgesRouter,
  connections: connectionsRouter,
  definitions: definitionsRouter,
  rocketmq: rocketmqRouter,
});

export type AppRouter = typeof appRouter;

/**
 * Permission of every procedure, read from what each declared through its builder. Throws when a
 * procedure declares none, so a forgotten permission fails at start, not in production.
 */
export function procedurePermissions(router: AnyRouter): Map<string, Permission> {
  const out = new Map<string, Permission>();
  for (const [path, proc] of Object.entries(router._def.procedures as Record<string, AnyProcedure>)) {
    const meta = proc._def.meta as ProcedureMeta | undefined;
    if (meta?.permission === undefined) throw new Error(`procedure ${path} declares no permission`);
    out.set(path, meta.permission);
  }
  return out;
}
