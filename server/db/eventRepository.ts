import type { PrismaClient } from "./createPrismaClient";
import { eventSeverity } from "../console/events/eventSeverity";
import { searchEventLog, type EventQuery } from "./eventSearch";
import type { EventLog, Prisma } from "./generated/prisma/client";

export type { EventLog } from "./generated/prisma/client";

export interface EventInput {
  kind: string;
  group?: string | null;
  node?: string | null;
  message: string;
  data?: Prisma.InputJsonValue;
  time?: Date;
}

export interface EventRepository {
  record(event: EventInput): Promise<EventLog>;
  /** Newest first; `beforeId` pages backwards. */
  list(query: { limit: number; beforeId?: number; kind?: string; group?: string; node?: string }): Promise<EventLog[]>;
  /** By kinds, group, node and text, newest first, with the total count (eventSearch.ts). */
  search(query: EventQuery): Promise<{ total: number; items: EventLog[] }>;
}

export function createEventRepository(prisma: PrismaClient): EventRepository {
  return {
    record: (e) =>
      prisma.eventLog.create({
        data: { kind: e.kind, group: e.group ?? null, node: e.node ?? null, message: e.message, data: e.data, time: e.time, severity: eventSeverity(e.kind, e.data) },
      }),
    list: (q) =>
      prisma.eventLog.findMany({
        where: {
          ...(q.beforeId !== undefined ? { id: { lt: q.beforeId } } : {}),
          ...(q.kind !== undefined ? { kind: q.kind } : {}),
          ...(q.group !== undefined ? { group: q.group } : {}),
          ...(q.node !== undefined ? { node: q.node } : {}),
        },
        orderBy: { id: "desc" },
        take: q.limit,
      }),
    search: (q) => searchEventLog(prisma, q),
  };
}
