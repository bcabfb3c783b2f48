// Two groups joined by one duplex connector (seed 000's shape, one node per group so the test
// stays light): stomp.py on both ends, demand appearing and disappearing with consumers, local
// consumers preferred, selectors honoured, messages that waited for a consumer forwarded.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { StompClient } from "../server/runtime/client/StompClient";
import type { StompMessage } from "../server/runtime/client/StompMessage";
import { waitFor } from "./support/clusterProcess";
import { NetworkCluster } from "./support/networkCluster";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./python/bridge_client.py", import.meta.url).pathname;

let net: NetworkCluster;
const children: ChildProcess[] = [];
const clients: StompClient[] = [];

interface BridgesBody {
  bridges: Array<{ name: string; state: string; stateText: string; demand: Array<{ destination: string; consumers: number }>; counters: { forwarded: number; inFlight: number } }>;
}

function py(args: string[]): { lines: Array<Record<string, unknown>>; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on("line", (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  return { lines, stderr: () => stderr, exited: new Promise((r) => child.once("exit", (c) => r(c))) };
}

async function client(port: number): Promise<StompClient> {
  const c = await StompClient.connect({ host: "127.0.0.1", port });
  clients.push(c);
  return c;
}

async function bridge(node: string, name: string): Promise<BridgesBody["bridges"][number]> {
  const body = (await net.admin(node, "/bridges")) as BridgesBody;
  const b = body.bridges.find((x) => x.name === name);
  assert.ok(b, `bridge ${name} on ${node}: ${JSON.stringify(body)}`);
  return b;
}

async function demandOf(node: string, name: string, destination: string): Promise<number> {
  return (await bridge(node, name)).demand.find((d) => d.destination === destination)?.consumers ?? 0;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  net = await NetworkCluster.start([
    { name: "group1", nodes: 1, networkConnectors: [{ name: "g1-g2", group: "group2", duplex: true }] },
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

test("stomp.py producer on group1, stomp.py consumer on group2: every receipted message arrives", { timeout: 120_000 }, async () => {
  const TOTAL = 200;
  const [g1] = net.portsOf("group1");
  const [g2] = net.portsOf("group2");
  const consumer = py(["consumer", String(g2), "/queue/net.py"]);
  await waitFor(() => consumer.lines.some((l) => l.subscribed), 20_000, () => `consumer did not subscribe: ${consumer.stderr()}`);
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/queue/net.py")) === 1, 15_000, "group1's bridge sees group2's consumer");
  const producer = py(["producer", String(g1), "/queue/net.py", String(TOTAL), "py"]);
  const code = await Promise.race([producer.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 60_000))]);
  assert.equal(code, 0, `producer: ${producer.stderr()}`);
  await waitFor(
    () => new Set(consumer.lines.filter((l) => typeof l.body === "string").map((l) => l.body)).size >= TOTAL,
    30_000,
    () => `consumer got ${consumer.lines.filter((l) => l.body).length}/${TOTAL}`,
  );
  const bodies = consumer.lines.filter((l) => typeof l.body === "string");
  for (let i = 0; i < TOTAL; i++) assert.ok(bodies.some((l) => l.body === `py-${i}`), `py-${i} missing on group2`);
  assert.ok(bodies.every((l) => l.path === ",group1,"), "forwarded copies carry the broker path");
  const b = await bridge("group1-mq1", "g1-g2");
  assert.equal(b.state, "running");
  assert.ok(b.counters.forwarded >= TOTAL, `forwarded counter ${b.counters.forwarded}`);
});

test("demand appears and disappears with consumers; messages that waited are forwarded once a consumer appears", { timeout: 90_000 }, async () => {
  const [g1] = net.portsOf("group1");
  const [g2] = net.portsOf("group2");
  const producer = await client(g1);
  for (let i = 0; i < 20; i++) await producer.send("/queue/net.wait", `w-${i}`, { headers: { persistent: "true" } });
  assert.equal(await demandOf("group1-mq1", "g1-g2", "/queue/net.wait"), 0);
  const remote = await client(g2);
  const got: string[] = [];
  const id = await remote.subscribe("/queue/net.wait", (m: StompMessage) => {
    got.push(m.body.toString());
    void m.ack();
  }, { ack: "client-individual" });
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/queue/net.wait")) === 1, 15_000, "demand for /queue/net.wait");
  await waitFor(() => got.length >= 20, 20_000, () => `got ${got.length}/20 waiting messages`);
  const second = await client(g2);
  await second.subscribe("/queue/net.wait", () => undefined, { ack: "auto" });
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/queue/net.wait")) === 2, 15_000, "two consumers counted");
  second.close();
  await remote.unsubscribe(id);
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/queue/net.wait")) === 0, 15_000, "demand gone with the consumers");
  // No demand: a new message stays on group1.
  await producer.send("/queue/net.wait", "stays", { headers: { persistent: "true" } });
  await new Promise((r) => setTimeout(r, 1500));
  const local = await client(g1);
  const stayed: string[] = [];
  await local.subscribe("/queue/net.wait", (m) => stayed.push(m.body.toString()), { ack: "auto" });
  await waitFor(() => stayed.includes("stays"), 15_000, () => `the message without demand did not stay on group1: ${stayed.join(",")}`);
});

test("local consumers are preferred; a selector limits what is forwarded", { timeout: 90_000 }, async () => {
  const [g1] = net.portsOf("group1");
  const [g2] = net.portsOf("group2");
  const local: string[] = [];
  const remoteGot: string[] = [];
  const l = await client(g1);
  await l.subscribe("/queue/net.prio", (m) => local.push(m.body.toString()), { ack: "auto" });
  const r = await client(g2);
  await r.subscribe("/queue/net.prio", (m) => remoteGot.push(m.body.toString()), { ack: "auto", headers: { selector: "color = 'red'" } });
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/queue/net.prio")) === 1, 15_000, "remote demand");
  const p = await client(g1);
  for (let i = 0; i < 50; i++) await p.send("/queue/net.prio", `p-${i}`, { headers: { color: i % 2 ? "red" : "blue" } });
  await waitFor(() => local.length + remoteGot.length >= 50, 20_000, () => `local ${local.length} remote ${remoteGot.length}`);
  // An auto-ack local consumer always has credit, so the -5 network consumer gets nothing.
  assert.equal(remoteGot.length, 0, `remote got ${remoteGot.join(",")} although a local consumer was free`);
  l.close();
  await new Promise((res) => setTimeout(res, 500));
  for (let i = 50; i < 70; i++) await p.send("/queue/net.prio", `p-${i}`, { headers: { color: i % 2 ? "red" : "blue" } });
  await waitFor(() => remoteGot.length >= 10, 20_000, () => `remote got ${remoteGot.length}/10 red messages`);
  await new Promise((res) => setTimeout(res, 1000));
  assert.deepEqual(remoteGot.sort(), Array.from({ length: 10 }, (_, k) => `p-${51 + 2 * k}`).sort(), "only the red ones cross");
});

test("a forged consumer advisory cannot crash or derail the bridge (anyone may publish on the advisory topic)", { timeout: 60_000 }, async () => {
  const [g2] = net.portsOf("group2");
  const [g1] = net.portsOf("group1");
  const forger = await client(g2);
  for (const body of ['{"destination":"/queue/x","consumers":[{"id":1}]}', "not json", '{"destination":"/queue/x","consumers":[{"id":"a","selector":null,"path":null}]}']) {
    await forger.send("/topic/ActiveMQ.Advisory.Consumer", body);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const node = net.node("group1-mq1");
  assert.equal(node.proc!.child.exitCode, null, `group1's master died: ${node.proc!.stderr.slice(-2000)}`);
  assert.ok(node.proc!.logs.some((l) => l.msg === "unreadable consumer advisory ignored"), "the forgery is logged");
  // And the bridge still forwards.
  const got: string[] = [];
  const r = await client(g2);
  await r.subscribe("/queue/net.after", (m) => got.push(m.body.toString()), { ack: "auto" });
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/queue/net.after")) === 1, 15_000, "demand after the forgery");
  const p = await client(g1);
  await p.send("/queue/net.after", "still-here", { headers: { persistent: "true" } });
  await waitFor(() => got.includes("still-here"), 15_000, () => "bridge stopped forwarding after a forged advisory");
});

test("a durable topic subscriber on group2 gets what group1 published while it was away", { timeout: 60_000 }, async () => {
  const [g1] = net.portsOf("group1");
  const [g2] = net.portsOf("group2");
  const sub = async (): Promise<{ c: StompClient; got: string[] }> => {
    const c = await StompClient.connect({ host: "127.0.0.1", port: g2!, clientId: "durable-client" });
    clients.push(c);
    const got: string[] = [];
    await c.subscribe("/topic/net.durable", (m) => {
      got.push(m.body.toString());
      void m.ack();
    }, { ack: "client-individual", headers: { "activemq.subscriptionName": "keep" } });
    return { c, got };
  };
  const first = await sub();
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/topic/net.durable")) === 1, 15_000, "durable demand");
  await first.c.disconnect();
  await new Promise((r) => setTimeout(r, 1000));
  // Still demand: the durable subscription stores what comes while its subscriber is away.
  assert.equal(await demandOf("group1-mq1", "g1-g2", "/topic/net.durable"), 1);
  const p = await client(g1);
  for (let i = 0; i < 5; i++) await p.send("/topic/net.durable", `d-${i}`, { headers: { persistent: "true" } });
  await new Promise((r) => setTimeout(r, 1500));
  const second = await sub();
  await waitFor(() => second.got.length >= 5, 20_000, () => `durable subscriber got ${second.got.join(",")}`);
  assert.deepEqual(second.got.sort(), ["d-0", "d-1", "d-2", "d-3", "d-4"]);
});

test("demand is counted exactly across a bridge restart: no phantom consumer on either side", { timeout: 60_000 }, async () => {
  const [g2] = net.portsOf("group2");
  const r = await client(g2);
  await r.subscribe("/queue/net.exact", () => undefined, { ack: "auto" });
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/queue/net.exact")) === 1, 15_000, "demand 1");
  const connects = (await bridge("group1-mq1", "g1-g2")) as unknown as { counters: { connects: number } };
  await net.admin("group1-mq1", "/bridges/g1-g2/restart", "POST");
  await eventually(async () => {
    const b = (await bridge("group1-mq1", "g1-g2")) as unknown as { state: string; counters: { connects: number } };
    return b.state === "running" && b.counters.connects > connects.counters.connects;
  }, 20_000, "bridge reconnected after restart");
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/queue/net.exact")) === 1, 15_000, "demand 1 after restart");
  // group1 holds exactly one network consumer for it, group2 exactly its one client.
  const local = (await net.admin("group1-mq1", "/destinations/%2Fqueue%2Fnet.exact")) as { consumers: number };
  assert.equal(local.consumers, 1, "one network subscription on group1");
  const remote = (await net.admin("group2-mq1", "/destinations/%2Fqueue%2Fnet.exact")) as { consumers: number };
  assert.equal(remote.consumers, 1);
  r.close();
  await eventually(async () => (await demandOf("group1-mq1", "g1-g2", "/queue/net.exact")) === 0, 15_000, "demand 0 after the consumer left");
  await eventually(async () => ((await net.admin("group1-mq1", "/destinations/%2Fqueue%2Fnet.exact")) as { consumers: number }).consumers === 0, 15_000, "network subscription gone");
});
