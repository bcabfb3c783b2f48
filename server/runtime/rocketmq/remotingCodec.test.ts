import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encodeCommand, RemotingDecoder, response, RPC_ONEWAY, type RemotingCommand, type RemotingItem } from "./remotingCodec";

function clientFrame(header: object, body?: Buffer): Buffer {
  // Built the way ali-ons and the Java client build it: int total, int header length (JSON = 0 in the high byte).
  const h = Buffer.from(JSON.stringify(header));
  const b = body ?? Buffer.alloc(0);
  const out = Buffer.alloc(8 + h.length + b.length);
  out.writeInt32BE(4 + h.length + b.length, 0);
  out.writeInt32BE(h.length, 4);
  h.copy(out, 8);
  b.copy(out, 8 + h.length);
  return out;
}

const send = clientFrame({ code: 310, language: "JAVA", opaque: 7, flag: 0, version: 121, extFields: { a: "pg", b: "T", e: 3, g: 1700000000000 } }, Buffer.from("hello"));
const oneway = clientFrame({ code: 15, opaque: 8, flag: RPC_ONEWAY, extFields: { consumerGroup: "g", topic: "T", queueId: "1", commitOffset: "42" } });
const noBody = clientFrame({ code: 105, opaque: 9, flag: 0, extFields: { topic: "T" } });
const fixture = Buffer.concat([send, oneway, noBody]);

function commands(items: RemotingItem[]): RemotingCommand[] {
  return items.map((i) => {
    assert.equal(i.kind, "command", JSON.stringify(i));
    return (i as { command: RemotingCommand }).command;
  });
}

describe("RemotingDecoder", () => {
  test("whole fixture in one chunk: codes, opaque, string extFields, body, oneway flag", () => {
    const out = commands(new RemotingDecoder(1 << 20).push(fixture));
    assert.equal(out.length, 3);
    assert.equal(out[0].code, 310);
    assert.equal(out[0].opaque, 7);
    assert.deepEqual(out[0].extFields, { a: "pg", b: "T", e: "3", g: "1700000000000" });
    assert.equal(out[0].body?.toString(), "hello");
    assert.equal(out[1].flag & RPC_ONEWAY, RPC_ONEWAY);
    assert.equal(out[1].body, null);
    assert.equal(out[2].extFields.topic, "T");
  });

  test("split at every offset and fed byte by byte gives the same commands", () => {
    const expected = commands(new RemotingDecoder(1 << 20).push(fixture));
    for (let i = 0; i <= fixture.length; i++) {
      const d = new RemotingDecoder(1 << 20);
      const got = commands([...d.push(fixture.subarray(0, i)), ...d.push(fixture.subarray(i))]);
      assert.deepEqual(got, expected, `split at ${i}`);
      assert.equal(d.pending(), 0);
    }
    const d = new RemotingDecoder(1 << 20);
    const got: RemotingItem[] = [];
    for (const byte of fixture) got.push(...d.push(Buffer.from([byte])));
    assert.deepEqual(commands(got), expected);
  });

  test("an oversized length is refused from the prefix alone, before the body is buffered", () => {
    const d = new RemotingDecoder(1024);
    const head = Buffer.alloc(8);
    head.writeInt32BE(512 * 1024 * 1024, 0);
    const out = d.push(head);
    assert.equal(out.length, 1);
    assert.equal(out[0].kind, "fatal");
    assert.match((out[0] as { detail: string }).detail, /exceeds the limit of 1024/);
    assert.equal(d.pending(), 0);
    assert.deepEqual(d.push(Buffer.alloc(100)), [], "nothing more after a fatal item");
  });

  test("negative and too-short lengths are fatal", () => {
    const neg = Buffer.alloc(4);
    neg.writeInt32BE(-5, 0);
    assert.equal(new RemotingDecoder(1024).push(neg)[0].kind, "fatal");
    const short = Buffer.alloc(4);
    short.writeInt32BE(2, 0);
    assert.equal(new RemotingDecoder(1024).push(short)[0].kind, "fatal");
  });

  test("a bad header consumes its frame only: the next frame still decodes, opaque kept when readable", () => {
    const badJson = Buffer.alloc(8 + 5);
    badJson.writeInt32BE(4 + 5, 0);
    badJson.writeInt32BE(5, 4);
    badJson.write("{oops", 8);
    const headerPastFrame = Buffer.alloc(12);
    headerPastFrame.writeInt32BE(8, 0);
    headerPastFrame.writeInt32BE(1000, 4);
    const binary = clientFrame({ code: 1, opaque: 3 });
    binary.writeUInt8(1, 4); // ROCKETMQ binary serialization
    const noCode = clientFrame({ opaque: 11 });
    const out = new RemotingDecoder(1 << 20).push(Buffer.concat([badJson, headerPastFrame, binary, noCode, noBody]));
    assert.deepEqual(
      out.map((i) => i.kind),
      ["badHeader", "badHeader", "badHeader", "badHeader", "command"],
    );
    assert.equal((out[3] as { opaque: number }).opaque, 11);
  });

  test("encodeCommand round-trips through the decoder as a response", () => {
    const r = response({ opaque: 77 }, 0, { queueId: 3, msgId: "AB", skipped: undefined }, Buffer.from([1, 2, 3]), "ok");
    const [item] = new RemotingDecoder(1 << 20).push(encodeCommand(r));
    assert.equal(item.kind, "command");
    const c = (item as { command: RemotingCommand }).command;
    assert.equal(c.opaque, 77);
    assert.equal(c.flag & 1, 1);
    assert.deepEqual(c.extFields, { queueId: "3", msgId: "AB" });
    assert.deepEqual([...(c.body ?? [])], [1, 2, 3]);
    assert.equal(c.remark, "ok");
  });

  test("seeded random bytes and mutated frames never throw, and buffered bytes stay within the limit", () => {
    let seed = 0x2545f491;
    const rnd = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    for (let round = 0; round < 2000; round++) {
      const d = new RemotingDecoder(4096);
      const base = round % 2 === 0 ? Buffer.from(fixture) : Buffer.alloc(Math.floor(rnd() * 300));
      for (let i = 0; i < base.length; i++) if (round % 2 === 1 || rnd() < 0.02) base[i] = Math.floor(rnd() * 256);
      let at = 0;
      while (at < base.length) {
        const n = 1 + Math.floor(rnd() * 40);
        const items = d.push(base.subarray(at, at + n));
        for (const it of items) assert.ok(["command", "badHeader", "fatal"].includes(it.kind));
        assert.ok(d.pending() <= 4096 + 4 + 40, `pending ${d.pending()} exceeds the frame limit`);
        at += n;
      }
    }
  });
});
