import assert from "node:assert/strict";
import { test } from "node:test";
import type { RmqAdminViewResponse } from "../../runtime/admin/adminResponses";
import { mergeRmqViews } from "./mergeRmqViews";

function view(brokerName: string, addr: string, o: Partial<RmqAdminViewResponse> = {}): RmqAdminViewResponse {
  return { brokerName, cluster: "DefaultCluster", addr, topics: [], groups: [], ...o };
}

test("topics get their route from every group hosting them; consumer groups sum lag and dedupe members", () => {
  const a = view("broker-a", "127.0.0.1:10911", {
    topics: [
      { topic: "Orders", readQueueNums: 2, writeQueueNums: 2, perm: 6, queues: [{ queueId: 0, minOffset: 0, maxOffset: 5, lastStoreTimestamp: 1 }, { queueId: 1, minOffset: 2, maxOffset: 4, lastStoreTimestamp: 2 }] },
      { topic: "%RETRY%cg", readQueueNums: 1, writeQueueNums: 1, perm: 6, queues: [{ queueId: 0, minOffset: 0, maxOffset: 0, lastStoreTimestamp: null }] },
    ],
    groups: [
      { group: "cg", messageModel: "CLUSTERING", members: [{ clientId: "10.0.0.1@c1", remote: "10.0.0.1:5000", lastHeartbeatMs: 9000, subscriptions: ["Orders:*"] }], queues: [{ topic: "Orders", queueId: 0, brokerOffset: 5, consumerOffset: 3, lag: 2 }], lag: 2 },
    ],
  });
  const b = view("broker-b", "127.0.0.1:10921", {
    topics: [{ topic: "Orders", readQueueNums: 4, writeQueueNums: 4, perm: 4, queues: [{ queueId: 0, minOffset: 0, maxOffset: 1, lastStoreTimestamp: 3 }] }],
    groups: [
      { group: "cg", messageModel: "CLUSTERING", members: [{ clientId: "10.0.0.1@c1", remote: "10.0.0.1:5001", lastHeartbeatMs: 1000, subscriptions: ["Orders:*"] }], queues: [{ topic: "Orders", queueId: 0, brokerOffset: 1, consumerOffset: 0, lag: 1 }], lag: 1 },
    ],
  });
  const o = mergeRmqViews([
    { group: "broker-b", node: "b1", view: b, error: null },
    { group: "broker-a", node: "a1", view: a, error: null },
    { group: "broker-c", node: null, view: null, error: "no master right now" },
  ]);
  assert.deepEqual(o.brokers.map((x) => [x.group, x.brokerName, x.error]), [["broker-b", "broker-b", null], ["broker-a", "broker-a", null], ["broker-c", null, "no master right now"]]);
  assert.deepEqual(o.topics.map((t) => [t.topic, t.system, t.messages]), [["Orders", false, 8], ["%RETRY%cg", true, 0]]);
  assert.deepEqual(o.topics[0]!.placements.map((p) => [p.brokerName, p.writeQueueNums, p.readQueueNums, p.perm]), [["broker-a", 2, 2, 6], ["broker-b", 4, 4, 4]]);
  const cg = o.consumerGroups[0]!;
  assert.equal(cg.lag, 3);
  assert.equal(cg.members.length, 1, "one client heart-beating to two brokers is one member");
  assert.deepEqual(cg.members[0]!.brokers.sort(), ["broker-a", "broker-b"]);
  assert.equal(cg.members[0]!.lastHeartbeatMs, 1000, "the freshest heartbeat");
  assert.deepEqual(cg.queues.map((q) => [q.brokerName, q.queueId, q.lag]), [["broker-a", 0, 2], ["broker-b", 0, 1]]);
});
