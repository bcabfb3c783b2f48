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
  /** Newest first, by offset, with the counts a paged list reports; `text` is a substring of actor, action or target. */
  page(query: { skip: number; take: number; actor?: string; action?: string; text?: string; oldestFirst?: boolean }): Promise<{ total: number; filtered: number; items: AuditLog[] }>;
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
    page: async (q) => {
      const text = q.text?.trim();
      const where = {
        ...(q.actor !== undefined ? { actor: q.actor } : {}),
        ...(q.action !== undefined ? { action: { startsWith: q.action } } : {}),
        ...(text ? { OR: [{ actor: { contains: text } }, { action: { contains: text } }, { target: { contains: text } }] } : {}),
      };
      const [total, filtered, items] = await Promise.all([
        prisma.auditLog.count(),
        prisma.auditLog.count({ where }),
        prisma.auditLog.findMany({ where, orderBy: { id: q.oldestFirst === true ? "asc" : "desc" }, skip: q.skip, take: q.take }),
      ]);
      return { total, filtered, items };
    },
  };
}
