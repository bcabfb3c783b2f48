// messageDelayLevel in use: a message sent with DELAY=n reaches its topic after level n's delay,
// not before; a send-back with delayLevel 0 waits level 3 + reconsumeTimes (RocketMQ's retry
// schedule: 10 s, 30 s, 1 m … with the default levels) before %RETRY%<group> has it. The clock the
// scheduler compares with is the test's; the scheduler runs on its own timer.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { rmqTestBroker } from "../testing/rmqTestBroker";
import { RequestCode, ResponseCode } from "./remotingCodes";
import type { RemotingCommand } from "./remotingCodec";
import type { RmqBroker } from "./RmqBroker";
import { DEFAULT_DELAY_LEVELS, parseDelayLevels } from "./RmqSettings";

async function setup(t: TestContext): Promise<{ broker: RmqBroker; call: (code: number, ext: Record<string, string | number>, body?: Buffer) => Promise<RemotingCommand>; advance: (ms: number) => void }> {
  let now = 1_800_000_000_000;
  t.mock.method(Date, "now", () => now);
  const { broker, store, call: request } = await rmqTestBroker(t, { settings: { delayLevelsMs: parseDelayLevels(DEFAULT_DELAY_LEVELS)! } });
  store.putTopic({ topicName: "orders", readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0, order: false });
  broker.start();
  const call = async (code: number, ext: Record<string, string | number>, body: Buffer | null = null): Promise<RemotingCommand> => (await request(code, ext, body))!;
  return { broker, call, advance: (ms) => (now += ms) };
}

/** Pulls from offset 0 of `topic` queue 0; the messages' bodies, or [] when none is there. */
async function bodies(call: Awaited<ReturnType<typeof setup>>["call"], topic: string): Promise<string[]> {
  const r = await call(RequestCode.PULL_MESSAGE, { consumerGroup: "probe", topic, queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, subscription: "*" });
  if (r.code !== ResponseCode.SUCCESS) return [];
  return ["delayed", "poison"].filter((b) => r.body!.includes(Buffer.from(b)));
}

/** Gives the scheduler's 200 ms timer a few real ticks. */
const ticks = (): Promise<void> => new Promise((r) => setTimeout(r, 1000));

async function eventually(ok: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 75; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(what);
}

test("DELAY=2 (5 s with the default levels): in the topic after 5 s of the store's clock, not before", async (t) => {
  const { call, advance } = await setup(t);
  const sent = await call(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "orders", e: 0, g: Date.now(), i: "DELAY\u00012\u0002TAGS\u0001x\u0002" }, Buffer.from("delayed"));
  assert.equal(sent.code, ResponseCode.SUCCESS);
  await ticks();
  assert.deepEqual(await bodies(call, "orders"), [], "not delivered at once");
  advance(4000);
  await ticks();
  assert.deepEqual(await bodies(call, "orders"), [], "not delivered after 4 s");
  advance(1500);
  await eventually(async () => (await bodies(call, "orders")).includes("delayed"), "delivered once 5 s passed");
  const r = await call(RequestCode.PULL_MESSAGE, { consumerGroup: "probe", topic: "orders", queueId: 0, queueOffset: 0, maxMsgNums: 1, sysFlag: 0, subscription: "x" });
  assert.equal(r.code, ResponseCode.SUCCESS, "its tag survives the detour (a tag filter still matches)");
});

test("send-back with delayLevel 0 waits level 3 + reconsumeTimes (10 s first) before %RETRY%<group> has it", async (t) => {
  const { call, advance } = await setup(t);
  const sent = await call(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: "orders", e: 0, g: Date.now(), i: "" }, Buffer.from("poison"));
  assert.equal(sent.code, ResponseCode.SUCCESS);
  const position = Number(BigInt("0x" + sent.extFields.msgId.slice(16)));
  const back = await call(RequestCode.CONSUMER_SEND_MSG_BACK, { offset: position, group: "cg", delayLevel: 0, originMsgId: sent.extFields.msgId, originTopic: "orders", maxReconsumeTimes: 16 });
  assert.equal(back.code, ResponseCode.SUCCESS, back.remark ?? "");
  advance(9000);
  await ticks();
  assert.deepEqual(await bodies(call, "%RETRY%cg"), [], "level 3 is 10 s: not there after 9 s");
  advance(1500);
  await eventually(async () => (await bodies(call, "%RETRY%cg")).includes("poison"), "in %RETRY%cg once 10 s passed");
  const r = await call(RequestCode.PULL_MESSAGE, { consumerGroup: "probe", topic: "%RETRY%cg", queueId: 0, queueOffset: 0, maxMsgNums: 1, sysFlag: 0, subscription: "*" });
  assert.ok(r.body, "pulled");
  // The retry copy names its original topic, which the client hands to the handler for "orders".
  assert.ok(r.body.includes(Buffer.from("RETRY_TOPIC\u0001orders")));
});
