// Fully-consumed journal segments are deleted; a backlog that is still needed keeps its segments.
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp } from "./support/stompClient";

const started: BrokerProcess[] = [];
after(async () => {
  for (const b of started) {
    await b.stop();
    await b.cleanup();
  }
});

async function segments(b: BrokerProcess): Promise<number> {
  return (await readdir(join(b.dataDir, "mq1", "journal"))).filter((f) => f.endsWith(".log")).length;
}

async function waitFor(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return cond();
}

test("segments are reclaimed once every message in them is acknowledged", async () => {
  const b = await startBroker({ policy: { journalMaxFileLength: "256kb" } });
  started.push(b);
  const producer = await connectStomp(b.port);
  const body = Buffer.alloc(1024, 120);
  const total = 3000; // ~3.3 MB of records: a dozen segments
  for (let i = 0; i < total; i++) {
    const headers: Array<[string, string]> = [["destination", "/queue/reclaim"], ["persistent", "true"]];
    if (i === total - 1) await producer.request("SEND", headers, body);
    else producer.sendFrame("SEND", headers, body);
  }
  const before = await segments(b);
  assert.ok(before >= 8, `expected many segments, found ${before}`);

  // Consume all but the last 10: the oldest live message pins only the tail segments.
  const consumer = await connectStomp(b.port);
  consumer.sendFrame("SUBSCRIBE", [["destination", "/queue/reclaim"], ["id", "s"], ["ack", "client-individual"], ["activemq.prefetchSize", "5000"]]);
  await consumer.waitUntil(() => consumer.frames.filter((f) => f.command === "MESSAGE").length === total, 30_000, "all messages");
  const msgs = consumer.frames.filter((f) => f.command === "MESSAGE");
  for (const m of msgs.slice(0, total - 10)) {
    const ack = m.headers.find(([k]) => k === "ack")![1];
    consumer.sendFrame("ACK", [["id", ack]]);
  }
  await consumer.request("BEGIN", [["transaction", "t-sync"]]);
  const reclaimed = await waitFor(async () => (await segments(b)) <= 3, 30_000);
  assert.ok(reclaimed, `segments not reclaimed: ${await segments(b)} left of ${before}`);

  // The 10 unacknowledged messages are still there after a restart.
  await consumer.disconnect();
  await producer.disconnect();
  await b.stop();
  const again = await startBroker({ dataDir: b.dataDir, policy: { journalMaxFileLength: "256kb" } });
  started.push(again);
  const c2 = await connectStomp(again.port);
  c2.sendFrame("SUBSCRIBE", [["destination", "/queue/reclaim"], ["id", "s"], ["ack", "auto"]]);
  await c2.waitUntil(() => c2.frames.filter((f) => f.command === "MESSAGE").length === 10, 30_000, "the 10 kept messages");
  // Nothing more: a round trip (its RECEIPT follows whatever was dispatched before it) instead of a
  // pause; sync() hands back every frame still queued, the 10 included.
  const dispatched = (await c2.sync()).filter((f) => f.command === "MESSAGE");
  assert.equal(dispatched.length, 10);
  await c2.disconnect();
});
