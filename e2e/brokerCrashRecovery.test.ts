// Durability under SIGKILL: producers (and, in one variant, a consumer acking concurrently) run in
// a child process; the broker is killed at a random moment mid-stream, restarted on the same data
// dir and drained; checkDurability compares what clients were promised with what came back. Then
// the broker is killed and restarted once more to prove that the drain's acks were durable too.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after, describe, test } from "node:test";
import { getHeader } from "../server/runtime/stomp/StompFrame";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { checkDurability, type PreCrashLog } from "./support/durabilityChecker";
import type { LoadChildConfig } from "./support/durabilityLoadChild";
import { RawStompClient } from "./support/RawStompClient";

const ROOT = resolve(import.meta.dirname, "..");
const CHILD = join(ROOT, "e2e", "support", "durabilityLoadChild.ts");
const QUEUE = "/queue/crash";
const ITERATIONS = 5;

interface MutableLog {
  sent: Set<string>;
  receipted: Set<string>;
  delivered: Set<string>;
  ackSent: Set<string>;
  ackReceipted: Set<string>;
}

/** Runs the load child until the broker dies under it; SIGKILLs the broker after `killAfterMs` of receipted traffic. */
async function loadUntilKilled(broker: BrokerProcess, config: LoadChildConfig, killAfterMs: number): Promise<PreCrashLog> {
  const log: MutableLog = { sent: new Set(), receipted: new Set(), delivered: new Set(), ackSent: new Set(), ackReceipted: new Set() };
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let firstReceipt: () => void = () => {};
  const receiptSeen = new Promise<void>((r) => (firstReceipt = r));
  const rl = createInterface({ input: child.stdout! });
  rl.on("line", (line) => {
    const id = line.slice(2);
    switch (line[0]) {
      case "S": log.sent.add(id); break;
      case "R": log.receipted.add(id); firstReceipt(); break;
      case "D": log.delivered.add(id); break;
      case "A": log.ackSent.add(id); break;
      case "K": log.ackReceipted.add(id); break;
    }
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const linesDone = new Promise<void>((r) => rl.once("close", () => r()));
  try {
    // Includes the load child's own start (a tsx cold start), which can take many seconds on a loaded machine.
    await withTimeout(receiptSeen, 60_000, "no SEND was receipted within 60 s");
    await new Promise((r) => setTimeout(r, killAfterMs));
    await broker.kill9();
    const code = await withTimeout(exited, 30_000, "load child did not exit after the broker died");
    assert.equal(code, 0, "load child failed");
    await linesDone;
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
  return log;
}

/** The message count the restarted broker reports in its "journal recovered" log line. */
function recoveredCount(broker: BrokerProcess): number {
  const rec = broker.logs.find((l) => l.msg === "journal recovered" && typeof l.messages === "number");
  assert.ok(rec && typeof rec.messages === "number", "broker logged no 'journal recovered' line");
  return rec.messages as number;
}

/**
 * Sends a persistent sentinel, then drains the queue up to it with client-individual acks; the
 * last ACK carries a receipt, which (spec: a RECEIPT confirms all earlier frames) makes every
 * ACK durable. FIFO order puts the sentinel behind everything recovered. Returns the ids drained
 * before the sentinel.
 */
async function drainToSentinel(port: number, sentinel: string): Promise<string[]> {
  const client = await RawStompClient.connect({ port });
  try {
    await client.request("SEND", [["destination", QUEUE], ["persistent", "true"], ["x-id", sentinel]], `s-${sentinel}`, Buffer.from("end"));
    const drained: string[] = [];
    const done = new Promise<void>((resolveDone, reject) => {
      client.onMessage = (frame) => {
        const id = getHeader(frame, "x-id") ?? "(none)";
        if (id !== sentinel) {
          drained.push(id);
          client.ack(frame);
          return;
        }
        client.ack(frame, "last-ack", resolveDone);
      };
      void client.closed.then((err) => reject(err ?? new Error("drain connection closed")));
    });
    done.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
    await client.subscribe(QUEUE, "drain", "client-individual", 500);
    await withTimeout(done, 30_000, `sentinel ${sentinel} not reached within 30 s (drained ${drained.length})`);
    return drained;
  } finally {
    await client.disconnect();
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe("broker crash recovery (SIGKILL mid-stream, sync=local_disk)", () => {
  const brokers: BrokerProcess[] = [];
  after(async () => {
    for (const b of brokers) await b.kill9();
    const dirs = new Map(brokers.map((b) => [b.dataDir, b]));
    for (const b of dirs.values()) await b.cleanup();
  });

  /** A fresh node (no dataDir) or a restart on an existing one. */
  async function restart(dataDir?: string): Promise<BrokerProcess> {
    const b = await startBroker({ sync: "local_disk", ...(dataDir ? { dataDir } : {}) });
    brokers.push(b);
    return b;
  }

  for (const variant of [
    { name: "producers only", producers: 3, consume: false },
    { name: "producers with a consumer acking concurrently", producers: 3, consume: true },
  ]) {
    test(`${ITERATIONS} kills: ${variant.name}`, async (t) => {
      let broker = await restart();
      for (let i = 1; i <= ITERATIONS; i++) {
        const prefix = `${variant.consume ? "c" : "p"}${i}`;
        const t0 = Date.now();
        const killAfterMs = 100 + Math.floor(Math.random() * 600);
        const log = await loadUntilKilled(
          broker,
          { port: broker.port, queue: QUEUE, producers: variant.producers, window: 32, consume: variant.consume, prefix },
          killAfterMs,
        );

        const t1 = Date.now();
        broker = await restart(broker.dataDir);
        const t2 = Date.now();
        const recovered = recoveredCount(broker);
        const drained = await drainToSentinel(broker.port, `${prefix}-sentinel`);
        const t3 = Date.now();
        const verdict = checkDurability(log, drained);
        t.diagnostic(`iteration ${i} (kill after ${killAfterMs} ms; load ${t1 - t0} ms, restart ${t2 - t1} ms, drain ${t3 - t2} ms): ${JSON.stringify(verdict.counts)}`);
        assert.deepEqual(verdict.violations, [], `iteration ${i}: durability violated`);
        assert.equal(drained.length, recovered, `iteration ${i}: drained count differs from the broker's recovered count`);
        assert.ok(log.receipted.size > 0, "the load never got a receipt: nothing was tested");

        // Second crash: the drain's acks (covered by the last ACK's receipt) must hold.
        await broker.kill9();
        broker = await restart(broker.dataDir);
        assert.equal(recoveredCount(broker), 0, `iteration ${i}: acked messages came back after a second restart`);
        const leftovers = await drainToSentinel(broker.port, `${prefix}-empty`);
        assert.deepEqual(leftovers, [], `iteration ${i}: queue not empty after the second restart`);
      }
    });
  }
});
