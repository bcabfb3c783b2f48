// The console's state on PostgreSQL: a throwaway PostgreSQL 15 from Debian's package (real server
// process, real TCP on 127.0.0.1), the console's own migration runner, the same repositories and
// the same tRPC procedure suites the SQLite tests run, and the console process itself.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import pg from "pg";
import { pino } from "pino";
import { postgresMigrationDiff } from "../prisma/postgres/migrationDiff";
import { searchEventLog } from "../server/db/eventSearch";
import { createMetricSampleRepository } from "../server/db/metricSampleRepository";
import { MetricsRecorder } from "../server/console/cluster/MetricsRecorder";
import { createEventRepository } from "../server/db/eventRepository";
import { migratePostgres } from "../server/db/migratePostgres";
import { openDatabase } from "../server/db/openDatabase";
import { postgresUnavailableReason, startPostgresServer, type PostgresServer } from "./support/postgresServer";

const ROOT = path.resolve(import.meta.dirname, "..");
const PRISMA_DIR = path.join(ROOT, "prisma");
const PG_MIGRATIONS = path.join(PRISMA_DIR, "postgres", "migrations");
const logger = pino({ level: "silent" });
const run = promisify(execFile);

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Tables, columns, indexes and constraints of a schema, as comparable text (bookkeeping excluded). */
async function catalogOf(url: string, schema = "public"): Promise<string[]> {
  const columns = await query<{ d: string }>(
    url,
    `SELECT table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' default=' || coalesce(column_default, '-') AS d
       FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`,
    [schema],
  );
  const indexes = await query<{ d: string }>(url, `SELECT indexdef AS d FROM pg_indexes WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`, [schema]);
  const constraints = await query<{ d: string }>(
    url,
    `SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS d
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE n.nspname = $1 AND c.conrelid::regclass::text NOT LIKE '%_prisma_migrations%'`,
    [schema],
  );
  return [...columns, ...indexes, ...constraints].map((r) => r.d).sort();
}

const unavailable = postgresUnavailableReason();

describe("console state on PostgreSQL 15 (Debian's package)", { skip: unavailable ?? false }, () => {
  let server: PostgresServer;

  before(async () => {
    server = await startPostgresServer();
  });
  after(async () => {
    await server?.stop();
  });

  test("migrations apply once under Prisma's lock and bookkeeping, and the migrations equal the schema", async () => {
    const url = await server.createDatabase("t_migrate");
    // Two consoles starting together on one database: the advisory lock serialises them.
    const reports = await Promise.all([1, 2].map(() => migratePostgres({ connectionString: url, migrationsDir: PG_MIGRATIONS, logger })));
    const applied = reports.map((r) => r.applied.length).sort();
    assert.equal(applied[0], 0);
    assert.ok(applied[1]! >= 1);
    assert.deepEqual(reports.map((r) => r.applied.length + r.alreadyApplied), [applied[1], applied[1]]);
    assert.deepEqual(await migratePostgres({ connectionString: url, migrationsDir: PG_MIGRATIONS, logger }), { applied: [], alreadyApplied: applied[1] });

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    assert.equal(rows.length, applied[1]);
    const first = await readFile(path.join(PG_MIGRATIONS, rows[0]!.migration_name, "migration.sql"));
    assert.equal(rows[0]!.checksum, createHash("sha256").update(first).digest("hex"), "same checksum as prisma migrate deploy");
    assert.ok(rows.every((r) => r.finished_at instanceof Date && r.applied_steps_count === 1));

    const env = { ...process.env, DATABASE_URL: url, PRISMA_SCHEMA_ENGINE_BINARY: "/bin/false", PRISMA_QUERY_ENGINE_LIBRARY: "/dev/null" };
    const expectedUrl = await server.createDatabase("t_expected");
    const [status, schemaSql] = await Promise.all([
      // Prisma's own CLI reads our bookkeeping and finds nothing to do.
      run(path.join(ROOT, "node_modules", ".bin", "prisma"), ["migrate", "status", "--config", path.join(PRISMA_DIR, "postgres", "prisma.config.ts")], { cwd: ROOT, env }),
      // Drift check: what Prisma would create from the schema today, in a second database …
      postgresMigrationDiff(["--from-empty"], expectedUrl),
    ]);
    assert.match(status.stdout, /Database schema is up to date/);
    await query(expectedUrl, schemaSql);
    // … must be exactly what the migration history built.
    const [migrated, expected] = await Promise.all([catalogOf(url), catalogOf(expectedUrl)]);
    assert.ok(expected.some((d) => d.startsWith("User.username text")), "catalog query sees the tables");
    assert.deepEqual(migrated, expected, "prisma/postgres/migrations do not build prisma/postgres/schema.prisma: add a migration");
  });

  test("a failing migration rolls back completely; an unresolved failure blocks later starts", async () => {
    const url = await server.createDatabase("t_failing");
    const dir = await mkdtemp(path.join(os.tmpdir(), "tandem-pg-migrations-"));
    try {
      await mkdir(path.join(dir, "001_ok"));
      await mkdir(path.join(dir, "002_bad"));
      await writeFile(path.join(dir, "001_ok", "migration.sql"), `CREATE TABLE "A" ("id" INTEGER);`);
      await writeFile(path.join(dir, "002_bad", "migration.sql"), `CREATE TABLE "B" ("id" INTEGER);\nINSERT INTO "Nope" VALUES (1);`);
      await assert.rejects(migratePostgres({ connectionString: url, migrationsDir: dir, logger }), /002_bad failed and was rolled back: .*Nope/);
      const tables = (await query<{ t: string }>(url, `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'`)).map((r) => r.t);
      assert.ok(tables.includes("A") && !tables.includes("B"), `002 left nothing behind: ${tables.join(",")}`);
      assert.deepEqual((await query<{ n: string }>(url, `SELECT migration_name AS n FROM "_prisma_migrations"`)).map((r) => r.n), ["001_ok"]);

      // What `prisma migrate deploy` leaves after a failure (P3009): a row without finished_at.
      await query(url, `INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'y', '002_bad')`);
      await writeFile(path.join(dir, "002_bad", "migration.sql"), `CREATE TABLE "B" ("id" INTEGER);`);
      await assert.rejects(migratePostgres({ connectionString: url, migrationsDir: dir, logger }), /002_bad failed earlier and is not resolved/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("repositories on PostgreSQL: events with JSON, raw-SQL event search, metric rollups; ?schema= is honoured", async () => {
    const base = await server.createDatabase("t_repos");
    const { prisma, target, migrations } = await openDatabase({ databaseUrl: `${base}?schema=console`, cwd: ROOT, prismaDir: PRISMA_DIR, logger });
    try {
      assert.equal(target.kind, "postgresql");
      assert.ok(migrations.applied.length >= 1);
      const inConsole = await query<{ t: string }>(base, `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'console'`);
      assert.ok(inConsole.some((r) => r.t === "EventLog") && inConsole.some((r) => r.t === "_prisma_migrations"));

      const events = createEventRepository(prisma);
      const t0 = new Date("2026-01-01T00:00:00.000Z");
      await events.record({ kind: "election", group: "g1", node: "mq1", message: "mq1 elected at 50% quorum", data: { eid: 7, members: ["mq1", "mq2"] }, time: t0 });
      await events.record({ kind: "node_down", group: "g1", node: "mq2", message: "mq2 down (upward 50 of 60)" });
      await events.record({ kind: "node_up", group: "g2", node: "mq3", message: "mq3 up_again" });
      const listed = await events.list({ limit: 10, group: "g1" });
      assert.deepEqual(listed.map((e) => e.kind), ["node_down", "election"]);
      assert.deepEqual(listed[1]!.data, { eid: 7, members: ["mq1", "mq2"] });
      assert.equal(listed[1]!.time.toISOString(), t0.toISOString());
      assert.deepEqual((await events.list({ limit: 1, beforeId: listed[0]!.id })).map((e) => e.id), [listed[1]!.id]);

      // Raw SQL through Prisma.sql on the PostgreSQL client: LIKE escapes, COUNT as bigint.
      const percent = await searchEventLog(prisma, { text: "50%", offset: 0, limit: 10 });
      assert.deepEqual([percent.total, percent.items.map((e) => e.node)], [1, ["mq1"]]);
      const underscore = await searchEventLog(prisma, { text: "p_a", offset: 0, limit: 10 });
      assert.deepEqual([underscore.total, underscore.items.map((e) => e.node)], [1, ["mq3"]], "_ is a literal, not a wildcard");
      const paged = await searchEventLog(prisma, { kinds: ["election", "node_down", "node_up"], offset: 1, limit: 1 });
      assert.deepEqual([paged.total, paged.items.map((e) => e.kind)], [3, ["node_down"]]);

      // Metric history: createMany, then a rollup in one $transaction (createMany + deleteMany).
      const now = Date.parse("2026-01-01T12:00:00.000Z");
      const old = now - 2 * 3_600_000;
      await prisma.metricSample.createMany({
        data: [0, 10_000, 20_000].map((dt, i) => ({ time: new Date(old + dt), node: "mq1", destination: null, metric: "depth", value: 10 * (i + 1), resolution: 0 })),
      });
      await prisma.metricSample.create({ data: { time: new Date(now - 1000), node: "mq1", metric: "depth", value: 5, resolution: 0 } });
      // Thousands of destination series (every destination that moved gets samples): 2,000
      // destinations x 3 metrics x 6 samples in one minute, folded set-based like the rest.
      const many: Parameters<ReturnType<typeof createMetricSampleRepository>["insert"]>[0] = [];
      for (let i = 0; i < 6; i++) {
        for (let d = 0; d < 2000; d++) for (const metric of ["depth", "enqueued", "dequeued"]) many.push({ time: new Date(old + 60_000 + i * 10_000), node: "mq2", destination: `/queue/d${d}`, metric, value: d + i, resolution: 0 });
      }
      await createMetricSampleRepository(prisma).insert(many);
      await new MetricsRecorder(createMetricSampleRepository(prisma), logger).rollup(now);
      assert.equal(await prisma.metricSample.count({ where: { node: "mq2", resolution: 0 } }), 0);
      const folded = await prisma.metricSample.findMany({ where: { node: "mq2", resolution: 60 } });
      assert.equal(folded.length, 6000, "one row per destination series");
      assert.equal(folded.find((x) => x.destination === "/queue/d1500" && x.metric === "dequeued")?.value, 1502.5);
      await prisma.metricSample.deleteMany({ where: { node: "mq2" } });
      const samples = await prisma.metricSample.findMany({ orderBy: { time: "asc" } });
      assert.deepEqual(
        samples.map((s) => [s.resolution, s.value, s.time.getTime()]),
        [
          [60, 20, Math.floor(old / 60_000) * 60_000],
          [0, 5, now - 1000],
        ],
      );
    } finally {
      await prisma.$disconnect();
    }
  });

  test("the tRPC procedure suites (auth, zk) pass unchanged on PostgreSQL", async () => {
    // The same test files the SQLite run uses; the harness reads TANDEM_TEST_POSTGRES_URL and
    // gives each suite a fresh database on this server.
    const suites = ["server/api/auth.test.ts", "server/api/zk.test.ts"];
    const child = spawn(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", "--test-concurrency=2", ...suites], {
      cwd: ROOT,
      // Without NODE_TEST_CONTEXT: a `node --test` under our runner would otherwise report to
      // it through a private channel instead of printing TAP.
      env: { ...withoutKey(process.env, "NODE_TEST_CONTEXT"), TANDEM_TEST_POSTGRES_URL: server.adminUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    const count = (name: string): number => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(out)?.[1] ?? NaN);
    assert.equal(code, 0, out.slice(-4000));
    assert.equal(count("fail"), 0);
    assert.ok(count("pass") >= 15, `expected the auth and zk suites, got ${count("pass")} passing tests`);
    // Proof the suites really ran on PostgreSQL: each harness created (and migrated) its database here.
    const log = await readFile(server.logFile, "utf8");
    assert.equal(log.match(/statement: CREATE DATABASE "tandem_api_[0-9a-f]+"/g)?.length, suites.length);
    assert.equal(log.match(/statement: DROP DATABASE IF EXISTS "tandem_api_/g)?.length, suites.length);
  });

  test(
    "the console process starts on PostgreSQL, and a second start keeps the first one's state",
    { skip: existsSync(path.join(ROOT, ".next", "BUILD_ID")) ? false : "no production build: run `npm run build` (npm ci does) to start the console itself" },
    async () => {
      const url = await server.createDatabase("t_console");
      const first = await startConsole(url);
      let password: string;
      try {
        assert.ok(first.password !== null, "first start prints the one-time admin password");
        password = first.password;
        const login = await trpcPost(first.url, "auth.login", { username: "admin", password });
        assert.equal(login.status, 200, JSON.stringify(login.body));
        assert.equal((login.body as { result: { data: { json: { mustChangePassword: boolean } } } }).result.data.json.mustChangePassword, true);
      } finally {
        await first.stop();
      }
      const second = await startConsole(url);
      try {
        assert.equal(second.password, null, "the admin exists already: no new password");
        assert.equal((await trpcPost(second.url, "auth.login", { username: "admin", password })).status, 200);
        assert.equal((await trpcPost(second.url, "auth.login", { username: "admin", password: "wrong" })).status, 401);
      } finally {
        await second.stop();
      }
      const sessions = await query<{ n: string }>(url, `SELECT count(*) AS n FROM "Session"`);
      assert.equal(Number(sessions[0]!.n), 2, "both logins were stored in PostgreSQL");
    },
  );
});

if (unavailable !== null) test(`PostgreSQL tests skipped: ${unavailable}`, { skip: unavailable }, () => undefined);

function withoutKey(env: NodeJS.ProcessEnv, key: string): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy[key];
  return copy;
}

async function trpcPost(base: string, procedure: string, input: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-tandem-csrf": "1", origin: base },
    body: JSON.stringify({ json: input }),
  });
  return { status: res.status, body: await res.json() };
}

/** server/main.ts as a real child process on an ephemeral port with DATABASE_URL=postgresql://… */
async function startConsole(databaseUrl: string): Promise<{ url: string; password: string | null; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", TANDEM_CONSOLE_PORT: "0", TANDEM_CONSOLE_HOST: "127.0.0.1", DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-10_000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    const started = await new Promise<{ port: number; password: string | null }>((resolve, reject) => {
      let password: string | null = null;
      const timer = setTimeout(() => reject(new Error(`console did not start within 60 s; stderr: ${stderr}`)), 60_000);
      createInterface({ input: child.stdout }).on("line", (line) => {
        const m = /^admin password: (\S+)$/.exec(line);
        if (m) password = m[1]!;
        if (!line.startsWith("{")) return;
        const j = JSON.parse(line) as { msg?: string; port?: number; service?: string };
        if (j.msg === "listening" && j.service === "console" && typeof j.port === "number") {
          clearTimeout(timer);
          resolve({ port: j.port, password });
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`console exited with ${code} before listening; stderr: ${stderr}`));
      });
    });
    return { url: `http://127.0.0.1:${started.port}`, password: started.password, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
