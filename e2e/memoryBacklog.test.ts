// Issue #15's defect on a real process: a persistent backlog nobody consumes used to hold the
// node's whole memory limit, and every non-persistent producer on the node then waited forever.
// Journaled bodies now leave RAM when a non-persistent send needs the room; the backlog is still
// delivered complete and in order.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, getHeader } from "./support/stompClient";

const BACKLOG = 12_000;

describe("a persistent backlog does not starve non-persistent producers", () => {
  let b: BrokerProcess;
  before(async () => {
    b = await startBroker({ policy: { memoryLimit: "8mb" } });
  });
  after(async () => {
    await b?.stop();
    await b?.cleanup();
  });

  test(`${BACKLOG} persistent 1 KiB messages with no consumer, then non-persistent traffic to another queue`, async () => {
    const p = await connectStomp(b.port);
    const body = "x".repeat(1024);
    for (let i = 0; i < BACKLOG; i++) p.sendFrame("SEND", [["destination", "/queue/backlog"], ["persistent", "true"], ["n", String(i)]], body);
    await p.request("SEND", [["destination", "/queue/backlog"], ["persistent", "true"], ["n", String(BACKLOG)]], body);
    const info1 = (await (await fetch(`http://127.0.0.1:${b.adminPort}/api/v1/node`, { headers: { authorization: `Bearer ${b.adminToken}` } })).json()) as { memory: { percent: number } };
    // The backlog filled memory (the situation of the defect).
    assert.ok(info1.memory.percent >= 90, `memory ${info1.memory.percent} %`);

    // Non-persistent sends with receipts to another queue get their RECEIPTs.
    const np = await connectStomp(b.port);
    for (let i = 0; i < 200; i++) await np.request("SEND", [["destination", "/queue/live"], ["persistent", "false"]], body);
    const info2 = (await (await fetch(`http://127.0.0.1:${b.adminPort}/api/v1/node`, { headers: { authorization: `Bearer ${b.adminToken}` } })).json()) as { memory: { percent: number; blockedProducers: number } };
    assert.equal(info2.memory.blockedProducers, 0);
    await np.disconnect();

    // Every backlog message is still there, in order.
    const c = await connectStomp(b.port);
    c.sendFrame("SUBSCRIBE", [["destination", "/queue/backlog"], ["id", "s"], ["ack", "auto"]]);
    for (let i = 0; i <= BACKLOG; i++) {
      const m = await c.expect("MESSAGE");
      assert.equal(getHeader(m, "n"), String(i));
    }
    await c.disconnect();
    await p.disconnect();
  });
});
