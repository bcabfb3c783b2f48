"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { formatTime } from "../cluster/format";
import { useTRPC } from "../trpc";
import { useMe } from "../useMe";
import { tokenStatus } from "./tokenStatus";

type Role = "viewer" | "operator" | "admin";
const ROLES: Role[] = ["viewer", "operator", "admin"];
const EXPIRY: Array<{ label: string; days: number | null }> = [
  { label: "7 days", days: 7 },
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
  { label: "1 year", days: 365 },
  { label: "never", days: null },
];

/**
 * The caller's API tokens for the REST API (/api/v1): create with a role (never above one's own)
 * and an expiry, the secret shown once; list with last use; revoke.
 */
export function TokensView(): ReactNode {
  const trpc = useTRPC();
  const { me, can } = useMe();
  const q = useQuery(trpc.tokens.list.queryOptions());
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [days, setDays] = useState<number | null>(30);
  const create = useMutation(trpc.tokens.create.mutationOptions({ onSuccess: () => { setName(""); void q.refetch(); } }));
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: () => void q.refetch() }));
  const mine = ROLES.find((r) => r === me?.role) ?? "viewer";
  const grantable = ROLES.slice(0, ROLES.indexOf(mine) + 1);
  const now = new Date();
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <section>
      <h1>API tokens</h1>
      <p className="muted">
        Tokens authenticate automation against the REST API at <code>/api/v1</code> (document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>) and Prometheus
        scrapes of <code>/metrics</code>. A token acts with its role, never above yours.
      </p>
      <table data-testid="tokens-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last used</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {q.data?.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">No tokens yet.</td>
            </tr>
          )}
          {q.data?.map((t) => {
            const status = tokenStatus(t, now);
            return (
              <tr key={t.id} data-testid={`token-row-${t.name}`}>
                <td className="wrap">{t.name}</td>
                <td>{t.role}</td>
                <td title={t.createdAt.toISOString()}>{formatTime(t.createdAt)}</td>
                <td title={t.expiresAt?.toISOString()}>{t.expiresAt ? formatTime(t.expiresAt) : "never"}</td>
                <td title={t.lastUsedAt?.toISOString()} data-testid={`token-last-used-${t.name}`}>{t.lastUsedAt ? formatTime(t.lastUsedAt) : "never"}</td>
                <td data-testid={`token-status-${t.name}`}>{status}</td>
                <td>
                  {status === "active" && (
                    <button type="button" disabled={revoke.isPending || !can("tokens.revoke")} data-testid={`token-revoke-${t.name}`}
                      onClick={() => { if (window.confirm(`Revoke token ${t.name}? Clients using it get 401 from now on.`)) revoke.mutate({ id: t.id }); }}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <fieldset disabled={!can("tokens.create") || create.isPending}>
        <legend>New token</legend>
        <input placeholder="name, e.g. ci-deploy" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} data-testid="token-name" />
        <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="token-role">
          {grantable.map((r) => (
            <option key={r} value={r}>{r}</option>
          ))}
        </select>
        <select value={days === null ? "never" : String(days)} onChange={(e) => setDays(e.target.value === "never" ? null : Number(e.target.value))} data-testid="token-expiry">
          {EXPIRY.map((x) => (
            <option key={x.label} value={x.days === null ? "never" : String(x.days)}>expires in {x.label}</option>
          ))}
        </select>
        <button type="button" disabled={name.trim() === ""} onClick={() => create.mutate({ name: name.trim(), role, ttlDays: days })} data-testid="token-create">
          Create token
        </button>
      </fieldset>
      {create.error && <p className="error">{create.error.message}</p>}
      {revoke.error && <p className="error">{revoke.error.message}</p>}
      {create.data && (
        <div className="notice" data-testid="token-secret-notice">
          <p>
            Token <strong>{create.data.summary.name}</strong> ({create.data.summary.role}). Copy it now: it is shown once and only its hash is kept.
          </p>
          <code data-testid="token-secret">{create.data.token}</code>
          <pre className="wrap">{`curl -H "Authorization: Bearer ${create.data.token}" ${origin}/api/v1/destinations?page_size=10`}</pre>
        </div>
      )}
    </section>
  );
}
