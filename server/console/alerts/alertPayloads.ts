import type { ActiveAlert, AlertTransition } from "./AlertEvaluator";

/** One alert in Alertmanager's webhook (version 4) and API v2 shapes. */
export interface AlertmanagerAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** Alertmanager's webhook payload, version "4": what existing receivers already parse. */
export interface AlertmanagerWebhookPayload {
  version: "4";
  groupKey: string;
  truncatedAlerts: number;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerAlert[];
}

/** Alertmanager's zero time: an alert still firing has no end. */
const NO_END = "0001-01-01T00:00:00Z";

export function toAlertmanagerAlert(t: AlertTransition, externalUrl: string): AlertmanagerAlert {
  return {
    status: t.to,
    labels: t.alert.labels,
    annotations: t.alert.annotations,
    startsAt: new Date(t.alert.firedAt ?? t.alert.activeAt).toISOString(),
    endsAt: t.to === "resolved" ? new Date(t.at).toISOString() : NO_END,
    generatorURL: `${externalUrl}/alerts?rule=${encodeURIComponent(t.alert.rule)}`,
    fingerprint: t.alert.fingerprint,
  };
}

/**
 * Groups transitions the way Alertmanager groups by `alertname` and status: one notification per
 * rule and status per evaluation, carrying every subject (node, queue…) that changed together.
 */
export function webhookPayloads(transitions: readonly AlertTransition[], receiver: string, externalUrl: string): AlertmanagerWebhookPayload[] {
  const groups = new Map<string, AlertTransition[]>();
  for (const t of transitions) {
    const key = `${t.alert.rule}|${t.to}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()].map((ts) => {
    const alerts = ts.map((t) => toAlertmanagerAlert(t, externalUrl));
    const alertname = ts[0]!.alert.rule;
    return {
      version: "4",
      groupKey: `{}:{alertname="${alertname}"}`,
      truncatedAlerts: 0,
      status: ts[0]!.to,
      receiver,
      groupLabels: { alertname },
      commonLabels: common(alerts.map((a) => a.labels)),
      commonAnnotations: common(alerts.map((a) => a.annotations)),
      externalURL: externalUrl,
      alerts,
    };
  });
}

/** A test notification: a firing alert that says what it is. */
export function testTransition(now: number): AlertTransition {
  const alert: ActiveAlert = {
    fingerprint: `test|${now}`,
    ruleId: 0,
    rule: "TandemTestNotification",
    severity: "info",
    labels: { alertname: "TandemTestNotification", severity: "info" },
    annotations: { summary: "A test notification sent from the Tandem console; no alert is firing." },
    state: "firing",
    value: 1,
    activeAt: now,
    firedAt: now,
  };
  return { to: "firing", alert, at: now };
}

function common(maps: Array<Record<string, string>>): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(maps[0]!)) if (maps.every((m) => m[k] === v)) out[k] = v;
  return out;
}
