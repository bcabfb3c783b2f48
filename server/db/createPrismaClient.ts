import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";

export type { PrismaClient } from "./generated/prisma/client";

/**
 * Prisma client over better-sqlite3 (Prisma 6 driver adapter; no native query engine needed).
 * For PostgreSQL swap the adapter for @prisma/adapter-pg (see prisma/schema.prisma).
 */
export function createPrismaClient(sqliteFile: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${sqliteFile}` }) });
}
