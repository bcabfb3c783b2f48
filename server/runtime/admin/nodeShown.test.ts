// The long-poll of GET /api/v1/node, on the node's side: a held request answers when the
// fingerprint moves, when its wait runs out, or when its caller hangs up — and never piles up.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NodeChangeWaiter } from "./nodeShown";

function settled(p: Promise<void>): () => boolean {
  let done = false;
  void p.then(() => (done = true));
  return () => done;
}

async function until(what: string, f: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("a stale fingerprint is answered at once; the current one is held until it moves", async () => {
  let fp = "a";
  const w = new NodeChangeWaiter(() => fp, 10);
  await w.wait("old", 60_000); // resolves without holding
  assert.equal(w.size, 0);
  const done = settled(w.wait("a", 60_000));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(done(), false, "held while nothing changed");
  assert.equal(w.size, 1);
  fp = "b";
  await until("the change to release the hold", done);
  assert.equal(w.size, 0);
});

test("a hold ends after its wait when nothing changes", async () => {
  const w = new NodeChangeWaiter(() => "same", 10);
  const t0 = Date.now();
  await w.wait("same", 200);
  assert.ok(Date.now() - t0 >= 190, "held for its wait");
  assert.equal(w.size, 0);
});

test("a caller hanging up releases its hold; waitMs 0 never holds", async () => {
  const w = new NodeChangeWaiter(() => "same", 10);
  const hangUp = new AbortController();
  const done = settled(w.wait("same", 60_000, hangUp.signal));
  const other = settled(w.wait("same", 60_000));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(w.size, 2);
  hangUp.abort();
  await until("the hang-up to release its hold", done);
  assert.equal(other(), false, "the other caller still waits");
  assert.equal(w.size, 1);
  await w.wait("same", 0);
  const aborted = new AbortController();
  aborted.abort();
  await w.wait("same", 60_000, aborted.signal);
  assert.equal(w.size, 1);
});

test("past 256 held requests a long-poll is answered at once (a client cannot pile up waiters)", async () => {
  let fp = "x";
  let computed = 0;
  const w = new NodeChangeWaiter(() => {
    computed++;
    return fp;
  }, 20);
  const held = Promise.all(Array.from({ length: 256 }, () => w.wait("x", 60_000)));
  held.catch(() => {}); // awaited below once the fingerprint moves; a rejection there fails the test
  assert.equal(w.size, 256);
  await w.wait("x", 60_000); // resolves at once
  assert.equal(w.size, 256);
  // One sweep computes the fingerprint once for all of them.
  const before = computed;
  await new Promise((r) => setTimeout(r, 110));
  assert.ok(computed - before <= 10, `one fingerprint per sweep, not per held request (${computed - before})`);
  fp = "y";
  await held;
  assert.equal(w.size, 0);
});
