import path from "node:path";
import type { Logger } from "pino";
import { createPrismaClient, type PrismaClient } from "./createPrismaClient";
import { databaseTargetOf, redactedUrl, type DatabaseTarget } from "./databaseTarget";
import { migratePostgres } from "./migratePostgres";
import { migrateSqlite } from "./migrateSqlite";
import type { MigrationReport } from "./migrationFiles";

export interface OpenDatabase {
  prisma: PrismaClient;
  target: DatabaseTarget;
  migrations: MigrationReport;
}

/**
 * The console's database, ready to use: migrations applied, then a connected Prisma client.
 * One entry point for the console (server/main.ts) and the tests, so both go through the same
 * provider choice and the same migrations. `prismaDir` holds migrations/ (SQLite) and
 * postgres/migrations/ (PostgreSQL).
 */
export async function openDatabase(opts: { databaseUrl: string; cwd: string; prismaDir: string; logger: Logger }): Promise<OpenDatabase> {
  const target = databaseTargetOf(opts.databaseUrl, opts.cwd);
  const logger = opts.logger.child({ component: "database", database: target.kind });
  const migrations =
    target.kind === "sqlite"
      ? migrateSqlite({ file: target.file, migrationsDir: path.join(opts.prismaDir, "migrations"), logger })
      : await migratePostgres({
          connectionString: target.connectionString,
          schema: target.schema,
          migrationsDir: path.join(opts.prismaDir, "postgres", "migrations"),
          logger,
        });
  const prisma = createPrismaClient(target);
  try {
    await prisma.$connect();
  } catch (err) {
    await prisma.$disconnect().catch(() => undefined);
    throw new Error(`cannot connect to ${redactedUrl(opts.databaseUrl)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  logger.info({ applied: migrations.applied, alreadyApplied: migrations.alreadyApplied }, "database ready");
  return { prisma, target, migrations };
}
