"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Time } from "../Time";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { RulesTable } from "./RulesTable";
import { WebhooksPanel } from "./WebhooksPanel";

/**
 * Alerts: what is pending or firing now (pushed live: invalidate ["alerts"]), silences, the rules
 * and where notifications go. Everything here is also reachable through tRPC for automation.
 */
export function AlertsView(): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const active = useQuery(trpc.alerts.active.queryOptions(undefined, { refetchInterval: 5_000 }));
  const silences = useQuery(trpc.alerts.silences.queryOptions());
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  const silence = useMutation(trpc.alerts.createSilence.mutationOptions({ onSuccess: refresh }));
  const expire = useMutation(trpc.alerts.expireSilence.mutationOptions({ onSuccess: refresh }));
  const now = Date.now();
  return (
    <section>
      <h1>Alerts</h1>
      <h2>Active</h2>
      {active.error && <p className="error">{active.error.message}</p>}
      {active.data && active.data.length === 0 && <p className="muted" data-testid="alerts-none">Nothing is pending or firing.</p>}
      {active.data && active.data.length > 0 && (
        <table data-testid="alerts-active">
          <thead>
            <tr><th>Severity</th><th>Rule</th><th>Subject</th><th>State</th><th>Since</th><th>Summary</th><th /></tr>
          </thead>
          <tbody>
            {active.data.map((a) => (
              <tr key={a.fingerprint} data-testid="alert-row" data-rule={a.rule} data-state={a.state}>
                <td><span className={`badge ${a.severity === "critical" ? "danger" : a.severity === "warning" ? "warn" : ""}`}>{a.severity}</span></td>
                <td>{a.rule}</td>
                <td className="wrap">{[a.labels.group, a.labels.node, a.labels.destination ?? a.labels.consumerGroup].filter(Boolean).join(" / ") || "—"}</td>
                <td>
                  {a.state}
                  {a.silencedBy !== null && <span className="badge" title={`silence #${a.silencedBy}`}> silenced</span>}
                </td>
                <td><Time at={a.firedAt ?? a.activeAt} /></td>
                <td className="wrap">{a.annotations.summary}</td>
                <td>
                  {can("alerts.createSilence") && a.silencedBy === null && (
                    <button
                      type="button"
                      onClick={() => silence.mutate({ matchers: { alertname: a.rule, ...(a.labels.node ? { node: a.labels.node } : a.labels.group ? { group: a.labels.group } : {}) }, durationMinutes: 60, comment: "silenced from the Alerts page" })}
                      data-testid="alert-silence"
                    >
                      Silence 1 h
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Silences</h2>
      {silences.data?.filter((s) => s.endsAt.getTime() > now).length === 0 && <p className="muted">No active silences.</p>}
      <ul data-testid="silences">
        {silences.data
          ?.filter((s) => s.endsAt.getTime() > now)
          .map((s) => (
            <li key={s.id}>
              {Object.entries(s.matchers).map(([k, v]) => `${k}=${v}`).join(", ")} until <Time at={s.endsAt} /> by {s.createdBy}
              {s.comment && <span className="muted"> — {s.comment}</span>}{" "}
              {can("alerts.expireSilence") && (
                <button type="button" onClick={() => expire.mutate({ id: s.id })}>
                  End now
                </button>
              )}
            </li>
          ))}
      </ul>
      <RulesTable />
      <WebhooksPanel />
    </section>
  );
}
