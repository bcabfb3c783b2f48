import { conditionOf } from "./alertConditions";
import type { AlertFacts } from "./alertFacts";

export type Comparator = "gt" | "gte" | "lt" | "lte";
export type Severity = "critical" | "warning" | "info";

/** A rule as stored (the AlertRule table), decoded. */
export interface AlertRuleSpec {
  id: number;
  name: string;
  enabled: boolean;
  metric: string;
  comparator: Comparator;
  threshold: number;
  forSeconds: number;
  group: string | null;
  node: string | null;
  destination: string | null;
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ActiveAlert {
  fingerprint: string;
  ruleId: number;
  rule: string;
  severity: Severity;
  /** alertname, severity, the subject's labels (group, node, destination…) and the rule's own. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: "pending" | "firing";
  value: number;
  /** When the condition started to hold. */
  activeAt: number;
  /** When the alert started firing (null while pending). */
  firedAt: number | null;
}

export interface AlertTransition {
  to: "firing" | "resolved";
  alert: ActiveAlert;
  /** For resolved: when the condition stopped holding. */
  at: number;
}

const COMPARE: Record<Comparator, (v: number, t: number) => boolean> = {
  gt: (v, t) => v > t,
  gte: (v, t) => v >= t,
  lt: (v, t) => v < t,
  lte: (v, t) => v <= t,
};
const SYMBOL: Record<Comparator, string> = { gt: ">", gte: "≥", lt: "<", lte: "≤" };

/**
 * Prometheus' alerting state machine, per rule and subject: a condition that starts to hold is
 * pending; held for the rule's `for` it fires; when it stops holding a firing alert resolves (a
 * pending one is just dropped). Only transitions to firing and resolved are reported — those are
 * what notifications are about. A subject that disappears (a queue deleted, a rule disabled)
 * resolves too, so nothing stays firing forever.
 */
export class AlertEvaluator {
  private readonly active = new Map<string, ActiveAlert>();

  evaluate(rules: readonly AlertRuleSpec[], facts: AlertFacts): AlertTransition[] {
    const now = facts.at;
    const seen = new Set<string>();
    const out: AlertTransition[] = [];
    for (const rule of rules) {
      if (!rule.enabled) continue;
      const condition = conditionOf(rule.metric);
      if (!condition) continue;
      for (const inst of condition.instances(facts, { group: rule.group, node: rule.node, destination: rule.destination })) {
        if (!COMPARE[rule.comparator](inst.value, rule.threshold)) continue;
        const labels = { alertname: rule.name, severity: rule.severity, ...inst.labels, ...rule.labels };
        const fingerprint = fingerprintOf(rule.id, labels);
        seen.add(fingerprint);
        let alert = this.active.get(fingerprint);
        if (!alert) {
          alert = { fingerprint, ruleId: rule.id, rule: rule.name, severity: rule.severity, labels, annotations: {}, state: "pending", value: inst.value, activeAt: now, firedAt: null };
          this.active.set(fingerprint, alert);
        }
        alert.value = inst.value;
        alert.annotations = {
          summary: `${rule.name}: ${subjectOf(inst.labels)} ${condition.describe} is ${formatValue(inst.value, condition.unit)} (${SYMBOL[rule.comparator]} ${formatValue(rule.threshold, condition.unit)})`,
          ...rule.annotations,
        };
        if (alert.state === "pending" && now - alert.activeAt >= rule.forSeconds * 1000) {
          alert.state = "firing";
          alert.firedAt = now;
          out.push({ to: "firing", alert: { ...alert }, at: now });
        }
      }
    }
    for (const [fp, alert] of this.active) {
      if (seen.has(fp)) continue;
      this.active.delete(fp);
      if (alert.state === "firing") out.push({ to: "resolved", alert: { ...alert }, at: now });
    }
    return out;
  }

  list(): ActiveAlert[] {
    return [...this.active.values()].map((a) => ({ ...a })).sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.activeAt - b.activeAt);
  }
}

function severityRank(s: Severity): number {
  return s === "critical" ? 0 : s === "warning" ? 1 : 2;
}

export function fingerprintOf(ruleId: number, labels: Record<string, string>): string {
  return `${ruleId}|${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",")}`;
}

function subjectOf(labels: Record<string, string>): string {
  return labels.destination ?? labels.consumerGroup ?? labels.node ?? labels.group ?? "coordinator session";
}

function formatValue(v: number, unit: string): string {
  if (unit === "ratio") return `${Math.round(v * 1000) / 10} %`;
  if (unit === "bytes") return `${Math.round(v).toLocaleString("en-US")} bytes`;
  if (unit === "seconds") return `${Math.round(v * 10) / 10} s`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
