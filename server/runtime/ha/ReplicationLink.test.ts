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

/** Sends `records` one at a time (each acknowledged before the next) and returns every ack the master received. */
async function acksUnder(policy: ReplicationPolicy, records: number): Promise<Array<{ mem: number; disk: number }>> {
  const base = await mkdtemp(join(tmpdir(), "repl-link-test-"));
  dirs.push(base);
  const masterJournal = await Journal.open({ dir: await mkdtemp(join(base, "m-")) });
  const slaveDir = await mkdtemp(join(base, "s-"));
  let slaveJournal = await Journal.open({ dir: slaveDir });
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
    reopenJournal: async () => (slaveJournal = await Journal.open({ dir: slaveDir })),
    terms: await TermHistory.load(join(base, "terms.json")), masterTerm: null, logger,
  });
  try {
    slave.start();
    await waitFor(() => master.slaves().some((s) => s.state === "streaming") && acks.length > 0, "the slave to attach");
    acks.length = 0; // the login's ack
    for (let i = 0; i < records; i++) {
      // Opaque payloads: the first byte is not a store entry type (a Term record would be parsed).
      masterJournal.append(Buffer.alloc(1024, 0x2a));
      master.notify();
      const end = masterJournal.endPosition;
      await waitFor(() => acks.some((a) => a.disk >= end), `record ${i} durable on the slave`);
      // Let a late ack for this record (if any) arrive before the next one is sent.
      await new Promise((r) => setTimeout(r, 20));
    }
    return acks;
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
});
