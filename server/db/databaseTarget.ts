import path from "node:path";

/** Where the console keeps its state, decoded once from DATABASE_URL. */
export type DatabaseTarget =
  | { kind: "sqlite"; file: string }
  | {
      kind: "postgresql";
      /** The URL for node-postgres, without Prisma's own `schema` parameter (pg does not know it). */
      connectionString: string;
      /** PostgreSQL schema holding the tables (Prisma's `?schema=`); default "public". */
      schema: string;
    };

/**
 * `file:<path>` → SQLite (a relative path is relative to `cwd`, as in server/console/consoleEnv.ts);
 * `postgres://` or `postgresql://` → PostgreSQL. Anything else is refused rather than guessed.
 */
export function databaseTargetOf(databaseUrl: string, cwd: string): DatabaseTarget {
  if (databaseUrl.startsWith("file:")) return { kind: "sqlite", file: path.resolve(cwd, databaseUrl.slice("file:".length)) };
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const url = new URL(databaseUrl);
    const schema = url.searchParams.get("schema") ?? "public";
    // It ends up in a search_path option and in DDL: plain identifiers only.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new Error(`DATABASE_URL schema must be a plain identifier, got ${JSON.stringify(schema)}`);
    url.searchParams.delete("schema");
    return { kind: "postgresql", connectionString: url.toString(), schema };
  }
  throw new Error(`DATABASE_URL must be file:<path> or postgresql://…, got ${redactedUrl(databaseUrl)}`);
}

/** The URL with any password replaced, for logs and error messages. */
export function redactedUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password !== "") url.password = "***";
    return url.toString();
  } catch {
    return databaseUrl.replace(/:[^:@/]*@/, ":***@");
  }
}
