// One client request must not make the master's route registration outgrow the coordinator's
// frame limit (jute.maxbuffer, 1 MiB: a bigger frame closes the connection, i.e. the master's
// own session). A heartbeat naming thousands of consumer groups — each gets a %RETRY% topic —,
// auto-created topics and explicit creations all stop at the registration's budget with the
// reason, and what exists keeps working.
import assert from "node:assert/strict";
import { test } from "node:test";
import { rmqTestBroker } from "../testing/rmqTestBroker";
import type { BrokerRegistration } from "./BrokerRegistration";
import { RequestCode, ResponseCode } from "./remotingCodes";
import { MAX_ROUTE_BYTES, type RmqBroker } from "./RmqBroker";

const JUTE_MAX_BUFFER = 1048575;

/** The registration a master writes to the coordinator (RocketMqNode.localRegistration). */
function registrationBytes(b: RmqBroker): number {
  const reg: BrokerRegistration = { cluster: "DefaultCluster", brokerName: "broker-a", addr: "127.0.0.1:10911", node: "a1", registeredAt: Date.now(), topics: b.topicTable() };
  return Buffer.byteLength(JSON.stringify(reg));
}

test("a heartbeat of 12000 consumer groups, auto-created and explicit topics stop at the route budget, under jute.maxbuffer", { timeout: 120_000 }, async (t) => {
  const { broker: b, store, call } = await rmqTestBroker(t, {
    segmentSize: 64 << 20,
    settings: { brokerClusterName: "DefaultCluster", defaultTopicQueueNums: 4, maxMessageSize: 4 << 20 },
  });
  assert.equal(b.updateTopic({ topic: "orders", readQueueNums: 4, writeQueueNums: 4, perm: 6 }), null);

  // ~700 KiB of heartbeat, well inside a 4 MiB frame: each group would get %RETRY%<group>.
  const groups = Array.from({ length: 12_000 }, (_, i) => ({ groupName: `flood-group-${String(i).padStart(6, "0")}`, consumeType: "CONSUME_PASSIVELY", messageModel: "CLUSTERING", subscriptionDataSet: [] }));
  const hb = await call(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify({ clientID: "flood@1", consumerDataSet: groups })));
  assert.equal(hb?.code, ResponseCode.SYSTEM_ERROR, "groups past the budget are refused");
  assert.match(hb?.remark ?? "", /no room for topic\[%RETRY%flood-group-\d+\]: .*the most one route registration carries is/);
  const admitted = b.consumers.groupNames().length;
  assert.ok(admitted > 1000 && admitted < 12_000, `some groups admitted, not all (${admitted})`);
  assert.ok(store.routeBytes() <= MAX_ROUTE_BYTES);
  assert.ok(registrationBytes(b) < JUTE_MAX_BUFFER, `the registration (${registrationBytes(b)} bytes) still fits one coordinator frame`);

  const auto = await call(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "brand-new-topic", c: "TBW102", d: 4, e: 0, g: Date.now(), i: "" }, Buffer.from("x"));
  assert.equal(auto?.code, ResponseCode.SYSTEM_ERROR);
  assert.match(auto?.remark ?? "", /no room for topic\[brand-new-topic\]/);
  assert.match(b.updateTopic({ topic: "another", readQueueNums: 1, writeQueueNums: 1, perm: 6 }) ?? "", /no room for topic\[another\]/);
  assert.equal(b.updateTopic({ topic: "orders", readQueueNums: 8, writeQueueNums: 8, perm: 6 }), null, "an existing topic can still be updated");

  // Existing topics and admitted groups keep working.
  assert.equal((await call(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "orders", e: 0, g: Date.now(), i: "" }, Buffer.from("still")))?.code, ResponseCode.SUCCESS);
  const again = await call(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify({ clientID: "c1", consumerDataSet: [groups[0]] })));
  assert.equal(again?.code, ResponseCode.SUCCESS, "a group whose retry topic exists is admitted");

  // Deleting topics makes room again.
  for (let i = 0; i < 50; i++) await call(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: `%RETRY%flood-group-${String(i).padStart(6, "0")}` });
  assert.equal(b.updateTopic({ topic: "another", readQueueNums: 1, writeQueueNums: 1, perm: 6 }), null);
});
