import type { PrismaClient } from "../../db/createPrismaClient";
import type { ConsoleRuntime } from "../ConsoleRuntime";

export interface HealthAnswer {
  status: "ok" | "unavailable";
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}

/**
 * Liveness and readiness for load balancers and Kubernetes probes. Live: the process answers.
 * Ready: the database answers a query, the console's coordinator session is connected, and every
 * group has a master (a console in front of a group that cannot take writes is not ready to send
 * operators there). Each check says what it found, so a 503 explains itself.
 */
export class ConsoleHealth {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly runtime: ConsoleRuntime | undefined,
  ) {}

  live(): HealthAnswer {
    return { status: "ok", checks: [{ name: "process", ok: true, detail: `up ${Math.round(process.uptime())} s` }] };
  }

  async ready(): Promise<HealthAnswer> {
    const checks: HealthAnswer["checks"] = [];
    try {
      await Promise.race([
        this.prisma.$queryRaw`SELECT 1`,
        new Promise((_, reject) => setTimeout(() => reject(new Error("no answer within 2 s")), 2_000).unref()),
      ]);
      checks.push({ name: "database", ok: true, detail: "answers" });
    } catch (err) {
      checks.push({ name: "database", ok: false, detail: (err as Error).message });
    }
    const cluster = this.runtime?.cluster ?? null;
    if (cluster === null) {
      checks.push({ name: "cluster", ok: true, detail: "no cluster attached (detached console)" });
    } else {
      const state = cluster.zk?.state ?? "not connected";
      checks.push({ name: "coordinator session", ok: state === "connected", detail: state });
      for (const g of cluster.monitor.snapshot()) {
        checks.push({ name: `group ${g.name}`, ok: g.master !== null, detail: g.master !== null ? `master ${g.master}` : `no master (${g.members.length} of quorum ${g.quorum} members)` });
      }
    }
    return { status: checks.every((c) => c.ok) ? "ok" : "unavailable", checks };
  }
}
