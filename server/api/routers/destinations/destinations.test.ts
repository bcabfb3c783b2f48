// The destinations procedures against the real thing: an embedded cluster (coordinator + six
// broker node processes on free ports) and a real SQLite database (apiTestHarness).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { ClusterRuntime } from "../../../console/cluster/ClusterRuntime";
import { createApiTestHarness, type ApiTestHarness, rejectsWith, principal } from "../../apiTestHarness";
import { freePortOffset } from "../../../../e2e/support/freePortOffset";
import { runtimeOver } from "../../../../e2e/support/runtimeOver";

async function until<T>(what: string, fn: () => T | undefined | null | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = fn();
    if (v !== undefined && v !== null && v !== false) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("destinations procedures against an embedded cluster", () => {
  let dir: string;
  let cluster: ClusterRuntime;
  let h: ApiTestHarness;
  const op = principal("operator", "olga");
  const viewer = principal("viewer", "vic");

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tandem-dest-api-"));
    cluster = await ClusterRuntime.start({ mode: "embedded", dataDir: dir, coordinatorPort: 0, portOffset: await freePortOffset(), logger: pino({ level: "silent" }) });
    cluster.setWatched(true);
    const serving = (g: string): boolean => {
      const m = cluster.masterOf(g);
      return m !== null && (cluster.pollers.get(m)?.latest?.info as { serving?: boolean } | null | undefined)?.serving === true;
    };
    await until("a serving master in both groups", () => serving("group1") && serving("group2"), 60_000);
    h = await createApiTestHarness({ runtime: runtimeOver(cluster) });
  });
  after(async () => {
    await h?.close();
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("create on each group's master, list across groups with server-side filter, sort and paging", async () => {
    const c = h.caller(op);
    const made = await c.destinations.create({ group: "group1", kind: "queue", name: "orders" });
    assert.deepEqual({ ...made, node: undefined }, { group: "group1", node: undefined, destination: "/queue/orders", created: true });
    assert.equal(made.node, cluster.masterOf("group1"));
    assert.equal((await c.destinations.create({ group: "group1", kind: "queue", name: "/queue/orders" })).created, false, "idempotent");
    // A name that contradicts its kind, a wildcard or a path trick is refused, not guessed at.
    for (const [kind, name] of [["queue", "/topic/x"], ["queue", "ux.*.wild"], ["topic", "ux.>"], ["queue", "x/../../etc"]] as const) {
      const err = await rejectsWith(c.destinations.create({ group: "group1", kind, name }), "BAD_REQUEST", "INVALID_DESTINATION_NAME");
      assert.doesNotMatch(err.message, /^\[|"code":/, "a sentence, not a zod dump");
    }
    await c.destinations.create({ group: "group2", kind: "queue", name: "orders" });
    await c.destinations.create({ group: "group2", kind: "topic", name: "prices" });
    for (let i = 0; i < 3; i++) await c.destinations.send({ group: "group2", name: "/queue/orders", body: `m${i}` });

    const v = h.caller(viewer);
    const all = await v.destinations.list({ filter: "ORDERS", sort: "depth", order: "desc" });
    assert.equal(all.attached, true);
    assert.equal(all.total, 2);
    assert.deepEqual(all.items.map((r) => [r.group, r.name, r.depth]), [["group2", "/queue/orders", 3], ["group1", "/queue/orders", 0]]);
    assert.ok(all.items[0].oldestMessageAgeMs !== null && all.items[0].oldestMessageAgeMs >= 0);
    assert.deepEqual(all.groups.map((g) => [g.group, g.error]), [["group1", null], ["group2", null]]);
    const topics = await v.destinations.list({ kind: "topic" });
    assert.deepEqual(topics.items.map((r) => r.name), ["/topic/prices"]);
    const paged = await v.destinations.list({ sort: "name", order: "asc", offset: 1, limit: 1, group: "group2" });
    assert.equal(paged.total, 2);
    assert.deepEqual(paged.items.map((r) => r.name), ["/topic/prices"]);
  });

  test("send, browse without consuming, read one message with headers and a truncated body", async () => {
    const c = h.caller(op);
    const body = "<script>alert(1)</script>" + "x".repeat(100);
    const sent = await c.destinations.send({ group: "group1", name: "/queue/orders", headers: { "x-test": "yes" }, body, persistent: true });
    assert.equal(sent.sent, 1);
    const page = await h.caller(viewer).destinations.browse({ group: "group1", name: "/queue/orders", offset: 0, limit: 10 });
    assert.equal(page.total, 1);
    assert.equal(page.items[0].id, sent.id);
    assert.equal(page.items[0].headers["x-test"], "yes");
    const again = await h.caller(viewer).destinations.browse({ group: "group1", name: "/queue/orders" });
    assert.equal(again.total, 1, "browsing does not consume");
    // Reading a body is a capability of its own: a viewer an admin allowed to (see userManagement.test.ts).
    const m = await h.caller({ ...viewer, canReadBodies: true }).destinations.message({ group: "group1", name: "/queue/orders", id: sent.id, maxBytes: 25 });
    assert.equal(m.bodyWithheld, false);
    assert.equal(m.truncated, true);
    assert.equal(Buffer.from(m.bodyBase64, "base64").toString(), "<script>alert(1)</script>");
    assert.equal(m.bodySize, body.length);
    assert.equal(m.encoding, "utf-8");
    assert.ok(m.headerList.some(([k, val]) => k === "x-test" && val === "yes"));
    await rejectsWith(h.caller(viewer).destinations.message({ group: "group1", name: "/queue/orders", id: "ID:nope" }), "NOT_FOUND");
  });

  test("purge needs the typed name (checked on the server) and answers the count; viewers are refused and audited", async () => {
    await rejectsWith(h.caller(op).destinations.purge({ group: "group2", name: "/queue/orders", confirmName: "/queue/order" }), "PRECONDITION_FAILED", "CONFIRMATION_MISMATCH");
    await rejectsWith(h.caller(viewer).destinations.purge({ group: "group2", name: "/queue/orders", confirmName: "/queue/orders" }), "FORBIDDEN");
    assert.equal((await h.caller(viewer).destinations.get({ group: "group2", name: "/queue/orders" })).depth, 3, "nothing purged yet");
    const r = await h.caller(op).destinations.purge({ group: "group2", name: "/queue/orders", confirmName: "/queue/orders" });
    assert.equal(r.purged, 3);
    assert.equal((await h.caller(viewer).destinations.get({ group: "group2", name: "/queue/orders" })).depth, 0);
    const audit = await h.prisma.auditLog.findMany({ where: { action: "destinations.purge" }, orderBy: { id: "asc" } });
    assert.deepEqual(audit.map((a) => [a.actor, a.target, a.result]), [
      ["olga", "/queue/orders", "CONFIRMATION_MISMATCH"],
      ["vic", "/queue/orders", "FORBIDDEN"],
      ["olga", "/queue/orders", "ok"],
    ]);
  });

  test("retry from the DLQ: move one by id, copy by selector, move all", async () => {
    const c = h.caller(op);
    const dlq = "/queue/DLQ.orders";
    const ids: string[] = [];
    for (const color of ["red", "blue", "red"]) ids.push((await c.destinations.send({ group: "group1", name: dlq, headers: { color }, body: color })).id);
    const got = await h.caller(viewer).destinations.get({ group: "group1", name: dlq });
    assert.equal(got.retryTarget, "/queue/orders");
    const one = await c.destinations.move({ group: "group1", name: dlq, to: "/queue/orders", messageIds: [ids[1]] });
    assert.equal(one.moved, 1);
    const copied = await c.destinations.move({ group: "group1", name: dlq, to: "/queue/audit", selector: "color = 'red'", copy: true });
    assert.deepEqual([copied.moved, copied.copied], [2, true]);
    const rest = await c.destinations.move({ group: "group1", name: dlq, to: "/queue/orders", all: true });
    assert.equal(rest.moved, 2);
    const v = h.caller(viewer);
    assert.equal((await v.destinations.browse({ group: "group1", name: dlq })).total, 0);
    assert.equal((await v.destinations.browse({ group: "group1", name: "/queue/orders" })).total, 4);
    assert.equal((await v.destinations.browse({ group: "group1", name: "/queue/audit" })).total, 2);
    await rejectsWith(c.destinations.move({ group: "group1", name: "/queue/orders", to: "/queue/x" }), "BAD_REQUEST", "BAD_MOVE");
    await rejectsWith(c.destinations.move({ group: "group1", name: "/queue/orders", to: "/queue/x", selector: "((" }), "BAD_REQUEST");
  });

  test("delete needs the typed name; unknown groups and destinations are typed errors", async () => {
    const c = h.caller(op);
    await rejectsWith(c.destinations.delete({ group: "group2", name: "/topic/prices", confirmName: "" }), "PRECONDITION_FAILED");
    const d = await c.destinations.delete({ group: "group2", name: "/topic/prices", confirmName: "/topic/prices" });
    assert.deepEqual([d.deleted, d.purged], [true, 0]);
    await rejectsWith(h.caller(viewer).destinations.get({ group: "group2", name: "/topic/prices" }), "NOT_FOUND");
    await rejectsWith(h.caller(viewer).destinations.get({ group: "nope", name: "/queue/a" }), "NOT_FOUND", "NO_GROUP");
    await rejectsWith(h.caller(viewer).destinations.get({ group: "group1", name: "orders" }), "BAD_REQUEST");
    assert.equal((await h.caller(viewer).destinations.list({ group: "group2" })).items.some((r) => r.name === "/topic/prices"), false, "the list sees the delete at once");
  });

  test("history and sparklines from MetricSample rows: raw within the hour, rollups beyond, rates from deltas", async () => {
    const master = cluster.masterOf("group1")!;
    const now = Date.now();
    const rows = [];
    for (let i = 0; i < 6; i++) {
      const time = new Date(now - (6 - i) * 60_000);
      rows.push({ time, node: master, destination: "/queue/orders", metric: "depth", value: i, resolution: 0 });
      rows.push({ time, node: master, destination: "/queue/orders", metric: "enqueued", value: 600 * i, resolution: 0 });
      rows.push({ time, node: master, destination: "/queue/orders", metric: "dequeued", value: 60 * i, resolution: 0 });
    }
    rows.push({ time: new Date(now - 3 * 3_600_000), node: master, destination: "/queue/orders", metric: "depth", value: 42, resolution: 60 });
    // Same name in the other group must not leak into group1's history.
    rows.push({ time: new Date(now - 60_000), node: cluster.masterOf("group2")!, destination: "/queue/orders", metric: "depth", value: 999, resolution: 0 });
    await h.prisma.metricSample.createMany({ data: rows });
    const v = h.caller(viewer);
    const hour = await v.destinations.history({ group: "group1", name: "/queue/orders", rangeMs: 3_600_000 });
    assert.equal(hour.bucketMs, 5000);
    // The window opens with the last value before it (a destination gets samples only when it moves).
    assert.deepEqual(hour.points.map((p) => p.depth), [42, 0, 1, 2, 3, 4, 5]);
    assert.deepEqual(hour.points.slice(2).map((p) => p.inPerSec), [10, 10, 10, 10, 10]);
    assert.deepEqual(hour.points.slice(2).map((p) => p.outPerSec), [1, 1, 1, 1, 1]);
    const day = await v.destinations.history({ group: "group1", name: "/queue/orders", rangeMs: 24 * 3_600_000 });
    assert.equal(day.points[0].depth, 42, "minute rollups beyond the hour");
    const list = await v.destinations.list({ group: "group1", filter: "/queue/orders" });
    const spark = list.items.find((r) => r.name === "/queue/orders")!.spark;
    // The sparkline opens with the depth held before its 15 minutes, like the history, and ends with the depth held now.
    assert.deepEqual(spark, [42, 0, 1, 2, 3, 4, 5, 5]);
    // A stuck queue (no sample for an hour) draws its depth, not a blank line.
    await h.prisma.metricSample.create({ data: { time: new Date(now - 3_600_000), node: master, destination: "/queue/stuck", metric: "depth", value: 7, resolution: 0 } });
    await h.caller(op).destinations.create({ group: "group1", kind: "queue", name: "/queue/stuck" });
    const stuck = (await v.destinations.list({ group: "group1", filter: "/queue/stuck" })).items.find((r) => r.name === "/queue/stuck");
    assert.deepEqual(stuck?.spark, [7, 7]);
  });
});
