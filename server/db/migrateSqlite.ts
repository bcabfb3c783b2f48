import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import type { Logger } from "pino";
import { prepareSqliteFile } from "./privateFiles";
import { pendingMigrations, readMigrationFiles, type AppliedMigrationRow, type MigrationReport } from "./migrationFiles";

export type { MigrationReport } from "./migrationFiles";

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each once, at console start.
 *
 * Equivalent of `prisma migrate deploy` without spawning the CLI: it records applied migrations in
 * Prisma's own `_prisma_migrations` table (same columns, sha256 checksum of the file), so the CLI's
 * `migrate status` / `migrate deploy` and this runner agree about what is applied. Each migration
 * runs in one transaction (SQLite DDL is transactional), so a failed one leaves nothing half done.
 * PostgreSQL has its own runner with the same rules (migratePostgres.ts).
 */
export function migrateSqlite(opts: { file: string; migrationsDir: string; logger: Logger }): MigrationReport {
  prepareSqliteFile(opts.file);
  const db = new Database(opts.file);
  try {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`);
    const rows = db.prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`).all() as AppliedMigrationRow[];
    const { pending, alreadyApplied } = pendingMigrations(readMigrationFiles(opts.migrationsDir), rows, opts.logger);
    const report: MigrationReport = { applied: [], alreadyApplied };
    for (const m of pending) {
      const started = new Date().toISOString();
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), m.checksum, new Date().toISOString(), m.name, started);
      })();
      opts.logger.info({ migration: m.name }, "migration applied");
      report.applied.push(m.name);
    }
    return report;
  } finally {
    db.close();
  }
}
