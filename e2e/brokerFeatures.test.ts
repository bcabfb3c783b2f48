// Issue 4's client-facing features over real sockets against a real broker process: selectors,
// queue browsing, priority, expiry, exclusive consumers and message groups.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startBroker, type BrokerProcess } from "./support/brokerProcess";
import { connectStomp, header, type StompTestClient } from "./support/stompClient";

let broker: BrokerProcess;
const clients: StompTestClient[] = [];

before(async () => {
  broker = await startBroker({ policy: { maxRedeliveries: 1 } });
});
after(async () => {
  for (const c of clients) c.destroy();
  await broker.stop();
  await broker.cleanup();
});

async function client(): Promise<StompTestClient> {
  const c = await connectStomp(broker.port);
  clients.push(c);
  return c;
}

function messages(c: StompTestClient): Array<{ body: string; headers: Map<string, string> }> {
  return c.frames
    .filter((f) => f.command === "MESSAGE")
    .map((f) => ({ body: f.body.toString(), headers: new Map(f.headers) }));
}

async function send(c: StompTestClient, destination: string, body: string, headers: Array<[string, string]> = []): Promise<void> {
  await c.request("SEND", [["destination", destination], ...headers], body);
}

async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

describe("broker features over STOMP", () => {
  test("a selector subscription gets exactly the matching messages; a bad selector is refused with the reason", async () => {
    const p = await client();
    const c = await client();
    await c.request("SUBSCRIBE", [["destination", "/topic/sel"], ["id", "s"], ["selector", "n = 3 OR (color = 'red' AND size > 10)"]]);
    await send(p, "/topic/sel", "a", [["n", "3"]]);
    await send(p, "/topic/sel", "b", [["n", "4"]]);
    await send(p, "/topic/sel", "c", [["color", "red"], ["size", "11"]]);
    await send(p, "/topic/sel", "d", [["color", "red"], ["size", "9"]]);
    await c.waitUntil(() => messages(c).length >= 2, 5000, "2 matching messages");
    await settle();
    assert.deepEqual(messages(c).map((m) => m.body), ["a", "c"]);

    const bad = await client();
    bad.sendFrame("SUBSCRIBE", [["destination", "/queue/x"], ["id", "s"], ["selector", "n = = 3"]]);
    const err = await bad.expect("ERROR");
    assert.match(header(err, "message"), /Invalid selector: .*column/);
    await bad.waitClosed();
  });

  test("browsing shows every waiting message, ends with browser:end, and never changes what consumers get", async () => {
    const p = await client();
    for (let i = 0; i < 5; i++) await send(p, "/queue/browse", `m${i}`, [["persistent", "true"]]);
    const b = await client();
    b.sendFrame("SUBSCRIBE", [["destination", "/queue/browse"], ["id", "br"], ["browser", "true"]]);
    await b.waitUntil(() => messages(b).some((m) => m.headers.get("browser") === "end"), 5000, "end of browse");
    const seen = messages(b);
    assert.deepEqual(seen.filter((m) => m.headers.get("browser") !== "end").map((m) => m.body), ["m0", "m1", "m2", "m3", "m4"]);
    assert.equal(seen[seen.length - 1].headers.get("message-id"), "0");
    // A second browse sees the same five: browsing consumed nothing.
    const b2 = await client();
    b2.sendFrame("SUBSCRIBE", [["destination", "/queue/browse"], ["id", "br"], ["browser", "true"]]);
    await b2.waitUntil(() => messages(b2).some((m) => m.headers.get("browser") === "end"), 5000, "end of second browse");
    assert.equal(messages(b2).length, 6);
    const c = await client();
    await c.request("SUBSCRIBE", [["destination", "/queue/browse"], ["id", "s"]]);
    await c.waitUntil(() => messages(c).length === 5, 5000, "all 5 consumed");

    const old = await connectStomp(broker.port, { acceptVersion: "1.0" });
    clients.push(old);
    old.sendFrame("SUBSCRIBE", [["destination", "/queue/browse"], ["browser", "true"]]);
    assert.match(header(await old.expect("ERROR"), "message"), /only valid for Stomp v1\.1\+/);
  });

  test("higher priority messages are dispatched first", async () => {
    const p = await client();
    await send(p, "/queue/prio", "low", [["priority", "1"]]);
    await send(p, "/queue/prio", "normal");
    await send(p, "/queue/prio", "high", [["priority", "9"]]);
    await send(p, "/queue/prio", "mid", [["priority", "6"]]);
    const c = await client();
    await c.request("SUBSCRIBE", [["destination", "/queue/prio"], ["id", "s"]]);
    await c.waitUntil(() => messages(c).length === 4, 5000, "4 messages");
    assert.deepEqual(messages(c).map((m) => m.body), ["high", "mid", "normal", "low"]);
  });

  test("an expired message is never delivered and goes to the dead-letter queue", async () => {
    const p = await client();
    await send(p, "/queue/exp", "stale", [["expires", String(Date.now() + 200)], ["persistent", "true"]]);
    await send(p, "/queue/exp", "fresh", [["expires", String(Date.now() + 60_000)]]);
    await settle(400);
    const c = await client();
    await c.request("SUBSCRIBE", [["destination", "/queue/exp"], ["id", "s"]]);
    await c.waitUntil(() => messages(c).length >= 1, 5000, "the fresh message");
    await settle();
    assert.deepEqual(messages(c).map((m) => m.body), ["fresh"]);
    const d = await client();
    await d.request("SUBSCRIBE", [["destination", "/queue/DLQ.exp"], ["id", "s"]]);
    await d.waitUntil(() => messages(d).length === 1, 5000, "the expired message in the DLQ");
    const dead = messages(d)[0];
    assert.equal(dead.body, "stale");
    assert.equal(dead.headers.get("original-destination"), "/queue/exp");
    assert.equal(dead.headers.get("dlq-reason"), "expired");
  });

  test("an exclusive consumer gets everything while it is subscribed; the other takes over after it leaves", async () => {
    const p = await client();
    const ex = await client();
    const other = await client();
    await other.request("SUBSCRIBE", [["destination", "/queue/excl"], ["id", "s"]]);
    await ex.request("SUBSCRIBE", [["destination", "/queue/excl"], ["id", "s"], ["activemq.exclusive", "true"]]);
    for (let i = 0; i < 6; i++) await send(p, "/queue/excl", `e${i}`);
    await ex.waitUntil(() => messages(ex).length === 6, 5000, "6 messages at the exclusive consumer");
    assert.equal(messages(other).length, 0);
    await ex.request("UNSUBSCRIBE", [["id", "s"]]);
    await send(p, "/queue/excl", "after");
    await other.waitUntil(() => messages(other).length === 1, 5000, "the next message at the other consumer");
  });

  for (const persistent of [false, true]) {
  // Persistent sends to idle auto-ack consumers take the unjournaled path (Queue.deliverUnstored),
  // which must record a group's owner just like queued dispatch does.
  test(`message groups stick to one consumer each (${persistent ? "persistent" : "non-persistent"})`, async () => {
    const dest = `/queue/groups.${persistent ? "p" : "np"}`;
    const p = await client();
    const a = await client();
    const b = await client();
    await a.request("SUBSCRIBE", [["destination", dest], ["id", "s"]]);
    await b.request("SUBSCRIBE", [["destination", dest], ["id", "s"]]);
    for (let i = 0; i < 12; i++) {
      await send(p, dest, `${i % 3}:${i}`, [["JMSXGroupID", `g${i % 3}`], ...(persistent ? [["persistent", "true"] as [string, string]] : [])]);
    }
    await a.waitUntil(() => messages(a).length + messages(b).length === 12, 5000, "all 12 messages");
    const groupsAt = (c: StompTestClient): Set<string> => new Set(messages(c).map((m) => m.headers.get("JMSXGroupID")!));
    const ga = groupsAt(a);
    const gb = groupsAt(b);
    for (const g of ga) assert.ok(!gb.has(g), `group ${g} went to both consumers`);
    assert.equal(ga.size + gb.size, 3);
    // Within a group, order is kept.
    for (const c of [a, b]) {
      for (const g of ["0", "1", "2"]) {
        const seq = messages(c).filter((m) => m.body.startsWith(`${g}:`)).map((m) => Number(m.body.split(":")[1]));
        assert.deepEqual(seq, [...seq].sort((x, y) => x - y));
      }
    }
  });
  }
});
