import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Logger } from "pino";
import { pendingMigrations, readMigrationFiles, type AppliedMigrationRow, type MigrationReport } from "./migrationFiles";

/** Prisma migrate's own advisory lock key: the CLI and every console instance exclude each other. */
const PRISMA_MIGRATE_LOCK = 72707369;

/**
 * Applies prisma/postgres/migrations/<name>/migration.sql in name order, each once, at console
 * start; the PostgreSQL twin of migrateSqlite.ts.
 *
 * Why our own runner and not `prisma migrate deploy`: offline, the Prisma 6 CLI only has the wasm
 * schema engine, and with @prisma/adapter-pg against PostgreSQL 15 it fails before applying
 * anything ("Column type 'name' could not be deserialized", while reading the catalog); the
 * native engine cannot be downloaded. The SQL itself is still Prisma's (`migrate diff --from-empty
 * … --script`, which needs no introspection), and the bookkeeping is Prisma's `_prisma_migrations`
 * table with the same columns and sha256 checksums, so `prisma migrate status` agrees with us.
 *
 * Several consoles may share one database and start together: the advisory lock serialises them,
 * and the second one finds everything applied. Each migration runs in one transaction with its
 * bookkeeping row (PostgreSQL DDL is transactional), so a failed one leaves nothing behind.
 */
export async function migratePostgres(opts: {
  connectionString: string;
  /** Schema for the tables and the bookkeeping (created if missing); default "public". */
  schema?: string;
  migrationsDir: string;
  logger: Logger;
}): Promise<MigrationReport> {
  const files = readMigrationFiles(opts.migrationsDir);
  const schema = opts.schema ?? "public";
  const client = new pg.Client({ connectionString: opts.connectionString });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock($1)`, [PRISMA_MIGRATE_LOCK]);
    if (schema !== "public") await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    // Unqualified names in the migrations land in this schema, as with Prisma's ?schema=.
    await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    // Prisma's definition of the table (schema-engine sql_migration_persistence, PostgreSQL flavour).
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`);
    const { rows } = await client.query<AppliedMigrationRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`);
    const { pending, alreadyApplied } = pendingMigrations(files, rows, opts.logger);
    const report: MigrationReport = { applied: [], alreadyApplied };
    for (const m of pending) {
      const started = new Date();
      await client.query("BEGIN");
      try {
        // No parameters: node-postgres sends it with the simple query protocol, which runs a
        // multi-statement script as one unit.
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
          [randomUUID(), m.checksum, m.name, started],
        );
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(`migration ${m.name} failed and was rolled back: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      opts.logger.info({ migration: m.name }, "migration applied");
      report.applied.push(m.name);
    }
    return report;
  } finally {
    // Ending the session releases the advisory lock even if the unlock is never sent.
    await client.end().catch(() => undefined);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
