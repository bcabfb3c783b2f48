import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseTargetOf, type DatabaseTarget } from "./databaseTarget";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgres/client";
import { PrismaClient } from "./generated/prisma/client";

export type { PrismaClient } from "./generated/prisma/client";

/**
 * Prisma client over a driver adapter (Prisma 6, no native query engine): better-sqlite3 for
 * `file:` URLs, node-postgres for `postgresql://` ones. A string is a DATABASE_URL (relative
 * SQLite paths resolve against the working directory).
 *
 * Each provider has its own generated client (the query compiler is provider specific), both
 * generated from prisma/schema.prisma (prisma/postgres/schema.prisma is derived from it), so the
 * model API is the same. The PostgreSQL client is typed as the SQLite one: the repositories and
 * procedures are written once against that type, and use nothing PostgreSQL-only.
 */
export function createPrismaClient(database: string | DatabaseTarget): PrismaClient {
  const target = typeof database === "string" ? databaseTargetOf(database, process.cwd()) : database;
  if (target.kind === "sqlite") return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${target.file}` }) });
  const adapter = new PrismaPg(
    { connectionString: target.connectionString, options: `-c search_path=${target.schema}` },
    { schema: target.schema },
  );
  return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
}
