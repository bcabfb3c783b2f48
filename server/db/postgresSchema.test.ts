import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchemaOf } from "../../prisma/postgres/postgresSchemaOf";
import { databaseTargetOf, redactedUrl } from "./databaseTarget";

const prismaDir = path.resolve(import.meta.dirname, "../../prisma");

test("the committed PostgreSQL schema is the SQLite schema with only provider and output changed", () => {
  const sqlite = readFileSync(SQLITE_SCHEMA, "utf8");
  assert.equal(
    readFileSync(POSTGRES_SCHEMA, "utf8"),
    postgresSchemaOf(sqlite),
    "prisma/postgres/schema.prisma is stale: run `node --import tsx prisma/postgres/postgresSchemaOf.ts`, then add a PostgreSQL migration",
  );
  const pgSchema = postgresSchemaOf(sqlite);
  assert.match(pgSchema, /provider = "postgresql"/);
  assert.doesNotMatch(pgSchema, /"sqlite"/);
  assert.match(pgSchema, /output\s+= "\.\.\/\.\.\/server\/db\/generated\/postgres"/);
  assert.throws(() => postgresSchemaOf(sqlite.replace('"sqlite"', '"mysql"')), /provider = "sqlite" not found/);
});

test("both providers have the same migration history, each locked to its provider", () => {
  const names = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const sqlite = names(path.join(prismaDir, "migrations"));
  assert.ok(sqlite.length >= 1);
  // A schema change needs a migration for each provider; same names keep the histories in step.
  assert.deepEqual(names(path.join(prismaDir, "postgres", "migrations")), sqlite);
  assert.match(readFileSync(path.join(prismaDir, "migrations", "migration_lock.toml"), "utf8"), /provider = "sqlite"/);
  assert.match(readFileSync(path.join(prismaDir, "postgres", "migrations", "migration_lock.toml"), "utf8"), /provider = "postgresql"/);
});

test("DATABASE_URL picks the provider", () => {
  assert.deepEqual(databaseTargetOf("file:./data/console.db", "/srv/tandem"), { kind: "sqlite", file: "/srv/tandem/data/console.db" });
  assert.deepEqual(databaseTargetOf("file:/var/lib/t.db", "/srv"), { kind: "sqlite", file: "/var/lib/t.db" });
  assert.deepEqual(databaseTargetOf("postgresql://u:p@db:5432/tandem", "/"), {
    kind: "postgresql",
    connectionString: "postgresql://u:p@db:5432/tandem",
    schema: "public",
  });
  assert.deepEqual(databaseTargetOf("postgres://db/tandem?schema=console&sslmode=require", "/"), {
    kind: "postgresql",
    connectionString: "postgres://db/tandem?sslmode=require",
    schema: "console",
  });
  assert.throws(() => databaseTargetOf("postgres://db/t?schema=a;drop", "/"), /plain identifier/);
  assert.throws(() => databaseTargetOf("mysql://u:secret@db/t", "/"), (err: Error) => /file:<path> or postgresql/.test(err.message) && !err.message.includes("secret"));
  assert.equal(redactedUrl("postgresql://u:secret@db/t"), "postgresql://u:***@db/t");
});
