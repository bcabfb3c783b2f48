import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AlertEvaluator, type AlertRuleSpec } from "./AlertEvaluator";
import type { AlertFacts } from "./alertFacts";
import { destinationMatches } from "./alertConditions";
import { webhookPayloads } from "./alertPayloads";
import { refusedAddressReason, refusedUrlReason } from "./outboundTarget";
import { alertmanagerEndpoint, listMatches, retryAfterMs } from "./WebhookDispatcher";

function facts(at: number, o: { master?: string | null; mq2Up?: boolean; depth?: number } = {}): AlertFacts {
  return {
    at,
    groups: [{ name: "group1", master: o.master === undefined ? "mq1" : o.master, members: 3, quorum: 2, replicas: 3, nodes: ["mq1", "mq2", "mq3"] }],
    nodes: [
      { name: "mq1", group: "group1", up: true, error: null, memoryRatio: 0.2, storeRatio: 0.1, slaves: [{ node: "mq2", lagBytes: 10 }] },
      { name: "mq2", group: "group1", up: o.mq2Up ?? true, error: o.mq2Up === false ? "ECONNREFUSED" : null, memoryRatio: null, storeRatio: null, slaves: [] },
    ],
    destinations: [
      { group: "group1", node: "mq1", name: "/queue/orders.eu", depth: o.depth ?? 0, oldestMessageAgeSeconds: null },
      { group: "group1", node: "mq1", name: "/queue/DLQ.orders.eu", depth: 0, oldestMessageAgeSeconds: null },
    ],
    coordinatorSessionChanges: 0,
  };
}

function rule(p: Partial<AlertRuleSpec>): AlertRuleSpec {
  return { id: 1, name: "R", enabled: true, metric: "node_down", comparator: "gte", threshold: 1, forSeconds: 0, group: null, node: null, destination: null, severity: "warning", labels: {}, annotations: {}, ...p };
}

describe("alert evaluation", () => {
  test("pending for the rule's `for`, then firing once, then resolved once", () => {
    const ev = new AlertEvaluator();
    const rules = [rule({ forSeconds: 10, name: "NodeDown" })];
    assert.deepEqual(ev.evaluate(rules, facts(0, { mq2Up: false })), []);
    assert.equal(ev.list()[0]!.state, "pending");
    assert.deepEqual(ev.evaluate(rules, facts(9_999, { mq2Up: false })), []);
    const fired = ev.evaluate(rules, facts(10_000, { mq2Up: false }));
    assert.deepEqual(fired.map((t) => [t.to, t.alert.labels.node, t.alert.labels.alertname]), [["firing", "mq2", "NodeDown"]]);
    assert.deepEqual(ev.evaluate(rules, facts(11_000, { mq2Up: false })), [], "firing is reported once");
    const resolved = ev.evaluate(rules, facts(12_000));
    assert.deepEqual(resolved.map((t) => [t.to, t.at, t.alert.activeAt]), [["resolved", 12_000, 0]]);
    assert.equal(ev.list().length, 0);
  });

  test("a pending alert that stops holding is dropped silently; a deleted subject resolves a firing one", () => {
    const ev = new AlertEvaluator();
    const r = [rule({ forSeconds: 5 })];
    ev.evaluate(r, facts(0, { mq2Up: false }));
    assert.deepEqual(ev.evaluate(r, facts(1_000)), []);
    const depth = [rule({ metric: "queue_depth", comparator: "gt", threshold: 100, destination: "/queue/orders.>" })];
    assert.equal(ev.evaluate(depth, facts(0, { depth: 500 }))[0]!.to, "firing");
    const gone = { ...facts(1_000), destinations: [] };
    assert.equal(ev.evaluate(depth, gone)[0]!.to, "resolved");
  });

  test("each subject is its own alert; filters and disabled rules apply", () => {
    const ev = new AlertEvaluator();
    const t = ev.evaluate([rule({ metric: "group_without_master", name: "NoMaster", severity: "critical" })], facts(0, { master: null }));
    assert.equal(t[0]!.alert.labels.group, "group1");
    assert.match(t[0]!.alert.annotations.summary!, /group1/);
    assert.deepEqual(new AlertEvaluator().evaluate([rule({ enabled: false })], facts(0, { mq2Up: false })), []);
    assert.deepEqual(new AlertEvaluator().evaluate([rule({ node: "mq1" })], facts(0, { mq2Up: false })), []);
    const ratio = new AlertEvaluator().evaluate([rule({ metric: "memory_usage_ratio", comparator: "gt", threshold: 0.1 })], facts(0));
    assert.deepEqual(ratio.map((x) => x.alert.labels.node), ["mq1"], "a node with no measured ratio raises nothing");
  });

  test("destination patterns use ActiveMQ wildcards", () => {
    assert.ok(destinationMatches("/queue/orders.>", "/queue/orders.eu"));
    assert.ok(destinationMatches("/queue/*.eu", "/queue/orders.eu"));
    assert.ok(!destinationMatches("/queue/*.eu", "/queue/orders.us"));
    assert.ok(!destinationMatches("/topic/orders.>", "/queue/orders.eu"));
    assert.ok(!destinationMatches("/queue/orders.>", "/queue/orders"));
  });
});

describe("notifications", () => {
  test("Alertmanager webhook payload, version 4, grouped by rule and status", () => {
    const ev = new AlertEvaluator();
    const t = ev.evaluate([rule({ name: "NodeDown" })], { ...facts(0, { mq2Up: false }), nodes: [...facts(0, { mq2Up: false }).nodes, { ...facts(0).nodes[1]!, name: "mq3", up: false }] });
    const [p] = webhookPayloads(t, "ops", "http://console:8161");
    assert.equal(p!.version, "4");
    assert.equal(p!.status, "firing");
    assert.equal(p!.receiver, "ops");
    assert.deepEqual(p!.groupLabels, { alertname: "NodeDown" });
    assert.equal(p!.alerts.length, 2);
    assert.deepEqual(p!.commonLabels, { alertname: "NodeDown", severity: "warning", group: "group1" });
    assert.equal(p!.alerts[0]!.endsAt, "0001-01-01T00:00:00Z");
    assert.match(p!.alerts[0]!.generatorURL, /^http:\/\/console:8161\/alerts\?rule=NodeDown$/);
  });

  test("targets: link-local and metadata refused unless allowed; loopback and private allowed", () => {
    assert.match(refusedAddressReason("169.254.169.254", false)!, /link-local/);
    assert.equal(refusedAddressReason("169.254.169.254", true), null);
    assert.match(refusedAddressReason("fe80::1", false)!, /link-local/);
    assert.match(refusedAddressReason("::ffff:169.254.169.254", false)!, /link-local/);
    assert.match(refusedAddressReason("0.0.0.0", true)!, /unspecified/);
    assert.equal(refusedAddressReason("127.0.0.1", false), null);
    assert.equal(refusedAddressReason("10.1.2.3", false), null);
    assert.match(refusedUrlReason("http://169.254.169.254/latest/meta-data", false)!, /link-local/);
    assert.match(refusedUrlReason("http://[fd00:ec2::254]/", false)!, /link-local/);
    assert.match(refusedUrlReason("file:///etc/passwd", false)!, /not http/);
  });

  test("Retry-After, filters and the Alertmanager endpoint", () => {
    assert.equal(retryAfterMs("3"), 3_000);
    assert.equal(retryAfterMs(undefined), null);
    const inTwo = new Date(Date.now() + 2_000).toUTCString();
    assert.ok(retryAfterMs(inTwo)! <= 2_000);
    assert.ok(listMatches("*", "x") && listMatches("a,b", "b") && !listMatches("a,b", "c"));
    assert.equal(alertmanagerEndpoint("http://127.0.0.1:9093"), "http://127.0.0.1:9093/api/v2/alerts");
    assert.equal(alertmanagerEndpoint("http://h/am/"), "http://h/am/api/v2/alerts");
  });
});
