// Seed 002 on Tandem with RocketMQ's own npm client (ali-ons, 4.x remoting protocol): two broker
// groups of three real processes (SYNC_MASTER + SYNC_FLUSH), NameServer listeners on every node.
// A topic with 8 queues on each group; a clustering group of 3 (averaging: 6/5/5 of 16 queues),
// a tag-filtered group, a broadcasting group, a consumer that fails into retries and the DLQ; then
// kill -9 of broker-a's master: no SEND_OK message is lost, offsets are neither rewound nor
// skipped, producers come back to broker-a once its new master is in the routes.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Message, type Consumer, type Producer } from "ali-ons";
import { closeAll, consumer, producer } from "./support/aliOnsClients";
import { RawRemotingClient } from "./support/RawRemotingClient";
import { waitFor } from "./support/clusterProcess";
import { RocketMqCluster, type RmqNode } from "./support/rocketmqCluster";
import { RequestCode, ResponseCode } from "../server/runtime/rocketmq/remotingCodes";

const TOPIC = "TopicTest";
let cluster: RocketMqCluster;
const clients: Array<Producer | Consumer> = [];

before(async () => {
  cluster = await RocketMqCluster.start({ rocketmq: { messageDelayLevel: "1s 1s 1s 1s 1s 1s 1s 1s" } });
});

after(async () => {
  await closeAll(clients);
  await cluster?.stop();
});

async function raw<T>(addr: string, fn: (c: RawRemotingClient) => Promise<T>): Promise<T> {
  const c = await RawRemotingClient.connect(addr);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

const brokerAddr = (n: RmqNode): string => `127.0.0.1:${n.listenPort}`;

async function createTopic(master: RmqNode, topic: string, queues: number): Promise<void> {
  const r = await raw(brokerAddr(master), (c) => c.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, readQueueNums: queues, writeQueueNums: queues, perm: 6 }));
  assert.equal(r.code, ResponseCode.SUCCESS, r.remark ?? "");
}

async function route(ns: string, topic: string): Promise<{ queueDatas: Array<{ brokerName: string; writeQueueNums: number }>; brokerDatas: Array<{ brokerName: string; brokerAddrs: Record<string, string> }> } | null> {
  const r = await raw(ns, (c) => c.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }));
  if (r.code !== ResponseCode.SUCCESS) return null;
  const data = JSON.parse(r.body!.toString()) as NonNullable<Awaited<ReturnType<typeof route>>>;
  data.queueDatas.sort((a, b) => a.brokerName.localeCompare(b.brokerName));
  data.brokerDatas.sort((a, b) => a.brokerName.localeCompare(b.brokerName));
  return data;
}

async function waitForRoute(topic: string, want: (r: NonNullable<Awaited<ReturnType<typeof route>>>) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const alive = cluster.nodes.filter((n) => n.proc && n.proc.child.exitCode === null && n.proc.child.signalCode === null);
    const routes = await Promise.all(alive.map((n) => route(`127.0.0.1:${n.namesrvPort}`, topic).catch(() => null)));
    if (routes.every((r) => r && want(r))) return;
    if (Date.now() > deadline) throw new Error(`routes of ${topic} never showed ${what}: ${JSON.stringify(routes)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function queuesOf(c: Consumer, topic: string): number {
  return [...c.processQueueTable.keys()].filter((k) => k.includes(`topic="${topic}"`)).length;
}

async function offsets(master: RmqNode, group: string, topic: string, queues: number): Promise<number[]> {
  return raw(brokerAddr(master), async (c) => {
    const out: number[] = [];
    for (let q = 0; q < queues; q++) {
      const r = await c.request(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: group, topic, queueId: q });
      out.push(r.code === ResponseCode.SUCCESS ? Number(r.extFields.offset) : -1);
    }
    return out;
  });
}

test("seed 002 on Tandem: routes, clustering 6/5/5, tags, broadcasting, retries → DLQ, kill -9 of a master loses no SEND_OK message", { timeout: 170_000 }, async () => {
  const a = await cluster.master("broker-a");
  const b = await cluster.master("broker-b");
  for (const m of [a, b]) {
    await createTopic(m, TOPIC, 8);
    await createTopic(m, "TopicFail", 1);
  }
  // Every NameServer (one per node, any role) gives the same route: 8 queues on each group, the masters' addresses.
  await waitForRoute(TOPIC, (r) => r.queueDatas.length === 2 && r.queueDatas.every((q) => q.writeQueueNums === 8) && r.brokerDatas[0].brokerAddrs["0"] === brokerAddr(a) && r.brokerDatas[1].brokerAddrs["0"] === brokerAddr(b), "both masters");
  const info = await raw(cluster.nameServers()[0], (c) => c.request(RequestCode.GET_BROKER_CLUSTER_INFO));
  assert.deepEqual((JSON.parse(info.body!.toString()) as { clusterAddrTable: Record<string, string[]> }).clusterAddrTable.DefaultCluster.sort(), ["broker-a", "broker-b"]);

  const ns = cluster.nameServers();
  const clustered = new Map<string, number>();
  const tagged = new Set<string>();
  const taggedWrong: string[] = [];
  const broadcast = [new Set<string>(), new Set<string>()];
  const failing: number[] = [];
  const cl = [0, 1, 2].map((i) => consumer(ns, "cg-cluster", `cl${i}`));
  for (const c of cl) {
    c.subscribe(TOPIC, "*", async (msg) => {
      const body = msg.body.toString();
      clustered.set(body, (clustered.get(body) ?? 0) + 1);
    });
  }
  const tags = consumer(ns, "cg-tags", "tag0");
  tags.subscribe(TOPIC, "TagA", async (msg) => {
    if (msg.tags !== "TagA") taggedWrong.push(msg.body.toString());
    tagged.add(msg.body.toString());
  });
  const bc = [0, 1].map((i) => {
    const c = consumer(ns, "cg-bcast", `bc${i}`, { isBroadcast: true });
    c.subscribe(TOPIC, "*", async (msg) => {
      broadcast[i].add(msg.body.toString());
    });
    return c;
  });
  const fail = consumer(ns, "cg-fail", "fail0", { maxReconsumeTimes: 1 });
  fail.subscribe("TopicFail", "*", async (msg) => {
    failing.push(msg.reconsumeTimes);
    throw new Error("this consumer always fails");
  });
  const all = [...cl, tags, ...bc, fail];
  clients.push(...all);
  await Promise.all(all.map((c) => c.ready()));

  // AllocateMessageQueueAveragely over 16 sorted queues and 3 sorted client ids: 6, 5, 5.
  await waitFor(() => [...cl.map((c) => queuesOf(c, TOPIC))].sort().join(",") === "5,5,6", 60_000, () => `clustering allocation: ${cl.map((c) => queuesOf(c, TOPIC)).join(",")}`);
  await waitFor(() => bc.every((c) => queuesOf(c, TOPIC) === 16) && queuesOf(tags, TOPIC) === 16, 30_000, () => "broadcast and tag consumers did not take all 16 queues");

  const p = producer(ns, "pg-seed", "prod0");
  clients.push(p);
  await p.ready();
  const acked: Array<{ body: string; tag: string; broker: string }> = [];
  let failedSends = 0;
  async function sendAll(from: number, to: number): Promise<void> {
    for (let i = from; i < to; i++) {
      const tag = i % 3 === 0 ? "TagA" : "TagB";
      // A send that throws or is not SEND_OK was not acknowledged: the application sends it again.
      for (;;) {
        try {
          const r = await p.send(new Message(TOPIC, tag, `m-${i}`));
          if (r.sendStatus === "SEND_OK") {
            acked.push({ body: `m-${i}`, tag, broker: r.messageQueue.brokerName });
            break;
          }
        } catch {
          /* counted below */
        }
        failedSends++;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  await sendAll(0, 120);
  for (let i = 0; i < 3; i++) await p.send(new Message("TopicFail", "x", `poison-${i}`));
  assert.ok(acked.some((m) => m.broker === "broker-a") && acked.some((m) => m.broker === "broker-b"), "sends are spread over both groups");

  // Offsets stored on broker-a's master before the kill: the new master must not be behind them.
  await waitFor(() => clustered.size >= 120, 60_000, () => `clustering consumed ${clustered.size}/120 before the kill`);
  await new Promise((r) => setTimeout(r, 2500)); // offsets are committed every second, replication follows
  const before = await offsets(a, "cg-cluster", TOPIC, 8);
  assert.ok(before.reduce((s, x) => s + Math.max(0, x), 0) > 0, `offsets were committed on broker-a: ${before}`);

  await cluster.kill9(a.name);
  // During the failover the producer moves to broker-b's queues; the outcome is checked below.
  const sending = sendAll(120, 240).then(
    () => null,
    (err: unknown) => err,
  );
  const a2 = await cluster.master("broker-a", 60_000, a.name);
  const after = await offsets(a2, "cg-cluster", TOPIC, 8);
  for (let q = 0; q < 8; q++) assert.ok(after[q] >= before[q], `queue ${q}: offset ${after[q]} on the new master is behind ${before[q]} stored before the kill`);
  const sendError = await sending;
  if (sendError) throw sendError;
  // A route poll later, the new master is in every NameServer's route, and producers come back to broker-a.
  await waitForRoute(TOPIC, (r) => r.brokerDatas[0].brokerAddrs["0"] === brokerAddr(a2), "broker-a's new master");
  // The producer learns it at its own next route poll (2 s here; it may first ask the killed
  // node's NameServer): until then its sends to broker-a's old address fail over to broker-b.
  // So it keeps sending, in batches, until one lands on broker-a — bounded, not a fixed count
  // that a fast machine finishes before the poll (CI: 120 sends, all on broker-b).
  const mark = acked.length;
  const deadline = Date.now() + 60_000;
  for (let next = 240; !acked.slice(mark).some((m) => m.broker === "broker-a"); next += 20) {
    assert.ok(Date.now() < deadline, `no send reached broker-a within 60 s of its new master being in every route (${acked.length - mark} went to broker-b)`);
    await sendAll(next, next + 20);
    await new Promise((r) => setTimeout(r, 250));
  }

  const bodies = acked.map((m) => m.body);
  await waitFor(() => bodies.every((x) => clustered.has(x)), 90_000, () => `clustering group missing ${bodies.filter((x) => !clustered.has(x)).length} SEND_OK messages`);
  const tagA = acked.filter((m) => m.tag === "TagA").map((m) => m.body);
  await waitFor(() => tagA.every((x) => tagged.has(x)), 60_000, () => `tag consumer missing ${tagA.filter((x) => !tagged.has(x)).length} TagA messages`);
  assert.deepEqual(taggedWrong, [], "the tag consumer got only TagA");
  assert.equal(tagged.size, tagA.length, "and no TagB message");
  await waitFor(() => broadcast.every((s) => bodies.every((x) => s.has(x))), 60_000, () => `broadcast consumers have ${broadcast.map((s) => s.size).join("/")} of ${bodies.length}`);
  const deliveries = [...clustered.values()].reduce((s, x) => s + x, 0);
  const duplicates = deliveries - clustered.size;
  console.log(JSON.stringify({ acked: acked.length, failedSends, deliveries, duplicates, before, after }));
  assert.ok(duplicates < bodies.length / 4, `a resumed consumer re-reads only the tail it had not committed (${duplicates} duplicates of ${bodies.length})`);

  // The failing consumer: first delivery, one retry through %RETRY%cg-fail, then %DLQ%cg-fail.
  const b2 = await cluster.master("broker-b");
  async function dlqCount(): Promise<number> {
    let n = 0;
    for (const m of [a2, b2]) {
      const r = await raw(brokerAddr(m), (c) => c.request(RequestCode.GET_MAX_OFFSET, { topic: "%DLQ%cg-fail", queueId: 0 }));
      n += Number(r.extFields.offset ?? 0);
    }
    return n;
  }
  let dlq = 0;
  const until = Date.now() + 60_000;
  while ((dlq = await dlqCount()) < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 500));
  assert.equal(dlq, 3, `%DLQ%cg-fail holds ${dlq} of 3 (attempts seen: ${JSON.stringify(failing)})`);
  assert.ok(failing.filter((x) => x === 1).length >= 3, `every poison message was retried once: ${JSON.stringify(failing)}`);
});
