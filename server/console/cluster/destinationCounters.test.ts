import assert from "node:assert/strict";
import { test } from "node:test";
import type { NodeInfo } from "../../runtime/admin/adminResponses";
import type { NodeSnapshot } from "./NodePoller";
import { destinationCounters } from "./nodeShownState";

const messages = { queues: 1, topics: 0, depth: 0, inflight: 0, enqueued: 0, dequeued: 0, dispatched: 0, expired: 0, deadLettered: 0 };
function snap(o: { serving: boolean; enqueued: number; uptimeMs?: number }): NodeSnapshot {
  const info = { serving: o.serving, uptimeMs: o.uptimeMs ?? 0, messages: { ...messages, enqueued: o.enqueued } } as unknown as NodeInfo;
  return { node: "mq1", group: "g", at: 0, up: true, error: null, info, destinations: [], destinationsTotal: 0, rates: { inPerSec: 0, outPerSec: 0 } };
}

test("a master's counters: equal while nothing moves (uptime aside), different after a send; a slave has none", () => {
  assert.equal(destinationCounters(snap({ serving: true, enqueued: 1 })), destinationCounters(snap({ serving: true, enqueued: 1, uptimeMs: 5000 })));
  assert.notEqual(destinationCounters(snap({ serving: true, enqueued: 1 })), destinationCounters(snap({ serving: true, enqueued: 2 })));
  assert.equal(destinationCounters(snap({ serving: false, enqueued: 2 })), null);
});
