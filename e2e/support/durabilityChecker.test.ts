import assert from "node:assert/strict";
import { test } from "node:test";
import { checkDurability, type PreCrashLog } from "./durabilityChecker";

function log(p: Partial<Record<keyof PreCrashLog, string[]>>): PreCrashLog {
  const set = (k: keyof PreCrashLog): Set<string> => new Set(p[k] ?? []);
  return { sent: set("sent"), receipted: set("receipted"), delivered: set("delivered"), ackSent: set("ackSent"), ackReceipted: set("ackReceipted") };
}

test("a clean recovery passes and counts the allowed outcomes", () => {
  const v = checkDurability(
    log({ sent: ["a", "b", "c", "d", "e"], receipted: ["a", "b", "d", "e"], delivered: ["d", "e"], ackSent: ["d", "e"], ackReceipted: ["e"] }),
    ["a", "b", "d"],
  );
  assert.deepEqual(v.violations, []);
  assert.equal(v.counts.unreceiptedLost, 1); // c
  assert.equal(v.counts.ackInDoubtRedelivered, 1); // d
});

test("a receipted message that is missing is a violation", () => {
  const v = checkDurability(log({ sent: ["a", "b"], receipted: ["a", "b"] }), ["a"]);
  assert.equal(v.ok, false);
  assert.match(v.violations[0]!, /missing.*b/);
});

test("duplicates, unknown ids and resurrected durable acks are violations", () => {
  const v = checkDurability(log({ sent: ["a", "b"], receipted: ["a", "b"], ackSent: ["b"], ackReceipted: ["b"] }), ["a", "a", "b", "zz"]);
  assert.equal(v.violations.length, 3);
  assert.match(v.violations.join("\n"), /unknown.*zz/);
  assert.match(v.violations.join("\n"), /more than once.*a/);
  assert.match(v.violations.join("\n"), /ACK was receipted.*b/);
});

test("a delivered but unacknowledged receipted message must come back", () => {
  const v = checkDurability(log({ sent: ["a"], receipted: ["a"], delivered: ["a"] }), []);
  assert.equal(v.ok, false);
});
