// Seed 002's brokerRole and flushDiskType, from the cluster file to the moment a RocketMQ send is
// answered: the group's settings go through resolveNodeConfig, replicationPolicyFor and the
// master's ReplicationGate over a real journal whose fsync and slave acks the test holds back.
// ASYNC_MASTER answers SEND_OK without a slave, SYNC_MASTER only once a slave has the message;
// ASYNC_FLUSH answers before the fsync, SYNC_FLUSH only after it (else the FLUSH_*_TIMEOUT code).
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import pino from "pino";
import { clusterSchema } from "../../config/clusterSchema";
import { resolveNodeConfig } from "../../config/resolveNodeConfig";
import { ReplicationGate } from "../ha/ReplicationGate";
import { replicationPolicyFor } from "../ha/replicationPolicyFor";
import { Journal } from "../store/Journal";
import { MessageStore } from "../store/MessageStore";
import { RequestCode, ResponseCode } from "./remotingCodes";
import type { RemotingCommand } from "./remotingCodec";
import type { RemotingConnection } from "./RemotingServer";
import { RmqBroker } from "./RmqBroker";
import { RmqStore } from "./RmqStore";

const logger = pino({ level: "silent" });
const dirs: string[] = [];
const journals: Journal[] = [];
const conn = { remote: "127.0.0.1:5555", isClosed: false } as unknown as RemotingConnection;

after(async () => {
  for (const j of journals) await j.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/**
 * A master of a two-node group configured with the seed's vocabulary; fsync and slave acks held by
 * the test. `slave: "none"` starts it without its slave connected (killed, or not caught up yet).
 */
async function master(brokerRole: string, flushDiskType: string, syncFlushTimeout = "30s", slave: "connected" | "none" = "connected") {
  const dir = await mkdtemp(join(tmpdir(), "tandem-rmq-role-"));
  dirs.push(dir);
  const cluster = clusterSchema.parse({
    zkAddress: "127.0.0.1:2181",
    dataDirectory: dir,
    rocketmq: { syncFlushTimeout },
    groups: [
      {
        name: "broker-a",
        replicas: 2,
        brokerRole,
        flushDiskType,
        nodes: [0, 1].map((i) => ({ name: `a${i}`, transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${61613 + i}` }], rocketmq: { listenPort: 10911 + 10 * i, brokerId: i } })),
      },
    ],
  });
  const config = resolveNodeConfig(cluster, "a0");
  const journal = await Journal.open({ dir, segmentSize: 1 << 20, logger });
  journals.push(journal);
  let fsyncs = 0;
  const heldSyncs: Array<() => void> = [];
  const realSync = journal.sync.bind(journal);
  // The disk is slow: an fsync completes only when the test says so.
  journal.sync = () => {
    fsyncs++;
    return new Promise<void>((resolve) => heldSyncs.push(() => void realSync().then(resolve)));
  };
  const gate = new ReplicationGate(journal, replicationPolicyFor(config), logger);
  if (slave === "connected") gate.onAck("a1", 0, 0); // the slave is connected, nothing acknowledged yet
  const store = new RmqStore(new MessageStore(journal, gate, logger), logger);
  const broker = new RmqBroker(store, { ...config.rocketmq!, dataDir: dir }, logger);
  store.putTopic({ topicName: "t", readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0, order: false });
  const send = (properties = ""): Promise<RemotingCommand | null> =>
    Promise.resolve(broker.handlers().get(RequestCode.SEND_MESSAGE_V2)!(req(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "t", e: 0, g: Date.now(), i: properties }, Buffer.from("m")), conn));
  const pull = (): Promise<RemotingCommand | null> =>
    Promise.resolve(broker.handlers().get(RequestCode.PULL_MESSAGE)!(req(RequestCode.PULL_MESSAGE, { consumerGroup: "g", topic: "t", queueId: 0, queueOffset: 0, maxMsgNums: 8, sysFlag: 0, subscription: "*" }), conn));
  const sendBack = (msgId: string): Promise<RemotingCommand | null> =>
    Promise.resolve(
      broker.handlers().get(RequestCode.CONSUMER_SEND_MSG_BACK)!(
        req(RequestCode.CONSUMER_SEND_MSG_BACK, { offset: Number(BigInt("0x" + msgId.slice(16))), group: "cg", delayLevel: 0, originMsgId: msgId, originTopic: "t", maxReconsumeTimes: 16 }),
        conn,
      ),
    );
  return {
    send,
    pull,
    sendBack,
    stop: () => broker.stop(),
    gate,
    fsyncs: () => fsyncs,
    releaseFsync: () => heldSyncs.splice(0).forEach((r) => r()),
    slaveHasAll: () => gate.onAck("a1", journal.endPosition, 0),
  };
}

function req(code: number, extFields: Record<string, string | number>, body: Buffer | null = null): RemotingCommand {
  const ext: Record<string, string> = {};
  for (const [k, v] of Object.entries(extFields)) ext[k] = String(v);
  return { code, opaque: 1, flag: 0, extFields: ext, body, remark: null };
}

/** The reply if it came within `ms`, else "pending" (the reply keeps its handler either way). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | "pending"> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<"pending">((r) => (timer = setTimeout(() => r("pending"), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

test("ASYNC_MASTER + ASYNC_FLUSH: SEND_OK with no slave ack and no fsync", async () => {
  const m = await master("ASYNC_MASTER", "ASYNC_FLUSH");
  const r = await within(m.send(), 5000);
  assert.notEqual(r, "pending", "answered without waiting");
  assert.equal(r === "pending" ? null : r?.code, ResponseCode.SUCCESS);
  assert.equal(m.fsyncs(), 0, "ASYNC_FLUSH does not wait for an fsync");
});

test("SYNC_MASTER: SEND_OK only once the slave has the message; without it FLUSH_SLAVE_TIMEOUT", async () => {
  const m = await master("SYNC_MASTER", "ASYNC_FLUSH");
  const reply = m.send();
  assert.equal(await within(reply, 300), "pending", "no answer while the slave has not acknowledged");
  m.slaveHasAll();
  assert.equal((await reply)?.code, ResponseCode.SUCCESS);

  const short = await master("SYNC_MASTER", "ASYNC_FLUSH", "300ms");
  const late = await short.send();
  assert.equal(late?.code, ResponseCode.FLUSH_SLAVE_TIMEOUT, "the slave never acknowledged within syncFlushTimeout");
  assert.match(late?.remark ?? "", /stored, but the group's replicas did not confirm within 300 ms/);
});

test("SYNC_FLUSH: SEND_OK only after the fsync; a disk slower than syncFlushTimeout gives FLUSH_DISK_TIMEOUT", async () => {
  const m = await master("ASYNC_MASTER", "SYNC_FLUSH");
  const reply = m.send();
  assert.equal(await within(reply, 300), "pending", "no answer before the fsync");
  assert.ok(m.fsyncs() > 0, "the send asked for an fsync");
  m.releaseFsync();
  assert.equal((await reply)?.code, ResponseCode.SUCCESS);

  const slow = await master("ASYNC_MASTER", "SYNC_FLUSH", "300ms");
  const late = await slow.send();
  assert.equal(late?.code, ResponseCode.FLUSH_DISK_TIMEOUT);
  slow.releaseFsync();
});

test("SYNC_MASTER with no slave connected: SLAVE_NOT_AVAILABLE at once, the message stored and pullable once a slave has it", async () => {
  const m = await master("SYNC_MASTER", "ASYNC_FLUSH", "30s", "none");
  const r = await within(m.send(), 5000);
  assert.notEqual(r, "pending", "answered without waiting for syncFlushTimeout (30 s)");
  const reply = r === "pending" ? null : r;
  assert.equal(reply?.code, ResponseCode.SLAVE_NOT_AVAILABLE);
  assert.match(reply?.remark ?? "", /stored on the master, but no slave is connected \(SYNC_MASTER\/ASYNC_FLUSH waits for 1 slave\)/);
  // sendOK in RocketMQ's terms: the reply carries where the message was stored.
  assert.equal(reply?.extFields.queueOffset, "0");
  assert.equal(reply?.extFields.queueId, "0");
  assert.match(reply?.extFields.msgId ?? "", /^[0-9A-F]{32}$/);
  assert.equal((await m.pull())?.code, ResponseCode.PULL_NOT_FOUND, "not pullable while only the master has it");
  m.slaveHasAll();
  await new Promise((resolve) => setImmediate(resolve));
  const pulled = await m.pull();
  assert.equal(pulled?.code, ResponseCode.SUCCESS, "the SLAVE_NOT_AVAILABLE message was stored");
  assert.ok(pulled?.body?.includes(Buffer.from("m")));
  // With the slave back, the next send is SEND_OK again.
  const next = m.send();
  m.slaveHasAll();
  assert.equal((await next)?.code, ResponseCode.SUCCESS);
});

test("SYNC_MASTER whose slave disconnected answers SLAVE_NOT_AVAILABLE; a frozen but connected slave still gives FLUSH_SLAVE_TIMEOUT", async () => {
  const m = await master("SYNC_MASTER", "ASYNC_FLUSH", "300ms");
  const frozen = await m.send();
  assert.equal(frozen?.code, ResponseCode.FLUSH_SLAVE_TIMEOUT, "connected and within reach: the master waits for it");
  m.gate.slaveGone("a1");
  const gone = await m.send();
  assert.equal(gone?.code, ResponseCode.SLAVE_NOT_AVAILABLE);
  assert.equal(gone?.extFields.queueOffset, "1");
});

test("SYNC_MASTER + SYNC_FLUSH without a slave: SLAVE_NOT_AVAILABLE only after the fsync, and also when the fsync is late", async () => {
  const m = await master("SYNC_MASTER", "SYNC_FLUSH", "30s", "none");
  const reply = m.send();
  assert.equal(await within(reply, 300), "pending", "stored on the master's disk before the answer");
  assert.ok(m.fsyncs() > 0);
  m.releaseFsync();
  assert.equal((await reply)?.code, ResponseCode.SLAVE_NOT_AVAILABLE);

  // RocketMQ's replica status overrides the flush status (FLUSH_DISK_TIMEOUT).
  const slow = await master("SYNC_MASTER", "SYNC_FLUSH", "300ms", "none");
  const late = await slow.send();
  assert.equal(late?.code, ResponseCode.SLAVE_NOT_AVAILABLE);
  assert.match(late?.remark ?? "", /and the flush did not complete within 300 ms/);
  slow.releaseFsync();
});

test("a master that is demoted while flushing for a SLAVE_NOT_AVAILABLE answer says SERVICE_NOT_AVAILABLE", async () => {
  const m = await master("SYNC_MASTER", "SYNC_FLUSH", "30s", "none");
  const reply = m.send();
  assert.equal(await within(reply, 200), "pending");
  m.gate.fail(new Error("no longer master: quorum lost"));
  const r = await reply;
  assert.equal(r?.code, ResponseCode.SERVICE_NOT_AVAILABLE);
  assert.match(r?.remark ?? "", /no longer master/);
  m.releaseFsync();
});

test("ASYNC_MASTER without a slave: SEND_OK (it never waits for one)", async () => {
  const m = await master("ASYNC_MASTER", "ASYNC_FLUSH", "30s", "none");
  assert.equal((await m.send())?.code, ResponseCode.SUCCESS);
});

test("WAIT=false: SEND_OK once stored, without waiting for the fsync or the slave; pullable only once the policy holds", async () => {
  // SYNC_MASTER + SYNC_FLUSH, the slave connected but silent and the disk held: a default send waits.
  const m = await master("SYNC_MASTER", "SYNC_FLUSH");
  const waiting = m.send("KEYS\u0001k1\u0002WAIT\u0001true\u0002");
  assert.equal(await within(waiting, 300), "pending", "WAIT=true (the default) waits for the fsync and the slave");
  const r = await within(m.send("KEYS\u0001k2\u0002WAIT\u0001false\u0002TAGS\u0001a\u0002"), 5000);
  assert.notEqual(r, "pending", "WAIT=false is answered without the fsync or the slave");
  const reply = r === "pending" ? null : r;
  assert.equal(reply?.code, ResponseCode.SUCCESS);
  assert.equal(reply?.extFields.queueOffset, "1", "stored after the first message");
  assert.equal((await m.pull())?.code, ResponseCode.PULL_NOT_FOUND, "not pullable before the policy holds");
  m.releaseFsync();
  m.slaveHasAll();
  assert.equal((await waiting)?.code, ResponseCode.SUCCESS);
  await new Promise((resolve) => setImmediate(resolve));
  const pulled = await m.pull();
  assert.equal(pulled?.code, ResponseCode.SUCCESS);
  assert.ok(pulled?.body?.includes(Buffer.from("k2")), "the WAIT=false message was stored");

  // No slave at all: WAIT=false still gets SEND_OK (RocketMQ's handleHA skips its check), not SLAVE_NOT_AVAILABLE.
  const alone = await master("SYNC_MASTER", "ASYNC_FLUSH", "30s", "none");
  const first = await within(alone.send("WAIT\u0001FALSE\u0002"), 5000);
  assert.equal(first === "pending" ? null : first?.code, ResponseCode.SUCCESS);
  assert.equal((await alone.send())?.code, ResponseCode.SLAVE_NOT_AVAILABLE, "without WAIT=false the same master says SLAVE_NOT_AVAILABLE");

  // A broker stopped by a step-down (its listener still closing) stores nothing and says why.
  alone.stop();
  const refused = await within(alone.send("WAIT\u0001false\u0002"), 5000);
  assert.equal(refused === "pending" ? null : refused?.code, ResponseCode.SERVICE_NOT_AVAILABLE);
  assert.match(refused === "pending" ? "" : (refused?.remark ?? ""), /no longer its group's master/);
});

test("send-back that no slave can confirm: SYSTEM_ERROR named SLAVE_NOT_AVAILABLE (RocketMQ answers SUCCESS for PUT_OK only), so the consumer resends it itself", async () => {
  const m = await master("SYNC_MASTER", "ASYNC_FLUSH", "30s", "none");
  const sent = await m.send();
  assert.equal(sent?.code, ResponseCode.SLAVE_NOT_AVAILABLE);
  const back = await within(m.sendBack(sent!.extFields.msgId!), 5000);
  assert.notEqual(back, "pending", "answered without waiting for syncFlushTimeout");
  const reply = back === "pending" ? null : back;
  assert.equal(reply?.code, ResponseCode.SYSTEM_ERROR);
  assert.match(reply?.remark ?? "", /^SLAVE_NOT_AVAILABLE: stored on the master, but no slave is connected/);
  // With the slave back (and acknowledging), the same send-back is SUCCESS.
  m.slaveHasAll();
  const again = m.sendBack(sent!.extFields.msgId!);
  const acking = setInterval(() => m.slaveHasAll(), 10);
  try {
    assert.equal((await again)?.code, ResponseCode.SUCCESS);
  } finally {
    clearInterval(acking);
  }

  const short = await master("SYNC_MASTER", "ASYNC_FLUSH", "300ms");
  const s2 = short.send();
  short.slaveHasAll();
  const first = await s2;
  assert.equal(first?.code, ResponseCode.SUCCESS);
  const late = await short.sendBack(first!.extFields.msgId!);
  assert.equal(late?.code, ResponseCode.SYSTEM_ERROR, "the slave never acknowledged the send-back within syncFlushTimeout");
  assert.match(late?.remark ?? "", /^FLUSH_SLAVE_TIMEOUT: stored, but not confirmed within 300 ms/);
});
