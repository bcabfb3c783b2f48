"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";

const COMPARATORS = { gt: ">", gte: "≥", lt: "<", lte: "≤" } as const;
type Comparator = keyof typeof COMPARATORS;
type Severity = "critical" | "warning" | "info";

/** The alert rules: enable/disable, edit threshold and `for`, add and delete (operator role). */
export function RulesTable(): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const rules = useQuery(trpc.alerts.rules.queryOptions());
  const conditions = useQuery(trpc.alerts.conditions.queryOptions());
  const [message, setMessage] = useState<string | null>(null);
  const done = {
    onSuccess: () => {
      setMessage(null);
      void queryClient.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
    },
    onError: (err: { message: string }) => setMessage(err.message),
  };
  const update = useMutation(trpc.alerts.updateRule.mutationOptions(done));
  const create = useMutation(trpc.alerts.createRule.mutationOptions(done));
  const remove = useMutation(trpc.alerts.deleteRule.mutationOptions(done));
  const [draft, setDraft] = useState({ name: "", metric: "queue_depth", comparator: "gt" as Comparator, threshold: "1000", forSeconds: "60", severity: "warning" as Severity, destination: "" });
  const mayEdit = can("alerts.updateRule");
  return (
    <>
      <h2>Rules</h2>
      {message && <p className="error" data-testid="rules-error">{message}</p>}
      <table data-testid="alert-rules">
        <thead>
          <tr><th>On</th><th>Name</th><th>Condition</th><th>Threshold</th><th>For (s)</th><th>Severity</th><th>Filter</th><th /></tr>
        </thead>
        <tbody>
          {rules.data?.map((r) => (
            <tr key={r.id} data-testid={`rule-${r.name}`}>
              <td>
                <input type="checkbox" checked={r.enabled} disabled={!mayEdit} onChange={(e) => update.mutate({ ...r, enabled: e.target.checked })} aria-label={`enable ${r.name}`} />
              </td>
              <td>{r.name}</td>
              <td title={conditions.data?.find((c) => c.kind === r.metric)?.describe}>
                {r.metric} {COMPARATORS[r.comparator]}
              </td>
              <td>
                <input
                  type="number"
                  defaultValue={r.threshold}
                  disabled={!mayEdit}
                  style={{ width: 110 }}
                  onBlur={(e) => Number(e.target.value) !== r.threshold && update.mutate({ ...r, threshold: Number(e.target.value) })}
                  aria-label={`threshold of ${r.name}`}
                />
              </td>
              <td>
                <input
                  type="number"
                  min={0}
                  defaultValue={r.forSeconds}
                  disabled={!mayEdit}
                  style={{ width: 80 }}
                  onBlur={(e) => Number(e.target.value) !== r.forSeconds && update.mutate({ ...r, forSeconds: Math.max(0, Math.floor(Number(e.target.value))) })}
                  aria-label={`for seconds of ${r.name}`}
                />
              </td>
              <td>{r.severity}</td>
              <td className="wrap">{[r.group, r.node, r.destination].filter(Boolean).join(" / ") || "all"}</td>
              <td>
                {can("alerts.deleteRule") && (
                  <button type="button" className="danger" onClick={() => window.confirm(`Delete the rule ${r.name}?`) && remove.mutate({ id: r.id })}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <fieldset disabled={!can("alerts.createRule")}>
        <legend>New rule</legend>
        <input placeholder="name (e.g. OrdersBacklog)" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} data-testid="rule-name" />
        <select value={draft.metric} onChange={(e) => setDraft({ ...draft, metric: e.target.value })} data-testid="rule-metric">
          {conditions.data?.map((c) => (
            <option key={c.kind} value={c.kind} title={c.describe}>
              {c.kind}
            </option>
          ))}
        </select>
        <select value={draft.comparator} onChange={(e) => setDraft({ ...draft, comparator: e.target.value as Comparator })}>
          {Object.entries(COMPARATORS).map(([k, v]) => (
            <option key={k} value={k}>{v}</option>
          ))}
        </select>
        <input type="number" value={draft.threshold} onChange={(e) => setDraft({ ...draft, threshold: e.target.value })} style={{ width: 110 }} data-testid="rule-threshold" />
        <input type="number" value={draft.forSeconds} onChange={(e) => setDraft({ ...draft, forSeconds: e.target.value })} style={{ width: 80 }} title="for (seconds)" />
        <select value={draft.severity} onChange={(e) => setDraft({ ...draft, severity: e.target.value as Severity })}>
          <option value="critical">critical</option>
          <option value="warning">warning</option>
          <option value="info">info</option>
        </select>
        <input placeholder={draft.metric === "rocketmq_consumer_lag" ? "consumer group (optional)" : "destination pattern (optional)"} value={draft.destination} onChange={(e) => setDraft({ ...draft, destination: e.target.value })} />
        <button
          type="button"
          disabled={draft.name === ""}
          data-testid="rule-create"
          onClick={() =>
            create.mutate({
              name: draft.name,
              enabled: true,
              metric: draft.metric,
              comparator: draft.comparator,
              threshold: Number(draft.threshold),
              forSeconds: Math.max(0, Math.floor(Number(draft.forSeconds))),
              severity: draft.severity,
              group: null,
              node: null,
              destination: draft.destination === "" ? null : draft.destination,
              labels: {},
              annotations: {},
            })
          }
        >
          Add rule
        </button>
      </fieldset>
    </>
  );
}
