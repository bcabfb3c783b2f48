import assert from "node:assert/strict";
import { test } from "node:test";
import { pino } from "pino";
import { ConsumerRegistry } from "./ConsumerRegistry";
import { RequestCode } from "./remotingCodes";
import type { RemotingConnection } from "./RemotingServer";

test("an offset reset is pushed to each online member as RESET_CONSUMER_CLIENT_OFFSET with a fastjson ResetOffsetBody", () => {
  const sent: Array<{ code: number; ext: Record<string, string>; body: Buffer | null }> = [];
  const conn = { remote: "127.0.0.1:5000", onClose() {}, notify: (code: number, ext: Record<string, string>, body: Buffer | null = null) => void sent.push({ code, ext, body }) } as unknown as RemotingConnection;
  const reg = new ConsumerRegistry(pino({ level: "silent" }));
  reg.heartbeat("10.0.0.1@c1", conn, { groupName: "cg", messageModel: "CLUSTERING" });
  sent.length = 0; // the membership notice
  const n = reg.notifyReset("cg", "Orders", 1700000000000, [
    { brokerName: "broker-a", queueId: 0, offset: 12 },
    { brokerName: "broker-a", queueId: 1, offset: 7 },
  ]);
  assert.equal(n, 1);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.code, RequestCode.RESET_CONSUMER_CLIENT_OFFSET);
  assert.deepEqual(sent[0]!.ext, { topic: "Orders", group: "cg", timestamp: "1700000000000", isForce: "true" });
  // MessageQueue objects as map keys, as fastjson writes Map<MessageQueue, Long>.
  assert.equal(sent[0]!.body!.toString(), '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"Orders"}:12,{"brokerName":"broker-a","queueId":1,"topic":"Orders"}:7}}');
  assert.equal(reg.notifyReset("nobody", "Orders", 0, []), 0);
});

test("a connection is one member whatever client ids it heartbeats with, and its close is watched once", () => {
  let closeListeners = 0;
  const conn = { remote: "127.0.0.1:5001", onClose: () => void closeListeners++, notify() {} } as unknown as RemotingConnection;
  const other = { remote: "127.0.0.1:5002", onClose() {}, notify() {} } as unknown as RemotingConnection;
  const reg = new ConsumerRegistry(pino({ level: "silent" }));
  reg.heartbeat("10.0.0.2@keep", other, { groupName: "cg", messageModel: "CLUSTERING" });
  for (let i = 0; i < 5000; i++) reg.heartbeat(`10.0.0.1@churn-${i}`, conn, { groupName: "cg", messageModel: "CLUSTERING" });
  assert.deepEqual(reg.clientIds("cg"), ["10.0.0.1@churn-4999", "10.0.0.2@keep"]);
  assert.equal(closeListeners, 1);
  assert.equal(reg.messageModel("cg"), "CLUSTERING");
});
