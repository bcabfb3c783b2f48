import assert from "node:assert/strict";
import { test } from "node:test";
import type { GroupState } from "./ClusterMonitor";
import type { HaView, NodeInfo } from "../../runtime/admin/adminResponses";
import type { ClusterFacts, NodeFacts } from "./clusterFacts";
import { clusterProblems, electionTimeline, lagSeconds, nodeViews, pageNodes, replicationLinks } from "./clusterViews";

/** A node's answer (the admin contract's full shape); only the numbers these views read vary. */
function info(role: "master" | "slave", extra: Partial<NodeInfo> = {}): NodeInfo {
  return {
    version: "0", brokerName: "b", nodeName: "n", groupName: "g", pid: 1, startedAt: "", listeners: {},
    role, serving: role === "master", uptimeMs: 1000, connections: { current: role === "master" ? 4 : 0, totalAccepted: 0, byTransport: {} },
    memory: { used: 10, limit: 100, percent: 10, blockedProducers: 0 }, store: { used: 5, limit: 100, percent: 5, startPosition: 0, endPosition: 0, syncPolicy: null },
    messages: { queues: 0, topics: 0, depth: 7, inflight: 0, enqueued: 0, dequeued: 0, dispatched: 0, expired: 0, deadLettered: 0 }, closedConnections: { client_eof: 2 },
    ha: ha({ role, zkSession: "00ab", position: 2000, slaves: [] }),
    security: { enabled: false, users: 0, allowAnonymous: true }, bridges: [], process: { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 },
    ...extra,
  };
}

function ha(h: Pick<HaView, "role" | "position" | "slaves"> & Partial<HaView>): HaView {
  return { eid: null, quorum: 2, replicas: 3, sync: "quorum_mem", zkPath: "/g", zkSession: null, zkState: null, durablePosition: 0, term: null, following: null, election: "", ...h };
}

function node(name: string, group: string, i: NodeInfo | null, writeRate = 0): NodeFacts {
  return { name, group, adminUrl: "http://x", stomp: [], info: i, error: i ? null : "fetch failed", rates: { inPerSec: 5, outPerSec: 3 }, writeRate, destinations: [], destinationsTotal: 0, process: null };
}

function groupState(name: string, master: string | null, members: string[]): GroupState {
  return {
    name, zkPath: `/g/${name}`, replicas: 3, quorum: 2, sync: "quorum_mem", nodes: [], electorEid: null, electedEid: null, master, history: [], updatedAt: 0,
    members: members.map((m, i) => ({ id: m, container: m, address: null, position: -1, weight: 1, elected: null, eid: String(i), znode: `/g/${name}/0${i}`, session: "0x1", ctime: 0 })),
  };
}

const master = info("master", {
  ha: ha({ role: "master", position: 3_000_000, slaves: [
    { node: "mq1", remote: "", cursor: 0, state: "streaming", ackedMem: 2_000_000, ackedDisk: 2_000_000, lagBytes: 2_000_000, connectedAt: 1 },
  ] }),
});

const facts: ClusterFacts = {
  name: "t", at: 0, embedded: true,
  groups: [groupState("group1", "mq2", ["mq1", "mq2", "mq3"]), groupState("group2", null, ["mq4"])],
  nodes: [
    node("mq1", "group1", info("slave")),
    node("mq2", "group1", master, 1_000_000),
    node("mq3", "group1", info("slave", { memory: { used: 90, limit: 100, percent: 90, blockedProducers: 0 } })),
    node("mq4", "group2", null),
  ],
};

test("node views: role from the node's own answer, down when silent, slave lag from the master's links", () => {
  const v = nodeViews(facts);
  assert.deepEqual(v.map((n) => n.role), ["slave", "master", "slave", "down"]);
  assert.equal(v[1]!.depth, 7);
  assert.equal(v[0]!.depth, 0, "a slave serves nothing: no depth, no rates");
  assert.equal(v[0]!.inPerSec, 0);
  assert.equal(v[0]!.lagBytes, 2_000_000);
  assert.equal(v[3]!.error, "fetch failed");
});

test("lag in seconds divides by the master's write rate", () => {
  assert.equal(replicationLinks(facts)[0]!.lagSeconds, 2);
  assert.equal(lagSeconds(0, 0), 0);
  assert.equal(lagSeconds(5, 0), null);
});

test("problems: no master, below quorum, node down, slave lagging/disconnected, memory over 80 %", () => {
  const p = clusterProblems(facts, nodeViews(facts), replicationLinks(facts));
  const kinds = p.map((x) => `${x.kind}:${x.node ?? x.group}`);
  assert.deepEqual(kinds.slice(0, 2).sort(), ["below-quorum:group2", "no-master:group2"]);
  for (const k of ["node-down:mq4", "slave-lagging:mq1", "memory-high:mq3", "slave-disconnected:mq3"]) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
});

test("nodes paging filters, sorts (ties by name) and slices on the server", () => {
  const v = nodeViews(facts);
  const r = pageNodes(v, { offset: 0, limit: 2, sort: "role", order: "asc" });
  assert.equal(r.total, 4);
  assert.deepEqual(r.items.map((n) => n.name), ["mq4", "mq2"]);
  assert.deepEqual(pageNodes(v, { offset: 0, limit: 10, sort: "name", order: "desc", role: "slave" }).items.map((n) => n.name), ["mq3", "mq1"]);
  assert.deepEqual(pageNodes(v, { offset: 0, limit: 10, sort: "name", order: "asc", filter: "GROUP2" }).items.map((n) => n.name), ["mq4"]);
});

test("election timeline merges the monitor's history with the event log without duplicates", () => {
  const t = electionTimeline(
    [{ at: 1000, master: "mq2", reason: "elected" }, { at: 5000, master: null, reason: "mq2 lost mastership" }, { at: 9000, master: "mq1", reason: "x" }],
    [{ time: new Date(1200), kind: "election", node: "mq2", message: "mq2 elected master of group1" }, { time: new Date(5100), kind: "quorum-lost", node: "mq2", message: "q" }],
  );
  assert.deepEqual(t.map((e) => `${e.kind}@${e.at}:${e.source}`), ["election@9000:monitor", "quorum-lost@5100:event-log", "election@1200:event-log"]);
});
