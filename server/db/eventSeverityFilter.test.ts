// The events page's severity filter on a real SQLite database: severity is a column (written with
// each event, backfilled for older rows by the migration), so the filter pages in the database.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { pino } from "pino";
import { eventSeverity } from "../console/events/eventSeverity";
import type { PrismaClient } from "./createPrismaClient";
import { createEventRepository } from "./eventRepository";
import { openDatabase } from "./openDatabase";

const logger = pino({ level: "silent" });
const prismaDir = path.resolve(import.meta.dirname, "../../prisma");
let dir: string;
let prisma: PrismaClient;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "tandem-events-"));
  ({ prisma } = await openDatabase({ databaseUrl: "file:./console.db", cwd: dir, prismaDir, logger }));
});
after(async () => {
  await prisma?.$disconnect();
  await rm(dir, { recursive: true, force: true });
});

const SAMPLES: Array<{ kind: string; data?: Record<string, unknown> }> = [
  { kind: "quorum-lost", data: { cause: "quorum lost" } },
  { kind: "node-down" },
  { kind: "election", data: { master: "mq2", previous: "mq1" } },
  { kind: "election", data: { master: "mq1", previous: null } },
  { kind: "alert-firing", data: { labels: { severity: "critical" } } },
  { kind: "alert-firing", data: { labels: { severity: "page-me-maybe" } } },
  { kind: "alert-resolved", data: { severity: "critical" } },
  { kind: "admin-action", data: { actor: "admin" } },
  { kind: "slave-lagging", data: { severity: "critical" } },
];

test("recorded events carry their severity; the search filters by it and counts in the database", async () => {
  const events = createEventRepository(prisma);
  for (const s of SAMPLES) await events.record({ kind: s.kind, message: s.kind, data: s.data as never });
  const kinds = async (severities: string[]): Promise<string[]> => (await events.search({ severities, offset: 0, limit: 50 })).items.map((e) => e.kind).sort();
  assert.deepEqual(await kinds(["critical"]), ["alert-firing", "quorum-lost", "slave-lagging"]);
  assert.deepEqual(await kinds(["warning"]), ["alert-firing", "election", "node-down"]);
  assert.deepEqual(await kinds(["info"]), ["admin-action", "alert-resolved", "election"]);
  assert.equal((await events.search({ severities: ["critical", "warning"], offset: 0, limit: 2 })).total, 6);
  assert.equal((await events.search({ offset: 0, limit: 1 })).total, SAMPLES.length);
});

test("the migration's backfill gives older rows the answer eventSeverity() gives", async () => {
  await prisma.eventLog.deleteMany({});
  const sql = await readFile(path.join(prismaDir, "migrations", "20261204040000_event_severity", "migration.sql"), "utf8");
  const update = /UPDATE "EventLog"[\s\S]*?END;/.exec(sql)?.[0];
  assert.ok(update, "the migration backfills existing rows");
  const db = new Database(path.join(dir, "console.db"));
  try {
    // Rows as written before the column existed: severity left at the column's default.
    const insert = db.prepare(`INSERT INTO "EventLog" ("time", "kind", "message", "data") VALUES (?, ?, ?, ?)`);
    for (const s of SAMPLES) insert.run(new Date().toISOString(), s.kind, s.kind, s.data === undefined ? null : JSON.stringify(s.data));
    db.exec(update);
    const rows = db.prepare(`SELECT "kind", "data", "severity" FROM "EventLog" ORDER BY "id"`).all() as Array<{ kind: string; data: string | null; severity: string }>;
    assert.equal(rows.length, SAMPLES.length);
    for (const r of rows) assert.equal(r.severity, eventSeverity(r.kind, r.data === null ? undefined : JSON.parse(r.data)), `${r.kind} ${r.data}`);
  } finally {
    db.close();
  }
});
