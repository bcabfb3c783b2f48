// SEND_OK leaves only after the group's sync policy holds; until then the message is not pullable.
// Driven through the broker's handlers with a gate the test controls (the HA group's
// ReplicationGate has the same contract and is tested with real slaves in e2e).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pino from "pino";
import type { DurabilityGate } from "../store/DurabilityGate";
import { Journal } from "../store/Journal";
import { MessageStore } from "../store/MessageStore";
import { RequestCode, ResponseCode } from "./remotingCodes";
import type { RemotingCommand } from "./remotingCodec";
import type { RemotingConnection } from "./RemotingServer";
import { RmqBroker } from "./RmqBroker";
import { RmqStore } from "./RmqStore";

let dir: string;
let journal: Journal;
const logger = pino({ level: "silent" });

/** A gate whose positions become durable only when the test says so (like slaves acking). */
class HeldGate implements DurabilityGate {
  readonly policy = "held";
  private held: Array<{ position: number; resolve: () => void; reject: (e: Error) => void }> = [];
  awaitDurable(position: number): Promise<void> {
    return new Promise((resolve, reject) => this.held.push({ position, resolve, reject }));
  }
  release(): void {
    for (const h of this.held.splice(0)) h.resolve();
  }
  fail(err: Error): void {
    for (const h of this.held.splice(0)) h.reject(err);
  }
}

const conn = { remote: "127.0.0.1:5555", isClosed: false } as unknown as RemotingConnection;

function req(code: number, extFields: Record<string, string | number>, body: Buffer | null = null): RemotingCommand {
  const ext: Record<string, string> = {};
  for (const [k, v] of Object.entries(extFields)) ext[k] = String(v);
  return { code, opaque: 1, flag: 0, extFields: ext, body, remark: null };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-rmq-dur-"));
  journal = await Journal.open({ dir, segmentSize: 1 << 20, logger });
});

after(async () => {
  await journal.close();
  await rm(dir, { recursive: true, force: true });
});

function setup(gate: DurabilityGate, syncTimeoutMs: number): RmqBroker {
  const store = new RmqStore(new MessageStore(journal, gate, logger), logger);
  const broker = new RmqBroker(
    store,
    { brokerClusterName: "c", brokerName: "b", host: "127.0.0.1", listenPort: 1, autoCreateTopicEnable: true, defaultTopicQueueNums: 1, maxMessageSize: 1024, delayLevelsMs: [1000], fileReservedTime: 72, deleteWhen: [4], diskMaxUsedSpaceRatio: 75, syncTimeoutMs, replicated: true, dataDir: dir, namesrvHost: "127.0.0.1" },
    logger,
  );
  store.putTopic({ topicName: "t", readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0, order: false });
  return broker;
}

const send = req(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "t", e: 0, g: 1, i: "" }, Buffer.from("payload"));
const pull = req(RequestCode.PULL_MESSAGE, { consumerGroup: "g", topic: "t", queueId: 0, queueOffset: 0, maxMsgNums: 8, sysFlag: 0, subscription: "*" });

test("SEND_OK waits for the sync policy, and the message is pullable only once durable", async () => {
  const gate = new HeldGate();
  const h = setup(gate, 30_000).handlers();
  const reply = Promise.resolve(h.get(RequestCode.SEND_MESSAGE_V2)!(send, conn));
  let answered = false;
  void reply.then(() => (answered = true));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(answered, false, "no answer while the replicas have not confirmed");
  const early = await h.get(RequestCode.PULL_MESSAGE)!(pull, conn);
  assert.equal(early?.code, ResponseCode.PULL_NOT_FOUND, "an unconfirmed message is not visible to consumers");
  gate.release();
  assert.equal((await reply)?.code, ResponseCode.SUCCESS);
  const late = await h.get(RequestCode.PULL_MESSAGE)!(pull, conn);
  assert.equal(late?.code, ResponseCode.SUCCESS);
  assert.ok(late?.body?.includes(Buffer.from("payload")));
});

test("a policy that does not hold in syncFlushTimeout answers FLUSH_SLAVE_TIMEOUT, not SEND_OK", async () => {
  const gate = new HeldGate();
  const h = setup(gate, 200).handlers();
  const r = await h.get(RequestCode.SEND_MESSAGE_V2)!(send, conn);
  assert.equal(r?.code, ResponseCode.FLUSH_SLAVE_TIMEOUT);
  gate.release();
});

test("a master that stops being master answers SERVICE_NOT_AVAILABLE", async () => {
  const gate = new HeldGate();
  const h = setup(gate, 30_000).handlers();
  const reply = Promise.resolve(h.get(RequestCode.SEND_MESSAGE_V2)!(send, conn)).then(
    (r) => r,
    (err: unknown) => ({ code: -1, remark: String(err) }) as const,
  );
  await new Promise((r) => setTimeout(r, 50));
  gate.fail(new Error("no longer master: demoted"));
  const r = await reply;
  assert.equal(r?.code, ResponseCode.SERVICE_NOT_AVAILABLE);
  assert.match(r?.remark ?? "", /no longer master/);
});
