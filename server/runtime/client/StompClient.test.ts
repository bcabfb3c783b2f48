// The single-connection client against a real `tandem broker` process over real sockets.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "../../../e2e/support/brokerProcess";
import { StompClient } from "./StompClient";
import { StompError } from "./StompError";
import type { StompMessage } from "./StompMessage";

function collector(): { messages: StompMessage[]; next(n: number, timeoutMs?: number): Promise<StompMessage[]>; push(m: StompMessage): void } {
  const messages: StompMessage[] = [];
  let waiter: (() => void) | null = null;
  return {
    messages,
    push(m) {
      messages.push(m);
      waiter?.();
    },
    async next(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} messages, got ${messages.length}`);
        await new Promise<void>((r) => {
          waiter = r;
          setTimeout(r, 50);
        });
      }
      return messages.splice(0, n);
    },
  };
}

describe("StompClient against a real broker", () => {
  let broker: BrokerProcess;
  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    await broker.stop();
    await broker.cleanup();
  });

  test("connect, send with receipt, subscribe with client-individual ack, redelivery after nack-less close", async () => {
    const c = await StompClient.connect({ host: "127.0.0.1", port: broker.port });
    assert.ok(c.session !== "");
    for (let i = 0; i < 3; i++) await c.send("/queue/sc.a", `m${i}`, { headers: { "content-type": "text/plain", n: String(i) } });
    const got = collector();
    await c.subscribe("/queue/sc.a", (m) => got.push(m), { ack: "client-individual" });
    const ms = await got.next(3);
    assert.deepEqual(ms.map((m) => m.body.toString()), ["m0", "m1", "m2"]);
    assert.deepEqual(ms.map((m) => m.header("n")), ["0", "1", "2"]);
    assert.equal(await ms[0]!.ack({ receipt: true }), true);
    assert.equal(await ms[2]!.ack({ receipt: true }), true);
    await c.disconnect();
    assert.equal(c.connected, false);
    assert.equal(await ms[1]!.ack(), false, "ack after the connection is gone is a no-op");

    // m1 was never acknowledged: the broker redelivers it to the next consumer.
    const d = await StompClient.connect({ host: "127.0.0.1", port: broker.port });
    const again = collector();
    await d.subscribe("/queue/sc.a", (m) => again.push(m), { ack: "client" });
    const [m1] = await again.next(1);
    assert.equal(m1!.body.toString(), "m1");
    assert.equal(m1!.redelivered, true);
    await m1!.ack({ receipt: true });
    await d.disconnect();
  });

  test("transactions: aborted sends are never delivered, committed ones are", async () => {
    const c = await StompClient.connect({ host: "127.0.0.1", port: broker.port });
    const tx1 = await c.begin();
    await c.send("/queue/sc.tx", "dropped", { transaction: tx1 });
    await c.abort(tx1);
    const tx2 = await c.begin();
    await c.send("/queue/sc.tx", "kept", { transaction: tx2 });
    await c.commit(tx2);
    const got = collector();
    await c.subscribe("/queue/sc.tx", (m) => got.push(m));
    const [m] = await got.next(1);
    assert.equal(m!.body.toString(), "kept");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(got.messages.length, 0);
    await c.disconnect();
  });

  test("an ERROR that names a receipt rejects that request with a non-transient StompError and closes", async () => {
    const c = await StompClient.connect({ host: "127.0.0.1", port: broker.port });
    const closed = new Promise<Error | null>((r) => c.once("close", r));
    // ACK for a message this connection never received: the broker answers ERROR and closes.
    const err = await c.request("ACK", [["id", "nope"]], undefined, true).catch((e: unknown) => e);
    assert.ok(err instanceof StompError, String(err));
    assert.equal(err.transient, false);
    assert.match(err.message, /Unexpected ACK/);
    assert.ok((await closed) instanceof StompError);
    await assert.rejects(c.send("/queue/x", "y"), (e: unknown) => e instanceof StompError && e.transient);
  });

  test("pending receipts are rejected as transient when the broker dies", async () => {
    const victim = await startBroker({ sync: "local_mem" });
    try {
      const c = await StompClient.connect({ host: "127.0.0.1", port: victim.port });
      await c.send("/queue/sc.k", "first");
      const closed = new Promise<Error | null>((r) => c.once("close", r));
      await victim.kill9();
      const err = (await closed) as StompError;
      assert.ok(err instanceof StompError && err.transient, String(err));
      await assert.rejects(c.send("/queue/sc.k", "after"), (e: unknown) => e instanceof StompError && e.transient);
    } finally {
      await victim.cleanup();
    }
  });

  test("connection refused rejects connect", async () => {
    const dead = await startBroker();
    const port = dead.port;
    await dead.stop();
    await dead.cleanup();
    await assert.rejects(StompClient.connect({ host: "127.0.0.1", port }), /ECONNREFUSED/);
  });

  test("heart-beats keep an idle connection open", async () => {
    const c = await StompClient.connect({ host: "127.0.0.1", port: broker.port, heartBeat: [100, 100] });
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(c.connected, true);
    await c.send("/queue/sc.hb", "still here");
    await c.disconnect();
  });
});
