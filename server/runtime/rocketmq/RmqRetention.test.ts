// Retention deletes old journal segments once RocketMQ messages expire, and a restart rebuilds
// topics, queue ranges and consumer offsets from the journal alone.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import pino from "pino";
import { clusterSchema } from "../../config/clusterSchema";
import { resolveNodeConfig } from "../../config/resolveNodeConfig";
import { BrokerNode } from "../node";
import { RawRemotingClient } from "../../../e2e/support/RawRemotingClient";
import { freePorts } from "../../../e2e/support/clusterProcess";
import { RequestCode, ResponseCode } from "./remotingCodes";

let dir = "";
let node: BrokerNode | null = null;

after(async () => {
  await node?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("expired messages go, their segments are deleted, and a restart keeps topics, ranges and offsets", { timeout: 90_000 }, async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-rmq-ret-"));
  const [stomp, admin, listen] = await freePorts(3);
  const cluster = clusterSchema.parse({
    dataDirectory: dir,
    broker: { journalMaxFileLength: "64kb" },
    // fileReservedTime in hours: 0.0005 h = 1.8 s. diskMaxUsedSpaceRatio 10: any real disk is fuller, so deletion runs at any hour.
    rocketmq: { fileReservedTime: 0.0005, diskMaxUsedSpaceRatio: 10, deleteWhen: "04" },
    groups: [{ name: "broker-a", sync: "local_disk", nodes: [{ name: "a1", transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${stomp}` }], admin: { port: admin }, rocketmq: { listenPort: listen } }] }],
  });
  const config = resolveNodeConfig(cluster, "a1");
  node = new BrokerNode({ config, logger: pino({ level: "silent" }) });
  await node.start();
  const addr = `127.0.0.1:${listen}`;
  let raw = await RawRemotingClient.connect(addr);
  assert.equal((await raw.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "logs", readQueueNums: 2, writeQueueNums: 2, perm: 6 })).code, ResponseCode.SUCCESS);
  const body = Buffer.alloc(2048, 120);
  for (let i = 0; i < 200; i++) {
    const r = await raw.request(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "logs", e: i % 2, g: Date.now(), i: "" }, body);
    assert.equal(r.code, ResponseCode.SUCCESS);
  }
  raw.oneway(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: "cg", topic: "logs", queueId: 0, commitOffset: 60 });
  const segmentsBefore = node.journal.segmentFiles().length;
  assert.ok(segmentsBefore >= 5, `200 x 2 KiB fill several 64 KiB segments (${segmentsBefore})`);
  await new Promise((r) => setTimeout(r, 2500));
  // A message stored now is younger than fileReservedTime and must survive.
  assert.equal((await raw.request(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "logs", e: 0, g: Date.now(), i: "" }, Buffer.from("fresh"))).code, ResponseCode.SUCCESS);

  const dropped = await node.rocketmq!.broker!.cleanExpired();
  assert.equal(dropped, 200);
  await node.broker!.reclaim();
  const segmentsAfter = node.journal.segmentFiles().length;
  assert.ok(segmentsAfter < segmentsBefore, `segments deleted: ${segmentsBefore} → ${segmentsAfter}`);
  const min0 = await raw.request(RequestCode.GET_MIN_OFFSET, { topic: "logs", queueId: 0 });
  assert.equal(min0.extFields.offset, "100");
  const pulled = await raw.request(RequestCode.PULL_MESSAGE, { consumerGroup: "cg", topic: "logs", queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subscription: "*", subVersion: 0 });
  assert.equal(pulled.code, ResponseCode.PULL_OFFSET_MOVED);
  assert.equal(pulled.extFields.nextBeginOffset, "100");
  const fresh = await raw.request(RequestCode.PULL_MESSAGE, { consumerGroup: "cg", topic: "logs", queueId: 0, queueOffset: 100, maxMsgNums: 32, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 0, subscription: "*", subVersion: 0 });
  assert.equal(fresh.code, ResponseCode.SUCCESS);
  assert.ok(fresh.body?.includes(Buffer.from("fresh")));
  raw.close();

  await node.stop();
  node = new BrokerNode({ config, logger: pino({ level: "silent" }) });
  await node.start();
  raw = await RawRemotingClient.connect(addr);
  try {
    const min = await raw.request(RequestCode.GET_MIN_OFFSET, { topic: "logs", queueId: 1 });
    const max = await raw.request(RequestCode.GET_MAX_OFFSET, { topic: "logs", queueId: 1 });
    assert.deepEqual([min.extFields.offset, max.extFields.offset], ["100", "100"], "an emptied queue keeps its offsets across a restart");
    const max0 = await raw.request(RequestCode.GET_MAX_OFFSET, { topic: "logs", queueId: 0 });
    assert.equal(max0.extFields.offset, "101");
    const off = await raw.request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: "cg", topic: "logs", queueId: 0 });
    assert.equal(off.extFields.offset, "60");
  } finally {
    raw.close();
  }
});
