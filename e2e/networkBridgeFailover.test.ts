// Store-and-forward under kill -9: two HA groups of three nodes, a bridge group1 → group2 that
// follows group2's master through the coordinator. stomp.py produces on group1 (every node's
// address) and consumes on group2 (every node's address); mid-flow group2's master is killed, then
// group1's. Every message group1 receipted must reach the consumer on group2 (duplicates allowed).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { waitFor } from "./support/clusterProcess";
import { NetworkCluster } from "./support/networkCluster";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./python/bridge_client.py", import.meta.url).pathname;

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

/** When a group's elector last decided an election, up to `before` (its "elector: …" log line). */
function electedAt(group: string, before: number): number {
  let at = 0;
  for (const n of net.nodes.filter((x) => x.group === group)) {
    for (const l of n.proc?.logs ?? []) if (String(l.msg).startsWith("elector:") && (l.time ?? 0) <= before && (l.time ?? 0) > at) at = l.time ?? 0;
  }
  return at;
}

test("kill -9 of group2's master, then of group1's, mid-flow: no receipted message is lost", { timeout: 170_000 }, async () => {
  const TOTAL = 300;
  const consumer = py(["consumer", net.portsOf("group2").join(","), "/queue/net.ha"]);
  await waitFor(() => consumer.lines.some((l) => l.subscribed), 30_000, () => `consumer: ${consumer.stderr()}`);
  const m1 = await net.master("group1");
  await net.waitForLog(m1.name, (l) => l.msg === "bridge up", 30_000, "bridge up");
  const producer = py(["producer", net.portsOf("group1").join(","), "/queue/net.ha", String(TOTAL), "ha"]);
  const receipted = (): number => producer.lines.filter((l) => l.receipted !== undefined).length;
  const received = (): Set<string> => new Set(consumer.lines.filter((l) => typeof l.body === "string").map((l) => l.body as string));

  await waitFor(() => received().size >= 60, 60_000, () => `flow did not start: receipted ${receipted()} received ${received().size}`);
  const m2 = await net.master("group2");
  const killed2 = Date.now();
  await net.kill9(m2.name);
  const m2b = await net.master("group2", 60_000, m2.name);
  // The bridge follows group2's new master (it is woken by the election, not by its back-off).
  const m1now = await net.master("group1");
  const up = await net.waitForLog(m1now.name, (l) => l.msg === "bridge up" && String(l.reason).includes(String(m2b.stompPort)), 30_000, "bridge up on group2's new master", 0);
  const promoted = m2b.proc!.logs.find((l) => l.msg === "promoted to master")!;
  // All times come from the nodes' own clocks (one host): the elector's decision and the
  // promotion logged → bridge up logged on group1's master.
  console.log(JSON.stringify({ bridgeFollowedNewMasterMs: (up.time ?? 0) - (promoted.time ?? 0), afterElectionMs: (up.time ?? 0) - electedAt("group2", promoted.time ?? 0), afterKillMs: (up.time ?? 0) - killed2 }));

  await waitFor(() => receipted() >= 180, 90_000, () => `producer stalled at ${receipted()}: ${producer.stderr()}`);
  const killed1 = Date.now();
  await net.kill9(m1now.name);
  const m1b = await net.master("group1", 60_000, m1now.name);
  // The new master of group1 starts the bridge as it starts serving.
  const up1 = await net.waitForLog(m1b.name, (l) => l.msg === "bridge up", 30_000, "bridge up on group1's new master");
  const promoted1 = m1b.proc!.logs.find((l) => l.msg === "promoted to master")!;
  console.log(JSON.stringify({ bridgeUpOnNewLocalMasterMs: (up1.time ?? 0) - (promoted1.time ?? 0), afterElectionMs: (up1.time ?? 0) - electedAt("group1", promoted1.time ?? 0), afterKillMs: (up1.time ?? 0) - killed1 }));

  const code = await Promise.race([producer.exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 90_000))]);
  assert.equal(code, 0, `producer did not finish: ${producer.stderr()}`);
  await waitFor(() => received().size >= TOTAL, 60_000, () => {
    const got = received();
    const missing = Array.from({ length: TOTAL }, (_, i) => `ha-${i}`).filter((b) => !got.has(b));
    return `received ${got.size}/${TOTAL}; missing ${missing.slice(0, 20).join(",")}`;
  });
  const got = received();
  for (let i = 0; i < TOTAL; i++) assert.ok(got.has(`ha-${i}`), `ha-${i} receipted on group1 but never reached group2`);
});
