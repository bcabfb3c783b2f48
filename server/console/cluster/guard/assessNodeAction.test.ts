import assert from "node:assert/strict";
import { test } from "node:test";
import { assessNodeAction, type ActionImpactInput } from "./assessNodeAction";

const healthy: ActionImpactInput = {
  action: "stop",
  node: "mq1",
  up: true,
  role: "master",
  group: { name: "group1", quorum: 2, replicas: 3, master: "mq1", members: ["mq1", "mq2", "mq3"] },
  masterDepth: 1005,
  masterConnections: 4,
  slaves: [{ node: "mq2", state: "streaming", lagBytes: 120 }, { node: "mq3", state: "streaming", lagBytes: 0 }],
};

test("stopping a healthy group's master is a failover to the most up-to-date slave, confirmed by a click", () => {
  const i = assessNodeAction(healthy);
  assert.equal(i.severity, "disruptive");
  assert.equal(i.confirmText, null);
  assert.match(i.summary, /group1 fails over: mq3 \(0 bytes behind\) is the likely new master; 1,005 messages stay available/);
  assert.ok(i.effects.some((e) => /4 connected clients/.test(e)));
});

test("stopping a slave of a full group is safe", () => {
  const i = assessNodeAction({ ...healthy, node: "mq2", role: "slave" });
  assert.equal(i.severity, "safe");
  assert.equal(i.confirmText, null);
  assert.match(i.summary, /group1 keeps its master mq1: 2 of 3 members remain/);
});

test("stopping the second-to-last slave breaks quorum: the master stops serving, typed confirmation", () => {
  const g = { ...healthy.group, members: ["mq1", "mq2"] };
  const i = assessNodeAction({ ...healthy, node: "mq2", role: "slave", group: g, slaves: [{ node: "mq2", state: "streaming", lagBytes: 0 }] });
  assert.equal(i.breaksQuorum, true);
  assert.equal(i.takesLastMaster, true);
  assert.equal(i.severity, "dangerous");
  assert.equal(i.confirmText, "mq2");
  assert.match(i.summary, /group1 will have no master and 1,005 messages become unavailable/);
});

test("killing the master when no other member could be elected takes the last master", () => {
  for (const action of ["kill", "restart", "stop"] as const) {
    const i = assessNodeAction({ ...healthy, action, group: { ...healthy.group, members: ["mq1", "mq2"] } });
    assert.equal(i.confirmText, "mq1", action);
    assert.match(i.summary, /^group1 will have no master: 1 of 3 members remain and quorum is 2; 1,005 messages become unavailable\.$/);
  }
});

test("a master with no streaming slave: stop and hand-over both take the last up-to-date master", () => {
  const lagging = { ...healthy, slaves: [{ node: "mq2", state: "syncing", lagBytes: 9000 }] };
  assert.equal(assessNodeAction(lagging).confirmText, "mq1");
  const h = assessNodeAction({ ...lagging, action: "handover" });
  assert.equal(h.takesLastMaster, true);
  assert.equal(h.confirmText, "mq1");
});

test("a hand-over or drain to a streaming slave keeps the membership and needs a click", () => {
  for (const action of ["handover", "drain"] as const) {
    const i = assessNodeAction({ ...healthy, action });
    assert.equal(i.confirmText, null);
    assert.equal(i.breaksQuorum, false);
    assert.match(i.summary, /mq1 hands group1 over to mq3 and rejoins as a slave/);
  }
});

test("draining one of a group's last two members does not call stopping it safe", () => {
  const i = assessNodeAction({ ...healthy, action: "drain", node: "mq2", role: "slave", group: { ...healthy.group, members: ["mq1", "mq2"] } });
  assert.ok(i.effects.some((e) => /It cannot be stopped safely/.test(e)));
  assert.ok(!i.effects.some((e) => /stopped safely\./.test(e) && !/cannot/.test(e)));
});

test("a node that is down and not a member changes nothing", () => {
  const i = assessNodeAction({ ...healthy, node: "mq3", up: false, role: "down", group: { ...healthy.group, members: ["mq1", "mq2"] } });
  assert.equal(i.severity, "safe");
  assert.equal(i.confirmText, null);
  assert.match(i.summary, /not running as a member/);
});

test("with no master already, the depth is unknown and stopping a member below quorum still asks", () => {
  const i = assessNodeAction({ ...healthy, node: "mq2", role: "slave", group: { ...healthy.group, master: null, members: ["mq2", "mq3"] }, masterDepth: null, masterConnections: null, slaves: [] });
  assert.equal(i.breaksQuorum, true);
  assert.equal(i.confirmText, "mq2");
  assert.match(i.summary, /no master can be elected/);
});
