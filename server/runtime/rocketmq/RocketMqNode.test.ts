// A standalone Tandem node speaking RocketMQ, driven in-process by ali-ons (the real npm client)
// and by raw remoting requests for the edges the client never sends.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Message } from "ali-ons";
import pino from "pino";
import { clusterSchema } from "../../config/clusterSchema";
import { resolveNodeConfig } from "../../config/resolveNodeConfig";
import { BrokerNode } from "../node";
import { closeAll, consumer, producer } from "../../../e2e/support/aliOnsClients";
import { RawRemotingClient } from "../../../e2e/support/RawRemotingClient";
import { freePorts, waitFor } from "../../../e2e/support/clusterProcess";
import { encodeBatch } from "./messageCodec";
import { RequestCode, ResponseCode } from "./remotingCodes";

let dir: string;
let node: BrokerNode;
let nameSrv: string;
let brokerAddr: string;
let adminPort: number;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-rmq-"));
  const [stomp, admin, listen, ns] = await freePorts(4);
  adminPort = admin;
  const cluster = clusterSchema.parse({
    dataDirectory: dir,
    rocketmq: { messageDelayLevel: "1s 1s 1s 1s", maxMessageSize: 65536, defaultTopicQueueNums: 4 },
    groups: [
      {
        name: "broker-a",
        sync: "local_disk",
        nodes: [{ name: "a1", transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${stomp}` }], admin: { port: admin }, rocketmq: { listenPort: listen, namesrvPort: ns } }],
      },
    ],
  });
  node = new BrokerNode({ config: resolveNodeConfig(cluster, "a1"), logger: pino({ level: "silent" }) });
  await node.start();
  nameSrv = `127.0.0.1:${ns}`;
  brokerAddr = `127.0.0.1:${listen}`;
});

after(async () => {
  await closeAll([]);
  await node?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function resetOffset(group: string, topic: string, timestamp: number): Promise<{ status: number; body: { code: string; message: string } }> {
  const token = (await readFile(join(dir, "a1", "admin.token"), "utf8")).trim();
  const res = await fetch(`http://127.0.0.1:${adminPort}/api/v1/rocketmq/groups/${encodeURIComponent(group)}/reset-offset`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ topic, timestamp }),
  });
  return { status: res.status, body: (await res.json()) as { code: string; message: string } };
}

describe("RocketMQ on a standalone node", () => {
  test("a send to an unknown topic auto-creates it with defaultTopicQueueNums (autoCreateTopicEnable)", async () => {
    const raw = await RawRemotingClient.connect(brokerAddr);
    try {
      const r = await raw.request(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "auto-topic", c: "TBW102", d: 16, e: 1, f: 0, g: Date.now(), h: 0, i: "", j: 0 }, Buffer.from("x"));
      assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? "");
      assert.equal(r.extFields.queueId, "1");
      const all = await raw.request(RequestCode.GET_ALL_TOPIC_CONFIG);
      const table = JSON.parse(all.body!.toString()).topicConfigTable as Record<string, { writeQueueNums: number }>;
      assert.equal(table["auto-topic"].writeQueueNums, 4, "capped at the broker's defaultTopicQueueNums");
    } finally {
      raw.close();
    }
  });

  test("ali-ons sends to a created topic and a clustering consumer with a tag filter receives only its tags", { timeout: 60_000 }, async () => {
    const admin = await RawRemotingClient.connect(brokerAddr);
    const created = await admin.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "orders", readQueueNums: 4, writeQueueNums: 4, perm: 6 });
    admin.close();
    assert.equal(created.code, ResponseCode.SUCCESS);
    const p = producer([nameSrv], "pg-1", "p1");
    await p.ready();
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await p.send(new Message("orders", i % 2 === 0 ? "even" : "odd", `m-${i}`));
      assert.equal(r.sendStatus, "SEND_OK");
      assert.equal(r.messageQueue.brokerName, "broker-a");
      sent.push(r.msgId);
    }
    const c = consumer([nameSrv], "cg-even", "c1", { consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET" });
    const got: string[] = [];
    c.subscribe("orders", "even", async (msg) => {
      got.push(msg.body.toString());
    });
    await c.ready();
    try {
      await waitFor(() => got.length >= 10, 30_000, () => `received ${got.length}: ${got.join(",")}`);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual([...got].sort(), Array.from({ length: 10 }, (_, i) => `m-${i * 2}`).sort());
    } finally {
      await c.close();
      await p.close();
    }
    // The committed offsets are on the broker.
    const raw = await RawRemotingClient.connect(brokerAddr);
    try {
      let committed = 0;
      for (let q = 0; q < 4; q++) {
        const r = await raw.request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: "cg-even", topic: "orders", queueId: q });
        assert.equal(r.code, ResponseCode.SUCCESS);
        committed += Number(r.extFields.offset);
      }
      assert.equal(committed, 20, "every queue's offset was committed to its end (odd ones were filtered, not left behind)");
      // Query by id: the offset message id names the commit-log position.
      const view = await raw.request(RequestCode.VIEW_MESSAGE_BY_ID, { offset: Number(BigInt("0x" + sent[3].slice(16))) });
      assert.equal(view.code, ResponseCode.SUCCESS);
      assert.ok(view.body?.includes(Buffer.from("m-3")));
    } finally {
      raw.close();
    }
  });

  test("NameServer: route with queueDatas/brokerDatas, cluster info, TOPIC_NOT_EXIST, unsupported codes answered", async () => {
    const raw = await RawRemotingClient.connect(nameSrv);
    try {
      const route = await raw.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: "orders" });
      assert.equal(route.code, ResponseCode.SUCCESS);
      const data = JSON.parse(route.body!.toString()) as { queueDatas: Array<Record<string, unknown>>; brokerDatas: Array<{ brokerAddrs: Record<string, string> }> };
      assert.deepEqual(data.queueDatas, [{ brokerName: "broker-a", readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]);
      assert.deepEqual(data.brokerDatas[0].brokerAddrs, { "0": brokerAddr });
      const missing = await raw.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: "nope" });
      assert.equal(missing.code, ResponseCode.TOPIC_NOT_EXIST);
      const info = await raw.request(RequestCode.GET_BROKER_CLUSTER_INFO);
      assert.deepEqual(JSON.parse(info.body!.toString()).clusterAddrTable, { DefaultCluster: ["broker-a"] });
      const unsupported = await raw.request(103, {});
      assert.equal(unsupported.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
      assert.match(unsupported.remark ?? "", /request type 103 not supported/);
      const again = await raw.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: "orders" });
      assert.equal(again.code, ResponseCode.SUCCESS, "the connection survived the unsupported code");
    } finally {
      raw.close();
    }
  });

  test("broker: maxMessageSize → MESSAGE_ILLEGAL; a garbage header is answered; an oversized frame closes only that connection", async () => {
    const raw = await RawRemotingClient.connect(brokerAddr);
    const other = await RawRemotingClient.connect(brokerAddr);
    try {
      const big = await raw.request(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "orders", e: 0, g: Date.now(), i: "" }, Buffer.alloc(65537));
      assert.equal(big.code, ResponseCode.MESSAGE_ILLEGAL);
      assert.match(big.remark ?? "", /exceeds maxMessageSize 65536/);
      // The real client: under its own 128 KiB limit, over the broker's maxMessageSize (random bytes: its compression does not shrink them).
      assert.equal((await raw.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "sizes", readQueueNums: 1, writeQueueNums: 1, perm: 6 })).code, ResponseCode.SUCCESS);
      const p = producer([nameSrv], "pg-big", "pbig");
      await p.ready();
      try {
        await assert.rejects(p.send(new Message("sizes", "big", randomBytes(100_000))), (err: Error & { code?: number }) => {
          assert.equal(err.code, ResponseCode.MESSAGE_ILLEGAL);
          assert.match(err.message, /exceeds maxMessageSize 65536/);
          return true;
        });
        assert.equal((await p.send(new Message("sizes", "small", randomBytes(60_000)))).sendStatus, "SEND_OK", "a message under the limit is stored");
      } finally {
        await p.close();
      }
      const garbage = Buffer.alloc(12);
      garbage.writeInt32BE(8, 0);
      garbage.writeInt32BE(4, 4);
      garbage.write("{{{{", 8);
      raw.writeRaw(garbage);
      const ok = await raw.request(RequestCode.GET_MAX_OFFSET, { topic: "orders", queueId: 0 });
      assert.equal(ok.code, ResponseCode.SUCCESS, "still served after a bad header");
      const huge = Buffer.alloc(8);
      huge.writeInt32BE(1 << 30, 0);
      raw.writeRaw(huge);
      await waitFor(() => raw.closed, 15_000, () => "an oversized frame must close the connection");
      const still = await other.request(RequestCode.GET_MAX_OFFSET, { topic: "orders", queueId: 0 });
      assert.equal(still.code, ResponseCode.SUCCESS, "other connections are unaffected");
    } finally {
      raw.close();
      other.close();
    }
  });

  test("batch and v1 sends, query by key, topic delete, and an unsupported code on the broker listener", async () => {
    const raw = await RawRemotingClient.connect(brokerAddr);
    const ns = await RawRemotingClient.connect(nameSrv);
    try {
      assert.equal((await raw.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "batch", readQueueNums: 1, writeQueueNums: 1, perm: 6 })).code, ResponseCode.SUCCESS);
      const props = (key: string): string => `KEYS\u0001${key}\u0002TAGS\u0001b\u0002`;
      const batch = encodeBatch(["b-0", "b-1", "b-2"].map((b) => ({ flag: 0, body: Buffer.from(b), properties: props(`order-${b}`) })));
      const sent = await raw.request(RequestCode.SEND_BATCH_MESSAGE, { a: "pg", b: "batch", e: 0, g: Date.now(), i: "" }, batch);
      assert.equal(sent.code, ResponseCode.SUCCESS, sent.remark ?? "");
      assert.equal(sent.extFields.msgId.split(",").length, 3, "one message id per batch entry");
      assert.equal(sent.extFields.queueOffset, "0");
      const pulled = await raw.request(RequestCode.PULL_MESSAGE, { consumerGroup: "g", topic: "batch", queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, subscription: "*" });
      assert.equal(pulled.code, ResponseCode.SUCCESS);
      assert.equal(pulled.extFields.nextBeginOffset, "3");
      for (const b of ["b-0", "b-1", "b-2"]) assert.ok(pulled.body?.includes(Buffer.from(b)), `${b} pulled`);
      // SEND_MESSAGE (code 10): the header under its long field names, as older clients send it.
      const v1 = await raw.request(RequestCode.SEND_MESSAGE, { producerGroup: "pg", topic: "batch", defaultTopic: "TBW102", defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: "KEYS\u0001v1-key\u0002", reconsumeTimes: 0 }, Buffer.from("v1-0"));
      assert.equal(v1.code, ResponseCode.SUCCESS, v1.remark ?? "");
      assert.equal(v1.extFields.queueOffset, "3");

      const byKey = await raw.request(RequestCode.QUERY_MESSAGE, { topic: "batch", key: "order-b-1", maxNum: 32, beginTimestamp: 0, endTimestamp: Date.now() + 60_000 });
      assert.equal(byKey.code, ResponseCode.SUCCESS);
      assert.ok(byKey.body?.includes(Buffer.from("b-1")) && !byKey.body.includes(Buffer.from("b-2")), "only the message with that key");
      const v1ByKey = await raw.request(RequestCode.QUERY_MESSAGE, { topic: "batch", key: "v1-key", maxNum: 32, beginTimestamp: 0, endTimestamp: Date.now() + 60_000 });
      assert.ok(v1ByKey.body?.includes(Buffer.from("v1-0")), "the v1 send's KEYS are indexed too");
      const none = await raw.request(RequestCode.QUERY_MESSAGE, { topic: "batch", key: "no-such-key", maxNum: 32, beginTimestamp: 0, endTimestamp: Date.now() + 60_000 });
      assert.equal(none.code, ResponseCode.QUERY_NOT_FOUND);

      const unsupported = await raw.request(9999, {});
      assert.equal(unsupported.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
      assert.equal((await raw.request(RequestCode.GET_MAX_OFFSET, { topic: "batch", queueId: 0 })).extFields.offset, "4", "the connection survived the unsupported code");

      assert.equal((await ns.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: "batch" })).code, ResponseCode.SUCCESS);
      assert.equal((await raw.request(RequestCode.DELETE_TOPIC_IN_BROKER, { topic: "batch" })).code, ResponseCode.SUCCESS);
      assert.equal((await ns.request(RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: "batch" })).code, ResponseCode.SUCCESS);
      assert.equal((await ns.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: "batch" })).code, ResponseCode.TOPIC_NOT_EXIST, "the route went with the topic");
      const gone = await raw.request(RequestCode.PULL_MESSAGE, { consumerGroup: "g", topic: "batch", queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, subscription: "*" });
      assert.equal(gone.code, ResponseCode.TOPIC_NOT_EXIST);
    } finally {
      raw.close();
      ns.close();
    }
  });

  test("long polling: a suspended pull at the queue's end is held, then answered with the message that arrives", { timeout: 60_000 }, async () => {
    const raw = await RawRemotingClient.connect(brokerAddr);
    try {
      assert.equal((await raw.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "lp", readQueueNums: 1, writeQueueNums: 1, perm: 6 })).code, ResponseCode.SUCCESS);
      assert.equal((await raw.request(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "lp", e: 0, g: Date.now(), i: "" }, Buffer.from("lp-0"))).code, ResponseCode.SUCCESS);
      // sysFlag 2 = suspend (PullSysFlag.FLAG_SUSPEND), as the clients send it; offset 1 = the queue's end.
      let answered = false;
      const parked = raw.request(RequestCode.PULL_MESSAGE, { consumerGroup: "g", topic: "lp", queueId: 0, queueOffset: 1, maxMsgNums: 32, sysFlag: 2, suspendTimeoutMillis: 20_000, subscription: "*" }, null, 40_000);
      void parked.then(() => (answered = true), () => (answered = true));
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(answered, false, "held while the queue has nothing new");
      const other = await RawRemotingClient.connect(brokerAddr);
      try {
        assert.equal((await other.request(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "lp", e: 0, g: Date.now(), i: "" }, Buffer.from("lp-1"))).code, ResponseCode.SUCCESS);
      } finally {
        other.close();
      }
      const r = await parked;
      assert.equal(r.code, ResponseCode.SUCCESS, "answered with the new message, not PULL_NOT_FOUND");
      assert.ok(r.body?.includes(Buffer.from("lp-1")));
      assert.equal(r.extFields.nextBeginOffset, "2");
      // Without the suspend flag the same pull at the end is answered at once.
      const at = await raw.request(RequestCode.PULL_MESSAGE, { consumerGroup: "g", topic: "lp", queueId: 0, queueOffset: 2, maxMsgNums: 32, sysFlag: 0, subscription: "*" });
      assert.equal(at.code, ResponseCode.PULL_NOT_FOUND);
    } finally {
      raw.close();
    }
  });

  test("write and read queue counts apart: producers use the write queues, consumers every read queue", { timeout: 60_000 }, async () => {
    const admin = await RawRemotingClient.connect(brokerAddr);
    try {
      // RocketMQ's way to drain queues before removing them: 2 write queues, 4 read queues.
      assert.equal((await admin.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "narrow", readQueueNums: 4, writeQueueNums: 2, perm: 6 })).code, ResponseCode.SUCCESS);
      const beyond = await admin.request(RequestCode.PULL_MESSAGE, { consumerGroup: "g", topic: "narrow", queueId: 4, queueOffset: 0, maxMsgNums: 1, sysFlag: 0, subscription: "*" });
      assert.equal(beyond.code, ResponseCode.SYSTEM_ERROR, "queue 4 is past the read queues");
    } finally {
      admin.close();
    }
    const p = producer([nameSrv], "pg-narrow", "pn");
    const c = consumer([nameSrv], "cg-narrow", "cn", { consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET" });
    const got = new Set<string>();
    c.subscribe("narrow", "*", async (msg) => {
      got.add(msg.body.toString());
    });
    try {
      await p.ready();
      const queues = new Set<number>();
      for (let i = 0; i < 10; i++) {
        const r = await p.send(new Message("narrow", "t", `w-${i}`));
        assert.equal(r.sendStatus, "SEND_OK");
        queues.add(Number(r.messageQueue.queueId));
      }
      assert.deepEqual([...queues].sort(), [0, 1], "sends spread over the 2 write queues only");
      await c.ready();
      await waitFor(() => got.size >= 10, 30_000, () => `consumed ${got.size}/10`);
      assert.equal([...c.processQueueTable.keys()].filter((k) => k.includes('topic="narrow"')).length, 4, "the consumer holds all 4 read queues");
    } finally {
      await c.close();
      await p.close();
    }
  });

  test("a failing clustering consumer gets its message back from %RETRY% (delay levels) and then it lands in %DLQ%", { timeout: 90_000 }, async () => {
    const admin = await RawRemotingClient.connect(brokerAddr);
    try {
      assert.equal((await admin.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "payments", readQueueNums: 2, writeQueueNums: 2, perm: 6 })).code, ResponseCode.SUCCESS);
      const p = producer([nameSrv], "pg-2", "p2");
      await p.ready();
      const c = consumer([nameSrv], "cg-fail", "c2", { consumeFromWhere: "CONSUME_FROM_FIRST_OFFSET", maxReconsumeTimes: 2 });
      const attempts: number[] = [];
      c.subscribe("payments", "*", async (msg) => {
        attempts.push(msg.reconsumeTimes);
        throw new Error("consumer refuses the message");
      });
      await c.ready();
      try {
        const r = await p.send(new Message("payments", "t", "poison"));
        assert.equal(r.sendStatus, "SEND_OK");
        await waitFor(() => attempts.length >= 3, 60_000, () => `attempts so far: ${JSON.stringify(attempts)}`);
        assert.deepEqual(attempts.slice(0, 3), [0, 1, 2], "first delivery, then two retries with a growing reconsumeTimes");
        let dlq = 0;
        async function poll(): Promise<void> {
          const max = await admin.request(RequestCode.GET_MAX_OFFSET, { topic: "%DLQ%cg-fail", queueId: 0 });
          dlq = Number(max.extFields.offset ?? 0);
        }
        for (let i = 0; i < 40 && dlq !== 1; i++) {
          await poll();
          if (dlq !== 1) await new Promise((res) => setTimeout(res, 500));
        }
        assert.equal(dlq, 1, "the message is in the dead letter queue after maxReconsumeTimes");
        await new Promise((res) => setTimeout(res, 2500));
        assert.equal(attempts.length, 3, "no delivery after the DLQ");
      } finally {
        await c.close();
        await p.close();
      }
    } finally {
      admin.close();
    }
  });

  test("broadcasting: every consumer of the group gets every message", { timeout: 60_000 }, async () => {
    const admin = await RawRemotingClient.connect(brokerAddr);
    assert.equal((await admin.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "news", readQueueNums: 4, writeQueueNums: 4, perm: 6 })).code, ResponseCode.SUCCESS);
    admin.close();
    const got = [new Set<string>(), new Set<string>()];
    const cs = got.map((set, i) => {
      const c = consumer([nameSrv], "cg-bcast", `b${i}`, { isBroadcast: true });
      c.subscribe("news", "*", async (msg) => {
        set.add(msg.body.toString());
      });
      return c;
    });
    await Promise.all(cs.map((c) => c.ready()));
    // Broadcasting consumers start at the queue's end: wait until both have their queues before sending.
    await waitFor(() => cs.every((c) => c.processQueueTable.size >= 4), 30_000, () => "broadcast consumers did not take the queues");
    const p = producer([nameSrv], "pg-3", "p3");
    await p.ready();
    try {
      for (let i = 0; i < 12; i++) assert.equal((await p.send(new Message("news", "n", `n-${i}`))).sendStatus, "SEND_OK");
      await waitFor(() => got.every((s) => s.size >= 12), 30_000, () => `broadcast got ${got.map((s) => s.size).join("/")}`);
      // Its offsets live on the clients: a reset is refused with the reason, and nothing is written.
      const reset = await resetOffset("cg-bcast", "news", Date.now() + 3_600_000);
      assert.equal(reset.status, 400);
      assert.equal(reset.body.code, "BAD_DESTINATION");
      assert.match(reset.body.message, /cg-bcast consumes in BROADCASTING mode: its offsets are kept by each client .*cannot reset them/);
    } finally {
      await p.close();
      await Promise.all(cs.map((c) => c.close()));
    }
    // Still refused once its members have left: the broker remembers the group's model.
    assert.equal((await resetOffset("cg-bcast", "news", Date.now() + 3_600_000)).status, 400);
    const raw = await RawRemotingClient.connect(brokerAddr);
    try {
      const off = await raw.request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: "cg-bcast", topic: "news", queueId: 0 });
      assert.equal(off.extFields.offset ?? "0", "0", "no offset was committed for the broadcasting group");
    } finally {
      raw.close();
    }
  });

  test("a client that sends pulls but never reads is cut off; the node and other clients carry on", { timeout: 60_000 }, async () => {
    const setup = await RawRemotingClient.connect(brokerAddr);
    assert.equal((await setup.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic: "bulk", readQueueNums: 1, writeQueueNums: 1, perm: 6 })).code, ResponseCode.SUCCESS);
    for (let i = 0; i < 40; i++) {
      assert.equal((await setup.request(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "bulk", e: 0, g: Date.now(), i: "" }, Buffer.alloc(60_000, 65))).code, ResponseCode.SUCCESS);
    }
    const greedy = await RawRemotingClient.connect(brokerAddr);
    greedy.socket.pause();
    // Each answer is ~256 KiB; 400 unread answers are ~100 MiB, far past the 16 MiB bound.
    for (let i = 0; i < 400; i++) void greedy.request(RequestCode.PULL_MESSAGE, { consumerGroup: "g", topic: "bulk", queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, subscription: "*" }, null, 60_000).catch(() => undefined);
    // Let the node answer (and cut off) while nothing is read, then read what reached us: the stream must end.
    await new Promise((r) => setTimeout(r, 4000));
    greedy.socket.resume();
    await waitFor(() => greedy.closed, 30_000, () => "the non-reading client was not cut off");
    greedy.close();
    const ok = await setup.request(RequestCode.GET_MAX_OFFSET, { topic: "bulk", queueId: 0 });
    assert.equal(ok.extFields.offset, "40");
    setup.close();
  });

  test("admin API: topics with per-queue offsets, consumer groups with members, offsets and lag", async () => {
    const token = (await readFile(join(dir, "a1", "admin.token"), "utf8")).trim();
    const res = await fetch(`http://127.0.0.1:${adminPort}/api/v1/rocketmq`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const view = (await res.json()) as {
      brokerName: string;
      topics: Array<{ topic: string; queues: Array<{ queueId: number; minOffset: number; maxOffset: number }> }>;
      groups: Array<{ group: string; lag: number; queues: Array<{ topic: string; consumerOffset: number; brokerOffset: number; lag: number }> }>;
    };
    assert.equal(view.brokerName, "broker-a");
    const orders = view.topics.find((t) => t.topic === "orders");
    assert.deepEqual(orders?.queues.map((q) => q.maxOffset).reduce((a, b) => a + b, 0), 20);
    const even = view.groups.find((g) => g.group === "cg-even");
    assert.ok(even, "the group that consumed orders is listed");
    assert.equal(even.lag, 0, "it committed everything");
    assert.equal(even.queues.filter((q) => q.topic === "orders").reduce((a, q) => a + q.consumerOffset, 0), 20);
    const metrics = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    assert.match(metrics, /tandem_rocketmq_consumer_lag_messages\{consumer_group="cg-even",topic="orders"[^}]*\} 0/);
  });
});
