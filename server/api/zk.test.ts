import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { CoordinatorServer } from "../runtime/coordinator/CoordinatorServer";
import { createApiTestHarness, type ApiTestHarness, rejectsWith, principal } from "./apiTestHarness";

describe("zk explorer procedures against the embedded coordinator (real TCP)", () => {
  let dataDir: string;
  let server: CoordinatorServer;
  let h: ApiTestHarness;
  const op = principal("operator", "olga");
  const viewer = principal("viewer", "vic");

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "tandem-console-zk-"));
    server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir, logger: pino({ level: "silent" }) });
    h = await createApiTestHarness({ zkConnectString: `127.0.0.1:${server.address().port}` });
  });
  after(async () => {
    await h.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("create, list and get with a full stat", async () => {
    const c = h.caller(op);
    assert.deepEqual(await c.zk.create({ path: "/app", data: '{"a":1}', encoding: "json", mode: "persistent" }), { path: "/app", ephemeralOwner: null });
    await c.zk.create({ path: "/app/child", data: "", encoding: "text", mode: "persistent" });
    const seq = await c.zk.create({ path: "/app/seq-", data: "x", encoding: "text", mode: "persistent_sequential" });
    assert.match(seq.path, /^\/app\/seq-\d{10}$/);
    const root = await c.zk.children({ path: "/" });
    assert.ok(root.children.some((ch) => ch.name === "app" && ch.numChildren === 2 && !ch.ephemeral));
    const kids = await c.zk.children({ path: "/app" });
    assert.deepEqual(kids.children.map((k) => k.path), ["/app/child", seq.path]);
    const got = await h.caller(viewer).zk.get({ path: "/app" });
    assert.equal(Buffer.from(got.dataBase64!, "base64").toString(), '{"a":1}');
    assert.equal(got.truncated, false);
    assert.equal(got.stat.dataVersion, 0);
    assert.equal(got.stat.numChildren, 2);
    assert.equal(got.stat.dataLength, 7);
    assert.equal(got.stat.ephemeralOwner, "0x0");
    assert.match(got.stat.cZxid, /^0x[0-9a-f]+$/);
    assert.ok(got.stat.ctime > 0 && got.stat.mtime >= got.stat.ctime);
    assert.ok(h.published.some((m) => m.type === "invalidate" && m.path[0] === "zk"), "mutations push an invalidation");
  });

  test("set checks the version the editor loaded", async () => {
    const c = h.caller(op);
    const first = await c.zk.set({ path: "/app", data: "00ff", encoding: "hex", version: 0 });
    assert.equal(first.stat.dataVersion, 1);
    await rejectsWith(c.zk.set({ path: "/app", data: "late", encoding: "text", version: 0 }), "CONFLICT", "BAD_VERSION");
    const got = await c.zk.get({ path: "/app" });
    assert.deepEqual([...Buffer.from(got.dataBase64!, "base64")], [0x00, 0xff]);
    const forced = await c.zk.set({ path: "/app", data: "aGVsbG8=", encoding: "base64", version: -1 });
    assert.equal(forced.stat.dataVersion, 2);
  });

  test("big data is truncated with a flag; the stat keeps the real length", async () => {
    const c = h.caller(op);
    await c.zk.create({ path: "/big", data: "y".repeat(5000), encoding: "text", mode: "persistent" });
    const got = await c.zk.get({ path: "/big", maxBytes: 100 });
    assert.equal(got.truncated, true);
    assert.equal(Buffer.from(got.dataBase64!, "base64").length, 100);
    assert.equal(got.stat.dataLength, 5000);
  });

  test("invalid input and ZooKeeper errors map to typed errors", async () => {
    const c = h.caller(op);
    await rejectsWith(c.zk.create({ path: "/app", data: "", encoding: "text", mode: "persistent" }), "CONFLICT", "NODE_EXISTS");
    await rejectsWith(c.zk.create({ path: "/nope/deeper", data: "", encoding: "text", mode: "persistent" }), "NOT_FOUND", "NO_NODE");
    await rejectsWith(c.zk.create({ path: "/bad", data: "{not json", encoding: "json", mode: "persistent" }), "BAD_REQUEST", "BAD_ENCODING");
    await rejectsWith(c.zk.create({ path: "/bad", data: "abc", encoding: "hex", mode: "persistent" }), "BAD_REQUEST", "BAD_ENCODING");
    await rejectsWith(c.zk.get({ path: "relative" }), "BAD_REQUEST");
    await rejectsWith(c.zk.get({ path: "/a/../b" }), "BAD_REQUEST");
    await rejectsWith(c.zk.get({ path: "/missing" }), "NOT_FOUND", "NO_NODE");
    await rejectsWith(c.zk.delete({ path: "/app", version: -1 }), "CONFLICT", "NOT_EMPTY");
    await rejectsWith(c.zk.delete({ path: "/zookeeper", version: -1 }), "BAD_REQUEST", "RESERVED_PATH");
  });

  test("a viewer may read but not change znodes; refusals are audited", async () => {
    const v = h.caller(viewer);
    assert.ok((await v.zk.children({ path: "/" })).children.length > 0);
    await rejectsWith(v.zk.set({ path: "/app", data: "evil", encoding: "text", version: -1 }), "FORBIDDEN");
    await rejectsWith(v.zk.delete({ path: "/big", version: -1 }), "FORBIDDEN");
    assert.equal((await v.zk.get({ path: "/big", maxBytes: 1 })).stat.dataLength, 5000);
    const audit = await h.prisma.auditLog.findMany({ where: { actor: "vic" }, orderBy: { id: "asc" } });
    assert.deepEqual(audit.map((a) => [a.action, a.target, a.result]), [
      ["zk.set", "/app", "FORBIDDEN"],
      ["zk.delete", "/big", "FORBIDDEN"],
    ]);
  });

  test("delete with a version check, audited with its outcome", async () => {
    const c = h.caller(op);
    await rejectsWith(c.zk.delete({ path: "/big", version: 7 }), "CONFLICT", "BAD_VERSION");
    assert.deepEqual(await c.zk.delete({ path: "/big", version: 0 }), { ok: true });
    await rejectsWith(c.zk.get({ path: "/big" }), "NOT_FOUND");
    const rows = await h.prisma.auditLog.findMany({ where: { actor: "olga", action: "zk.delete", target: "/big" }, orderBy: { id: "asc" } });
    assert.deepEqual(rows.map((r) => r.result), ["BAD_VERSION", "ok"]);
  });
});
