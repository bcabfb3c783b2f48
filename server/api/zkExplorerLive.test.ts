import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ACL, createClient, Id, Permission, type Client } from "node-zookeeper-client";
import { pino } from "pino";
import type { LiveMessage } from "../console/LiveEvents";
import { CoordinatorServer } from "../runtime/coordinator/CoordinatorServer";
import { CoordinationClient } from "../runtime/zk/CoordinationClient";
import { createApiTestHarness, principal, rejectsWith, type ApiTestHarness } from "./apiTestHarness";

/** Waits (bounded, generous: another channel) until `pred` holds. */
async function eventually(what: string, pred: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const invalidates = (m: LiveMessage, procedure: string, p: string): boolean =>
  m.type === "invalidate" && m.path.join(".") === `zk.${procedure}` && ("input" in m ? m.input.path : undefined) === p;

describe("zk explorer: watch-driven updates, ACLs, create modes, recursive delete (real coordinator over TCP)", () => {
  let dataDir: string;
  let server: CoordinatorServer;
  let h: ApiTestHarness;
  /** "Someone else": a separate coordination session, not the console's. */
  let other: CoordinationClient;
  const op = principal("operator", "olga");
  const viewer = principal("viewer", "vic");
  let connectString: string;

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "tandem-console-zk-live-"));
    server = await CoordinatorServer.start({ host: "127.0.0.1", port: 0, dataDir, logger: pino({ level: "silent" }) });
    connectString = `127.0.0.1:${server.address().port}`;
    h = await createApiTestHarness({ zkConnectString: connectString });
    other = await CoordinationClient.connect({ connectString, logger: pino({ level: "silent" }) });
  });
  after(async () => {
    await other.close();
    await h.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("changes made by another client reach the live channel through watches, not polling", async () => {
    await other.create("/w", Buffer.from("v0"), "persistent");
    const v = h.caller(viewer);
    await v.zk.children({ path: "/" });
    await v.zk.children({ path: "/w" });
    await v.zk.get({ path: "/w" });
    h.published.length = 0;

    await other.create("/w/kid", null, "persistent");
    await eventually("children of /w invalidated", () => h.published.some((m) => invalidates(m, "children", "/w")));
    assert.ok(h.published.some((m) => invalidates(m, "get", "/w")), "the panel's stat (numChildren) is refreshed too");

    h.published.length = 0;
    await other.setData("/w", Buffer.from("v1"));
    await eventually("data of /w invalidated", () => h.published.some((m) => invalidates(m, "get", "/w")));

    // Watches are one-shot: a refetch re-arms them, so a second change is seen too.
    await v.zk.get({ path: "/w" });
    h.published.length = 0;
    await other.setData("/w", Buffer.from("v2"));
    await eventually("second change of /w invalidated", () => h.published.some((m) => invalidates(m, "get", "/w")));
    assert.equal(Buffer.from((await v.zk.get({ path: "/w" })).dataBase64!, "base64").toString(), "v2");

    // A grandchild changes a listed child's child count: the parent's listing is refreshed.
    await v.zk.children({ path: "/w" });
    h.published.length = 0;
    await other.create("/w/kid/grandkid", null, "persistent");
    await eventually("listing of /w refreshed for its child's count", () => h.published.some((m) => invalidates(m, "children", "/w")));
    assert.equal((await v.zk.children({ path: "/w" })).children.find((c) => c.name === "kid")?.numChildren, 1);
  });

  test("the ACL of a znode is shown as zkCli prints it", async () => {
    await other.create("/secured", null, "persistent");
    const raw: Client = createClient(connectString);
    await new Promise<void>((resolve) => {
      raw.once("connected", () => resolve());
      raw.connect();
    });
    try {
      await new Promise<void>((resolve, reject) =>
        raw.setACL("/secured", [new ACL(Permission.READ | Permission.ADMIN, new Id("ip", "127.0.0.1"))], -1, (err) => (err ? reject(err) : resolve())),
      );
    } finally {
      raw.close();
    }
    const v = h.caller(viewer);
    assert.deepEqual(await v.zk.acl({ path: "/secured" }), {
      path: "/secured",
      aclVersion: 1,
      acl: [{ scheme: "ip", id: "127.0.0.1", perms: 17, permsText: "ra" }],
    });
    assert.deepEqual((await v.zk.acl({ path: "/w" })).acl, [{ scheme: "world", id: "anyone", perms: 31, permsText: "cdrwa" }]);
    await rejectsWith(v.zk.acl({ path: "/nothing-here" }), "NOT_FOUND", "NO_NODE");
  });

  test("ephemeral nodes are owned by the console's session and say so; sequential and container modes", async () => {
    const c = h.caller(op);
    const eph = await c.zk.create({ path: "/w/lock", data: "", encoding: "text", mode: "ephemeral" });
    assert.match(eph.ephemeralOwner ?? "", /^0x[0-9a-f]+$/);
    const got = await c.zk.get({ path: "/w/lock" });
    assert.equal(got.stat.ephemeralOwner, eph.ephemeralOwner);
    assert.equal(got.ownedByConsole, true);
    assert.equal((await c.zk.get({ path: "/w" })).ownedByConsole, false);

    const seq = await c.zk.create({ path: "/w/member-", data: "x", encoding: "text", mode: "ephemeral_sequential" });
    assert.match(seq.path, /^\/w\/member-\d{10}$/);
    assert.equal(seq.ephemeralOwner, eph.ephemeralOwner);
    const pseq = await c.zk.create({ path: "/w/job-", data: "x", encoding: "text", mode: "persistent_sequential" });
    assert.match(pseq.path, /^\/w\/job-\d{10}$/);
    assert.equal(pseq.ephemeralOwner, null);

    // A container goes by itself once its last child is gone (the server's ContainerManager).
    assert.deepEqual(await c.zk.create({ path: "/box", data: "", encoding: "text", mode: "container" }), { path: "/box", ephemeralOwner: null });
    await c.zk.create({ path: "/box/item", data: "", encoding: "text", mode: "persistent" });
    await c.zk.delete({ path: "/box/item", version: -1 });
    await eventually("the empty container is removed by the server", async () => (await other.exists("/box")) === null);
  });

  test("recursive delete: preview deepest first, deletes exactly what was previewed, refuses a stale preview", async () => {
    for (const p of ["/tree", "/tree/a", "/tree/a/b", "/tree/c"]) await other.create(p, null, "persistent");
    const c = h.caller(op);
    const preview = await h.caller(viewer).zk.deletePreview({ path: "/tree" });
    assert.deepEqual(preview.znodes.map((z) => z.path), ["/tree/a/b", "/tree/a", "/tree/c", "/tree"]);
    assert.equal(preview.tooMany, false);
    assert.ok(preview.znodes.every((z) => z.impact === null), "nothing Tandem uses here");

    await other.create("/tree/late", null, "persistent");
    await rejectsWith(c.zk.deleteRecursive({ path: "/tree", fingerprint: preview.fingerprint }), "CONFLICT", "PREVIEW_STALE");
    assert.notEqual(await other.exists("/tree/a/b"), null, "nothing was deleted on a stale preview");

    const again = await c.zk.deletePreview({ path: "/tree" });
    assert.equal(again.znodes.length, 5);
    await rejectsWith(h.caller(viewer).zk.deleteRecursive({ path: "/tree", fingerprint: again.fingerprint }), "FORBIDDEN");
    assert.deepEqual(await c.zk.deleteRecursive({ path: "/tree", fingerprint: again.fingerprint }), { deleted: 5 });
    assert.equal(await other.exists("/tree"), null);
    await rejectsWith(c.zk.deletePreview({ path: "/zookeeper" }), "BAD_REQUEST", "RESERVED_PATH");
    const audit = await h.prisma.auditLog.findMany({ where: { action: "zk.deleteRecursive" }, orderBy: { id: "asc" } });
    assert.deepEqual(audit.map((a) => [a.actor, a.target, a.result]), [
      ["olga", "/tree", "PREVIEW_STALE"],
      ["vic", "/tree", "FORBIDDEN"],
      ["olga", "/tree", "ok"],
    ]);
  });
});
