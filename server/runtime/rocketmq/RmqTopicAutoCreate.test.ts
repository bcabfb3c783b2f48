// autoCreateTopicEnable and defaultTopicQueueNums (seed 002: "true" and 4): a send to an unknown
// topic creates it on the receiving broker with min(the client's defaultTopicQueueNums, the
// broker's), and the template topic TBW102 is advertised for clients that fall back to it; with
// the switch off the send is refused with TOPIC_NOT_EXIST and TBW102 is not routed.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
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
const conn = { remote: "127.0.0.1:5555", isClosed: false } as unknown as RemotingConnection;
let dir: string;
let journal: Journal;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-rmq-auto-"));
  journal = await Journal.open({ dir, segmentSize: 1 << 20, logger });
});

after(async () => {
  await journal.close();
  await rm(dir, { recursive: true, force: true });
});

function broker(autoCreateTopicEnable: boolean, defaultTopicQueueNums: number): RmqBroker {
  const store = new RmqStore(new MessageStore(journal, localMemGate(), logger), logger);
  const b = new RmqBroker(
    store,
    { brokerClusterName: "c", brokerName: "broker-a", host: "127.0.0.1", listenPort: 1, autoCreateTopicEnable, defaultTopicQueueNums, maxMessageSize: 1024, delayLevelsMs: [1000], fileReservedTime: 72, deleteWhen: [4], diskMaxUsedSpaceRatio: 75, syncTimeoutMs: 5000, replicated: false, dataDir: dir, namesrvHost: "127.0.0.1" },
    logger,
  );
  b.init();
  return b;
}

/** SEND_MESSAGE_V2 as a 4.x client sends it after falling back to TBW102's route (c = default topic, d = its queue count). */
function send(b: RmqBroker, topic: string, clientQueueNums: number): Promise<RemotingCommand | null> {
  const extFields = { a: "pg", b: topic, c: "TBW102", d: String(clientQueueNums), e: "0", f: "0", g: String(Date.now()), h: "0", i: "", j: "0" };
  return Promise.resolve(b.handlers().get(RequestCode.SEND_MESSAGE_V2)!({ code: RequestCode.SEND_MESSAGE_V2, opaque: 1, flag: 0, extFields, body: Buffer.from("x"), remark: null }, conn));
}

test("autoCreateTopicEnable: the receiving broker creates the topic with min(client's, broker's defaultTopicQueueNums), and routes TBW102", async () => {
  const b = broker(true, 4);
  assert.ok(b.topicTable().TBW102, "the template topic is in the route table");
  assert.equal((await send(b, "auto-a", 16))?.code, ResponseCode.SUCCESS);
  assert.equal(b.topicTable()["auto-a"]?.writeQueueNums, 4, "capped at the broker's defaultTopicQueueNums");
  assert.equal((await send(b, "auto-b", 2))?.code, ResponseCode.SUCCESS);
  assert.deepEqual([b.topicTable()["auto-b"]?.writeQueueNums, b.topicTable()["auto-b"]?.readQueueNums], [2, 2], "the client asked for fewer");
});

test("autoCreateTopicEnable false: a send to an unknown topic is TOPIC_NOT_EXIST and nothing is created", async () => {
  const b = broker(false, 8);
  assert.equal(b.topicTable().TBW102, undefined, "no template topic to fall back to");
  const r = await send(b, "auto-c", 4);
  assert.equal(r?.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.match(r?.remark ?? "", /topic\[auto-c\] not exist, apply first please!/);
  assert.equal(b.topicTable()["auto-c"], undefined);
});
