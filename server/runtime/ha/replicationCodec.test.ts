import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  encodeAck,
  encodeFileChunk,
  encodeJson,
  encodeRecords,
  MAX_REPL_FRAME,
  ReplDecoder,
  ReplType,
  type ReplFrame,
} from "./replicationCodec";

const payload = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (seed + i * 13) & 0xff));

/** One of every frame type, with the value each must decode to. */
const fixtures: Array<{ name: string; bytes: Buffer; frame: ReplFrame }> = [
  {
    name: "Login",
    bytes: encodeJson(ReplType.Login, { token: "t", node: "mq2", endPosition: 17, startPosition: 0, terms: [{ id: "a", start: 0 }] }),
    frame: { type: ReplType.Login, body: { token: "t", node: "mq2", endPosition: 17, startPosition: 0, terms: [{ id: "a", start: 0 }] } },
  },
  {
    name: "LoginOk",
    bytes: encodeJson(ReplType.LoginOk, { mode: "stream", truncateTo: 12, master: "mq1", terms: [] }),
    frame: { type: ReplType.LoginOk, body: { mode: "stream", truncateTo: 12, master: "mq1", terms: [] } },
  },
  {
    name: "Records",
    bytes: encodeRecords([
      { position: 0, payload: payload(5, 1) },
      { position: 25, payload: Buffer.alloc(0) },
      { position: 2 ** 40, payload: payload(300, 7) },
    ]),
    frame: {
      type: ReplType.Records,
      records: [
        { position: 0, payload: payload(5, 1) },
        { position: 25, payload: Buffer.alloc(0) },
        { position: 2 ** 40, payload: payload(300, 7) },
      ],
    },
  },
  { name: "empty Records", bytes: encodeRecords([]), frame: { type: ReplType.Records, records: [] } },
  { name: "Ack", bytes: encodeAck(4096, 2048), frame: { type: ReplType.Ack, memPosition: 4096, diskPosition: 2048 } },
  {
    name: "FileChunk",
    bytes: encodeFileChunk(32 * 1024 * 1024, 512, payload(64, 3)),
    frame: { type: ReplType.FileChunk, base: 32 * 1024 * 1024, offset: 512, data: payload(64, 3) },
  },
  { name: "FilesDone", bytes: encodeJson(ReplType.FilesDone, { endPosition: 999 }), frame: { type: ReplType.FilesDone, endPosition: 999 } },
  { name: "Error", bytes: encodeJson(ReplType.Error, { message: "securityToken does not match" }), frame: { type: ReplType.Error, message: "securityToken does not match" } },
];

function decodeChunks(chunks: Buffer[]): { frames: ReplFrame[]; error?: string } {
  const d = new ReplDecoder();
  const frames: ReplFrame[] = [];
  for (const c of chunks) {
    const r = d.push(c);
    frames.push(...r.frames);
    if (r.error) return { frames, error: r.error };
  }
  return { frames };
}

/** Encodes a frame with an arbitrary type byte and body, bypassing the typed encoders. */
function raw(type: number, body: Buffer, declaredLength = body.length + 1): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(declaredLength, 0);
  head[4] = type;
  return Buffer.concat([head, body]);
}

describe("replication codec", () => {
  for (const f of fixtures) {
    test(`${f.name}: whole, byte by byte, and split at every offset`, () => {
      assert.deepEqual(decodeChunks([f.bytes]), { frames: [f.frame] });
      assert.deepEqual(decodeChunks([...f.bytes].map((b) => Buffer.from([b]))), { frames: [f.frame] });
      for (let i = 0; i <= f.bytes.length; i++) {
        const r = decodeChunks([f.bytes.subarray(0, i), f.bytes.subarray(i)]);
        assert.deepEqual(r, { frames: [f.frame] }, `split at ${i}`);
      }
    });
  }

  test("all fixtures back to back, split at every offset of the stream, keep their order", () => {
    const stream = Buffer.concat(fixtures.map((f) => f.bytes));
    const want = fixtures.map((f) => f.frame);
    for (let i = 0; i <= stream.length; i++) {
      assert.deepEqual(decodeChunks([stream.subarray(0, i), stream.subarray(i)]), { frames: want }, `split at ${i}`);
    }
    // Three-way splits at a stride, to cover a frame that spans three pushes.
    for (let i = 0; i < stream.length; i += 7) {
      for (let j = i; j <= stream.length; j += 11) {
        assert.deepEqual(decodeChunks([stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)]), { frames: want });
      }
    }
  });

  test("a decoded record payload does not alias the pushed chunk (the journal keeps it)", () => {
    const bytes = Buffer.from(encodeRecords([{ position: 8, payload: Buffer.from("abc") }]));
    const [frame] = new ReplDecoder().push(bytes).frames;
    bytes.fill(0);
    assert.ok(frame.type === ReplType.Records);
    assert.equal(frame.records[0].payload.toString(), "abc");
  });

  test("length out of range is an error, detected from the header alone (no buffering of a huge frame)", () => {
    assert.match(decodeChunks([raw(ReplType.Ack, Buffer.alloc(0), 0)]).error ?? "", /length 0 out of range/);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(MAX_REPL_FRAME + 1, 0);
    assert.match(decodeChunks([huge]).error ?? "", /out of range/);
  });

  test("malformed bodies are errors, not exceptions", () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ["unknown type", raw(99, Buffer.alloc(3)), /unknown replication frame type 99/],
      ["ack of the wrong size", raw(ReplType.Ack, Buffer.alloc(15)), /bad ack frame/],
      ["records without a count", raw(ReplType.Records, Buffer.alloc(2)), /truncated records frame/],
      ["record header cut short", raw(ReplType.Records, Buffer.from([0, 0, 0, 1, 0, 0])), /truncated record header/],
      ["file chunk cut short", raw(ReplType.FileChunk, Buffer.alloc(10)), /truncated file chunk/],
      ["login that is not JSON", raw(ReplType.Login, Buffer.from("{nope")), /JSON/],
      ["login that is not an object", raw(ReplType.Login, Buffer.from("42")), /not an object/],
    ];
    for (const [name, bytes, re] of cases) {
      const r = decodeChunks([bytes]);
      assert.equal(r.frames.length, 0, name);
      assert.match(r.error ?? "", re, name);
    }
    // A record whose declared payload runs past the frame.
    const rec = Buffer.alloc(4 + 12 + 3);
    rec.writeUInt32BE(1, 0);
    rec.writeDoubleBE(0, 4);
    rec.writeUInt32BE(10, 12);
    assert.match(decodeChunks([raw(ReplType.Records, rec)]).error ?? "", /truncated record payload/);
  });

  test("frames before a bad one are delivered; after an error the decoder stays dead", () => {
    const d = new ReplDecoder();
    const r = d.push(Buffer.concat([encodeAck(1, 1), raw(99, Buffer.alloc(1)), encodeAck(2, 2)]));
    assert.deepEqual(r.frames, [{ type: ReplType.Ack, memPosition: 1, diskPosition: 1 }]);
    assert.match(r.error ?? "", /unknown/);
    assert.deepEqual(d.push(encodeAck(3, 3)), { frames: [], error: r.error });
  });
});
