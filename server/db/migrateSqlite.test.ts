import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { pino } from "pino";
import { migrateSqlite } from "./migrateSqlite";

const logger = pino({ level: "silent" });
const realMigrations = path.resolve(import.meta.dirname, "../../prisma/migrations");

test("applies the real migrations once, in Prisma's own bookkeeping format", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tandem-migrate-"));
  try {
    const file = path.join(dir, "nested", "console.db");
    const first = migrateSqlite({ file, migrationsDir: realMigrations, logger });
    assert.ok(first.applied.length >= 1);
    const second = migrateSqlite({ file, migrationsDir: realMigrations, logger });
    assert.deepEqual(second, { applied: [], alreadyApplied: first.applied.length });
    const db = new Database(file, { readonly: true });
    const rows = db.prepare(`SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name`).all() as Array<{ migration_name: string; checksum: string; finished_at: string }>;
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as Array<{ name: string }>).map((t) => t.name);
    db.close();
    const sql = await readFile(path.join(realMigrations, rows[0]!.migration_name, "migration.sql"));
    assert.equal(rows[0]!.checksum, createHash("sha256").update(sql).digest("hex"), "same checksum as prisma migrate deploy");
    for (const t of ["User", "Session", "ApiToken", "AuditLog", "EventLog", "MetricSample", "AlertRule", "Webhook"]) assert.ok(tables.includes(t), t);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a failing migration rolls back completely and blocks later starts", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tandem-migrate-"));
  try {
    const migrations = path.join(dir, "migrations");
    await mkdir(path.join(migrations, "001_ok"), { recursive: true });
    await mkdir(path.join(migrations, "002_bad"), { recursive: true });
    await writeFile(path.join(migrations, "001_ok", "migration.sql"), `CREATE TABLE "A" ("id" INTEGER);`);
    await writeFile(path.join(migrations, "002_bad", "migration.sql"), `CREATE TABLE "B" ("id" INTEGER);\nINSERT INTO "Nope" VALUES (1);`);
    const file = path.join(dir, "db.sqlite");
    assert.throws(() => migrateSqlite({ file, migrationsDir: migrations, logger }), /Nope/);
    const db = new Database(file, { readonly: true });
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as Array<{ name: string }>).map((t) => t.name);
    const applied = (db.prepare(`SELECT migration_name FROM _prisma_migrations`).all() as Array<{ migration_name: string }>).map((r) => r.migration_name);
    db.close();
    assert.ok(tables.includes("A") && !tables.includes("B"), "002 left nothing behind");
    assert.deepEqual(applied, ["001_ok"]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the database file and its -wal/-shm are 0600, a directory made for it 0700; an old 0644 database is tightened", async () => {
  const { chmodSync, statSync, writeFileSync } = await import("node:fs");
  const dir = await mkdtemp(path.join(os.tmpdir(), "tandem-migrate-"));
  const mode = (f: string): number => statSync(f).mode & 0o777;
  try {
    const file = path.join(dir, "data", "console.db");
    migrateSqlite({ file, migrationsDir: realMigrations, logger });
    const db = new Database(file); // WAL: -wal and -shm exist while a connection is open
    db.prepare("SELECT 1").get();
    assert.equal(mode(path.join(dir, "data")), 0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(f), 0o600, f);
    db.close();

    const old = path.join(dir, "old.db");
    writeFileSync(old, "");
    chmodSync(old, 0o644);
    migrateSqlite({ file: old, migrationsDir: realMigrations, logger });
    assert.equal(mode(old), 0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
