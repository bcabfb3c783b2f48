import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file bytes: what `prisma migrate deploy` stores in _prisma_migrations.checksum. */
  checksum: string;
}

/** A row of Prisma's `_prisma_migrations` table, as both runners read it. */
export interface AppliedMigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** `<dir>/<name>/migration.sql` for every subdirectory, in name order (the timestamp prefix). */
export function readMigrationFiles(migrationsDir: string): MigrationFile[] {
  return readdirSync(migrationsDir)
    .filter((n) => statSync(path.join(migrationsDir, n)).isDirectory())
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(migrationsDir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    });
}

/**
 * The migrations still to apply, given the bookkeeping rows. Shared by the SQLite and PostgreSQL
 * runners so both follow Prisma's rules: rolled-back rows do not count, and an unfinished row
 * (a migration the CLI started and that failed, Prisma's P3009) blocks everything until a human
 * resolves it. A changed file that was already applied is only warned about, as Prisma does.
 */
export function pendingMigrations(
  files: MigrationFile[],
  rows: AppliedMigrationRow[],
  logger: Logger,
): { pending: MigrationFile[]; alreadyApplied: number } {
  const done = new Map<string, AppliedMigrationRow>();
  for (const r of rows) {
    if (r.rolled_back_at !== null) continue;
    if (r.finished_at === null) {
      throw new Error(`migration ${r.migration_name} failed earlier and is not resolved; fix the database, then delete its _prisma_migrations row`);
    }
    done.set(r.migration_name, r);
  }
  const pending: MigrationFile[] = [];
  let alreadyApplied = 0;
  for (const f of files) {
    const prior = done.get(f.name);
    if (prior === undefined) {
      pending.push(f);
      continue;
    }
    if (prior.checksum !== f.checksum) logger.warn({ migration: f.name }, "applied migration was modified after it was applied");
    alreadyApplied += 1;
  }
  return { pending, alreadyApplied };
}
