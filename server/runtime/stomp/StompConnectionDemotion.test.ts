// Issue 9, defect 2: a master paused past its session timeout killed itself on waking
// ("unhandled rejection: exiting" / "no longer master: coordinator session suspended"). The
// receipt path asked the gate for a later receipt early and awaited it only after the earlier
// receipt; the demotion rejected every held receipt at once while the earlier one still waited on
// the write fence, so the later rejection had no handler. Here the real receipt path runs over the
// real gate and journal; the process-wide unhandledRejection listener is the witness.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pino, type Logger } from "pino";
import { brokerPolicySchema } from "../../config/clusterSchema";
import { Broker } from "../broker/Broker";
import { ReplicationGate } from "../ha/ReplicationGate";
import { Journal } from "../store/Journal";
import { MessageStore } from "../store/MessageStore";
import { openAccess } from "./openAccess";
import { StompConnection } from "./StompConnection";
import type { StompFrame } from "./StompFrame";
import { StompParser } from "./StompParser";
import type { StompTransport } from "./StompTransport";

/** A transport that parses what the connection writes, so the test reads frames, not bytes. */
class RecordingTransport implements StompTransport {
  readonly kind = "tcp";
  readonly remoteAddress = "127.0.0.1:1";
  readonly frames: StompFrame[] = [];
  ended = false;
  private readonly parser = new StompParser({ maxFrameSize: 1 << 20, maxHeaders: 100, maxHeaderLineLength: 1 << 16 });

  constructor() {
    this.parser.version = "1.2"; // header values are escaped from CONNECTED on
  }

  write(data: Buffer): boolean {
    for (const ev of this.parser.push(data)) if (ev.kind === "frame") this.frames.push(ev.frame);
    return true;
  }
  pendingBytes(): number {
    return 0;
  }
  pause(): void {}
  resume(): void {}
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.ended = true;
  }
}

function frame(command: string, headers: Array<[string, string]>, body = ""): Buffer {
  return Buffer.from(`${command}\n${headers.map(([k, v]) => `${k}:${v}\n`).join("")}\n${body}\0`);
}

const header = (f: StompFrame, name: string): string | undefined => f.headers.find(([k]) => k === name)?.[1];

describe("receipts held by a master that demotes (issue 9, defect 2)", () => {
  let dir: string;
  let journal: Journal;
  let logger: Logger;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stomp-demotion-test-"));
    logger = pino({ level: "silent" });
    journal = await Journal.open({ dir, logger });
    process.on("unhandledRejection", onUnhandled);
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("pipelined receipts, the earlier one held by the write fence: demotion ends nothing but the connection, which is told why", async () => {
    // The write fence is closed, as on a master that wakes from SIGSTOP: the coordinator has been
    // silent, so even a replicated record may not be receipted yet.
    let fence: string | null = null;
    const gate = new ReplicationGate(journal, { name: "quorum_mem", local: "mem", remote: "mem", minSlaveAcks: 1 }, logger, () => fence);
    const store = new MessageStore(journal, gate, logger);
    const broker = new Broker("mq1", brokerPolicySchema.parse({}), store, logger);
    const transport = new RecordingTransport();
    const conn = new StompConnection({
      id: "c1",
      transport,
      broker,
      policy: broker.policy,
      maxFrameSize: 1 << 20,
      access: openAccess(),
      logger,
      hooks: { onClose: () => {} },
      serving: () => null,
    });
    try {
      conn.receive(frame("CONNECT", [["accept-version", "1.2"], ["host", "mq1"]]));
      assert.equal(transport.frames[0]?.command, "CONNECTED");

      fence = "coordinator silent for 3000 ms";
      conn.receive(frame("SEND", [["destination", "/queue/demote"], ["persistent", "true"], ["receipt", "r1"]], "one"));
      const afterFirst = journal.endPosition;
      conn.receive(frame("SEND", [["destination", "/queue/demote"], ["persistent", "true"], ["receipt", "r2"]], "two"));
      conn.receive(frame("SEND", [["destination", "/queue/demote"], ["persistent", "true"], ["receipt", "r3"]], "three"));
      // A slave has the first record only: r1 now waits on the fence, r2 and r3 on the slave.
      gate.onAck("mq2", afterFirst, 0);
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(transport.frames.slice(1).map((f) => f.command), [], "nothing is receipted while the fence is closed");

      // The node demotes the way BrokerNode.unserve does: the gate fails every held receipt, then
      // the listener closes every connection with the reason.
      gate.fail(new Error("no longer master: coordinator session suspended"));
      conn.stopServing("coordinator session suspended");
      // Long enough for the fence's 20 ms poll to reject r1 and for Node to report unhandled rejections.
      await new Promise((r) => setTimeout(r, 200));

      assert.deepEqual(unhandled, [], "a demotion must not leave a rejection unhandled (the broker process exits on one)");
      const sent = transport.frames.slice(1);
      assert.deepEqual(sent.map((f) => f.command), ["ERROR"], "no RECEIPT for a message the group may not have; one ERROR");
      const message = header(sent[0]!, "message") ?? "";
      assert.match(message, /could not be stored: no longer master: coordinator session suspended/);
      assert.match(message, /3 receipt\(s\) withheld/);
      assert.equal(header(sent[0]!, "receipt-id"), "r1", "the ERROR names the oldest receipt that will not come");
      assert.equal(transport.ended, true, "the connection closes");
      assert.equal(conn.closeReason, "not_master");
    } finally {
      broker.stop();
    }
  });

  test("receipts failed by the gate while the connection is still open: one ERROR saying why, no unhandled rejection", async () => {
    let fence: string | null = "coordinator silent for 3000 ms";
    const gate = new ReplicationGate(journal, { name: "quorum_mem", local: "mem", remote: "mem", minSlaveAcks: 1 }, logger, () => fence);
    const store = new MessageStore(journal, gate, logger);
    const broker = new Broker("mq1", brokerPolicySchema.parse({}), store, logger);
    const transport = new RecordingTransport();
    const conn = new StompConnection({
      id: "c2",
      transport,
      broker,
      policy: broker.policy,
      maxFrameSize: 1 << 20,
      access: openAccess(),
      logger,
      hooks: { onClose: () => {} },
      serving: () => null,
    });
    try {
      conn.receive(frame("CONNECT", [["accept-version", "1.2"], ["host", "mq1"]]));
      conn.receive(frame("SEND", [["destination", "/queue/demote2"], ["persistent", "true"], ["receipt", "a"]], "one"));
      const afterFirst = journal.endPosition;
      conn.receive(frame("SEND", [["destination", "/queue/demote2"], ["persistent", "true"], ["receipt", "b"]], "two"));
      gate.onAck("mq2", afterFirst, 0);
      gate.fail(new Error("no longer master: quorum lost"));
      await new Promise((r) => setTimeout(r, 200));
      fence = null;
      assert.deepEqual(unhandled, []);
      const sent = transport.frames.slice(1);
      assert.deepEqual(sent.map((f) => f.command), ["ERROR"]);
      assert.equal(header(sent[0]!, "message"), "message could not be stored: no longer master: quorum lost");
      assert.equal(header(sent[0]!, "receipt-id"), "a");
    } finally {
      broker.stop();
    }
  });
});
