"use client";
import { useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";

export type GuardedAction = "stop" | "kill" | "restart" | "drain" | "handover";

/**
 * A node action that says what it will do before it does it: the first click opens a dialog with
 * the server's reading of the live cluster ("group1 will have no master; 1,005 messages become
 * unavailable"); when the action breaks quorum or takes the last master the node's name must be
 * typed, and the server checks the typed name again against the cluster as it is then.
 */
export function GuardedActionButton({ name, action, label, disabled, title, testid, danger, onConfirm }: {
  name: string; action: GuardedAction; label: string; disabled: boolean; title?: string; testid: string; danger?: boolean;
  onConfirm: (confirm: string | undefined) => void;
}): ReactNode {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={danger ? "danger" : undefined} disabled={disabled} title={title} onClick={() => setOpen(true)} data-testid={testid}>{label}</button>
      {open && <ImpactDialog name={name} action={action} label={label} testid={testid} onCancel={() => setOpen(false)} onConfirm={(c) => { setOpen(false); onConfirm(c); }} />}
    </>
  );
}

function ImpactDialog({ name, action, label, testid, onCancel, onConfirm }: {
  name: string; action: GuardedAction; label: string; testid: string; onCancel: () => void; onConfirm: (confirm: string | undefined) => void;
}): ReactNode {
  const trpc = useTRPC();
  // staleTime 0 and no refetch on focus: the preview is read when the dialog opens, so it
  // describes the cluster as it is now, and does not change under the operator's cursor.
  const q = useQuery({ ...trpc.cluster.actionPreview.queryOptions({ name, action }), staleTime: 0, gcTime: 0, refetchOnWindowFocus: false });
  const [typed, setTyped] = useState("");
  const impact = q.data;
  const needs = impact?.confirmText ?? null;
  const ok = impact !== undefined && (needs === null || typed === needs);
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-label={`${label} ${name}`} data-testid={`${testid}-dialog`} data-severity={impact?.severity}>
        <h2>{label} {name}</h2>
        {q.isLoading && <p className="muted">Reading the cluster…</p>}
        {q.error && <p className="error">{q.error.message}</p>}
        {impact && (
          <>
            <p className={impact.severity === "dangerous" ? "error" : undefined} data-testid={`${testid}-summary`}><strong>{impact.summary}</strong></p>
            {impact.effects.length > 1 && (
              <ul data-testid={`${testid}-effects`}>{impact.effects.slice(1).map((e) => <li key={e}>{e}</li>)}</ul>
            )}
            {needs !== null && (
              <label>
                Type the node name <code>{needs}</code> to confirm
                <input value={typed} onChange={(e) => setTyped(e.target.value)} data-testid={`${testid}-typed`} autoFocus spellCheck={false} autoComplete="off" />
              </label>
            )}
          </>
        )}
        <div className="toolbar">
          <button type="button" className="danger" disabled={!ok} onClick={() => onConfirm(needs === null ? undefined : typed)} data-testid={`${testid}-confirm`}>{label} {name}</button>
          <button type="button" onClick={onCancel} data-testid={`${testid}-abort`}>Cancel</button>
        </div>
      </div>
    </div>
  );
}
