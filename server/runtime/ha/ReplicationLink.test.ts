// A real master and slave over loopback (journals on disk, the real codec): what the slave
// acknowledges depends on what the master's sync policy counts.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { pino } from "pino";
import { Journal } from "../store/Journal";
import { ReplicationGate, type ReplicationPolicy } from "./ReplicationGate";
import { ReplicationMaster } from "./ReplicationMaster";
import { ReplicationSlave } from "./ReplicationSlave";
import { TermHistory } from "./TermHistory";

const logger = pino({ level: "silent" });
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface LinkRun {
  /** Every ack the master received after the login's. */
  acks: Array<{ mem: number; disk: number }>;
  /** Calls of the slave journal's sync() (each one a flush request). */
  slaveSyncs: number;
  /** Records the slave applied, each shipped in a Records frame of its own. */
  frames: number;
}

/** Sends `records` one at a time (each acknowledged before the next) and returns every ack the master received. */
async function acksUnder(policy: ReplicationPolicy, records: number): Promise<Array<{ mem: number; disk: number }>> {
  return (await runLink(policy, records, "disk")).acks;
}

/**
 * A real master and slave; `records` appended one at a time, each shipped in a frame of its own
 * before the next is appended. `until`: each waits for the slave's ack covering it on disk
 * (and 20 ms for a late ack), or only for the frame to be applied on the slave ("shipped").
 */
async function runLink(policy: ReplicationPolicy, records: number, until: "disk" | "shipped"): Promise<LinkRun> {
  const base = await mkdtemp(join(tmpdir(), "repl-link-test-"));
  dirs.push(base);
  const masterJournal = await Journal.open({ dir: await mkdtemp(join(base, "m-")) });
  const slaveDir = await mkdtemp(join(base, "s-"));
  let slaveSyncs = 0;
  const counted = (j: Journal): Journal => {
    const sync = j.sync.bind(j);
    j.sync = () => (slaveSyncs++, sync());
    return j;
  };
  let slaveJournal = counted(await Journal.open({ dir: slaveDir }));
  const gate = new ReplicationGate(masterJournal, policy, logger);
  const acks: Array<{ mem: number; disk: number }> = [];
  const onAck = gate.onAck.bind(gate);
  gate.onAck = (slave, mem, disk) => {
    acks.push({ mem, disk });
    onAck(slave, mem, disk);
  };
  const master = new ReplicationMaster({
    host: "127.0.0.1", port: 0, nodeName: "m", securityToken: "t0ken-for-the-test", journal: masterJournal,
    terms: () => [], term: null, gate, logger,
  });
  const port = await master.start();
  const slave = new ReplicationSlave({
    host: "127.0.0.1", port, nodeName: "s", securityToken: "t0ken-for-the-test", journal: () => slaveJournal, journalDir: slaveDir,
    wipeJournal: async () => slaveJournal.close(),
    reopenJournal: async () => (slaveJournal = counted(await Journal.open({ dir: slaveDir }))),
    terms: await TermHistory.load(join(base, "terms.json")), masterTerm: null, logger,
  });
  try {
    slave.start();
    await waitFor(() => master.slaves().some((s) => s.state === "streaming") && acks.length > 0, "the slave to attach");
    acks.length = 0; // the login's ack
    slaveSyncs = 0;
    const applied0 = slave.records;
    for (let i = 0; i < records; i++) {
      // Opaque payloads: the first byte is not a store entry type (a Term record would be parsed).
      masterJournal.append(Buffer.alloc(1024, 0x2a));
      master.notify();
      const end = masterJournal.endPosition;
      if (until === "disk") {
        await waitFor(() => acks.some((a) => a.disk >= end), `record ${i} durable on the slave`);
        // Let a late ack for this record (if any) arrive before the next one is sent.
        await new Promise((r) => setTimeout(r, 20));
      } else {
        await waitFor(() => slave.records - applied0 === i + 1, `record ${i} applied on the slave`);
      }
    }
    const frames = slave.records - applied0;
    const end = masterJournal.endPosition;
    // Whatever the policy, the slave's disk ends up with every record, and says so.
    await waitFor(() => acks.some((a) => a.disk >= end), "every record durable on the slave");
    return { acks, slaveSyncs, frames };
  } finally {
    await slave.stop();
    await master.stop();
    gate.fail(new Error("test over"));
    await slaveJournal.close();
    await masterJournal.close();
  }
}

describe("replication link acks", () => {
  test("quorum_disk counts only slaves' disks: one ack per record, sent after the flush (none on arrival)", async () => {
    const acks = await acksUnder({ name: "quorum_disk", local: "disk", remote: "disk", minSlaveAcks: 1, masterVotes: true }, 20);
    assert.deepEqual(acks.filter((a) => a.mem !== a.disk), [], "an ack for records not yet on the slave's disk");
    assert.equal(acks.length, 20);
  });

  test("quorum_mem counts memory: the slave still acks on arrival, ahead of its flush", async () => {
    const acks = await acksUnder({ name: "quorum_mem", local: "mem", remote: "mem", minSlaveAcks: 1 }, 20);
    assert.ok(acks.some((a) => a.mem > a.disk), `no arrival ack among ${JSON.stringify(acks)}`);
  });

  test("quorum_mem: the slave flushes in the background, once for many frames, not once per frame", async () => {
    // 60 frames back to back (each applied before the next is appended): a flush per frame asks
    // the journal 60 times; background flushes ask once per MEM_ACK_FLUSH_MS whatever arrived.
    const run = await runLink({ name: "quorum_mem", local: "mem", remote: "mem", minSlaveAcks: 1 }, 60, "shipped");
    assert.equal(run.frames, 60);
    assert.ok(run.slaveSyncs < run.frames, `${run.slaveSyncs} flush requests for ${run.frames} frames`);
    assert.ok(run.acks.some((a) => a.mem > a.disk), "no arrival ack ahead of the flush");
  });

  test("quorum_disk: still a flush request per frame (the master counts the slave's disk)", async () => {
    const run = await runLink({ name: "quorum_disk", local: "disk", remote: "disk", minSlaveAcks: 1, masterVotes: true }, 20, "shipped");
    assert.equal(run.slaveSyncs, run.frames);
  });
});
