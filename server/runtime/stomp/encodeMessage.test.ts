import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrokerMessage } from "../broker/BrokerMessage";
import { encodeFrame } from "./encodeFrame";
import { encodeMessage, type Delivery } from "./encodeMessage";
import type { StompHeaders, StompVersion } from "./StompFrame";
import { mulberry32, runParser } from "./stompTestKit";

/** MESSAGE as the connection built it before encodeMessage existed: the reference encoding. */
function reference(d: Delivery, msg: BrokerMessage, version: StompVersion): Buffer {
  const h: StompHeaders = [
    ["subscription", d.subscription],
    ["message-id", msg.id],
    ["destination", d.destination],
  ];
  if (d.ack !== null) h.push(["ack", d.ack]);
  if (msg.persistent) h.push(["persistent", "true"]);
  h.push(["priority", String(msg.priority)], ["expires", String(msg.expires)], ["timestamp", String(msg.timestamp)]);
  if (msg.deliveryCount > 1) h.push(["redelivered", "true"], ["delivery-count", String(msg.deliveryCount)]);
  for (const kv of msg.headers) h.push(kv);
  if (msg.hasContentLength) h.push(["content-length", String(msg.bodySize)]);
  return encodeFrame("MESSAGE", h, msg.body ?? undefined, version);
}

function message(over: Partial<BrokerMessage> = {}): BrokerMessage {
  const body = over.body === undefined ? Buffer.from("hello") : over.body;
  return {
    id: "ID:mq1-x-1", store: "/queue/a", destination: "/queue/a", headers: [["content-type", "text/plain"]],
    body, bodySize: body ? body.length : 0, persistent: true, hasContentLength: false, priority: 4, expires: 0,
    timestamp: 1_700_000_000_000, position: -1, deliveryCount: 1, seq: 1, memSize: 0, wire: null, ...over,
  };
}

// Deterministic pseudo-random strings with every character that needs escaping or sanitising.
const ALPHABET = ["a", "Z", "0", ":", "\\", "\n", "\r", "é", "日", " ", "-", "|"];
function str(r: () => number, max: number): string {
  let out = "";
  const n = 1 + Math.floor(r() * max);
  for (let i = 0; i < n; i++) out += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return out;
}

test("byte for byte what encodeFrame produces, for 1.0, 1.1 and 1.2, over 600 random messages", () => {
  const r = mulberry32(7);
  for (let i = 0; i < 600; i++) {
    const version = (["1.0", "1.1", "1.2"] as const)[i % 3];
    const headers: StompHeaders = Array.from({ length: Math.floor(r() * 5) }, () => [str(r, 8), str(r, 12)] as [string, string]);
    const body = r() < 0.2 ? Buffer.alloc(0) : Buffer.from(str(r, 40));
    const msg = message({
      id: `ID:${str(r, 6)}`, headers, body, bodySize: body.length, persistent: r() < 0.5, hasContentLength: r() < 0.5,
      priority: Math.floor(r() * 10), expires: r() < 0.5 ? 0 : 1_800_000_000_000, deliveryCount: 1 + Math.floor(r() * 3),
    });
    const d: Delivery = { subscription: str(r, 6), destination: `/queue/${str(r, 8)}`, ack: r() < 0.5 ? null : `${msg.id}|s` };
    assert.deepEqual(encodeMessage(d, msg, version), reference(d, msg, version), `message ${i} (${version})`);
    // Second delivery of the same message (cached header lines) with a higher delivery count.
    msg.deliveryCount++;
    assert.deepEqual(encodeMessage(d, msg, version), reference(d, msg, version), `redelivery of message ${i} (${version})`);
  }
});

test("the cached header lines are rebuilt for another version or a copy with other headers", () => {
  const msg = message({ headers: [["k", "a:b"]] });
  const d: Delivery = { subscription: "s", destination: "/queue/a", ack: null };
  assert.deepEqual(encodeMessage(d, msg, "1.2"), reference(d, msg, "1.2"));
  assert.deepEqual(encodeMessage(d, msg, "1.0"), reference(d, msg, "1.0"));
  const dlqCopy: BrokerMessage = { ...msg, headers: [...msg.headers, ["dlq-reason", "expired"]], priority: 9, expires: 0 };
  assert.deepEqual(encodeMessage(d, dlqCopy, "1.2"), reference(d, dlqCopy, "1.2"));
  const [ev] = runParser([encodeMessage(d, dlqCopy, "1.2")], "1.2").events;
  assert.ok(ev?.kind === "frame");
  assert.deepEqual(ev.headers.find(([k]) => k === "dlq-reason"), ["dlq-reason", "expired"]);
  assert.deepEqual(ev.headers.find(([k]) => k === "priority"), ["priority", "9"]);
});

test("a content-length among the user headers gives way to the true length", () => {
  const msg = message({ headers: [["content-length", "999"]], body: Buffer.from("abc") });
  const [ev] = runParser([encodeMessage({ subscription: "s", destination: "/queue/a", ack: null }, msg, "1.2")], "1.2").events;
  assert.ok(ev?.kind === "frame");
  assert.deepEqual(ev.headers.filter(([k]) => k === "content-length"), [["content-length", "3"]]);
  assert.equal(Buffer.from(ev.body, "hex").toString(), "abc");
});
