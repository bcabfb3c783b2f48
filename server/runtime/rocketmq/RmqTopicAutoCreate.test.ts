// autoCreateTopicEnable and defaultTopicQueueNums (seed 002: "true" and 4): a send to an unknown
// topic creates it on the receiving broker with min(the client's defaultTopicQueueNums, the
// broker's), and the template topic TBW102 is advertised for clients that fall back to it; with
// the switch off the send is refused with TOPIC_NOT_EXIST and TBW102 is not routed.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { rmqTestBroker } from "../testing/rmqTestBroker";
import { RequestCode, ResponseCode } from "./remotingCodes";
import type { RemotingCommand } from "./remotingCodec";
import type { RmqBroker } from "./RmqBroker";

async function broker(t: TestContext, autoCreateTopicEnable: boolean, defaultTopicQueueNums: number): Promise<{ b: RmqBroker; send: (topic: string, clientQueueNums: number) => Promise<RemotingCommand | null> }> {
  const { broker: b, call } = await rmqTestBroker(t, { settings: { autoCreateTopicEnable, defaultTopicQueueNums } });
  /** SEND_MESSAGE_V2 as a 4.x client sends it after falling back to TBW102's route (c = default topic, d = its queue count). */
  const send = (topic: string, clientQueueNums: number): Promise<RemotingCommand | null> =>
    call(RequestCode.SEND_MESSAGE_V2, { a: "pg", b: topic, c: "TBW102", d: clientQueueNums, e: 0, f: 0, g: Date.now(), h: 0, i: "", j: 0 }, Buffer.from("x"));
  return { b, send };
}

test("autoCreateTopicEnable: the receiving broker creates the topic with min(client's, broker's defaultTopicQueueNums), and routes TBW102", async (t) => {
  const { b, send } = await broker(t, true, 4);
  assert.ok(b.topicTable().TBW102, "the template topic is in the route table");
  assert.equal((await send("auto-a", 16))?.code, ResponseCode.SUCCESS);
  assert.equal(b.topicTable()["auto-a"]?.writeQueueNums, 4, "capped at the broker's defaultTopicQueueNums");
  assert.equal((await send("auto-b", 2))?.code, ResponseCode.SUCCESS);
  assert.deepEqual([b.topicTable()["auto-b"]?.writeQueueNums, b.topicTable()["auto-b"]?.readQueueNums], [2, 2], "the client asked for fewer");
});

test("autoCreateTopicEnable false: a send to an unknown topic is TOPIC_NOT_EXIST and nothing is created", async (t) => {
  const { b, send } = await broker(t, false, 8);
  assert.equal(b.topicTable().TBW102, undefined, "no template topic to fall back to");
  const r = await send("auto-c", 4);
  assert.equal(r?.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.match(r?.remark ?? "", /topic\[auto-c\] not exist, apply first please!/);
  assert.equal(b.topicTable()["auto-c"], undefined);
});
