// replayWhenNoConsumers: messages forwarded to group2 whose consumer went away go back to group1
// when a consumer appears there, and are delivered (Tandem has no duplicate filter that could eat
// them). And a bridge to a peer that accepts TCP but never answers STOMP reports an error instead
// of hanging.
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, test } from "node:test";
import { StompClient } from "../server/runtime/client/StompClient";
import type { StompMessage } from "../server/runtime/client/StompMessage";
import { freePorts, waitFor } from "./support/clusterProcess";
import { NetworkCluster } from "./support/networkCluster";

let net: NetworkCluster;
let silent: Server;
const sockets: Socket[] = [];
const clients: StompClient[] = [];

interface BridgeRow { name: string; state: string; stateText: string; counters: { replayed: number; forwarded: number; failures: number } }

async function bridges(node: string): Promise<BridgeRow[]> {
  return ((await net.admin(node, "/bridges")) as { bridges: BridgeRow[] }).bridges;
}

async function client(port: number): Promise<StompClient> {
  const c = await StompClient.connect({ host: "127.0.0.1", port });
  clients.push(c);
  return c;
}

before(async () => {
  const [silentPort] = await freePorts(1);
  // Accepts every connection and never sends a byte: a hung broker, a firewall black hole, a wrong port.
  silent = createServer((s) => {
    sockets.push(s);
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => silent.listen(silentPort, "127.0.0.1", r));
  net = await NetworkCluster.start([
    {
      name: "group1",
      nodes: 1,
      networkConnectors: [
        { name: "g1-g2", group: "group2", duplex: true, networkTTL: 2, replayWhenNoConsumers: true, replayDelay: "1s", staticallyIncludedDestinations: ["/queue/net.static.>"], excludedDestinations: ["/queue/net.static.secret"] },
        { name: "to-silent", uri: `masterslave:(tcp://127.0.0.1:${silentPort})`, handshakeTimeout: "2s", initialReconnectDelay: "500ms" },
      ],
    },
    { name: "group2", nodes: 1 },
  ]);
  await net.waitForLog("group1-mq1", (l) => l.msg === "bridge up", 60_000, "bridge up g1→g2");
  await net.waitForLog("group2-mq1", (l) => l.msg === "bridge up", 60_000, "bridge up g2→g1");
});

after(async () => {
  for (const c of clients) c.close();
  for (const s of sockets) s.destroy();
  silent?.close();
  await net?.stop();
});

test("messages stranded on group2 after its consumer left are replayed to group1's new consumer and delivered", { timeout: 90_000 }, async () => {
  const [g1] = net.portsOf("group1");
  const [g2] = net.portsOf("group2");
  const remote = await client(g2);
  const held: StompMessage[] = [];
  await remote.subscribe("/queue/net.replay", (m) => held.push(m), { ack: "client-individual", headers: { "activemq.prefetchSize": "100" } });
  const until = Date.now() + 20_000;
  while (!(await bridges("group1-mq1")).some((b) => b.name === "g1-g2" && b.state === "running") && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const p = await client(g1);
  // Wait for demand to reach group1 before producing (otherwise the messages simply stay there).
  await new Promise((r) => setTimeout(r, 1000));
  for (let i = 0; i < 10; i++) await p.send("/queue/net.replay", `r-${i}`, { headers: { persistent: "true" } });
  await waitFor(() => held.length >= 10, 20_000, () => `group2's consumer got ${held.length}/10`);
  assert.ok(held.every((m) => m.header("TandemBrokerPath") === ",group1,"), "they came over the bridge");
  remote.close(); // never acked: all ten go back to group2's queue, which now has no consumer

  const got: string[] = [];
  const local = await client(g1);
  await local.subscribe("/queue/net.replay", (m) => {
    got.push(m.body.toString());
    void m.ack();
  }, { ack: "client-individual" });
  await waitFor(() => new Set(got).size >= 10, 30_000, () => `group1's consumer got ${got.length}/10 replayed messages`);
  for (let i = 0; i < 10; i++) assert.ok(got.includes(`r-${i}`), `r-${i} was not replayed`);
  const back = (await bridges("group2-mq1")).find((b) => b.name === "g1-g2.duplex")!;
  assert.ok(back.counters.replayed >= 10, `replayed counter ${back.counters.replayed}`);
});

test("a peer that accepts TCP and never answers puts the bridge in error with the reason, and the node stays responsive", { timeout: 60_000 }, async () => {
  let row: BridgeRow | undefined;
  const until = Date.now() + 30_000;
  for (;;) {
    const t0 = Date.now();
    row = (await bridges("group1-mq1")).find((b) => b.name === "to-silent");
    assert.ok(Date.now() - t0 < 10_000, "admin API answered");
    if (row?.state === "error" && row.counters.failures >= 2) break;
    if (Date.now() > until) assert.fail(`bridge state: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(row!.stateText, /no CONNECTED from 127\.0\.0\.1:\d+ within 2000 ms/);
  // The healthy bridge is unaffected.
  assert.equal((await bridges("group1-mq1")).find((b) => b.name === "g1-g2")!.state, "running");
  const errLog = net.node("group1-mq1").proc!.logs.find((l) => l.msg === "bridge error" && l.bridge === "to-silent");
  assert.ok(errLog, "the error is logged");
});

test("staticallyIncludedDestinations are forwarded with no consumer anywhere; excludedDestinations wins", { timeout: 60_000 }, async () => {
  const [g1] = net.portsOf("group1");
  const replayedBefore = (await bridges("group2-mq1")).find((b) => b.name === "g1-g2.duplex")!.counters.replayed;
  const p = await client(g1);
  for (let i = 0; i < 5; i++) await p.send("/queue/net.static.a", `s-${i}`, { headers: { persistent: "true" } });
  for (let i = 0; i < 3; i++) await p.send("/queue/net.static.secret", `x-${i}`, { headers: { persistent: "true" } });
  const depth = async (node: string, dest: string): Promise<number> => {
    try {
      return ((await net.admin(node, `/destinations/${encodeURIComponent(dest)}`)) as { depth: number }).depth;
    } catch {
      return -1; // not created there
    }
  };
  const until = Date.now() + 20_000;
  while ((await depth("group2-mq1", "/queue/net.static.a")) !== 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  assert.equal(await depth("group2-mq1", "/queue/net.static.a"), 5, "all five moved to group2");
  // group2's reverse bridge includes the same queue statically and may replay (replayDelay 1 s):
  // a static include is not demand, so nothing bounces back.
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(await depth("group2-mq1", "/queue/net.static.a"), 5, "still on group2 after the replay delay");
  assert.equal((await bridges("group2-mq1")).find((b) => b.name === "g1-g2.duplex")!.counters.replayed, replayedBefore, "nothing replayed along a static include");
  assert.equal(await depth("group1-mq1", "/queue/net.static.a"), 0);
  assert.equal(await depth("group1-mq1", "/queue/net.static.secret"), 3, "the excluded queue stays");
  assert.ok((await depth("group2-mq1", "/queue/net.static.secret")) <= 0);
});
