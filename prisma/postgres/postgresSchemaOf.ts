// The PostgreSQL variant of prisma/schema.prisma. A Prisma schema names exactly one provider, and
// the generated client (query compiler wasm, adapter check) is provider specific, so PostgreSQL
// needs its own schema and client. prisma/schema.prisma stays the single source of truth; this
// rewrites only the datasource provider and the generator output, so the two clients are
// generated from the same models and the repositories work unchanged on both.
//
// Run after every schema change (npm run db:generate does it before generating):
//   node --import tsx prisma/postgres/postgresSchemaOf.ts
// server/db/postgresSchema.test.ts fails while the committed copy is stale.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const SQLITE_SCHEMA = path.resolve(import.meta.dirname, "../schema.prisma");
export const POSTGRES_SCHEMA = path.resolve(import.meta.dirname, "schema.prisma");

const HEADER = `// GENERATED from prisma/schema.prisma by prisma/postgres/postgresSchemaOf.ts: do not edit.
// Same models; provider postgresql and its own client (server/db/generated/postgres).

`;

/** Rewrites the SQLite schema text into the PostgreSQL one; throws if the schema's shape changed. */
export function postgresSchemaOf(sqliteSchema: string): string {
  const datasource = /(datasource\s+db\s*\{[^}]*?provider\s*=\s*)"sqlite"/;
  const output = /(generator\s+client\s*\{[^}]*?output\s*=\s*)"\.\.\/server\/db\/generated\/prisma"/;
  if (!datasource.test(sqliteSchema)) throw new Error('prisma/schema.prisma: datasource db with provider = "sqlite" not found');
  if (!output.test(sqliteSchema)) throw new Error('prisma/schema.prisma: generator client with output = "../server/db/generated/prisma" not found');
  // Paths in a schema are relative to the schema file: this one lives one directory deeper.
  return HEADER + sqliteSchema.replace(datasource, '$1"postgresql"').replace(output, '$1"../../server/db/generated/postgres"');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  writeFileSync(POSTGRES_SCHEMA, postgresSchemaOf(readFileSync(SQLITE_SCHEMA, "utf8")));
  process.stdout.write(`wrote ${path.relative(process.cwd(), POSTGRES_SCHEMA)}\n`);
}
