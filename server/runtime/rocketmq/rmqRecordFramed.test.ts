// The send path writes a message record straight behind the journal and entry headers
// (MessageStore.appendRmqWith); what lands in the journal must be what appendRmq of the encoded
// record gives, so recovery, replication and reads see the same bytes either way.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pino } from "pino";
import { localMemGate } from "../store/DurabilityGate";
import { Journal } from "../store/Journal";
import { MessageStore } from "../store/MessageStore";
import { decodeRmqRecord, encodeRmqRecord, RmqRecordKind, rmqRecordSizeHint, writeRmqRecord, type StoredMessage } from "./rmqRecord";

test("appendRmqWith journals the same record as appendRmq, and hands back the payload", async (t) => {
  const logger = pino({ level: "silent" });
  const dir = await mkdtemp(join(tmpdir(), "tandem-rmq-framed-"));
  const journal = await Journal.open({ dir, segmentSize: 1 << 20, logger });
  t.after(async () => {
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });
  const store = new MessageStore(journal, localMemGate(), logger);
  const m: StoredMessage = {
    kind: RmqRecordKind.Message,
    topic: "Tøpic",
    queueId: 3,
    queueOffset: 42,
    flag: -1,
    sysFlag: 4,
    bornTimestamp: 1_700_000_000_123,
    bornHost: "127.0.0.1:5555",
    storeTimestamp: 1_700_000_000_456,
    reconsumeTimes: 2,
    properties: "KEYS\u0001ключ\u0002TAGS\u0001a\u0002",
    body: Buffer.from("x".repeat(3000)), // past the size hint's slack: the writer must grow
  };
  const p1 = store.appendRmq(encodeRmqRecord(m));
  const { position: p2, payload } = store.appendRmqWith(rmqRecordSizeHint(m) - 2000, (w) => writeRmqRecord(w, m));
  assert.deepEqual(decodeRmqRecord(payload), m);
  const [a, b] = [await journal.readAt(p1), await journal.readAt(p2)];
  assert.ok(a.equals(b), "the two records differ");
});
