import assert from "node:assert/strict";
import { test } from "node:test";
import type { NodeInfo } from "../../runtime/admin/adminResponses";
import type { NodeSnapshot } from "./NodePoller";
import { nodeShownState } from "./nodeShownState";

const info: NodeInfo = {
  version: "0", brokerName: "b", nodeName: "mq1", groupName: "g", role: "master", serving: true, pid: 1, startedAt: "", uptimeMs: 1000, listeners: {},
  connections: { current: 1, totalAccepted: 1, byTransport: {} },
  memory: { used: 0, limit: 10, percent: 0, blockedProducers: 0 },
  store: { used: 0, limit: 10, percent: 0, startPosition: 0, endPosition: 0, syncPolicy: null },
  messages: { queues: 1, topics: 0, depth: 0, inflight: 0, enqueued: 0, dequeued: 0, dispatched: 0, expired: 0, deadLettered: 0 },
  closedConnections: {}, security: { enabled: false, users: 0, allowAnonymous: true }, ha: null, bridges: [],
  process: { rss: 1, heapUsed: 1, heapTotal: 1, external: 1, arrayBuffers: 1 },
};

function snap(at: number, i: NodeInfo): NodeSnapshot {
  return { node: "mq1", group: "g", at, up: true, error: null, info: i, destinations: [], destinationsTotal: 0, rates: { inPerSec: 0, outPerSec: 0 } };
}

test("an idle node's polls show nothing new: uptime and process memory are not pushed", () => {
  const a = nodeShownState(snap(1000, info));
  const b = nodeShownState(snap(2000, { ...info, uptimeMs: 2000, process: { ...info.process, rss: 99, heapUsed: 42 } }));
  assert.equal(a, b);
});

test("what a page shows changing is a change", () => {
  const a = nodeShownState(snap(1000, info));
  assert.notEqual(a, nodeShownState(snap(2000, { ...info, messages: { ...info.messages, depth: 1 } })));
  assert.notEqual(a, nodeShownState(snap(2000, { ...info, role: "slave", serving: false })));
  assert.notEqual(a, nodeShownState({ ...snap(2000, info), up: false, info: null, error: "down" }));
});
