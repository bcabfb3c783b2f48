// The console's RocketMQ views and actions against real processes: seed 002's two broker groups
// (real `tandem broker` processes with NameServer and broker listeners), RocketMQ's own npm client
// (ali-ons) producing and consuming, and a real ClusterConsoleRuntime attached to that cluster,
// driven through the tRPC caller. Every figure the console shows is checked against what the
// clients measured: queue offsets per queue, consumer offsets, lag; a topic created from the
// console is routable (a producer sends to it); a reset to a time makes a restarted consumer read
// exactly the messages stored since; a message is found by key and by id and resent to a group.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Message, type Consumer, type Producer } from "ali-ons";
import { pino } from "pino";
import { createApiTestHarness, principal, rejectsWith, type ApiTestHarness } from "../server/api/apiTestHarness";
import { AdminCallError } from "../server/console/admin/AdminCallError";
import { AlertEvaluator } from "../server/console/alerts/AlertEvaluator";
import { clusterAlertFacts } from "../server/console/alerts/clusterAlertFacts";
import { ClusterConsoleRuntime } from "../server/console/cluster/ClusterConsoleRuntime";
import { RequestCode, ResponseCode } from "../server/runtime/rocketmq/remotingCodes";
import { closeAll, consumer, producer } from "./support/aliOnsClients";
import { RawRemotingClient } from "./support/RawRemotingClient";
import { RocketMqCluster } from "./support/rocketmqCluster";

const TOPIC = "ConsoleTopic";
const GROUP = "cg-console";
const ADMIN_TOKEN = "rmq-console-test-admin-token-0123456789";

let cluster: RocketMqCluster;
let rt: ClusterConsoleRuntime;
let h: ApiTestHarness;
let dir: string;
const clients: Array<Producer | Consumer> = [];
const op = principal("operator", "olga");
const viewer = principal("viewer", "vic");

async function until<T>(what: string, fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
}

before(async () => {
  process.env.TANDEM_ADMIN_CHECK_RESPONSES = "1";
  cluster = await RocketMqCluster.start({ nodesPerGroup: 2, cluster: { adminToken: ADMIN_TOKEN } });
  dir = await mkdtemp(join(tmpdir(), "tandem-rmq-console-"));
  rt = new ClusterConsoleRuntime({ mode: "attach", dataDir: dir, clusterFile: cluster.clusterFile, zkAddress: cluster.zkAddress, adminToken: ADMIN_TOKEN });
  h = await createApiTestHarness({ runtime: rt });
  await rt.start({ prisma: h.prisma, events: h.services.events, live: h.services.live, logger: pino({ level: "silent" }) });
  rt.cluster!.setWatched(true);
  await cluster.master("broker-a");
  await cluster.master("broker-b");
});

after(async () => {
  await closeAll(clients);
  await rt?.stop();
  await h?.close();
  await cluster?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Sent = { body: string; broker: string; queueId: number; msgId: string };

test("topics, routes, offsets, lag, create topic, reset to a time, query and resend, as the clients measured them", { timeout: 170_000 }, async () => {
  const api = h.caller(op);
  // Both masters answer the overview once their RocketMQ listener is up.
  await until("both masters in the RocketMQ overview", async () => {
    const o = await api.rocketmq.overview();
    return o.brokers.length === 2 && o.brokers.every((b) => b.error === null && b.brokerName !== null);
  });

  // ---- topic creation with placement: operator only, audited, routable by the NameServers ----
  await rejectsWith(h.caller(viewer).rocketmq.createTopic({ topic: TOPIC, groups: ["broker-a", "broker-b"], readQueueNums: 4, writeQueueNums: 4 }), "FORBIDDEN");
  await rejectsWith(api.rocketmq.createTopic({ topic: TOPIC, groups: ["broker-z"], readQueueNums: 4, writeQueueNums: 4 }), "NOT_FOUND", "NO_GROUP");
  await rejectsWith(api.rocketmq.createTopic({ topic: "bad topic!", groups: ["broker-a"], readQueueNums: 4, writeQueueNums: 4 }), "BAD_REQUEST");
  const created = await api.rocketmq.createTopic({ topic: TOPIC, groups: ["broker-a", "broker-b"], readQueueNums: 4, writeQueueNums: 4, perm: 6 });
  assert.deepEqual(created.placements.map((p) => [p.brokerName, p.created]).sort(), [["broker-a", true], ["broker-b", true]]);
  const audit = await api.audit.list({ action: "rocketmq.createTopic" });
  assert.ok(audit.some((a) => a.target === TOPIC && a.result === "ok" && a.actor === "olga"), JSON.stringify(audit));
  // Every NameServer routes the topic to both masters with 4 write queues each.
  for (const ns of cluster.nameServers()) {
    await until(`route of ${TOPIC} on ${ns}`, async () => {
      const c = await RawRemotingClient.connect(ns);
      try {
        const r = await c.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: TOPIC });
        if (r.code !== ResponseCode.SUCCESS) return false;
        const route = JSON.parse(r.body!.toString()) as { queueDatas: Array<{ brokerName: string; writeQueueNums: number; readQueueNums: number }> };
        return route.queueDatas.length === 2 && route.queueDatas.every((q) => q.writeQueueNums === 4 && q.readQueueNums === 4);
      } finally {
        c.close();
      }
    }, 30_000);
  }

  // ---- produce in two batches around a reset time ----
  const ns = cluster.nameServers();
  const p = producer(ns, "pg-console", "prod0");
  clients.push(p);
  await p.ready();
  const sent: Sent[] = [];
  async function send(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) {
      const m = new Message(TOPIC, "TagA", `body-${i}`);
      (m as unknown as { keys: string[] }).keys = [`key-${i}`];
      const r = await p.send(m);
      assert.equal(r.sendStatus, "SEND_OK");
      sent.push({ body: `body-${i}`, broker: r.messageQueue.brokerName, queueId: Number(r.messageQueue.queueId), msgId: r.msgId });
    }
  }
  await send(0, 20);
  await new Promise((r) => setTimeout(r, 1000));
  const resetTime = Date.now();
  await new Promise((r) => setTimeout(r, 1000));
  await send(20, 40);
  assert.ok(new Set(sent.map((s) => s.broker)).size === 2, "the producer spread sends over both groups (the console's topic is routable)");
  const count = (list: Sent[], broker: string, q: number): number => list.filter((s) => s.broker === broker && s.queueId === q).length;

  // ---- the topic view: per-queue offsets are the sends the producer counted ----
  const view = await api.rocketmq.overview();
  const topic = view.topics.find((t) => t.topic === TOPIC)!;
  assert.equal(topic.system, false);
  assert.deepEqual(topic.placements.map((pl) => pl.brokerName), ["broker-a", "broker-b"]);
  for (const pl of topic.placements) {
    assert.equal(pl.readQueueNums, 4);
    assert.equal(pl.writeQueueNums, 4);
    assert.equal(pl.perm, 6);
    assert.deepEqual(pl.queues.map((q) => [q.queueId, q.minOffset, q.maxOffset]), [0, 1, 2, 3].map((q) => [q, 0, count(sent, pl.brokerName, q)]));
  }
  assert.equal(topic.messages, 40);

  // ---- a consumer group: members while online, offsets and lag as consumed ----
  const seen1 = new Map<string, number>();
  const c1 = consumer(ns, GROUP, "cons1");
  clients.push(c1);
  c1.subscribe(TOPIC, "*", async (msg) => {
    seen1.set(msg.body.toString(), (seen1.get(msg.body.toString()) ?? 0) + 1);
  });
  await until("40 messages consumed", () => seen1.size === 40);
  const online = await until("the group's committed offsets at the queue ends, with its member", async () => {
    const o = await api.rocketmq.overview();
    const g = o.consumerGroups.find((x) => x.consumerGroup === GROUP);
    const own = g?.queues.filter((q) => q.topic === TOPIC) ?? [];
    return g && g.members.length === 1 && own.length === 8 && g.lag === 0 ? g : null;
  });
  assert.equal(online.messageModel, "CLUSTERING");
  assert.match(online.members[0].clientId, /cons1/);
  assert.ok(online.members[0].subscriptions.includes(`${TOPIC}:*`), JSON.stringify(online.members[0]));
  assert.deepEqual(online.members[0].brokers.sort(), ["broker-a", "broker-b"]);
  for (const q of online.queues.filter((x) => x.topic === TOPIC)) assert.equal(q.consumerOffset, count(sent, q.brokerName, q.queueId));
  await c1.close();
  clients.splice(clients.indexOf(c1), 1);

  // 10 more with the group offline: the console's lag is exactly those 10.
  await send(40, 50);
  const offline = await until("lag of 10 with no member", async () => {
    const g = (await api.rocketmq.overview()).consumerGroups.find((x) => x.consumerGroup === GROUP);
    return g && g.members.length === 0 && g.lag === 10 ? g : null;
  });
  for (const q of offline.queues.filter((x) => x.topic === TOPIC)) {
    assert.equal(q.brokerOffset, count(sent, q.brokerName, q.queueId));
    assert.equal(q.lag, q.brokerOffset - q.consumerOffset);
  }

  // The alert rule "RocketMQ consumer group lag above 9" fires from the facts the evaluator uses
  // (the node pollers' last GET /api/v1/node), with the measured value.
  const ev = new AlertEvaluator();
  const lagRule = { id: 1, name: "RmqLag", enabled: true, metric: "rocketmq_consumer_lag", comparator: "gt" as const, threshold: 9, forSeconds: 0, group: null, node: null, destination: GROUP, severity: "warning" as const, labels: {}, annotations: {} };
  const fired = await until("the lag alert firing", () => ev.evaluate([lagRule], clusterAlertFacts(rt.cluster!, 0)).find((t) => t.to === "firing"), 30_000);
  assert.equal(fired.alert.labels.consumerGroup, GROUP);
  assert.equal(fired.alert.value, 10);

  // ---- reset to a time: per queue the first message stored at or after it ----
  await rejectsWith(h.caller(viewer).rocketmq.resetOffset({ consumerGroup: GROUP, topic: TOPIC, timestamp: resetTime }), "FORBIDDEN");
  const reset = await api.rocketmq.resetOffset({ consumerGroup: GROUP, topic: TOPIC, timestamp: resetTime });
  assert.equal(reset.onlineMembers, 0);
  const firstBatch = sent.slice(0, 20);
  for (const b of reset.brokers) {
    assert.deepEqual(b.queues.map((q) => [q.queueId, q.offset]), [0, 1, 2, 3].map((q) => [q, count(firstBatch, b.brokerName, q)]));
  }
  assert.ok((await api.audit.list({ action: "rocketmq.resetOffset" })).some((a) => a.target === GROUP && a.result === "ok"));
  const afterReset = (await api.rocketmq.overview()).consumerGroups.find((x) => x.consumerGroup === GROUP)!;
  assert.equal(afterReset.lag, 30);
  // A consumer of the group started after the reset reads exactly what was stored since.
  const seen2 = new Map<string, number>();
  const c2 = consumer(ns, GROUP, "cons2");
  clients.push(c2);
  c2.subscribe(TOPIC, "*", async (msg) => {
    seen2.set(msg.body.toString(), (seen2.get(msg.body.toString()) ?? 0) + 1);
  });
  await until("the 30 messages stored since the reset time", () => seen2.size >= 30);
  await until("lag back to 0", async () => (await api.rocketmq.overview()).consumerGroups.find((x) => x.consumerGroup === GROUP)?.lag === 0);
  assert.deepEqual([...seen2.keys()].sort(), sent.slice(20).map((s) => s.body).sort(), "re-read exactly the messages stored at or after the reset time");

  // ---- query by key and by id; bodies only for those who may read them ----
  const byKey = await api.rocketmq.messages({ key: "key-5", topic: TOPIC });
  assert.equal(byKey.messages.length, 1);
  const m5 = byKey.messages[0];
  assert.equal(Buffer.from(m5.bodyBase64, "base64").toString(), "body-5");
  assert.equal(m5.keys, "key-5");
  assert.equal(m5.tags, "TagA");
  assert.equal(m5.msgId, sent[5].msgId);
  assert.equal(m5.brokerName, sent[5].broker);
  assert.equal(m5.queueId, sent[5].queueId);
  const hidden = await h.caller(viewer).rocketmq.messages({ key: "key-5" });
  assert.equal(hidden.messages[0].bodyWithheld, true);
  assert.equal(hidden.messages[0].bodyBase64, "");
  const byId = await api.rocketmq.messages({ id: sent[33].msgId });
  assert.deepEqual(byId.messages.map((m) => Buffer.from(m.bodyBase64, "base64").toString()), ["body-33"]);
  assert.ok((await api.audit.list({ action: "rocketmq.readBody" })).length >= 2);
  await rejectsWith(api.rocketmq.messages({}), "BAD_REQUEST");

  // ---- resend to the group: its online consumer handles it again (through %RETRY%<group>) ----
  const before5 = seen2.get("body-5") ?? 0;
  const resent = await api.rocketmq.resend({ id: sent[5].msgId, consumerGroup: GROUP });
  assert.equal(resent.topic, `%RETRY%${GROUP}`);
  assert.equal(resent.originalTopic, TOPIC);
  assert.equal(resent.brokerName, sent[5].broker);
  await until("the resent message consumed by the group", () => (seen2.get("body-5") ?? 0) > before5, 60_000);
  await rejectsWith(api.rocketmq.resend({ id: "7F000001000000000000000000000000", consumerGroup: GROUP }), "NOT_FOUND");

  // ---- reset with the group online: ali-ons ignores RESET_CONSUMER_CLIENT_OFFSET, so the broker
  // holds the reset against its commits and moves its next pull of each queue there ----
  const counts = new Map(seen2);
  const onlineReset = await api.rocketmq.resetOffset({ consumerGroup: GROUP, topic: TOPIC, timestamp: resetTime });
  assert.equal(onlineReset.onlineMembers, 1);
  await until("the online consumer re-reads what was stored since the reset time", () => sent.slice(20).every((x) => (seen2.get(x.body) ?? 0) > (counts.get(x.body) ?? 0)), 90_000);
  for (const x of sent.slice(0, 20)) assert.equal(seen2.get(x.body) ?? 0, counts.get(x.body) ?? 0, `${x.body} was stored before the reset time and is not re-read`);
  await until("lag back to 0 after the online reset", async () => (await api.rocketmq.overview()).consumerGroups.find((x) => x.consumerGroup === GROUP)?.lag === 0);
});

test("the node admin API refuses RocketMQ requests with codes of the closed set", { timeout: 60_000 }, async () => {
  const admin = rt.cluster!.admin;
  const a = await cluster.master("broker-a");
  const slave = cluster.nodes.find((n) => n.group === "broker-a" && n.name !== a.name)!;
  const cases: Array<[() => Promise<unknown>, string, number]> = [
    [() => admin.rocketmq(slave.name), "NOT_SERVING", 503],
    [() => admin.rmqResetOffset(a.name, GROUP, { topic: "NoSuchTopic", timestamp: 0 }), "NO_DESTINATION", 404],
    [() => admin.rmqCreateTopic(a.name, { topic: "T", readQueueNums: 0, writeQueueNums: 1 }), "INVALID_INPUT", 400],
    [() => admin.rmqCreateTopic(a.name, { topic: "SCHEDULE_TOPIC_XXXX", readQueueNums: 1, writeQueueNums: 1 }), "INVALID_INPUT", 400],
    [() => admin.rmqMessages(a.name, {}), "INVALID_INPUT", 400],
    [() => admin.rmqResend(a.name, "not-an-id", GROUP), "INVALID_INPUT", 400],
  ];
  for (const [call, code, status] of cases) {
    const err = await call().then(
      () => assert.fail(`expected ${code}`),
      (e: unknown) => e as AdminCallError,
    );
    assert.ok(err instanceof AdminCallError, String(err));
    assert.equal(err.code, code, err.message);
    assert.equal(err.status, status, err.message);
  }
  await rejectsWith(h.caller(op).rocketmq.resetOffset({ consumerGroup: GROUP, topic: "NoSuchTopic", timestamp: 0 }), "NOT_FOUND", "NO_TOPIC");
});
