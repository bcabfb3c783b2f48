// Prisma 6 CLI configuration for the PostgreSQL variant (schema generated from
// prisma/schema.prisma, see postgresSchemaOf.ts). Like prisma/prisma.config.ts it uses the "js"
// engine (wasm schema engine through a driver adapter, here @prisma/adapter-pg) because the native
// schema-engine binary cannot be downloaded on our machines. Every CLI call needs
// PRISMA_SCHEMA_ENGINE_BINARY=/bin/false PRISMA_QUERY_ENGINE_LIBRARY=/dev/null.
//
// New migration (no database needed):
//   git show HEAD:prisma/postgres/schema.prisma > /tmp/old.prisma
//   prisma migrate diff --config prisma/postgres/prisma.config.ts --from-schema-datamodel /tmp/old.prisma \
//     --to-schema-datamodel prisma/postgres/schema.prisma --script > prisma/postgres/migrations/<ts>_<name>/migration.sql
// The console applies these at start (server/db/migratePostgres.ts).
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

// schema.prisma reads env("DATABASE_URL"); commands that never connect (generate, migrate diff)
// still need a value.
process.env.DATABASE_URL ??= "postgresql://localhost:5432/tandem";
const url = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join(import.meta.dirname, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "migrations") },
  engine: "js",
  adapter: async () => new PrismaPg({ connectionString: url }),
});
