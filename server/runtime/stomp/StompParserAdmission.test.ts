// Parser features the connection's admission control relies on: stopping after the CONNECT,
// a limit raised after authentication, and the bytes an incomplete frame holds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { StompParser } from "./StompParser";

const limits = { maxFrameSize: 64, maxHeaders: 10, maxHeaderLineLength: 64 };

test("haltAfterFrame: the bytes behind the first frame are left unread, whole, for later", () => {
  const p = new StompParser(limits);
  p.haltAfterFrame = true;
  const events = p.push(Buffer.from(`CONNECT\naccept-version:1.2\n\n\0SEND\ndestination:/queue/a\n\n${"x".repeat(100)}\0`));
  assert.deepEqual(events.map((e) => e.kind), ["frame"], "only the CONNECT, although the SEND is over the limit");
  const rest = p.takeRest();
  assert.ok(rest);
  assert.equal(p.takeRest(), null, "taken once");
  p.haltAfterFrame = false;
  p.setMaxFrameSize(4096);
  const more = p.push(rest);
  assert.equal(more.length, 1);
  assert.equal(more[0]!.kind === "frame" && more[0].frame.body.length, 100, "the SEND is parsed with the raised limit");
});

test("bufferedBytes counts what an incomplete frame holds, and returns to 0", () => {
  const p = new StompParser({ ...limits, maxFrameSize: 1 << 20 });
  p.push(Buffer.from("SEND\ndestination:/queue/a\n"));
  assert.equal(p.inFrame, true);
  p.push(Buffer.from("x-long-hea"));
  assert.equal(p.bufferedBytes, 10, "a header line not yet ended");
  p.push(Buffer.from("der:1\n\n"));
  p.push(Buffer.alloc(5000, 0x61));
  assert.equal(p.bufferedBytes, 5000);
  const ev = p.push(Buffer.from("\0"));
  assert.equal(ev[0]!.kind, "frame");
  assert.equal(p.bufferedBytes, 0);
  assert.equal(p.inFrame, false);
  // A frame cut off by the limit holds nothing afterwards either.
  const small = new StompParser(limits);
  small.push(Buffer.from("SEND\n\n"));
  small.push(Buffer.alloc(40, 0x61));
  assert.equal(small.bufferedBytes, 40);
  assert.equal(small.push(Buffer.alloc(40, 0x61))[0]!.kind, "error");
  assert.equal(small.bufferedBytes, 0);
});
