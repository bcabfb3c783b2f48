import type { PrismaClient } from "./createPrismaClient";
import type { AuditLog } from "./generated/prisma/client";

export type { AuditLog } from "./generated/prisma/client";

export interface AuditEntry {
  actor: string;
  ip: string | null;
  action: string;
  target: string | null;
  result: string;
  detail: string | null;
}

export interface AuditRepository {
  record(entry: AuditEntry): Promise<AuditLog>;
  /** Newest first; `beforeId` pages backwards. */
  list(query: { limit: number; beforeId?: number; actor?: string; action?: string }): Promise<AuditLog[]>;
}

export function createAuditRepository(prisma: PrismaClient): AuditRepository {
  return {
    record: (entry) => prisma.auditLog.create({ data: entry }),
    list: (q) =>
      prisma.auditLog.findMany({
        where: {
          ...(q.beforeId !== undefined ? { id: { lt: q.beforeId } } : {}),
          ...(q.actor !== undefined ? { actor: q.actor } : {}),
          ...(q.action !== undefined ? { action: { startsWith: q.action } } : {}),
        },
        orderBy: { id: "desc" },
        take: q.limit,
      }),
  };
}
