import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkHaLoad, type HaLoadRecord } from "./haLoadChecker";

const rec = (sentAt: number, receiptedAt: number | null, deliveries: number[]): HaLoadRecord => ({ sentAt, receiptedAt, deliveries });

describe("checkHaLoad", () => {
  test("a receipted message never consumed is lost; an unreceipted one is not", () => {
    const v = checkHaLoad(new Map([["a", rec(1, 2, [])], ["b", rec(1, null, [])], ["c", rec(1, 2, [3])]]), [], []);
    assert.deepEqual(v.lost, ["a"]);
    assert.equal(v.receipted, 2);
    assert.equal(v.consumed, 1);
  });

  test("duplicates are explained only by a kill inside the message's life", () => {
    const records = new Map([
      ["resent", rec(10, 30, [31, 32])], // kill at 20 between send and receipt
      ["redelivered", rec(1, 2, [5, 25])], // kill at 20 between first and last delivery
      ["mystery", rec(40, 41, [42, 43])], // no kill anywhere near
    ]);
    const v = checkHaLoad(records, ["zz"], [20]);
    assert.equal(v.duplicatedMessages, 3);
    assert.equal(v.extraDeliveries, 3);
    assert.deepEqual(v.unexplainedDuplicates, ["mystery"]);
    assert.deepEqual(v.unknown, ["zz"]);
    assert.deepEqual(v.lost, []);
  });

  test("a redelivery after the first consumer's connection was lost is explained, even when the kill was timed before the first delivery was read", () => {
    const records = new Map([
      // kill timed at 20; the dying master's MESSAGE read at 21, its ACK lost; consumer 0 noticed at 22
      ["late-read", { ...rec(1, 2, [21, 30]), consumers: [0, 1] }],
      // same timing, but consumer 0 never lost its connection: not explained
      ["no-loss", { ...rec(1, 2, [21, 30]), consumers: [1, 0] }],
    ]);
    const v = checkHaLoad(records, [], [20], [[22], []]);
    assert.deepEqual(v.unexplainedDuplicates, ["no-loss"]);
  });
});
