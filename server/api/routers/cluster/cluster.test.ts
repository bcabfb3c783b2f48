// Cluster and drain procedures against a real embedded cluster: the console's coordinator in this
// process, six broker nodes as OS processes (seed topology on a free port offset), real HTTP to
// every node's admin API. Kill is a real SIGKILL; a drain is a real handover.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { TRPCError } from "@trpc/server";
import { pino } from "pino";
import { ClusterConsoleRuntime } from "../../../console/cluster/ClusterConsoleRuntime";
import { createApiTestHarness, type ApiTestHarness, principal } from "../../apiTestHarness";
import { freePortOffset } from "../../../../e2e/support/freePortOffset";

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await f();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

describe("cluster and drain procedures against the embedded cluster (real processes)", () => {
  let dir: string;
  let rt: ClusterConsoleRuntime;
  let h: ApiTestHarness;
  const op = principal("operator", "olga");
  const viewer = principal("viewer", "vic");

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "tandem-cluster-api-"));
    rt = new ClusterConsoleRuntime({ mode: "embedded", dataDir: dir, coordinatorPort: 0, portOffset: await freePortOffset() });
    h = await createApiTestHarness({ runtime: rt });
    await rt.start({ prisma: h.prisma, events: h.services.events, live: h.services.live, logger: pino({ level: "silent" }) });
    // Both groups elected and every slave streaming from its master.
    await until("two masters with two streaming slaves each", async () => {
      const t = await h.caller(viewer).cluster.topology();
      return t.groups.every((g) => g.master && g.links.filter((l) => l.state === "streaming").length === 2);
    }, 60_000);
  });
  after(async () => {
    await rt?.stop();
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("overview, topology, nodes paging and group detail come from the live cluster", async () => {
    const c = h.caller(viewer);
    // "up" comes from each node's admin poller, another channel than the topology awaited in
    // before(): a poll can land a moment later under load, so wait (bounded) for all six.
    const o = await until("six nodes up in the overview", async () => {
      const r = await c.cluster.overview();
      return r.nodes.up === 6 ? r : null;
    }, 30_000);
    assert.equal(o.groups.length, 2);
    assert.deepEqual(o.nodes, { total: 6, up: 6, down: 0 });
    for (const g of o.groups) {
      assert.ok(g.master, `${g.name} has a master`);
      assert.equal(g.slaves.length, 2);
    }
    assert.equal(o.problems.filter((p) => p.severity === "critical").length, 0, JSON.stringify(o.problems));

    const masters = await c.cluster.nodes({ role: "master", sort: "name", order: "asc" });
    assert.equal(masters.total, 2);
    const page = await c.cluster.nodes({ offset: 1, limit: 2, sort: "name", order: "desc" });
    assert.equal(page.total, 6);
    assert.deepEqual(page.items.map((n) => n.name), ["mq5", "mq4"]);
    const filtered = await c.cluster.nodes({ filter: "group2" });
    assert.deepEqual(filtered.items.map((n) => n.name), ["mq4", "mq5", "mq6"]);

    const g1 = await c.cluster.group({ name: "group1" });
    assert.equal(g1.members.length, 3);
    assert.ok(g1.members.every((m) => /^0x[0-9a-f]+$/.test(m.session)), "member znodes carry their session ids");
    assert.equal(g1.slaves.length, 2);
    assert.ok(g1.timeline.some((e) => e.kind === "election" && e.node === g1.master));

    const n = await c.cluster.node({ name: g1.master! });
    assert.equal(n.node.role, "master");
    assert.equal(n.node.serving, true);
    assert.equal(n.embedded, true);
    assert.equal(n.node.process?.state, "running");
    // One spelling of a session id everywhere: the node's own and its member znode's owner match.
    const own = g1.members.find((m) => m.container === g1.master)!;
    assert.equal(n.node.zkSession, own.session);
    assert.match(own.session, /^0x[1-9a-f][0-9a-f]*$/);
    await assert.rejects(c.cluster.node({ name: "nope" }), (e: unknown) => e instanceof TRPCError && e.code === "NOT_FOUND");
  });

  test("start-up records no false node-down events (nodes that are still starting are not down)", async () => {
    // before() waited for both groups to elect and replicate: every node has come up by now.
    await until("every node answering its poller", async () => [...rt.cluster!.pollers.values()].every((p) => p.latest?.up));
    const down = await h.prisma.eventLog.findMany({ where: { kind: "node-down" } });
    assert.deepEqual(down.map((e) => e.message), []);
  });

  test("a viewer may not kill a node; the refusal is audited", async () => {
    await assert.rejects(h.caller(viewer).cluster.nodeKill({ name: "mq1" }), (e: unknown) => e instanceof TRPCError && e.code === "FORBIDDEN");
    const audit = await h.prisma.auditLog.findFirst({ where: { action: "cluster.nodeKill" } });
    assert.equal(audit?.result, "FORBIDDEN");
    assert.equal(audit?.target, "mq1");
  });

  test("draining a slave is done at once; draining a master hands over and loses nothing", async () => {
    const c = h.caller(op);
    const g1 = await c.cluster.group({ name: "group1" });
    const master = g1.master!;
    const slave = g1.slaves[0]!.to;

    const slaveJob = c.drain.start({ name: slave });
    assert.match((await until("slave drain done", async () => {
      await slaveJob;
      const s = await c.drain.status({ name: slave });
      return s?.state === "done" ? s : null;
    })).note ?? "", /slave/);

    // Persistent messages on the master, then the preview sees them.
    const dest = "/queue/drain-check";
    for (let i = 0; i < 5; i++) {
      await rt.cluster!.admin.sendMessage(master, dest, { body: `m${i}`, persistent: true });
    }
    const pv = await c.drain.preview({ name: master });
    assert.equal(pv.action, "handover");
    assert.equal(pv.totals.depth, 5);
    assert.ok(pv.candidates.length >= 1);

    await c.drain.start({ name: master });
    await assert.rejects(c.drain.start({ name: master }), (e: unknown) => e instanceof TRPCError && e.code === "CONFLICT");
    const done = await until("master drain finished", async () => {
      const s = await c.drain.status({ name: master });
      return s && s.state !== "running" ? s : null;
    }, 60_000);
    assert.equal(done.state, "done", done.error ?? "");
    assert.ok(done.newMaster && done.newMaster !== master);
    assert.ok(h.published.some((m) => m.type === "invalidate" && m.path[0] === "drain"));

    const moved = await until("messages on the new master", async () => {
      const d = await rt.cluster!.admin.getDestination(done.newMaster!, dest);
      return d.depth === 5 ? d : null;
    });
    assert.equal(moved.depth, 5);
    const old = await c.cluster.node({ name: master });
    assert.equal(old.node.serving, false);
  });

  test("killing a master from the API fails over; the election is in the searchable event log", async () => {
    const c = h.caller(op);
    const before = (await c.cluster.group({ name: "group2" })).master!;
    const killed = await c.cluster.nodeKill({ name: before });
    assert.equal(killed.state, "crashed");
    const g = await until("a new master of group2", async () => {
      const x = await c.cluster.group({ name: "group2" });
      return x.master && x.master !== before ? x : null;
    });
    // The election's wording depends on what the monitor saw: "X elected master of group2" after a
    // snapshot without a master, "X is the new master of group2 (was Y)" when the fast failover
    // (~0.3 s) left it none to see. Search by the new master's name (upper case: LIKE ignores ASCII
    // case), which both name.
    const found = await until("the failover event", async () => {
      const r = await c.events.search({ kinds: ["election"], group: "group2", text: g.master!.toUpperCase() });
      return r.items[0]?.node === g.master ? r : null;
    });
    assert.equal(found.items[0]!.node, g.master);
    // The lost mastership is recorded against the killed node: as its own master-lost event when the
    // monitor saw the group without a master in between, otherwise in the election ("was <before>").
    // Recording is asynchronous, so this waits (bounded) as well.
    await until("the lost mastership recorded against the killed node", async () => {
      const lost = await c.events.search({ kinds: ["master-lost", "quorum-lost"], group: "group2" });
      const elections = await c.events.search({ kinds: ["election"], group: "group2" });
      const named = elections.items.some((e) => e.node === g.master && (e.data as { previous?: unknown } | null)?.previous === before);
      return lost.items.some((e) => e.node === before) || named;
    });
    assert.ok((await c.cluster.group({ name: "group2" })).timeline.some((e) => e.kind === "election" && e.node === g.master));
    const down = await until("the overview reports the dead node", async () => {
      const o = await c.cluster.overview();
      return o.problems.some((p) => p.kind === "node-down" && p.node === before) ? o : null;
    });
    assert.equal(down.nodes.down, 1);
    const started = await c.cluster.nodeStart({ name: before });
    assert.equal(started.state, "starting");
    // LIKE wildcards are literal: "%" matches no message.
    assert.equal((await c.events.search({ text: "%" })).total, 0);
  });
  test("guardrails: taking group1's last master needs the node name typed; the overview then shows its depth as unavailable", async () => {
    const c = h.caller(op);
    const g1 = await until("group1 with a master and three members", async () => {
      const g = await c.cluster.group({ name: "group1" });
      return g.master && g.members.length === 3 ? g : null;
    }, 60_000);
    const master = g1.master!;
    for (let i = 0; i < 3; i++) {
      await rt.cluster!.admin.sendMessage(master, "/queue/guard-check", { body: `g${i}`, persistent: true });
    }
    const [first, second] = g1.members.map((m) => m.container!).filter((n) => n !== master);
    // A slave of a full group: the preview says the group keeps its master, and a click suffices.
    const safe = await c.cluster.actionPreview({ name: first!, action: "stop" });
    assert.equal(safe.confirmText, null, safe.summary);
    assert.match(safe.summary, new RegExp(`group1 keeps its master ${master}`));
    await c.cluster.nodeStop({ name: first! });
    await until("group1 down to two members", async () => (await c.cluster.group({ name: "group1" })).members.length === 2);

    // The next member's stop breaks quorum: previewed from the live cluster, refused without the name.
    const danger = await c.cluster.actionPreview({ name: second!, action: "stop" });
    assert.equal(danger.breaksQuorum, true);
    assert.equal(danger.confirmText, second);
    const depth = (await c.cluster.overview()).groups.find((g) => g.name === "group1")!.depth;
    assert.ok(depth !== null && depth >= 3, `group1 depth ${depth}`);
    assert.match(danger.summary, new RegExp(`group1 will have no master and ${depth!.toLocaleString("en-US")} messages? become unavailable`));
    await assert.rejects(c.cluster.nodeStop({ name: second! }), (e: unknown) => e instanceof TRPCError && e.code === "PRECONDITION_FAILED" && /Type the node name/.test(e.message));
    await assert.rejects(c.cluster.nodeKill({ name: second!, confirm: "group1" }), (e: unknown) => e instanceof TRPCError && e.code === "PRECONDITION_FAILED");
    assert.equal((await c.cluster.group({ name: "group1" })).members.length, 2, "the refused stop did nothing");
    // The master's own drain preview must not call the last members safe to stop either.
    const slavePreview = await c.drain.preview({ name: second! });
    assert.doesNotMatch(slavePreview.note, /can be stopped/);
    assert.match(slavePreview.note, /cannot be stopped safely/);

    await c.cluster.nodeStop({ name: second!, confirm: second! });
    const o = await until("group1 without a master in the overview", async () => {
      const x = await c.cluster.overview();
      return x.groups.find((g) => g.name === "group1")?.master === null ? x : null;
    }, 45_000);
    assert.equal(o.groups.find((g) => g.name === "group1")!.depth, null, "no master: unavailable, not 0");
    assert.ok(o.depthUnavailable.includes("group1"));
    // The event log says why group1 lost its master, how bad that is, and who did what to which node.
    const lost = await until("group1's lost master in the event log, with its cause", async () => {
      const r = await c.events.search({ kinds: ["master-lost", "quorum-lost"], group: "group1", node: master });
      return r.items.find((e) => e.cause !== null) ?? null;
    });
    assert.equal(lost.severity, "critical");
    assert.match(lost.cause!, /quorum lost: 1 of 3 members, quorum is 2/);
    const action = await c.events.search({ kinds: ["admin-action"], node: second!, group: "group1" });
    assert.ok(action.items.some((e) => /cluster\.nodeStop on/.test(e.message)), JSON.stringify(action.items));
    const left = await c.events.search({ kinds: ["member-left"], node: second! });
    assert.match(left.items[0]?.cause ?? "", new RegExp(`${second} was stopped by an operator|an operator is stopping ${second}`));
    // Bring group1 back for whatever runs after.
    await c.cluster.nodeStart({ name: first! });
    await c.cluster.nodeStart({ name: second! });
    await until("group1 serving again", async () => (await c.cluster.overview()).groups.find((g) => g.name === "group1")?.depth !== null, 60_000);
  });
});
