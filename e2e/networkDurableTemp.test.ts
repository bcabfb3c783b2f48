// Two single-node groups joined by a duplex connector, as real processes: the durable and temporary
// destinations of issue #11. A durable topic subscriber on group2 keeps receiving what group1
// publishes while it is away AND while the bridge is down (group2 killed, group1 killed and
// restarted: group1 keeps a durable network subscription in its journal, ActiveMQ's NC-DS_ durable),
// and that subscription goes when the remote durable is deleted, even while the bridge was down.
// A stomp.py requester on group2 gets the replies a responder on group1 sends to its temporary queue.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { StompClient } from "../server/runtime/client/StompClient";
import { waitFor } from "./support/clusterProcess";
import { NetworkCluster } from "./support/networkCluster";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./python/bridge_extras.py", import.meta.url).pathname;

let net: NetworkCluster;
const children: ChildProcess[] = [];
const clients: StompClient[] = [];

interface BridgeBody {
  name: string;
  state: string;
  demand: Array<{ destination: string; consumers: number }>;
}

function py(args: string[]): { child: ChildProcess; lines: Array<Record<string, unknown>>; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on("line", (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  return { child, lines, stderr: () => stderr, exited: new Promise((r) => child.once("exit", (c) => r(c))) };
}

async function client(port: number, clientId?: string): Promise<StompClient> {
  const c = await StompClient.connect({ host: "127.0.0.1", port, clientId });
  clients.push(c);
  return c;
}

async function bridgeOf(node: string): Promise<BridgeBody> {
  const body = (await net.admin(node, "/bridges")) as { bridges: BridgeBody[] };
  assert.equal(body.bridges.length, 1, JSON.stringify(body));
  return body.bridges[0]!;
}

async function demandOf(node: string, destination: string): Promise<number> {
  return (await bridgeOf(node)).demand.find((d) => d.destination === destination)?.consumers ?? 0;
}

async function durablesOn(node: string, topic: string): Promise<number> {
  const d = (await net.admin(node, `/destinations/${encodeURIComponent(topic)}`)) as { durableSubscriptions: number };
  return d.durableSubscriptions;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a killed node again and waits until it takes STOMP clients (recovery is logged before). */
async function start(node: string): Promise<void> {
  await net.startNode(node);
  await net.waitForLog(node, (l) => l.msg === "listening" && String(l.service).endsWith("stomp"), 30_000, `${node} listening after its restart`);
}

before(async () => {
  net = await NetworkCluster.start([
    { name: "group1", nodes: 1, networkConnectors: [{ name: "g1-g2", group: "group2", duplex: true, initialReconnectDelay: "200ms", maxReconnectDelay: "1s" }] },
    { name: "group2", nodes: 1 },
  ]);
  await net.waitForLog("group1-mq1", (l) => l.msg === "bridge up", 30_000, "bridge up g1→g2");
  await net.waitForLog("group2-mq1", (l) => l.msg === "bridge up", 30_000, "bridge up g2→g1 (duplex)");
});

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  for (const c of clients) c.close();
  await net?.stop();
});

test("a durable subscriber on group2 gets what group1 published while the bridge was down, across kill -9 of both groups", { timeout: 150_000 }, async () => {
  const TOPIC = "/topic/nc.news";
  const got: string[] = [];
  const subscribe = async (): Promise<StompClient> => {
    const c = await client(net.portsOf("group2")[0]!, "nc-client");
    await c.subscribe(TOPIC, (m) => {
      got.push(m.body.toString());
      void m.ack();
    }, { ack: "client-individual", headers: { "activemq.subscriptionName": "keep" } });
    return c;
  };
  const first = await subscribe();
  await eventually(async () => (await demandOf("group1-mq1", TOPIC)) === 1, 15_000, "group1's bridge sees the durable subscriber");
  const p1 = await client(net.portsOf("group1")[0]!);
  for (let i = 0; i < 3; i++) await p1.send(TOPIC, `live-${i}`, { headers: { persistent: "true" } });
  await waitFor(() => got.length >= 3, 15_000, () => `live messages: ${got.join(",")}`);
  await first.disconnect();
  // group1 keeps a durable network subscription for it: what comes next is stored on group1.
  await eventually(async () => (await durablesOn("group1-mq1", TOPIC)) === 1, 15_000, "a durable network subscription on group1");

  await net.kill9("group2-mq1");
  await eventually(async () => (await bridgeOf("group1-mq1")).state !== "running", 15_000, "group1's bridge notices group2 is gone");
  for (let i = 0; i < 10; i++) await p1.send(TOPIC, `down-${i}`, { headers: { persistent: "true" } });
  p1.close();
  // group1 crashes too: the durable network subscription and its backlog are in its journal.
  await net.kill9("group1-mq1");
  await start("group1-mq1");
  const p2 = await client(net.portsOf("group1")[0]!);
  for (let i = 0; i < 5; i++) await p2.send(TOPIC, `restarted-${i}`, { headers: { persistent: "true" } });
  assert.equal(await durablesOn("group1-mq1", TOPIC), 1, "the durable network subscription survived group1's kill -9");

  await start("group2-mq1");
  await net.waitForLog("group1-mq1", (l) => l.msg === "bridge up", 30_000, "group1's bridge back up");
  await subscribe();
  const want = [...[0, 1, 2].map((i) => `live-${i}`), ...Array.from({ length: 10 }, (_, i) => `down-${i}`), ...Array.from({ length: 5 }, (_, i) => `restarted-${i}`)];
  await waitFor(() => want.every((w) => got.includes(w)), 30_000, () => `missing ${want.filter((w) => !got.includes(w)).join(",")}`);
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual([...got].sort(), [...want].sort(), "each message exactly once");
});

test("a durable subscription deleted on group2 while the bridge was down takes group1's durable network subscription with it", { timeout: 120_000 }, async () => {
  const TOPIC = "/topic/nc.gone";
  const c = await client(net.portsOf("group2")[0]!, "nc-gone");
  await c.subscribe(TOPIC, () => undefined, { ack: "auto", headers: { "activemq.subscriptionName": "gone" } });
  await eventually(async () => (await durablesOn("group1-mq1", TOPIC)) === 1, 15_000, "a durable network subscription on group1");
  await c.disconnect();
  await net.kill9("group1-mq1");
  const destroy = py(["destroy-durable", String(net.portsOf("group2")[0]), "nc-gone", TOPIC, "gone"]);
  assert.equal(await destroy.exited, 0, destroy.stderr());
  assert.ok(destroy.lines.some((l) => l.destroyed === "gone"), JSON.stringify(destroy.lines));
  await start("group1-mq1");
  await net.waitForLog("group1-mq1", (l) => l.msg === "bridge up", 30_000, "group1's bridge up after its restart");
  await eventually(async () => (await durablesOn("group1-mq1", TOPIC)) === 0, 15_000, "group1's durable network subscription deleted");
  assert.equal(await demandOf("group1-mq1", TOPIC), 0, "no phantom demand");
  assert.ok(net.node("group1-mq1").proc!.logs.some((l) => String(l.msg).startsWith("durable network subscription deleted")), "the deletion is logged");
});

test("stomp.py requester on group2 gets the replies a responder on group1 sends to its temporary queue", { timeout: 90_000 }, async () => {
  const TOTAL = 20;
  const errors: string[] = [];
  const responder = await client(net.portsOf("group1")[0]!);
  await responder.subscribe("/queue/rpc", (m) => {
    const replyTo = m.header("reply-to");
    if (replyTo === undefined) return void errors.push(`no reply-to on ${m.body.toString()}`);
    responder.send(replyTo, `re:${m.body.toString()}`).catch((err: Error) => errors.push(err.message));
  }, { ack: "auto" });
  const requester = py(["requester", String(net.portsOf("group2")[0]), String(TOTAL)]);
  await waitFor(() => requester.lines.some((l) => l.subscribed), 20_000, () => `requester: ${requester.stderr()}`);
  // Requests cross group2 → group1 (the responder's demand); replies group1 → group2 (the
  // requester's temporary queue, advertised by group2 and stood in for on group1).
  await eventually(async () => (await demandOf("group2-mq1", "/queue/rpc")) === 1, 15_000, "group2's bridge sees the responder");
  await eventually(async () => (await bridgeOf("group1-mq1")).demand.some((d) => d.destination.startsWith("/temp-queue/")), 15_000, "group1's bridge sees the temporary queue");
  requester.child.stdin!.write("go\n");
  const replies = (): string[] => requester.lines.filter((l) => typeof l.reply === "string").map((l) => l.reply as string);
  await waitFor(() => replies().length >= TOTAL || errors.length > 0, 30_000, () => `replies ${replies().length}/${TOTAL}: ${requester.stderr()}`);
  assert.deepEqual(errors, []);
  assert.deepEqual(replies().sort(), Array.from({ length: TOTAL }, (_, i) => `re:req-${i}`).sort());
  assert.ok(!requester.lines.some((l) => l.error), JSON.stringify(requester.lines.filter((l) => l.error)));

  // The requester leaves: its temporary queue ends on group2, and group1's stand-in with it.
  requester.child.kill("SIGKILL");
  await eventually(async () => !(await bridgeOf("group1-mq1")).demand.some((d) => d.destination.startsWith("/temp-queue/")), 15_000, "temporary demand gone");
  const list = (await net.admin("group1-mq1", "/destinations")) as { items?: Array<{ name: string }>; destinations?: Array<{ name: string }> };
  const names = JSON.stringify(list);
  assert.ok(!names.includes("/temp-queue/"), `a stand-in temporary queue is left on group1: ${names.slice(0, 500)}`);
});

test("a connected durable subscriber on group2 misses nothing published on group1 while the bridge restarts", { timeout: 90_000 }, async () => {
  const TOPIC = "/topic/nc.restart";
  const TOTAL = 300;
  const got = new Set<string>();
  const sub = await client(net.portsOf("group2")[0]!, "nc-restart");
  await sub.subscribe(TOPIC, (m) => {
    got.add(m.body.toString());
    void m.ack();
  }, { ack: "client-individual", headers: { "activemq.subscriptionName": "keep" } });
  await eventually(async () => (await demandOf("group1-mq1", TOPIC)) === 1, 15_000, "durable demand on group1's bridge");
  const p = await client(net.portsOf("group1")[0]!);
  const restarts: Array<Promise<unknown>> = [];
  for (let i = 0; i < TOTAL; i++) {
    // Two restarts mid-flow: between the old session's end and the new one's subscription, only a
    // durable network subscription keeps what is published.
    if (i === 100 || i === 200) restarts.push(net.admin("group1-mq1", "/bridges/g1-g2/restart", "POST"));
    await p.send(TOPIC, `r-${i}`, { headers: { persistent: "true" } });
  }
  await Promise.all(restarts);
  await waitFor(() => got.size >= TOTAL, 30_000, () => `got ${got.size}/${TOTAL}; missing ${Array.from({ length: TOTAL }, (_, i) => `r-${i}`).filter((b) => !got.has(b)).slice(0, 20).join(",")}`);
});
