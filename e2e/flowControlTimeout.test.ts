// Issue #15: a producer paused by flow control is told why and how long it waited, instead of
// waiting forever. A real node with a 1 MB memoryLimit: non-persistent messages to a queue nobody
// consumes fill it, the producer's socket stops being read, and after sendFailIfNoSpaceAfterTimeout
// it gets an ERROR naming the limit (and is closed); a pause that ends in time stays silent.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, getHeader } from "./support/stompClient";

const body = "x".repeat(1024);

async function blockedProducers(b: BrokerProcess): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${b.adminPort}/api/v1/node`, { headers: { authorization: `Bearer ${b.adminToken}` } });
  return ((await res.json()) as { memory: { blockedProducers: number } }).memory.blockedProducers;
}

async function waitFor(cond: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("producer flow control is bounded: sendFailIfNoSpaceAfterTimeout", () => {
  let b: BrokerProcess;
  before(async () => {
    b = await startBroker({ policy: { memoryLimit: "1mb", sendFailIfNoSpaceAfterTimeout: "2s" } });
  });
  after(async () => {
    await b?.stop();
    await b?.cleanup();
  });

  test("a producer still paused after the timeout gets an ERROR that names the limit, then the node serves others", async () => {
    const p = await connectStomp(b.port);
    for (let i = 0; i < 3000; i++) p.sendFrame("SEND", [["destination", "/queue/nobody"], ["persistent", "false"]], body);
    const err = await p.expect("ERROR", 30_000);
    assert.equal(getHeader(err, "flow-control"), "memory");
    assert.equal(getHeader(err, "paused-ms"), "2000");
    assert.match(getHeader(err, "message") ?? "", /flow control.*memoryLimit/);
    await p.waitClosed(30_000);
    await b.waitForLog((l) => String(l.msg).startsWith("producer paused by flow control") && l.limit === "memory");
    assert.equal(await blockedProducers(b), 0, "the closed producer is no longer counted as blocked");

    // The node itself is fine: a consumer drains the queue, and then a producer is served again.
    const c = await connectStomp(b.port);
    c.sendFrame("SUBSCRIBE", [["destination", "/queue/nobody"], ["id", "s"], ["ack", "auto"]]);
    await c.expect("MESSAGE", 30_000);
    const q = await connectStomp(b.port);
    await q.request("SEND", [["destination", "/queue/other"], ["persistent", "false"]], body);
    await q.disconnect();
    await c.disconnect();
  });

});

describe("producer flow control: a pause that ends in time is silent", () => {
  let b: BrokerProcess;
  before(async () => {
    // Long enough that attaching a consumer on a loaded machine always comes first.
    b = await startBroker({ policy: { memoryLimit: "1mb", sendFailIfNoSpaceAfterTimeout: "2m" } });
  });
  after(async () => {
    await b?.stop();
    await b?.cleanup();
  });

  test("a consumer frees memory before the timeout: the producer resumes without an ERROR", async () => {
    const p = await connectStomp(b.port);
    for (let i = 0; i < 3000; i++) p.sendFrame("SEND", [["destination", "/queue/later"], ["persistent", "false"]], body);
    await waitFor(async () => (await blockedProducers(b)) >= 1, "producer paused");
    const c = await connectStomp(b.port);
    c.sendFrame("SUBSCRIBE", [["destination", "/queue/later"], ["id", "s"], ["ack", "auto"]]);
    // Every message arrives; the producer was resumed, not failed.
    let got = 0;
    await c.waitUntil(() => {
      got += c.frames.splice(0).filter((f) => f.command === "MESSAGE").length;
      return got >= 3000;
    }, 60_000, "all 3000 messages delivered");
    await p.request("SEND", [["destination", "/queue/later"], ["persistent", "false"]], body);
    assert.equal(p.frames.filter((f) => f.command === "ERROR").length, 0);
    assert.equal(p.closed, false);
    await p.disconnect();
    await c.disconnect();
  });
});
