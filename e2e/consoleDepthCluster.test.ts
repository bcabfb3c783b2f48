// The console's depth features that need a real cluster, against one embedded cluster (real
// coordinator and six broker processes) and real STOMP clients over TCP: connections, consumers and
// durable subscriptions of a node with close-connection (operator, audited); message bodies only
// for those who may read them; bulk purge/delete with a preview; definitions round trip.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import { createApiTestHarness, principal, rejectsWith, type ApiTestHarness } from "../server/api/apiTestHarness";
import { ClusterConsoleRuntime } from "../server/console/cluster/ClusterConsoleRuntime";
import type { ClusterRuntime } from "../server/console/cluster/ClusterRuntime";
import { freePortOffset } from "./support/freePortOffset";
import { connectStomp, type StompTestClient } from "./support/stompClient";

async function until<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 100_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined && v !== null && v !== false) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("connections, consumers and durable subscriptions per node", { timeout: 170_000 }, () => {
  let dir: string;
  let rt: ClusterConsoleRuntime;
  let cluster: ClusterRuntime;
  let h: ApiTestHarness;
  let master: string;
  let port: number;
  const clients: StompTestClient[] = [];
  const op = principal("operator", "olga");
  const viewer = principal("viewer", "vic");

  /**
   * A STOMP connection to whichever node serves group1 by the time we try: on a loaded machine a
   * master can lose its coordinator session right after an election. Sets `master` and `port`.
   */
  async function connectToMaster(headers: Array<[string, string]>): Promise<StompTestClient> {
    const c = await until("a STOMP connection to group1's serving master", async () => {
      const m = cluster.masterOf("group1");
      if (m === null) return null;
      const url = cluster.nodes.find((n) => n.name === m)!.stomp.find((u) => u.startsWith("stomp://") || u.startsWith("tcp://"))!;
      const p = Number(new URL(url.replace(/^tcp:/, "stomp:")).port);
      try {
        const client = await connectStomp(p, { acceptVersion: "1.1,1.2", headers });
        master = m;
        port = p;
        return client;
      } catch {
        return null;
      }
    });
    clients.push(c);
    return c;
  }

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tandem-conn-api-"));
    rt = new ClusterConsoleRuntime({ mode: "embedded", dataDir: dir, coordinatorPort: 0, portOffset: await freePortOffset() });
    h = await createApiTestHarness({ runtime: rt });
    await rt.start({ prisma: h.prisma, events: h.services.events, live: h.services.live, logger: pino({ level: "silent" }) });
    cluster = rt.cluster!;
    cluster.setWatched(true);
    master = await until("a serving master in group1", () => {
      const m = cluster.masterOf("group1");
      return m !== null && (cluster.pollers.get(m)?.latest?.info as { serving?: boolean } | null | undefined)?.serving === true ? m : null;
    });
    const stomp = cluster.nodes.find((n) => n.name === master)!.stomp.find((u) => u.startsWith("stomp://") || u.startsWith("tcp://"))!;
    port = Number(new URL(stomp.replace(/^tcp:/, "stomp:")).port);
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await rt?.stop();
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("a consumer's address, protocol, heart-beat, rates and unacked; its durable subscription; closing it (operator, audited)", async () => {
    const consumer = await connectToMaster([["client-id", "news-reader"], ["heart-beat", "0,5000"]]);
    consumer.sendFrame("SUBSCRIBE", [["id", "s1"], ["destination", "/topic/news"], ["ack", "client-individual"], ["activemq.subscriptionName", "daily"]]);
    await consumer.sync();
    const producer = await connectStomp(port);
    clients.push(producer);
    for (let i = 0; i < 3; i++) await producer.request("SEND", [["destination", "/topic/news"]], `n${i}`);
    for (let i = 0; i < 3; i++) await consumer.expect("MESSAGE");

    const v = h.caller(viewer);
    const mine = (list: Awaited<ReturnType<typeof v.connections.list>>) => list.connections.find((c) => c.clientId === "news-reader");
    const first = await until("the consumer listed with 3 unacked", async () => {
      const c = mine(await v.connections.list({ node: master }));
      return c !== undefined && c.unacked === 3 ? c : null;
    });
    assert.equal(first.version, "1.2");
    assert.match(first.remoteAddress, /127\.0\.0\.1/);
    assert.equal(first.transport, "tcp");
    assert.ok(first.heartBeat !== null && first.heartBeat.sendEveryMs > 0, `the broker beats toward a client that asked for it: ${JSON.stringify(first.heartBeat)}`);
    assert.equal(first.heartBeat.expectEveryMs, 0, "the client promised no beats");
    assert.deepEqual(first.subscriptions.map((s) => [s.destination, s.ackMode, s.inflight]), [["/topic/news", "client-individual", 3]]);
    assert.equal(first.messagesOut, 3);

    // Rates come from two listings of the node's counters, not from a guess.
    for (let i = 0; i < 4; i++) await producer.request("SEND", [["destination", "/topic/news"]], `m${i}`);
    await new Promise((r) => setTimeout(r, 1_200));
    const prod = await until("the producer's in-rate", async () => {
      const p = (await v.connections.list({ node: master })).connections.find((c) => c.messagesIn >= 7);
      return p?.inPerSec !== null && p?.inPerSec !== undefined && p.inPerSec > 0 ? p : null;
    });
    assert.equal(prod.clientId, null);

    const durables = await v.connections.durables({ node: master });
    const d = durables.durables.find((x) => x.subscriptionName === "daily");
    assert.ok(d, JSON.stringify(durables));
    assert.deepEqual({ clientId: d.clientId, topic: d.topic, consumers: d.consumers }, { clientId: "news-reader", topic: "/topic/news", consumers: 1 });
    assert.ok(d.pending + d.inflight >= 7, JSON.stringify(d));

    await rejectsWith(v.connections.close({ node: master, id: first.id }), "FORBIDDEN");
    assert.deepEqual(await h.caller(op).connections.close({ node: master, id: first.id }), { node: master, id: first.id });
    await consumer.waitClosed(15_000);
    await until("the closed connection gone from the list", async () => mine(await v.connections.list({ node: master })) === undefined);
    const after = await until("the durable subscription offline", async () => {
      const x = (await v.connections.durables({ node: master })).durables.find((y) => y.subscriptionName === "daily");
      return x?.consumers === 0 ? x : null;
    });
    assert.equal(after.inflight, 0, "unacked messages went back to the subscription");
    assert.ok(after.pending >= 7);
    await rejectsWith(h.caller(op).connections.close({ node: master, id: first.id }), "NOT_FOUND", "NO_CONNECTION");
    await rejectsWith(v.connections.list({ node: "no-such-node" }), "NOT_FOUND", "NO_NODE");

    const audit = await h.prisma.auditLog.findMany({ where: { action: "connections.close" }, orderBy: { id: "asc" } });
    assert.deepEqual(audit.map((a) => [a.actor, a.target, a.result]), [
      ["vic", `${master}/${first.id}`, "FORBIDDEN"],
      ["olga", `${master}/${first.id}`, "ok"],
      ["olga", `${master}/${first.id}`, "NO_CONNECTION"],
    ]);
  });

  test("a message body is shown only to those who may read bodies, and each read is audited", async () => {
    const op2 = h.caller(op);
    await op2.destinations.create({ group: "group1", kind: "queue", name: "secret" });
    await op2.destinations.send({ group: "group1", name: "/queue/secret", body: "the launch codes" });
    const page = await until("the message browsable", async () => {
      const p = await h.caller(viewer).destinations.browse({ group: "group1", name: "/queue/secret" });
      return p.items.length === 1 ? p : null;
    });
    const id = page.items[0].id;

    // A real viewer account, first without and then with the capability an admin grants.
    const { password: oneTimePassword } = await h.services.auth.createUser("reader", "viewer");
    const first = await h.loginAs("reader", oneTimePassword);
    await h.services.auth.changePassword(first.userId, oneTimePassword, "reader's long password");
    const reader = await h.loginAs("reader", "reader's long password");
    const hidden = await h.caller(reader).destinations.message({ group: "group1", name: "/queue/secret", id });
    assert.equal(hidden.bodyWithheld, true);
    assert.equal(hidden.bodyBase64, "");
    assert.equal(hidden.bodySize, "the launch codes".length, "size and headers stay visible");
    assert.equal(await h.prisma.auditLog.count({ where: { action: "destinations.readBody" } }), 0, "nothing was read");

    await h.caller(principal("admin", "root")).users.setBodyAccess({ username: "reader", canReadBodies: true });
    const allowed = await h.loginAs("reader", "reader's long password");
    const shown = await h.caller(allowed).destinations.message({ group: "group1", name: "/queue/secret", id });
    assert.equal(shown.bodyWithheld, false);
    assert.equal(Buffer.from(shown.bodyBase64, "base64").toString(), "the launch codes");
    await h.caller(op).destinations.message({ group: "group1", name: "/queue/secret", id });
    const reads = await h.prisma.auditLog.findMany({ where: { action: "destinations.readBody" }, orderBy: { id: "asc" } });
    assert.deepEqual(reads.map((r) => [r.actor, r.target, r.result]), [
      ["reader", `group1 /queue/secret ${id}`, "ok"],
      ["olga", `group1 /queue/secret ${id}`, "ok"],
    ]);
  });

  test("bulk purge and delete of filtered or ticked destinations, after a preview with counts", async () => {
    const c = h.caller(op);
    for (const n of ["bulk.a", "bulk.b", "bulk.c"]) await c.destinations.create({ group: "group1", kind: "queue", name: n });
    await c.destinations.create({ group: "group2", kind: "queue", name: "bulk.d" });
    for (const [g, n, k] of [["group1", "bulk.a", 2], ["group1", "bulk.b", 3], ["group2", "bulk.d", 1]] as const) {
      for (let i = 0; i < k; i++) await c.destinations.send({ group: g, name: `/queue/${n}`, body: `x${i}` });
    }
    const busy = await connectToMaster([]);
    busy.sendFrame("SUBSCRIBE", [["id", "b"], ["destination", "/queue/bulk.c"], ["ack", "client"]]);
    await busy.sync();

    const selection = { filter: "bulk." };
    let last: unknown = null;
    const preview = await until("the preview to see all five with their depths", async () => {
      const p = await h.caller(viewer).destinations.bulkPreview({ action: "purge", selection });
      last = p.items;
      // Five: the bridge mirrors the consumer's demand for bulk.c onto group2, which creates it there.
      return p.items.length === 5 && p.messages === 6 ? p : null;
    }).catch((err: Error) => {
      throw new Error(`${err.message}; last preview: ${JSON.stringify(last)}`);
    });
    assert.equal(preview.count, 3);
    assert.deepEqual(preview.items.filter((i) => i.skipped !== null).map((i) => [i.group, i.name, i.skipped]), [
      ["group1", "/queue/bulk.c", "already empty"],
      ["group2", "/queue/bulk.c", "already empty"],
    ]);
    await rejectsWith(h.caller(viewer).destinations.bulkApply({ action: "purge", selection, fingerprint: preview.fingerprint }), "FORBIDDEN");
    const purged = await c.destinations.bulkApply({ action: "purge", selection, fingerprint: preview.fingerprint });
    assert.deepEqual([purged.done, purged.failed, purged.messages], [3, 0, 6]);

    // Delete only the ticked ones; a consumer keeps bulk.c alive, and a stale preview is refused.
    const targets = [{ group: "group1", name: "/queue/bulk.a" }, { group: "group1", name: "/queue/bulk.c" }];
    // The list (and so the preview) is the pollers' view: wait until it has seen the consumer.
    const del = await until("the preview to see bulk.c's consumer", async () => {
      const p = await c.destinations.bulkPreview({ action: "delete", selection: { targets } });
      return p.items.some((i) => i.consumers > 0) ? p : null;
    });
    assert.deepEqual(del.items.map((i) => [i.name, i.skipped]), [["/queue/bulk.a", null], ["/queue/bulk.c", "1 consumer(s) attached"]]);
    await rejectsWith(c.destinations.bulkApply({ action: "delete", selection: { targets }, fingerprint: preview.fingerprint }), "CONFLICT", "PREVIEW_STALE");
    const deleted = await c.destinations.bulkApply({ action: "delete", selection: { targets }, fingerprint: del.fingerprint });
    assert.deepEqual([deleted.done, deleted.failed], [1, 0]);
    await rejectsWith(c.destinations.get({ group: "group1", name: "/queue/bulk.a" }), "NOT_FOUND");
    const audit = await h.prisma.auditLog.findMany({ where: { action: { startsWith: "destinations.bulk." } }, orderBy: { id: "asc" } });
    assert.deepEqual(audit.map((a) => [a.action, a.target, a.result]), [
      ["destinations.bulk.purge", "group1 /queue/bulk.a", "ok"],
      ["destinations.bulk.purge", "group1 /queue/bulk.b", "ok"],
      ["destinations.bulk.purge", "group2 /queue/bulk.d", "ok"],
      ["destinations.bulk.delete", "group1 /queue/bulk.a", "ok"],
    ]);

    // Definitions carry the destinations; importing them recreates the deleted one.
    const defs = await h.caller(principal("admin", "root")).definitions.export();
    assert.ok(defs.destinations.some((d) => d.group === "group2" && d.kind === "queue" && d.name === "/queue/bulk.d"), JSON.stringify(defs.destinations));
    const withA = { ...defs, destinations: [...defs.destinations, { group: "group1", kind: "queue" as const, name: "/queue/bulk.a" }] };
    const imported = await h.caller(principal("admin", "root")).definitions.import({ json: JSON.stringify(withA) });
    assert.equal(imported.destinations.created, 1, JSON.stringify(imported));
    assert.deepEqual(imported.problems, []);
    assert.equal((await c.destinations.get({ group: "group1", name: "/queue/bulk.a" })).depth, 0);
  });
});
