import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pino, type Logger } from "pino";
import { Journal } from "../store/Journal";
import { ReplicationGate, type ReplicationPolicy } from "./ReplicationGate";

const quorumMem: ReplicationPolicy = { name: "quorum_mem", local: "mem", remote: "mem", minSlaveAcks: 1 };
const quorumDisk: ReplicationPolicy = { name: "quorum_disk", local: "disk", remote: "disk", minSlaveAcks: 1 };

/** Settles to "resolved", "rejected: <message>" or "pending" (after the microtask queue and one macrotask). */
async function state(p: Promise<void>): Promise<string> {
  let s = "pending";
  p.then(
    () => (s = "resolved"),
    (err: Error) => (s = `rejected: ${err.message}`),
  );
  await new Promise((r) => setImmediate(r));
  return s;
}

describe("ReplicationGate (receipts wait for the sync policy, brokers.md §b1.10)", () => {
  let dir: string;
  let journal: Journal;
  let logger: Logger;
  const gates: ReplicationGate[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "repl-gate-test-"));
    logger = pino({ level: "silent" });
    journal = await Journal.open({ dir, logger });
  });
  after(async () => {
    for (const g of gates) g.fail(new Error("test over"));
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });

  function gate(policy: ReplicationPolicy): ReplicationGate {
    const g = new ReplicationGate(journal, policy, logger);
    gates.push(g);
    return g;
  }

  test("quorum_mem, one slave needed: held until a slave has the record in memory", async () => {
    const g = gate(quorumMem);
    const pos = journal.append(Buffer.from("one"));
    const p = g.awaitDurable(pos);
    assert.equal(await state(p), "pending");
    // An ack up to exactly the record's start position does not cover it: acks are end positions.
    g.onAck("mq2", pos, 0);
    assert.equal(await state(p), "pending");
    g.onAck("mq2", journal.endPosition, 0);
    assert.equal(await state(p), "resolved");
    // Already covered: resolves at once.
    assert.equal(await state(g.awaitDurable(pos)), "resolved");
  });

  test("two slaves needed (replicas=5): one slave's ack is not enough, the second-best ack decides", async () => {
    const g = gate({ ...quorumMem, minSlaveAcks: 2 });
    const a = journal.append(Buffer.from("a"));
    const b = journal.append(Buffer.from("b"));
    const pa = g.awaitDurable(a);
    const pb = g.awaitDurable(b);
    pb.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
    g.onAck("mq2", journal.endPosition, 0);
    assert.equal(await state(pa), "pending");
    g.onAck("mq3", b, 0); // mq3 has a (ends at b) but not b
    assert.equal(await state(pa), "resolved");
    assert.equal(await state(pb), "pending");
    g.onAck("mq3", journal.endPosition, 0);
    assert.equal(await state(pb), "resolved");
  });

  test("a slave that goes away no longer counts", async () => {
    const g = gate(quorumMem);
    g.onAck("mq2", journal.endPosition, 0);
    g.slaveGone("mq2");
    const pos = journal.append(Buffer.from("after"));
    const p = g.awaitDurable(pos);
    assert.equal(await state(p), "pending");
    g.onAck("mq3", journal.endPosition, 0);
    assert.equal(await state(p), "resolved");
  });

  test("quorum_disk counts the slaves' disk positions, not memory, and syncs locally", async () => {
    const g = gate(quorumDisk);
    const pos = journal.append(Buffer.from("durable"));
    const p = g.awaitDurable(pos);
    g.onAck("mq2", journal.endPosition, 0);
    assert.equal(await state(p), "pending", "in the slave's memory is not enough for quorum_disk");
    g.onAck("mq2", journal.endPosition, journal.endPosition);
    await p;
    assert.ok(journal.durablePosition >= journal.endPosition, "the local part fsynced the master's journal");
  });

  test("no remote part: local policies resolve without any slave", async () => {
    const pos = journal.append(Buffer.from("local"));
    assert.equal(await state(gate({ name: "local_mem", local: "mem", remote: "none", minSlaveAcks: 0 }).awaitDurable(pos)), "resolved");
    await gate({ name: "local_disk", local: "disk", remote: "none", minSlaveAcks: 0 }).awaitDurable(pos);
    assert.ok(journal.durablePosition > pos);
  });

  test("fail(): every held receipt is rejected and later ones are refused (a demoted master gives no receipt)", async () => {
    const g = gate(quorumMem);
    const p1 = g.awaitDurable(journal.append(Buffer.from("x")));
    const p2 = g.awaitDurable(journal.append(Buffer.from("y")));
    g.fail(new Error("no longer master: quorum lost"));
    const [s1, s2] = await Promise.all([state(p1), state(p2)]);
    assert.equal(s1, "rejected: no longer master: quorum lost");
    assert.equal(s2, "rejected: no longer master: quorum lost");
    // An ack arriving after the demotion must not resurrect anything.
    g.onAck("mq2", journal.endPosition, journal.endPosition);
    assert.equal(await state(g.awaitDurable(0)), "rejected: no longer master: quorum lost");
  });
});
