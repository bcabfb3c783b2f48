import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import type { Logger } from "pino";

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: string | null;
  rolled_back_at: string | null;
}

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each once, at console start.
 *
 * Equivalent of `prisma migrate deploy` without spawning the CLI: it records applied migrations in
 * Prisma's own `_prisma_migrations` table (same columns, sha256 checksum of the file), so the CLI's
 * `migrate status` / `migrate deploy` and this runner agree about what is applied. Each migration
 * runs in one transaction (SQLite DDL is transactional), so a failed one leaves nothing half done.
 * PostgreSQL deployments use `npm run db:migrate` (the CLI) instead.
 */
export function migrateSqlite(opts: { file: string; migrationsDir: string; logger: Logger }): MigrationReport {
  mkdirSync(path.dirname(opts.file), { recursive: true });
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
    const rows = db.prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`).all() as AppliedRow[];
    const done = new Map<string, AppliedRow>();
    for (const r of rows) {
      if (r.rolled_back_at !== null) continue;
      if (r.finished_at === null) {
        // Same rule as Prisma's P3009: a failed migration needs a human before anything else runs.
        throw new Error(`migration ${r.migration_name} failed earlier and is not resolved; fix the database, then delete its _prisma_migrations row`);
      }
      done.set(r.migration_name, r);
    }
    const names = readdirSync(opts.migrationsDir)
      .filter((n) => statSync(path.join(opts.migrationsDir, n)).isDirectory())
      .sort();
    const report: MigrationReport = { applied: [], alreadyApplied: 0 };
    for (const name of names) {
      const sql = readFileSync(path.join(opts.migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const prior = done.get(name);
      if (prior !== undefined) {
        if (prior.checksum !== checksum) opts.logger.warn({ migration: name }, "applied migration was modified after it was applied");
        report.alreadyApplied += 1;
        continue;
      }
      const started = new Date().toISOString();
      db.transaction(() => {
        db.exec(sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), checksum, new Date().toISOString(), name, started);
      })();
      opts.logger.info({ migration: name }, "migration applied");
      report.applied.push(name);
    }
    return report;
  } finally {
    db.close();
  }
}
