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

/** A master of a two-node group configured with the seed's vocabulary; fsync and slave acks held by the test. */
async function master(brokerRole: string, flushDiskType: string, syncFlushTimeout = "30s") {
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
  gate.onAck("a1", 0, 0); // the slave is connected, nothing acknowledged yet
  const store = new RmqStore(new MessageStore(journal, gate, logger), logger);
  const broker = new RmqBroker(store, { ...config.rocketmq!, dataDir: dir }, logger);
  store.putTopic({ topicName: "t", readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0, order: false });
  const send = (): Promise<RemotingCommand | null> =>
    Promise.resolve(broker.handlers().get(RequestCode.SEND_MESSAGE_V2)!(req(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "t", e: 0, g: Date.now(), i: "" }, Buffer.from("m")), conn));
  return {
    send,
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
