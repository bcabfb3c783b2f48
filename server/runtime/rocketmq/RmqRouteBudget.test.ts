// One client request must not make the master's route registration outgrow the coordinator's
// frame limit (jute.maxbuffer, 1 MiB: a bigger frame closes the connection, i.e. the master's
// own session). A heartbeat naming thousands of consumer groups — each gets a %RETRY% topic —,
// auto-created topics and explicit creations all stop at the registration's budget with the
// reason, and what exists keeps working.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pino from "pino";
import { localMemGate } from "../store/DurabilityGate";
import { Journal } from "../store/Journal";
import { MessageStore } from "../store/MessageStore";
import type { BrokerRegistration } from "./BrokerRegistration";
import { RequestCode, ResponseCode } from "./remotingCodes";
import type { RemotingCommand } from "./remotingCodec";
import type { RemotingConnection } from "./RemotingServer";
import { MAX_ROUTE_BYTES, RmqBroker } from "./RmqBroker";
import { RmqStore } from "./RmqStore";

const JUTE_MAX_BUFFER = 1048575;
const logger = pino({ level: "silent" });
const conn = { remote: "127.0.0.1:5555", isClosed: false, onClose: () => {}, notify: () => {} } as unknown as RemotingConnection;
let dir: string;
let journal: Journal;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-rmq-budget-"));
  journal = await Journal.open({ dir, segmentSize: 64 << 20, logger });
});

after(async () => {
  await journal.close();
  await rm(dir, { recursive: true, force: true });
});

function call(b: RmqBroker, code: number, ext: Record<string, string | number>, body: Buffer | null = null): Promise<RemotingCommand | null> {
  const extFields: Record<string, string> = {};
  for (const [k, v] of Object.entries(ext)) extFields[k] = String(v);
  return Promise.resolve(b.handlers().get(code)!({ code, opaque: 1, flag: 0, extFields, body, remark: null }, conn));
}

/** The registration a master writes to the coordinator (RocketMqNode.localRegistration). */
function registrationBytes(b: RmqBroker): number {
  const reg: BrokerRegistration = { cluster: "DefaultCluster", brokerName: "broker-a", addr: "127.0.0.1:10911", node: "a1", registeredAt: Date.now(), topics: b.topicTable() };
  return Buffer.byteLength(JSON.stringify(reg));
}

test("a heartbeat of 12000 consumer groups, auto-created and explicit topics stop at the route budget, under jute.maxbuffer", { timeout: 120_000 }, async () => {
  const store = new RmqStore(new MessageStore(journal, localMemGate(), logger), logger);
  const b = new RmqBroker(
    store,
    { brokerClusterName: "DefaultCluster", brokerName: "broker-a", host: "127.0.0.1", listenPort: 1, autoCreateTopicEnable: true, defaultTopicQueueNums: 4, maxMessageSize: 4 << 20, delayLevelsMs: [1000], fileReservedTime: 72, deleteWhen: [4], diskMaxUsedSpaceRatio: 75, syncTimeoutMs: 5000, replicated: false, dataDir: dir, namesrvHost: "127.0.0.1" },
    logger,
  );
  b.init();
  assert.equal(b.updateTopic({ topic: "orders", readQueueNums: 4, writeQueueNums: 4, perm: 6 }), null);

  // ~700 KiB of heartbeat, well inside a 4 MiB frame: each group would get %RETRY%<group>.
  const groups = Array.from({ length: 12_000 }, (_, i) => ({ groupName: `flood-group-${String(i).padStart(6, "0")}`, consumeType: "CONSUME_PASSIVELY", messageModel: "CLUSTERING", subscriptionDataSet: [] }));
  const hb = await call(b, RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify({ clientID: "flood@1", consumerDataSet: groups })));
  assert.equal(hb?.code, ResponseCode.SYSTEM_ERROR, "groups past the budget are refused");
  assert.match(hb?.remark ?? "", /no room for topic\[%RETRY%flood-group-\d+\]: .*the most one route registration carries is/);
  const admitted = b.consumers.groupNames().length;
  assert.ok(admitted > 1000 && admitted < 12_000, `some groups admitted, not all (${admitted})`);
  assert.ok(store.routeBytes() <= MAX_ROUTE_BYTES);
  assert.ok(registrationBytes(b) < JUTE_MAX_BUFFER, `the registration (${registrationBytes(b)} bytes) still fits one coordinator frame`);

  const auto = await call(b, RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "brand-new-topic", c: "TBW102", d: 4, e: 0, g: Date.now(), i: "" }, Buffer.from("x"));
  assert.equal(auto?.code, ResponseCode.SYSTEM_ERROR);
  assert.match(auto?.remark ?? "", /no room for topic\[brand-new-topic\]/);
  assert.match(b.updateTopic({ topic: "another", readQueueNums: 1, writeQueueNums: 1, perm: 6 }) ?? "", /no room for topic\[another\]/);
  assert.equal(b.updateTopic({ topic: "orders", readQueueNums: 8, writeQueueNums: 8, perm: 6 }), null, "an existing topic can still be updated");

  // Existing topics and admitted groups keep working.
  assert.equal((await call(b, RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "orders", e: 0, g: Date.now(), i: "" }, Buffer.from("still")))?.code, ResponseCode.SUCCESS);
  const again = await call(b, RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify({ clientID: "c1", consumerDataSet: [groups[0]] })));
  assert.equal(again?.code, ResponseCode.SUCCESS, "a group whose retry topic exists is admitted");

  // Deleting topics makes room again.
  for (let i = 0; i < 50; i++) await call(b, RequestCode.DELETE_TOPIC_IN_BROKER, { topic: `%RETRY%flood-group-${String(i).padStart(6, "0")}` });
  assert.equal(b.updateTopic({ topic: "another", readQueueNums: 1, writeQueueNums: 1, perm: 6 }), null);
});
