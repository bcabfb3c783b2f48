import assert from "node:assert/strict";
import { test } from "node:test";
import { sessionIdText } from "./sessionIdText";

test("session ids print as ZooKeeper prints them: 0x and hex without leading zeros", () => {
  assert.equal(sessionIdText("01000a3f00000002"), "0x1000a3f00000002");
  assert.equal(sessionIdText("0x01000A3F00000002"), "0x1000a3f00000002");
  assert.equal(sessionIdText("0000000000000000"), "0x0");
  assert.equal(sessionIdText(""), "");
  assert.equal(sessionIdText(null), "");
});
