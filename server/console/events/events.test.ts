import assert from "node:assert/strict";
import { test } from "node:test";
import { adminActionSubject } from "./adminActionSubject";
import { eventCause, eventSeverity } from "./eventSeverity";

test("severity: losses are critical, failovers a warning, a first election and recoveries info", () => {
  assert.equal(eventSeverity("quorum-lost"), "critical");
  assert.equal(eventSeverity("master-lost"), "critical");
  assert.equal(eventSeverity("node-down"), "warning");
  assert.equal(eventSeverity("election", { previous: null }), "info");
  assert.equal(eventSeverity("election", { previous: "mq1" }), "warning");
  assert.equal(eventSeverity("node-up"), "info");
  assert.equal(eventSeverity("alert-firing", { severity: "critical" }), "critical");
  assert.equal(eventSeverity("alert-resolved", { severity: "critical" }), "info");
  assert.equal(eventSeverity("something-new"), "info");
  // The stored severity wins over the kind's default.
  assert.equal(eventSeverity("node-up", { severity: "warning" }), "warning");
  assert.equal(eventCause({ cause: "mq1 was killed (SIGKILL) by an operator" }), "mq1 was killed (SIGKILL) by an operator");
  assert.equal(eventCause(null), null);
});

test("an admin action on a node names the node and its group; a group action names the group", () => {
  const nodes = [{ name: "mq1", group: "group1" }, { name: "mq4", group: "group2" }];
  assert.deepEqual(adminActionSubject(nodes, "mq4"), { node: "mq4", group: "group2" });
  assert.deepEqual(adminActionSubject(nodes, "group1"), { node: null, group: "group1" });
  assert.deepEqual(adminActionSubject(nodes, "/queue/a"), { node: null, group: null });
  assert.deepEqual(adminActionSubject(nodes, null), { node: null, group: null });
});
