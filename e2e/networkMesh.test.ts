// Three groups in a triangle of duplex connectors with networkTTL 3, so messages could travel
// A→B→C→A: the broker path must cut every loop, and each queue message is delivered exactly once.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { StompClient } from "../server/runtime/client/StompClient";
import { waitFor } from "./support/clusterProcess";
import { NetworkCluster } from "./support/networkCluster";

let net: NetworkCluster;
const clients: StompClient[] = [];

async function client(port: number): Promise<StompClient> {
  const c = await StompClient.connect({ host: "127.0.0.1", port });
  clients.push(c);
  return c;
}

async function demand(node: string, destination: string): Promise<number> {
  const body = (await net.admin(node, "/bridges")) as { bridges: Array<{ demand: Array<{ destination: string; consumers: number }> }> };
  return body.bridges.reduce((n, b) => n + (b.demand.find((d) => d.destination === destination)?.consumers ?? 0), 0);
}

before(async () => {
  const c = (name: string, group: string): Record<string, unknown> => ({ name, group, duplex: true, networkTTL: 3 });
  net = await NetworkCluster.start([
    { name: "ga", nodes: 1, networkConnectors: [c("a-b", "gb")] },
    { name: "gb", nodes: 1, networkConnectors: [c("b-c", "gc")] },
    { name: "gc", nodes: 1, networkConnectors: [c("c-a", "ga")] },
  ]);
  for (const n of ["ga-mq1", "gb-mq1", "gc-mq1"]) {
    let up = 0;
    await waitFor(() => (up = net.node(n).proc!.logs.filter((l) => l.msg === "bridge up").length) >= 2, 60_000, () => `${n}: ${up}/2 bridges up: ${JSON.stringify(net.node(n).proc!.logs.filter((l) => String(l.msg).startsWith("bridge")).slice(-6))}`);
  }
});

after(async () => {
  for (const c of clients) c.close();
  await net?.stop();
});

test("triangle of duplex bridges, networkTTL 3: every queue message is delivered exactly once", { timeout: 120_000 }, async () => {
  const TOTAL = 300;
  const got = new Map<string, number>();
  const perGroup = { gb: 0, gc: 0 };
  for (const g of ["gb", "gc"] as const) {
    const cl = await client(net.portsOf(g)[0]!);
    await cl.subscribe("/queue/tri", (m) => {
      const b = m.body.toString();
      got.set(b, (got.get(b) ?? 0) + 1);
      perGroup[g]++;
      void m.ack();
    }, { ack: "client-individual", headers: { "activemq.prefetchSize": "10" } });
  }
  // ga's two bridges see gb's and gc's consumers directly, and each other's network demand with a
  // one-hop path; nothing may come back to ga.
  const until = Date.now() + 20_000;
  while ((await demand("ga-mq1", "/queue/tri")) < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const p = await client(net.portsOf("ga")[0]!);
  for (let i = 0; i < TOTAL; i++) await p.send("/queue/tri", `t-${i}`, { headers: { persistent: "true" } });
  await waitFor(() => got.size >= TOTAL, 60_000, () => `delivered ${got.size}/${TOTAL}`);
  await new Promise((r) => setTimeout(r, 2000)); // room for a looping copy to show up
  const dup = [...got].filter(([, n]) => n > 1);
  assert.deepEqual(dup, [], "no message delivered twice");
  assert.equal(got.size, TOTAL);
  // Nothing is left circulating: every queue on every group is empty.
  for (const n of ["ga-mq1", "gb-mq1", "gc-mq1"]) {
    const d = (await net.admin(n, "/destinations/%2Fqueue%2Ftri")) as { depth: number; inflight: number };
    assert.equal(d.depth, 0, `${n} still holds ${d.depth}`);
  }
});

test("a topic message reaches each subscriber of each group once (relayed topic demand is suppressed where a direct bridge exists)", { timeout: 60_000 }, async () => {
  const got: Record<string, string[]> = { ga: [], gb: [], gc: [] };
  for (const g of ["ga", "gb", "gc"] as const) {
    const cl = await client(net.portsOf(g)[0]!);
    await cl.subscribe("/topic/tri.news", (m) => got[g]!.push(m.body.toString()), { ack: "auto" });
  }
  const until = Date.now() + 20_000;
  while ((await demand("gb-mq1", "/topic/tri.news")) < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const p = await client(net.portsOf("gb")[0]!);
  for (let i = 0; i < 20; i++) await p.send("/topic/tri.news", `n-${i}`);
  await waitFor(() => Object.values(got).every((l) => l.length >= 20), 30_000, () => JSON.stringify(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, v.length]))));
  await new Promise((r) => setTimeout(r, 1500));
  for (const [g, l] of Object.entries(got)) assert.equal(l.length, 20, `${g} got ${l.length} (duplicates: ${l.length - new Set(l).size})`);
});
