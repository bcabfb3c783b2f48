"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Time } from "../Time";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";

/** Where notifications go: signed webhooks and Alertmanagers, every delivery attempt, Test and Resend. */
export function WebhooksPanel(): ReactNode {
  const trpc = useTRPC();
  const { can } = useMe();
  const queryClient = useQueryClient();
  const hooks = useQuery(trpc.webhooks.list.queryOptions());
  const [selected, setSelected] = useState<number | null>(null);
  const deliveries = useQuery({ ...trpc.webhooks.deliveries.queryOptions({ webhookId: selected ?? undefined, limit: 50 }), refetchInterval: 5_000 });
  const [message, setMessage] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [draft, setDraft] = useState({ name: "", kind: "webhook" as "webhook" | "alertmanager", url: "", rules: "*", severities: "*" });
  const refresh = (): void => void queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const onError = (err: { message: string }): void => setMessage(err.message);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (r) => {
        setSecret(r.secret);
        setMessage(null);
        refresh();
      },
      onError,
    }),
  );
  const remove = useMutation(trpc.webhooks.delete.mutationOptions({ onSuccess: refresh, onError }));
  const test = useMutation(
    trpc.webhooks.test.mutationOptions({
      onSuccess: (r) => {
        setMessage(r.ok ? `test delivered: HTTP ${r.httpStatus} in ${r.durationMs} ms` : `test failed: ${r.httpStatus ?? "no answer"} ${r.detail ?? ""}`);
        refresh();
      },
      onError,
    }),
  );
  const resend = useMutation(trpc.webhooks.resend.mutationOptions({ onSuccess: (r) => setMessage(`resent as ${r.messageId}`), onError }));
  const split = (s: string): string[] => s.split(",").map((x) => x.trim()).filter((x) => x !== "");
  return (
    <>
      <h2>Notifications</h2>
      {message && <p className="message" data-testid="webhooks-message">{message}</p>}
      {secret && (
        <p className="notice" data-testid="webhook-secret">
          Signing secret (shown once; receivers verify the <code>webhook-signature</code> header with it): <code>{secret}</code>
        </p>
      )}
      <table data-testid="webhooks">
        <thead>
          <tr><th>Name</th><th>Kind</th><th>URL</th><th>Rules</th><th>Severities</th><th>Last</th><th /></tr>
        </thead>
        <tbody>
          {hooks.data?.map((w) => (
            <tr key={w.id} className={selected === w.id ? "selected" : undefined}>
              <td>
                <button type="button" className="link" onClick={() => setSelected(selected === w.id ? null : w.id)}>{w.name}</button>
                {w.signed && <span className="badge">signed</span>}
              </td>
              <td>{w.kind}</td>
              <td className="wrap">{w.url}</td>
              <td className="wrap">{w.rules.join(", ")}</td>
              <td>{w.severities.join(", ")}</td>
              <td>{w.lastStatus ?? "—"}{w.lastSentAt && <span className="muted"> <Time at={w.lastSentAt} /></span>}</td>
              <td>
                {can("webhooks.test") && <button type="button" onClick={() => test.mutate({ id: w.id })}>Test</button>}
                {can("webhooks.delete") && (
                  <button type="button" className="danger" onClick={() => window.confirm(`Delete ${w.name} and its delivery log?`) && remove.mutate({ id: w.id })}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <fieldset disabled={!can("webhooks.create")} title={can("webhooks.create") ? undefined : "needs the admin role"}>
        <legend>New notification target</legend>
        <input placeholder="name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        <select value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as "webhook" | "alertmanager" })}>
          <option value="webhook">webhook (signed, Alertmanager format)</option>
          <option value="alertmanager">Alertmanager (/api/v2/alerts)</option>
        </select>
        <input placeholder="https://…" value={draft.url} onChange={(e) => setDraft({ ...draft, url: e.target.value })} style={{ width: 280 }} />
        <input placeholder="rules (* or names, comma separated)" value={draft.rules} onChange={(e) => setDraft({ ...draft, rules: e.target.value })} />
        <input placeholder="severities" value={draft.severities} onChange={(e) => setDraft({ ...draft, severities: e.target.value })} />
        <button
          type="button"
          disabled={draft.name === "" || draft.url === ""}
          onClick={() =>
            create.mutate({
              name: draft.name,
              kind: draft.kind,
              url: draft.url,
              enabled: true,
              rules: split(draft.rules),
              severities: split(draft.severities) as Array<"*" | "critical" | "warning" | "info">,
              allowLinkLocal: false,
            })
          }
        >
          Add
        </button>
      </fieldset>
      <h3>Deliveries{selected !== null && ` of ${hooks.data?.find((w) => w.id === selected)?.name ?? ""}`}</h3>
      <table data-testid="deliveries">
        <thead>
          <tr><th>Time</th><th>Target</th><th>Status</th><th>Attempt</th><th>HTTP</th><th>ms</th><th>Detail</th><th /></tr>
        </thead>
        <tbody>
          {deliveries.data?.map((d) => (
            <tr key={d.id}>
              <td><Time at={d.time} ms /></td>
              <td>{hooks.data?.find((w) => w.id === d.webhookId)?.name ?? d.webhookId}</td>
              <td>{d.status}</td>
              <td>{d.attempt}</td>
              <td>{d.httpStatus ?? "—"}</td>
              <td>{d.durationMs}</td>
              <td className="wrap">{d.detail}</td>
              <td>{can("webhooks.resend") && <button type="button" onClick={() => resend.mutate({ deliveryId: d.id })}>Resend</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
