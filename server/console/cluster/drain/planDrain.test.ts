import assert from "node:assert/strict";
import { test } from "node:test";
import { planDrain, type DrainPlanInput } from "./planDrain";

const base: DrainPlanInput = {
  node: "mq2", group: "group1", up: true, role: "master", serving: true, connections: 3, outPerSec: 10,
  destinations: [
    { name: "/queue/a", kind: "queue", depth: 40, consumers: 2, producers: 1, inflight: 1 },
    { name: "/queue/b", kind: "queue", depth: 10, consumers: 0, producers: 2, inflight: 0 },
  ],
  destinationsTotal: 2,
  slaves: [{ node: "mq1", state: "streaming", lagBytes: 500 }, { node: "mq3", state: "streaming", lagBytes: 0 }],
  members: ["mq1", "mq2", "mq3"],
  quorum: 2,
};

test("a master's drain is a handover to the best slave; backlog and time to empty from the out-rate", () => {
  const p = planDrain(base);
  assert.equal(p.action, "handover");
  assert.deepEqual(p.totals, { depth: 50, consumers: 2, producers: 3, inflight: 1 });
  assert.equal(p.timeToEmptySec, 5);
  assert.equal(p.candidates[0]!.node, "mq3");
  assert.deepEqual(p.warnings, []);
});

test("nothing consuming: time to empty is null and a warning says the backlog moves intact", () => {
  const p = planDrain({ ...base, outPerSec: 0 });
  assert.equal(p.timeToEmptySec, null);
  assert.ok(p.warnings.some((w) => /nothing is consuming/.test(w)));
});

test("no streaming slave or no quorum makes the drain impossible; a slave needs nothing", () => {
  assert.equal(planDrain({ ...base, slaves: [{ node: "mq1", state: "syncing", lagBytes: 9 }] }).action, "impossible");
  assert.equal(planDrain({ ...base, members: ["mq2"] }).action, "impossible");
  const s = planDrain({ ...base, role: "slave", serving: false, slaves: [], destinations: [], destinationsTotal: 0 });
  assert.equal(s.action, "none");
  assert.match(s.note, /slave/);
  assert.equal(planDrain({ ...base, up: false }).action, "impossible");
});

test("the drain preview of a group's last members does not call stopping them safe", () => {
  const slave = { ...base, node: "mq1", role: "slave", serving: false, slaves: [], destinations: [], destinationsTotal: 0 };
  const healthy = planDrain(slave);
  assert.match(healthy.note, /can be stopped: group1 keeps 2/);
  const last = planDrain({ ...slave, members: ["mq1", "mq2"], master: "mq2" });
  assert.doesNotMatch(last.note, /stopped safely\.|can be stopped:/);
  assert.match(last.note, /cannot be stopped safely: group1 would keep 1 member, below its quorum of 2, so its master mq2 would stop serving/);
  assert.ok(last.warnings.some((w) => /without a master/.test(w)));
});
