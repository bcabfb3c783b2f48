// Durable topic subscriptions across a bridge under kill -9: two HA groups of three nodes, a bridge
// group1 → group2 following group2's master. A stomp.py durable subscriber on group2 (resumed on
// the new master after a failover) and a stomp.py producer publishing to the topic on group1;
// mid-flow group2's master is killed, then group1's. Every message group1 receipted must reach the
// durable subscriber: group1 keeps it in its durable network subscription (replicated like any
// durable) until group2 stored it in the subscriber's durable subscription (replicated too).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { waitFor } from "./support/clusterProcess";
import { NetworkCluster } from "./support/networkCluster";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./python/bridge_client.py", import.meta.url).pathname;
const TOPIC = "/topic/net.ha.durable";

let net: NetworkCluster;
const children: ChildProcess[] = [];

function py(args: string[]): { lines: Array<Record<string, unknown>>; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on("line", (l) => lines.push(JSON.parse(l) as Record<string, unknown>));
  return { lines, stderr: () => stderr, exited: new Promise((r) => child.once("exit", (c) => r(c))) };
}

before(async () => {
  net = await NetworkCluster.start([
    { name: "group1", nodes: 3, networkConnectors: [{ name: "g1-to-g2", group: "group2", initialReconnectDelay: "200ms", maxReconnectDelay: "2s" }] },
    { name: "group2", nodes: 3 },
  ]);
  const m1 = await net.master("group1", 60_000);
  await net.master("group2", 60_000);
  await net.waitForLog(m1.name, (l) => l.msg === "bridge up", 60_000, "bridge up");
});

after(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await net?.stop();
});

test("kill -9 of group2's master, then of group1's, mid-flow: a durable subscriber on group2 gets every receipted topic message", { timeout: 170_000 }, async () => {
  const TOTAL = 200;
  const consumer = py(["consumer", net.portsOf("group2").join(","), TOPIC, "durable"]);
  await waitFor(() => consumer.lines.some((l) => l.subscribed), 30_000, () => `consumer: ${consumer.stderr()}`);
  const m1 = await net.master("group1");
  const until = Date.now() + 20_000;
  for (;;) {
    const body = (await net.admin(m1.name, "/bridges")) as { bridges: Array<{ demand: Array<{ destination: string; consumers: number }> }> };
    if (body.bridges[0]?.demand.some((d) => d.destination === TOPIC && d.consumers === 1)) break;
    assert.ok(Date.now() < until, `group1's bridge does not see the durable subscriber: ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const producer = py(["producer", net.portsOf("group1").join(","), TOPIC, String(TOTAL), "hd"]);
  const receipted = (): number => producer.lines.filter((l) => l.receipted !== undefined).length;
  const received = (): Set<string> => new Set(consumer.lines.filter((l) => typeof l.body === "string").map((l) => l.body as string));

  await waitFor(() => received().size >= 40, 60_000, () => `flow did not start: receipted ${receipted()} received ${received().size}`);
  const m2 = await net.master("group2");
  await net.kill9(m2.name);
  await net.master("group2", 60_000, m2.name);

  await waitFor(() => receipted() >= 120, 90_000, () => `producer stalled at ${receipted()}: ${producer.stderr()}`);
  const m1now = await net.master("group1");
  await net.kill9(m1now.name);
  await net.master("group1", 60_000, m1now.name);

  const code = await Promise.race([producer.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 90_000))]);
  assert.equal(code, 0, `producer did not finish: ${producer.stderr()}`);
  // The producer resends what was not receipted before a failover, so every body is expected.
  await waitFor(() => received().size >= TOTAL, 60_000, () => {
    const got = received();
    const missing = Array.from({ length: TOTAL }, (_, i) => `hd-${i}`).filter((b) => !got.has(b));
    return `received ${got.size}/${TOTAL}; missing ${missing.slice(0, 20).join(",")}`;
  });
});
