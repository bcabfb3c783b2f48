// Test support (not a test): a throwaway PostgreSQL 15 from Debian's package, one per test file.
// initdb + pg_ctl into a temp dir, listening on 127.0.0.1 only, trust authentication (nothing
// else can reach it), fsync off (the data is thrown away). PostgreSQL refuses to run as root, so
// when the tests run as root (CI) every server command runs as the `postgres` OS user.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function postgresUnavailableReason(): string | null {
  return existsSync(path.join(POSTGRES_BIN, "initdb"))
    ? null
    : `${POSTGRES_BIN}/initdb missing: apt-get install postgresql (scripts/install-test-deps.sh does)`;
}

export interface PostgresServer {
  port: number;
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  adminUrl: string;
  /** The server log; DDL statements are logged (log_statement=ddl) so tests can see what ran. */
  logFile: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes its files; idempotent. */
  stop(): Promise<void>;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const reason = postgresUnavailableReason();
  if (reason !== null) throw new Error(reason);
  const dir = await mkdtemp(path.join(os.tmpdir(), "tandem-pg-"));
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  const asRoot = process.getuid?.() === 0;
  // runuser, not su/sudo: no PAM prompt, and it exists on every Debian (util-linux).
  const asPostgres = (bin: string, args: string[]): Promise<unknown> =>
    asRoot ? run("runuser", ["-u", "postgres", "--", path.join(POSTGRES_BIN, bin), ...args]) : run(path.join(POSTGRES_BIN, bin), args);
  let started = false;
  const stop = async (): Promise<void> => {
    if (started) {
      started = false;
      await asPostgres("pg_ctl", ["stop", "-D", dataDir, "-m", "immediate", "-w", "-t", "30"]).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) {
      const { stdout } = await run("id", ["-u", "postgres"]);
      const { stdout: gid } = await run("id", ["-g", "postgres"]);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    await asPostgres("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    // PostgreSQL needs a concrete port: take a free one from the kernel, and retry if another
    // process grabbed it between our probe and postgres' bind.
    let port = 0;
    for (let attempt = 1; !started; attempt++) {
      port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c log_statement=ddl`;
      try {
        await asPostgres("pg_ctl", ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60", "-o", options]);
        started = true;
      } catch (err) {
        const log = await readFile(logFile, "utf8").catch(() => "");
        if (attempt >= 3 || !/could not bind|Address already in use/.test(log)) {
          throw new Error(`pg_ctl start failed: ${err instanceof Error ? err.message : String(err)}\n${log}`);
        }
      }
    }
    const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    return {
      port,
      adminUrl,
      logFile,
      createDatabase: async (name) => {
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name must be a plain identifier: ${name}`);
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE "${name}"`);
        } finally {
          await client.end();
        }
        return `postgresql://postgres@127.0.0.1:${port}/${name}`;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
