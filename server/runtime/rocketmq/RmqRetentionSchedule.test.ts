// When RocketMQ retention runs (CleanCommitLogService): messages older than fileReservedTime go only
// at a deleteWhen hour (local time, as RocketMQ reads it) or when disk use passes
// diskMaxUsedSpaceRatio; younger messages stay either way. The clock and the disk gauge are the
// test's; the journal is real.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { rmqTestBroker } from "../testing/rmqTestBroker";
import type { RmqBroker } from "./RmqBroker";

const HOUR = 3_600_000;
/** 03:30 local time on some day: not a deleteWhen hour of "04;05". */
const at = (hour: number, minute = 30): number => new Date(2026, 11, 4, hour, minute).getTime();

/** A broker keeping messages 48 h, deleting at 04 and 05, with 20 % of its disk used unless the test says otherwise. */
async function broker(t: TestContext, diskUsage: { percent: number }): Promise<RmqBroker> {
  const { broker: b, store } = await rmqTestBroker(t, {
    settings: { fileReservedTime: 48, deleteWhen: [4, 5], diskMaxUsedSpaceRatio: 75 },
    measureDisk: () => Promise.resolve(diskUsage.percent),
  });
  store.putTopic({ topicName: "t", readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0, order: false });
  const day = at(3);
  // Two messages stored 72 h before "today", one 10 h before: only the first two are past 48 h.
  for (const age of [72, 72, 10]) {
    b.store.append({ topic: "t", queueId: 0, flag: 0, sysFlag: 0, bornTimestamp: day - age * HOUR, bornHost: "127.0.0.1:1", storeTimestamp: day - age * HOUR, reconsumeTimes: 0, properties: "", body: Buffer.from(`${age}h`) });
  }
  return b;
}

test("expired messages stay outside the deleteWhen hours while the disk is below diskMaxUsedSpaceRatio", async (t) => {
  const b = await broker(t, { percent: 20 });
  for (const hour of [0, 3, 6, 12, 23]) assert.equal(await b.cleanExpired(at(hour)), 0, `nothing deleted at ${hour}:30`);
  assert.equal(b.store.queue("t", 0)?.minOffset, 0);
});

test("at a deleteWhen hour the messages older than fileReservedTime go, younger ones stay", async (t) => {
  const b = await broker(t, { percent: 20 });
  assert.equal(await b.cleanExpired(at(5, 59)), 2, "the second hour of \"04;05\" counts too");
  const q = b.store.queue("t", 0)!;
  assert.deepEqual([q.minOffset, q.maxOffset], [2, 3], "the 10 h old message is kept");
  assert.equal((await b.store.read(q.positionAt(2))).body.toString(), "10h");
});

test("above diskMaxUsedSpaceRatio deletion runs at any hour, still only past fileReservedTime", async (t) => {
  const disk = { percent: 80 };
  const b = await broker(t, disk);
  assert.equal(await b.cleanExpired(at(13)), 2);
  assert.equal(b.store.queue("t", 0)?.minOffset, 2);
});
