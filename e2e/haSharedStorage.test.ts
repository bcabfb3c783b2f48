// The shared-storage variant (seed 004): two real broker processes share one data directory;
// the holder of the OS lock is master, the other waits; kill -9 of the master hands the store
// to the other node with every receipted message.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after, test } from "node:test";
import { stringify } from "yaml";
import { brokerNodeArgs } from "../server/runtime/brokerNodeArgs";
import { freePorts, waitFor } from "./support/clusterProcess";
import { connectStomp } from "./support/stompClient";

const ROOT = resolve(import.meta.dirname, "..");
const procs: ChildProcess[] = [];
let dir = "";

after(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Node {
  child: ChildProcess;
  logs: string[];
}

function start(file: string, name: string): Node {
  const child = spawn(process.execPath, brokerNodeArgs(file, name), { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  procs.push(child);
  const logs: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => logs.push(l));
  return { child, logs };
}

function has(n: Node, msg: string): boolean {
  return n.logs.some((l) => l.includes(`"msg":"${msg}"`));
}

function stompListening(n: Node): boolean {
  return n.logs.some((l) => /"service":"(broker\/)?stomp"/.test(l) && l.includes(`"msg":"listening"`));
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ port, host: "127.0.0.1" });
    s.once("connect", () => {
      s.destroy();
      res(true);
    });
    s.once("error", () => res(false));
  });
}

async function kill9(n: Node): Promise<void> {
  const exited = new Promise<void>((r) => n.child.once("exit", () => r()));
  n.child.kill("SIGKILL");
  await exited;
}

test("shared storage: one lock holder serves; kill -9 hands the store over with every receipted message", async () => {
  dir = await mkdtemp(join(tmpdir(), "tandem-shared-"));
  const [pa, pb, aa, ab] = await freePorts(4);
  const file = join(dir, "cluster.yaml");
  await writeFile(
    file,
    stringify({
      brokerName: "shared",
      dataDirectory: join(dir, "nodes"),
      groups: [
        {
          name: "g",
          sync: "local_disk",
          sharedDirectory: join(dir, "store"),
          lockAcquireSleepInterval: "200ms",
          nodes: [
            { name: "a", transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${pa}` }], admin: { port: aa } },
            { name: "b", transportConnectors: [{ name: "stomp", uri: `stomp://127.0.0.1:${pb}` }], admin: { port: ab } },
          ],
        },
      ],
    }),
  );
  const a = start(file, "a");
  await waitFor(() => has(a, "store lock acquired: this node is master") && stompListening(a), 60_000, () => `a did not become master:\n${a.logs.join("\n")}`);
  const b = start(file, "b");
  await waitFor(() => has(b, "shared store locked by another broker: waiting as a slave"), 60_000, () => `b did not wait:\n${b.logs.join("\n")}`);
  assert.equal(await portOpen(pb), false, "a waiting slave keeps its client port closed");

  const producer = await connectStomp(pa);
  for (let i = 0; i < 50; i++) await producer.request("SEND", [["destination", "/queue/shared"], ["persistent", "true"]], `m${i}`);
  producer.destroy();

  const killedAt = Date.now();
  await kill9(a);
  await waitFor(() => has(b, "store lock acquired: this node is master"), 20_000, () => `b did not take over:\n${b.logs.join("\n")}`);
  const tookMs = Date.now() - killedAt;
  assert.ok(tookMs < 10_000, `takeover took ${tookMs} ms`);
  await waitFor(() => stompListening(b), 20_000, () => "b did not open its port");

  const consumer = await connectStomp(pb);
  await consumer.request("SUBSCRIBE", [["destination", "/queue/shared"], ["id", "s"]]);
  await consumer.waitUntil(() => consumer.frames.filter((f) => f.command === "MESSAGE").length === 50, 10_000, "all 50 messages");
  const bodies = consumer.frames.filter((f) => f.command === "MESSAGE").map((f) => f.body.toString());
  assert.deepEqual(bodies, Array.from({ length: 50 }, (_, i) => `m${i}`));
  await consumer.disconnect();

  // The old master comes back as a slave: the lock is b's.
  const a2 = start(file, "a");
  await waitFor(() => has(a2, "shared store locked by another broker: waiting as a slave"), 60_000, () => `a did not rejoin as slave:\n${a2.logs.join("\n")}`);
  assert.equal(await portOpen(pa), false);
  await kill9(a2);
  await kill9(b);
});
