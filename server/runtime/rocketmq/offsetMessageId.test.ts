// A SEND_OK's msgId (storeHost + commitLogOffset as 32 upper-case hex digits, RocketMQ's
// MessageDecoder.createMessageId) is built as text; it must read back to the same offset on both
// sides of 2^32 and keep the host's bytes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeOffsetMessageId, offsetMessageId } from "./messageCodec";

test("offsetMessageId: ip, port and 64-bit offset in upper-case hex, read back by decodeOffsetMessageId", () => {
  assert.equal(offsetMessageId("10.1.2.3:10911", 4095), "0A01020300002A9F0000000000000FFF");
  for (const offset of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, 2 ** 52 + 7]) {
    const id = offsetMessageId("192.168.0.254:10911", offset);
    assert.match(id, /^[0-9A-F]{32}$/);
    assert.deepEqual(decodeOffsetMessageId(id), { storeHost: "192.168.0.254:10911", commitLogOffset: offset });
  }
});
