import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryUsage } from "../broker/MemoryUsage";
import type { CloseReason } from "./CloseReason";
import { ReadGuard } from "./ReadGuard";
import { StompParser } from "./StompParser";
import type { StompTransport } from "./StompTransport";

function setup(policy: { frameReadTimeout: number; inactivityTimeout: number }, opts: { idle?: boolean; flowPaused?: () => boolean } = {}) {
  const parser = new StompParser({ maxFrameSize: 1 << 20, maxHeaders: 10, maxHeaderLineLength: 1024 });
  const memory = new MemoryUsage(1000);
  const calls: string[] = [];
  const transport = { pause: () => calls.push("pause"), resume: () => calls.push("resume") } as unknown as StompTransport;
  const failures: Array<{ reason: CloseReason; message: string }> = [];
  const guard = new ReadGuard({
    parser,
    transport,
    memory,
    policy,
    flowPaused: opts.flowPaused ?? (() => false),
    idleCheckApplies: () => opts.idle ?? false,
    fail: (reason, message) => failures.push({ reason, message }),
  });
  const push = (text: string | Buffer): void => {
    guard.read();
    parser.push(typeof text === "string" ? Buffer.from(text) : text);
    guard.afterParse();
  };
  return { parser, memory, calls, failures, guard, push };
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("a partial frame is charged to memory while it is held, and released when it completes or the guard stops", () => {
  const t = setup({ frameReadTimeout: 60_000, inactivityTimeout: 0 });
  t.push("SEND\ndestination:/queue/a\n\n");
  t.push(Buffer.alloc(300, 0x61));
  assert.equal(t.memory.receivingUsage, 300);
  assert.equal(t.memory.usage, 300);
  t.push("\0");
  assert.equal(t.memory.usage, 0);
  t.push("SEND\n\n");
  t.push(Buffer.alloc(200, 0x61));
  t.guard.stop();
  assert.equal(t.memory.usage, 0, "stop gives the charge back");
});

test("reading stops while frames being received fill the node, and resumes when memory frees", () => {
  const t = setup({ frameReadTimeout: 60_000, inactivityTimeout: 0 });
  t.push("SEND\n\n");
  t.push(Buffer.alloc(1200, 0x61));
  assert.deepEqual(t.calls, ["pause"]);
  t.memory.receiving(-1000); // e.g. another connection's frame was dropped
  assert.deepEqual(t.calls, ["pause", "resume"]);
  t.guard.stop();
});

test("a stalled frame is dropped after frameReadTimeout; an idle connection after inactivityTimeout", async () => {
  const stalled = setup({ frameReadTimeout: 100, inactivityTimeout: 0 });
  stalled.push("SEND\ndestination:/queue/a\n\nhalf");
  await until(() => stalled.failures.length > 0);
  assert.equal(stalled.failures[0]!.reason, "frame_timeout");
  assert.match(stalled.failures[0]!.message, /frameReadTimeout=100 ms/);
  stalled.guard.stop();

  const idle = setup({ frameReadTimeout: 60_000, inactivityTimeout: 150 }, { idle: true });
  await until(() => idle.failures.length > 0);
  assert.equal(idle.failures[0]!.reason, "inactivity_timeout");
  idle.guard.stop();
});

test("no inactivity close while flow control holds the socket, or when heart-beats are watched instead", async () => {
  let paused = true;
  const held = setup({ frameReadTimeout: 60_000, inactivityTimeout: 100 }, { idle: true, flowPaused: () => paused });
  const beating = setup({ frameReadTimeout: 60_000, inactivityTimeout: 100 }, { idle: false });
  await new Promise((r) => setTimeout(r, 600));
  assert.deepEqual(held.failures, []);
  assert.deepEqual(beating.failures, []);
  // Once reading resumes, silence counts again.
  paused = false;
  await until(() => held.failures.length > 0);
  held.guard.stop();
  beating.guard.stop();
});
