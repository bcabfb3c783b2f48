import assert from "node:assert/strict";
import { test } from "node:test";
import { AlertEvaluator, type AlertRuleSpec } from "./AlertEvaluator";
import type { AlertFacts } from "./alertFacts";
import { rocketmqLagCondition } from "./rocketmqLagCondition";

function facts(at: number, lagA: number, lagB: number): AlertFacts {
  return {
    at,
    groups: [],
    nodes: [],
    destinations: [],
    rocketmqLag: [
      { group: "broker-a", node: "a1", consumerGroup: "cg-orders", lag: lagA },
      { group: "broker-b", node: "b1", consumerGroup: "cg-orders", lag: lagB },
      { group: "broker-a", node: "a1", consumerGroup: "cg-audit", lag: 3 },
    ],
    coordinatorSessionChanges: 0,
  };
}

const rule: AlertRuleSpec = {
  id: 7, name: "RmqLag", enabled: true, metric: "rocketmq_consumer_lag", comparator: "gt", threshold: 100, forSeconds: 0,
  group: null, node: null, destination: null, severity: "warning", labels: {}, annotations: {},
};

test("a consumer group's lag is summed over every broker group; filters pick brokers and the group", () => {
  const all = rocketmqLagCondition.instances(facts(0, 60, 50), { group: null, node: null, destination: null });
  assert.deepEqual(all, [{ labels: { consumerGroup: "cg-audit" }, value: 3 }, { labels: { consumerGroup: "cg-orders" }, value: 110 }]);
  assert.deepEqual(rocketmqLagCondition.instances(facts(0, 60, 50), { group: "broker-b", node: null, destination: null }), [{ labels: { consumerGroup: "cg-orders" }, value: 50 }]);
  assert.deepEqual(rocketmqLagCondition.instances(facts(0, 60, 50), { group: null, node: null, destination: "cg-audit" }), [{ labels: { consumerGroup: "cg-audit" }, value: 3 }]);
  assert.deepEqual(rocketmqLagCondition.instances({ ...facts(0, 1, 1), rocketmqLag: undefined }, { group: null, node: null, destination: null }), []);
});

test("lag above N fires for that consumer group, names it, and resolves when the group catches up", () => {
  const ev = new AlertEvaluator();
  assert.deepEqual(ev.evaluate([rule], facts(0, 50, 50)), [], "100 is not above 100");
  const fired = ev.evaluate([rule], facts(1000, 60, 50));
  assert.equal(fired.length, 1);
  assert.equal(fired[0]!.to, "firing");
  assert.equal(fired[0]!.alert.labels.consumerGroup, "cg-orders");
  assert.equal(fired[0]!.alert.value, 110);
  assert.match(fired[0]!.alert.annotations.summary!, /^RmqLag: cg-orders .* is 110 \(> 100\)$/);
  assert.equal(ev.evaluate([rule], facts(2000, 0, 0))[0]!.to, "resolved");
});
