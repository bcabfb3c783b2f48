// Prisma 6 CLI configuration: the "js" engine runs the wasm schema engine through the
// better-sqlite3 driver adapter, because the native schema-engine binary cannot be downloaded on
// our machines (reference/stack.md). Every CLI call needs
// PRISMA_SCHEMA_ENGINE_BINARY=/bin/false PRISMA_QUERY_ENGINE_LIBRARY=/dev/null (see package.json).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

// schema.prisma reads env("DATABASE_URL"); give it the console's default too.
process.env.DATABASE_URL ??= "file:./data/console.db";
const url = process.env.DATABASE_URL;
// Same rule as the console (server/db/databaseTarget.ts): a relative file: URL is relative to the
// working directory, not to this file.
const file = path.resolve(process.cwd(), url.replace(/^file:/, ""));

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join(import.meta.dirname, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "migrations") },
  engine: "js",
  adapter: async () => {
    mkdirSync(path.dirname(file), { recursive: true });
    return new PrismaBetterSQLite3({ url: `file:${file}` });
  },
});
