import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pino, type Logger } from "pino";
import { Journal } from "../store/Journal";
import { ReplicationGate, SLAVE_FALL_BEHIND_MAX, type ReplicationPolicy } from "./ReplicationGate";
import { replicationPolicyFor } from "./replicationPolicyFor";

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

  test("slavesUnavailable (RocketMQ's isSlaveOK): enough slaves connected within 256 MiB of the position, counted as the policy counts acks", () => {
    const mib = 1024 * 1024;
    assert.equal(gate({ name: "local_disk", local: "disk", remote: "none", minSlaveAcks: 0 }).slavesUnavailable(300 * mib), null, "a policy without slaves never lacks them");
    const g = gate(quorumMem);
    assert.equal(g.slavesUnavailable(0), "no slave is connected (quorum_mem waits for 1 slave)");
    g.onAck("mq2", 10 * mib, 0);
    assert.equal(g.slavesUnavailable(100 * mib), null, "90 MiB behind: available");
    assert.equal(g.slavesUnavailable(10 * mib + SLAVE_FALL_BEHIND_MAX), "1 slave is connected, 0 within 256 MiB of the master's log (quorum_mem waits for 1 slave)");
    g.slaveGone("mq2");
    assert.match(g.slavesUnavailable(0) ?? "", /^no slave is connected/);
    // quorum_disk measures the slaves' disk positions; two slaves needed (replicas=5).
    const d = gate({ ...quorumDisk, minSlaveAcks: 2 });
    d.onAck("mq2", 400 * mib, 400 * mib);
    d.onAck("mq3", 400 * mib, 0);
    assert.equal(d.slavesUnavailable(400 * mib), "2 slaves are connected, 1 within 256 MiB of the master's log (quorum_disk waits for 2 slaves)");
    d.onAck("mq3", 400 * mib, 300 * mib);
    assert.equal(d.slavesUnavailable(400 * mib), null);
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

  describe("quorum_disk: any quorum of nodes durable, the master's flush one vote (Raft's commit rule)", () => {
    /** A journal whose local flush finishes (or fails) only when the test says so. */
    function slowDiskJournal(end: number): { journal: Journal; flush: () => void; failFlush: (err: Error) => void } {
      let durable = 0;
      const pending: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
      const j = {
        endPosition: end,
        get durablePosition() {
          return durable;
        },
        sync: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
      };
      return {
        journal: j as unknown as Journal,
        flush: () => {
          durable = end;
          for (const w of pending.splice(0)) w.resolve();
        },
        failFlush: (err) => {
          for (const w of pending.splice(0)) w.reject(err);
        },
      };
    }
    const policy = replicationPolicyFor({ sync: "quorum_disk", replicas: 3, brokerRole: undefined, flushDiskType: undefined });
    function slowGate(j: Journal): ReplicationGate {
      const g = new ReplicationGate(j, policy, logger);
      gates.push(g);
      return g;
    }

    test("two slaves with the record on disk release the receipt while the master's own flush is still running", async () => {
      const disk = slowDiskJournal(100);
      const g = slowGate(disk.journal);
      const p = g.awaitDurable(40);
      g.onAck("mq2", 100, 100);
      assert.equal(await state(p), "pending", "one slave alone is not a quorum of three nodes");
      g.onAck("mq3", 100, 0);
      assert.equal(await state(p), "pending", "a slave's memory is no vote under quorum_disk");
      g.onAck("mq3", 100, 100);
      assert.equal(await state(p), "resolved", "two of three nodes have it durable");
      disk.flush();
    });

    test("the master's flush and one slave's disk make a quorum; the master's flush alone does not", async () => {
      const disk = slowDiskJournal(100);
      const g = slowGate(disk.journal);
      const p = g.awaitDurable(40);
      disk.flush();
      assert.equal(await state(p), "pending", "the master alone is one vote of three");
      g.onAck("mq2", 100, 40); // ends exactly at the record's start: does not cover it
      assert.equal(await state(p), "pending");
      g.onAck("mq2", 100, 100);
      assert.equal(await state(p), "resolved");
    });

    test("a failed local flush fails the receipt unless a quorum already holds it", async () => {
      const disk = slowDiskJournal(100);
      const g = slowGate(disk.journal);
      const p = g.awaitDurable(40);
      g.onAck("mq2", 100, 100);
      disk.failFlush(new Error("EIO"));
      assert.equal(await state(p), "rejected: EIO");
    });

    test("the real journal: a slave's disk ack and the local fsync release it, memory acks never do", async () => {
      const g = gate(policy);
      const pos = journal.append(Buffer.from("quorum"));
      const p = g.awaitDurable(pos);
      p.catch(() => undefined); // awaited below; handled now so a rejection meanwhile is not unhandled
      g.onAck("mq2", journal.endPosition, 0);
      g.onAck("mq3", journal.endPosition, 0);
      await journal.sync();
      assert.equal(await state(p), "pending", "master durable, both slaves only in memory: one vote");
      g.onAck("mq3", journal.endPosition, journal.endPosition);
      assert.equal(await state(p), "resolved");
    });
  });
});
