import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pino } from "pino";
import type { AlertRepository, AlertRule, Silence } from "../../db/alertRepository";
import type { EventRepository } from "../../db/eventRepository";
import type { LiveMessage } from "../LiveEvents";
import { AlertConfigService } from "./AlertConfigService";
import type { AlertFacts } from "./alertFacts";
import { AlertService } from "./AlertService";
import type { WebhookDispatcher } from "./WebhookDispatcher";

/** The alert tables in memory, counting the reads an evaluation makes. */
function memoryRepo(): { repo: AlertRepository; reads: { rules: number; silences: number }; rules: AlertRule[]; silences: Silence[] } {
  const rules: AlertRule[] = [];
  const silences: Silence[] = [];
  const reads = { rules: 0, silences: 0 };
  let nextId = 1;
  const repo: Partial<AlertRepository> = {
    rules: async () => {
      reads.rules++;
      return rules.map((r) => ({ ...r }));
    },
    ruleCount: async () => rules.length,
    createRule: async (r) => {
      const row = { id: nextId++, ...r } as AlertRule;
      rules.push(row);
      return { ...row };
    },
    updateRule: async (id, r) => {
      const row = rules.find((x) => x.id === id);
      if (!row) throw Object.assign(new Error("no rule"), { code: "P2025" });
      Object.assign(row, r);
      return { ...row };
    },
    deleteRule: async (id) => {
      const i = rules.findIndex((x) => x.id === id);
      if (i < 0) throw Object.assign(new Error("no rule"), { code: "P2025" });
      return rules.splice(i, 1)[0]!;
    },
    silences: async (activeAt) => {
      reads.silences++;
      return silences.filter((s) => activeAt === undefined || (s.startsAt <= activeAt && s.endsAt > activeAt)).map((s) => ({ ...s }));
    },
    createSilence: async (s) => {
      const row: Silence = { id: nextId++, createdAt: new Date(), ...s };
      silences.push(row);
      return { ...row };
    },
    expireSilence: async (id, now) => {
      const row = silences.find((x) => x.id === id)!;
      row.endsAt = now;
      return { ...row };
    },
  };
  return { repo: repo as AlertRepository, reads, rules, silences };
}

/** mq2 is down; everything else is healthy. */
function facts(): AlertFacts {
  return {
    at: 0,
    groups: [{ name: "group1", master: "mq1", members: 2, quorum: 2, replicas: 3, nodes: ["mq1", "mq2"] }],
    nodes: [
      { name: "mq1", group: "group1", up: true, error: null, memoryRatio: 0.1, storeRatio: 0.1, slaves: [] },
      { name: "mq2", group: "group1", up: false, error: "ECONNREFUSED", memoryRatio: null, storeRatio: null, slaves: [] },
    ],
    destinations: [],
    coordinatorSessionChanges: 0,
  };
}

function setUp(o: { rulesMaxAgeMs?: number } = {}) {
  const m = memoryRepo();
  const published: LiveMessage[] = [];
  const notified: string[] = [];
  const dispatcher = {
    notify: async (ts: readonly { to: string; alert: { rule: string } }[]) => void notified.push(...ts.map((t) => `${t.to} ${t.alert.rule}`)),
    refreshAlertmanagers: async () => {},
    stop: () => {},
  } as unknown as WebhookDispatcher;
  const events = { record: async () => ({}) } as unknown as EventRepository;
  const alerts = new AlertService({
    repo: m.repo, events, dispatcher, facts, live: { publish: (x) => void published.push(x) },
    logger: pino({ level: "silent" }), intervalMs: 60_000, rulesMaxAgeMs: o.rulesMaxAgeMs,
  });
  const config = new AlertConfigService(m.repo, dispatcher, () => alerts.configChanged());
  return { ...m, alerts, config, notified };
}

const nodeDown = { name: "NodeDown", enabled: true, metric: "node_down", comparator: "gte" as const, threshold: 1, forSeconds: 0, group: null, node: null, destination: null, severity: "warning" as const, labels: {}, annotations: {} };

describe("alert service: rules and silences are kept in memory until they change (issue #12)", () => {
  test("evaluations read the rules and silences once, not on every tick", async () => {
    const s = setUp();
    await s.config.createRule(nodeDown);
    const t0 = Date.now();
    assert.deepEqual((await s.alerts.tick(t0)).map((t) => t.to), ["firing"]);
    for (let i = 1; i <= 5; i++) await s.alerts.tick(t0 + i * 2_000);
    assert.deepEqual(s.reads, { rules: 1, silences: 1 });
  });

  test("a rule edit through the console applies at the next evaluation", async () => {
    const s = setUp();
    const rule = await s.config.createRule(nodeDown);
    const t0 = Date.now();
    await s.alerts.tick(t0);
    await s.config.updateRule(rule.id, { ...nodeDown, enabled: false });
    assert.deepEqual((await s.alerts.tick(t0 + 1_000)).map((t) => `${t.to} ${t.alert.rule}`), ["resolved NodeDown"]);
    await s.config.deleteRule(rule.id);
    await s.config.createRule({ ...nodeDown, name: "NodeGone" });
    assert.deepEqual((await s.alerts.tick(t0 + 2_000)).map((t) => `${t.to} ${t.alert.rule}`), ["firing NodeGone"]);
  });

  test("a silence made or ended through the console mutes or unmutes the next transitions", async () => {
    const s = setUp();
    await s.config.createRule(nodeDown);
    await s.alerts.tick(Date.now()); // rules and (no) silences read
    await s.config.createSilence({ matchers: { alertname: "NodeDown" }, durationMinutes: 10, comment: "maintenance" }, "ada");
    const rule = (await s.config.rules())[0]!;
    await s.config.updateRule(rule.id, { ...nodeDown, forSeconds: 0, threshold: 2 }); // resolves (silenced)
    await s.alerts.tick(Date.now());
    await s.config.updateRule(rule.id, nodeDown); // fires again (silenced)
    await s.alerts.tick(Date.now());
    assert.deepEqual(s.notified, ["firing NodeDown"], "only the transition before the silence was sent");
    assert.notEqual(s.alerts.active()[0]!.silencedBy, null);
    await s.config.expireSilence(s.silences[0]!.id);
    await s.alerts.tick(Date.now());
    assert.equal(s.alerts.active()[0]!.silencedBy, null);
  });

  test("an edit by another console sharing the database is seen within rulesMaxAgeMs", async () => {
    const s = setUp({ rulesMaxAgeMs: 10_000 });
    await s.config.createRule(nodeDown);
    const t0 = Date.now();
    await s.alerts.tick(t0);
    s.rules[0]!.enabled = false; // written behind this console's back
    assert.deepEqual(await s.alerts.tick(t0 + 9_000), [], "still the copy in memory");
    assert.deepEqual((await s.alerts.tick(t0 + 10_000)).map((t) => t.to), ["resolved"]);
    assert.equal(s.reads.rules, 2);
  });

  test("once started, an edit is evaluated at once, without waiting for the interval", async () => {
    const s = setUp();
    const rule = await s.config.createRule(nodeDown);
    await s.alerts.start(); // interval 60 s: only configChanged can evaluate within this test
    try {
      await s.config.updateRule(rule.id, { ...nodeDown, threshold: 1 });
      const end = Date.now() + 15_000;
      while (s.alerts.active().length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      assert.equal(s.alerts.active()[0]?.rule, "NodeDown");
    } finally {
      s.alerts.stop();
    }
  });
});
