// Disk thresholds of RocketMQ's CleanCommitLogService: above 85 % the oldest messages go whatever
// their age; above 90 % sends are refused until usage drops.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import pino from "pino";
import { localMemGate } from "../store/DurabilityGate";
import { Journal } from "../store/Journal";
import { MessageStore } from "../store/MessageStore";
import { RequestCode, ResponseCode } from "./remotingCodes";
import type { RemotingCommand } from "./remotingCodec";
import type { RemotingConnection } from "./RemotingServer";
import { RmqBroker } from "./RmqBroker";
import { RmqStore } from "./RmqStore";

const logger = pino({ level: "silent" });
let dir = "";
let journal: Journal | null = null;

after(async () => {
  await journal?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const conn = { remote: "127.0.0.1:5555", isClosed: false } as unknown as RemotingConnection;
const send: RemotingCommand = { code: RequestCode.SEND_MESSAGE_V2, opaque: 1, flag: 0, extFields: { a: "pg", b: "t", e: "0", g: "1", i: "" }, body: Buffer.alloc(4000, 1), remark: null };

test("above 90 % disk use sends are refused, above 85 % the oldest segment's messages go although young", async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-rmq-disk-"));
  journal = await Journal.open({ dir, segmentSize: 64 * 1024, logger });
  const store = new RmqStore(new MessageStore(journal, localMemGate(), logger), logger);
  let usage = 50;
  const broker = new RmqBroker(
    store,
    { brokerClusterName: "c", brokerName: "b", host: "127.0.0.1", listenPort: 1, autoCreateTopicEnable: true, defaultTopicQueueNums: 1, maxMessageSize: 65536, delayLevelsMs: [1000], fileReservedTime: 72, deleteWhen: [(new Date().getHours() + 12) % 24], diskMaxUsedSpaceRatio: 75, syncTimeoutMs: 5000, replicated: false, dataDir: dir, namesrvHost: "127.0.0.1" },
    logger,
    async () => usage,
  );
  store.putTopic({ topicName: "t", readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0, order: false });
  const h = broker.handlers().get(RequestCode.SEND_MESSAGE_V2)!;
  for (let i = 0; i < 60; i++) assert.equal((await h(send, conn))?.code, ResponseCode.SUCCESS);
  await journal.sync();
  assert.ok(journal.segmentFiles().length >= 3, `60 x 4 KB fill several 64 KiB segments (${journal.segmentFiles().length})`);

  assert.equal(await broker.cleanExpired(), 0, "below every threshold and outside deleteWhen nothing goes");
  usage = 80;
  assert.equal(await broker.cleanExpired(), 0, "above diskMaxUsedSpaceRatio only messages older than fileReservedTime go (none here)");

  usage = 87;
  const dropped = await broker.cleanExpired();
  const q = store.queue("t", 0)!;
  assert.ok(dropped > 0 && dropped < 60, `the oldest segment's messages went (${dropped})`);
  assert.equal(q.minOffset, dropped);
  assert.ok(q.positions[0] >= journal.segmentFiles()[1].base, "what is left starts in the second segment");

  usage = 93;
  await broker.cleanExpired();
  const refused = await h(send, conn);
  assert.equal(refused?.code, ResponseCode.SERVICE_NOT_AVAILABLE);
  assert.match(refused?.remark ?? "", /the disk is full \(93\.0 % used/);
  usage = 60;
  await broker.cleanExpired();
  assert.equal((await h(send, conn))?.code, ResponseCode.SUCCESS, "accepted again once usage drops");
});
