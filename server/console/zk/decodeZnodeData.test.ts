import assert from "node:assert/strict";
import { test } from "node:test";
import { AppError } from "../AppError";
import { decodeZnodeData } from "./decodeZnodeData";

test("each encoding decodes exactly what was typed", () => {
  assert.deepEqual(decodeZnodeData("héllo", "text"), Buffer.from("héllo", "utf8"));
  assert.deepEqual(decodeZnodeData('{"a": [1]}', "json"), Buffer.from('{"a": [1]}'));
  assert.deepEqual(decodeZnodeData("00 ff\n7f", "hex"), Buffer.from([0, 255, 127]));
  assert.deepEqual(decodeZnodeData("AAH/", "base64"), Buffer.from([0, 1, 255]));
  assert.deepEqual(decodeZnodeData("", "hex"), Buffer.alloc(0));
});

test("malformed input is refused instead of silently altered", () => {
  for (const [text, enc] of [["{x", "json"], ["abc", "hex"], ["zz", "hex"], ["AAH", "base64"], ["A*==", "base64"]] as const) {
    assert.throws(() => decodeZnodeData(text, enc), (err: unknown) => err instanceof AppError && err.reason === "BAD_ENCODING", `${enc} ${text}`);
  }
});
