import assert from "node:assert/strict";
import { test } from "node:test";
import { formatProperties, parseProperties, waitStoreMsgOK } from "./messageCodec";

const props = (entries: Array<[string, string]>): string => formatProperties(new Map(entries));

test("waitStoreMsgOK reads WAIT as RocketMQ's Message.isWaitStoreMsgOK does", () => {
  assert.equal(waitStoreMsgOK(""), true, "absent: wait");
  assert.equal(waitStoreMsgOK(props([["KEYS", "k"]])), true);
  assert.equal(waitStoreMsgOK(props([["WAIT", "true"]])), true);
  assert.equal(waitStoreMsgOK(props([["WAIT", "TRUE"]])), true, "Boolean.parseBoolean ignores case");
  assert.equal(waitStoreMsgOK(props([["WAIT", "false"]])), false);
  assert.equal(waitStoreMsgOK(props([["KEYS", "a"], ["WAIT", "false"], ["TAGS", "t"]])), false, "in the middle");
  assert.equal(waitStoreMsgOK(props([["KEYS", "a"], ["WAIT", "no"]])), false, "anything but true is false");
  assert.equal(waitStoreMsgOK("WAIT\u0001false"), false, "last property without a trailing separator");
  assert.equal(waitStoreMsgOK(props([["NOWAIT", "false"], ["XWAIT", "false"]])), true, "only the WAIT key itself");
});
