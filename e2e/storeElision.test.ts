// Store elision against a real broker process: a persistent message that an auto-ack consumer
// takes at once is never journaled (the journal's end position does not move), while every
// message that waits — for a consumer, for a client ack, behind a backlog — is; and after kill -9
// the journaled-but-unconsumed messages come back while the delivered ones do not.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, getHeader, type StompTestClient } from "./support/stompClient";

async function endPosition(b: BrokerProcess): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${b.adminPort}/api/v1/node`, { headers: { authorization: `Bearer ${b.adminToken}` } });
  assert.equal(r.status, 200);
  return ((await r.json()) as { store: { endPosition: number } }).store.endPosition;
}

async function subscribe(c: StompTestClient, dest: string, ack: string): Promise<void> {
  await c.request("SUBSCRIBE", [["destination", dest], ["id", dest], ["ack", ack]]);
}

async function receiveN(c: StompTestClient, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await c.expect("MESSAGE")).body.toString());
  return out;
}

describe("store elision", () => {
  test("auto-ack consumer waiting: receipted persistent sends reach it without touching the journal", async () => {
    const b = await startBroker({ sync: "local_disk" });
    try {
      const consumer = await connectStomp(b.port);
      await subscribe(consumer, "/queue/direct", "auto");
      const producer = await connectStomp(b.port);
      // The first send creates the destination (that is journaled); measure from after it.
      await producer.request("SEND", [["destination", "/queue/direct"], ["persistent", "true"]], "first");
      assert.deepEqual(await receiveN(consumer, 1), ["first"]);
      const before = await endPosition(b);
      for (let i = 0; i < 50; i++) {
        await producer.request("SEND", [["destination", "/queue/direct"], ["persistent", "true"]], `m${i}`);
      }
      const got = await receiveN(consumer, 50);
      assert.deepEqual(got, Array.from({ length: 50 }, (_, i) => `m${i}`));
      assert.equal(await endPosition(b), before, "no record was appended for messages delivered at once");
      await producer.disconnect();
      await consumer.disconnect();
    } finally {
      await b.stop();
      await b.cleanup();
    }
  });

  test("client-ack consumers, absent consumers and backlogs are journaled, and survive kill -9", async () => {
    const b = await startBroker({ sync: "local_disk" });
    let restarted: BrokerProcess | null = null;
    try {
      const producer = await connectStomp(b.port);
      // client-individual: the message is in flight until ACKed, so it must be on disk.
      const clientAck = await connectStomp(b.port);
      await subscribe(clientAck, "/queue/acked", "client-individual");
      await producer.request("SEND", [["destination", "/queue/acked"], ["persistent", "true"]], "warm-up");
      const w = await clientAck.expect("MESSAGE");
      await clientAck.request("ACK", [["id", getHeader(w, "ack") ?? ""]]);
      const p0 = await endPosition(b);
      await producer.request("SEND", [["destination", "/queue/acked"], ["persistent", "true"]], "in-flight");
      assert.equal((await clientAck.expect("MESSAGE")).body.toString(), "in-flight");
      const p1 = await endPosition(b);
      assert.ok(p1 > p0, "a message delivered to a client-ack consumer is journaled");

      // No consumer: the message waits, so it is journaled.
      await producer.request("SEND", [["destination", "/queue/nobody"], ["persistent", "true"]], "waiting");
      assert.ok((await endPosition(b)) > p1, "a message nobody takes is journaled");

      // Auto-ack consumer waiting on an empty queue: delivered without a journal record.
      const auto = await connectStomp(b.port);
      await subscribe(auto, "/queue/elided", "auto");
      await producer.request("SEND", [["destination", "/queue/elided"], ["persistent", "true"]], "gone");
      assert.equal((await auto.expect("MESSAGE")).body.toString(), "gone");

      await b.kill9();
      restarted = await startBroker({ sync: "local_disk", dataDir: b.dataDir });
      // The unacknowledged in-flight message and the waiting one are back; the auto-acked one is not.
      const c1 = await connectStomp(restarted.port);
      await subscribe(c1, "/queue/acked", "auto");
      assert.deepEqual(await receiveN(c1, 1), ["in-flight"]);
      await subscribe(c1, "/queue/nobody", "auto");
      assert.deepEqual(await receiveN(c1, 1), ["waiting"]);
      await subscribe(c1, "/queue/elided", "auto");
      const marker = await connectStomp(restarted.port);
      await marker.request("SEND", [["destination", "/queue/elided"], ["persistent", "true"]], "after-restart");
      // "gone" was delivered with auto ack before the kill: the first message now is the new one.
      assert.deepEqual(await receiveN(c1, 1), ["after-restart"]);
      await marker.disconnect();
      await c1.disconnect();
    } finally {
      await b.stop();
      await b.cleanup().catch(() => {});
      if (restarted) {
        await restarted.stop();
        await restarted.cleanup();
      }
    }
  });

  test("a backlog is journaled even with an auto-ack consumer present", async () => {
    const b = await startBroker({ sync: "local_disk" });
    try {
      const producer = await connectStomp(b.port);
      for (let i = 0; i < 20; i++) producer.sendFrame("SEND", [["destination", "/queue/backlog"], ["persistent", "true"]], `b${i}`);
      await producer.request("SEND", [["destination", "/queue/backlog"], ["persistent", "true"]], "b20");
      const p0 = await endPosition(b);
      assert.ok(p0 > 0);
      const consumer = await connectStomp(b.port);
      await subscribe(consumer, "/queue/backlog", "auto");
      // The consumer drains the backlog; a send right behind it still finds messages waiting or
      // gets the fast path — either way every message arrives once, in order.
      await producer.request("SEND", [["destination", "/queue/backlog"], ["persistent", "true"]], "b21");
      assert.deepEqual(await receiveN(consumer, 22), Array.from({ length: 22 }, (_, i) => `b${i}`));
      await producer.disconnect();
      await consumer.disconnect();
    } finally {
      await b.stop();
      await b.cleanup();
    }
  });
});
