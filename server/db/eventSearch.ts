import type { PrismaClient } from "./createPrismaClient";
import type { EventLog } from "./generated/prisma/client";
import { Prisma } from "./generated/prisma/client";

export interface EventQuery {
  kinds?: string[];
  group?: string;
  node?: string;
  /** Only events of these severities (critical | warning | info). */
  severities?: string[];
  /** Substring of the message, group or node (SQLite LIKE: case-insensitive for ASCII). */
  text?: string;
  offset: number;
  limit: number;
}

/** Escapes LIKE wildcards: a search for "50%" means the text "50%", not a pattern. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The event log filtered, counted and paged in the database, newest first. Raw SQL for the
 * filter because Prisma's `contains` leaves % and _ unescaped on SQLite; rows then come back
 * through Prisma so dates and JSON are decoded as everywhere else.
 */
export async function searchEventLog(prisma: PrismaClient, q: EventQuery): Promise<{ total: number; items: EventLog[] }> {
  const conds: Prisma.Sql[] = [];
  if (q.kinds && q.kinds.length > 0) conds.push(Prisma.sql`"kind" IN (${Prisma.join(q.kinds)})`);
  if (q.group) conds.push(Prisma.sql`"group" = ${q.group}`);
  if (q.node) conds.push(Prisma.sql`"node" = ${q.node}`);
  if (q.severities && q.severities.length > 0) conds.push(Prisma.sql`"severity" IN (${Prisma.join(q.severities)})`);
  const text = q.text?.trim();
  if (text) {
    const p = `%${likeLiteral(text)}%`;
    conds.push(Prisma.sql`("message" LIKE ${p} ESCAPE '\\' OR "node" LIKE ${p} ESCAPE '\\' OR "group" LIKE ${p} ESCAPE '\\')`);
  }
  const where = conds.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conds, " AND ")}` : Prisma.empty;
  const [count, ids] = await Promise.all([
    prisma.$queryRaw<Array<{ n: bigint | number }>>`SELECT COUNT(*) AS n FROM "EventLog" ${where}`,
    prisma.$queryRaw<Array<{ id: bigint | number }>>`SELECT "id" FROM "EventLog" ${where} ORDER BY "id" DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
  ]);
  const items = ids.length === 0 ? [] : await prisma.eventLog.findMany({ where: { id: { in: ids.map((r) => Number(r.id)) } }, orderBy: { id: "desc" } });
  return { total: Number(count[0]?.n ?? 0), items };
}
