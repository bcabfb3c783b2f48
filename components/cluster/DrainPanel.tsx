"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { formatSeconds } from "./format";
import { Time } from "../Time";

/**
 * Drain in two steps (Cruise Control's lesson: never act on the first click): the preview shows
 * what is affected, then the operator starts it and watches progress pushed over socket.io.
 */
export function DrainPanel({ name, allowed, up }: { name: string; allowed: boolean; up: boolean }): ReactNode {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [previewing, setPreviewing] = useState(false);
  const [typed, setTyped] = useState("");
  const status = useQuery(trpc.drain.status.queryOptions({ name }));
  const preview = useQuery({ ...trpc.drain.preview.queryOptions({ name }), enabled: previewing, staleTime: 0 });
  const onSettled = (): void => {
    void qc.invalidateQueries({ queryKey: trpc.drain.status.queryKey({ name }) });
  };
  const start = useMutation(trpc.drain.start.mutationOptions({ onSettled, onSuccess: () => setPreviewing(false) }));
  const cancel = useMutation(trpc.drain.cancel.mutationOptions({ onSettled }));
  const job = status.data;
  const running = job?.state === "running";
  const cancellable = running && (job.phase === "checking" || job.phase === "waiting-for-slave");

  return (
    <div data-testid="drain-panel" style={{ background: "#fff", border: "1px solid var(--line)", borderRadius: 6, padding: 12, marginTop: 12 }}>
      <h2 style={{ marginTop: 0 }}>Drain</h2>
      {!previewing && !running && (
        <button type="button" disabled={!allowed || !up} title={!allowed ? "needs the operator role" : !up ? "the node is down" : undefined} onClick={() => setPreviewing(true)} data-testid="drain-preview-open">
          Drain… (preview first)
        </button>
      )}
      {previewing && !running && (
        <div data-testid="drain-preview">
          {preview.isLoading && <p className="muted">Computing the preview…</p>}
          {preview.error && <p className="error">{preview.error.message}</p>}
          {preview.data && (
            <>
              <p data-testid="drain-preview-note">{preview.data.note}</p>
              <p className={preview.data.impact.severity === "dangerous" ? "error" : undefined} data-testid="drain-preview-impact"><strong>{preview.data.impact.summary}</strong></p>
              {preview.data.impact.effects.length > 1 && <ul>{preview.data.impact.effects.slice(1).map((e) => <li key={e}>{e}</li>)}</ul>}
              <table className="stat">
                <tbody>
                  <tr><th>Action</th><td data-testid="drain-preview-action">{preview.data.action}</td></tr>
                  <tr><th>Connections affected</th><td>{preview.data.connections}</td></tr>
                  <tr><th>Backlog</th><td data-testid="drain-preview-backlog">{preview.data.totals.depth} messages in {preview.data.destinationsTotal} destinations</td></tr>
                  <tr><th>Consumers / producers</th><td>{preview.data.totals.consumers} / {preview.data.totals.producers}</td></tr>
                  <tr><th>Time to empty</th><td>{formatSeconds(preview.data.timeToEmptySec)} (out {preview.data.outPerSec}/s)</td></tr>
                  <tr><th>Takes over</th><td data-testid="drain-preview-target">{preview.data.candidates.map((c) => `${c.node} (${c.state}, ${c.lagBytes} B behind)`).join(", ") || "—"}</td></tr>
                </tbody>
              </table>
              {preview.data.warnings.map((w) => <p key={w} className="notice">{w}</p>)}
              {preview.data.destinations.length > 0 && (
                <table data-testid="drain-preview-destinations">
                  <thead><tr><th>Destination</th><th>Depth</th><th>Consumers</th><th>Producers</th><th>In flight</th></tr></thead>
                  <tbody>
                    {preview.data.destinations.slice(0, 20).map((d) => (
                      <tr key={d.name}><td>{d.name}</td><td>{d.depth}</td><td>{d.consumers}</td><td>{d.producers}</td><td>{d.inflight}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
              {preview.data.impact.confirmText !== null && (
                <label style={{ maxWidth: 360 }}>
                  Type the node name <code>{preview.data.impact.confirmText}</code> to confirm
                  <input value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="drain-typed" spellCheck={false} autoComplete="off" />
                </label>
              )}
              <div className="toolbar" style={{ marginTop: 8 }}>
                <button type="button" className="danger"
                  disabled={preview.data.action === "impossible" || start.isPending || (preview.data.impact.confirmText !== null && typed !== preview.data.impact.confirmText)}
                  onClick={() => start.mutate({ name, confirm: preview.data.impact.confirmText === null ? undefined : typed })} data-testid="drain-start">
                  Start drain
                </button>
                <button type="button" onClick={() => setPreviewing(false)} data-testid="drain-preview-close">Close</button>
              </div>
            </>
          )}
        </div>
      )}
      {start.error && <p className="error" data-testid="drain-error">{start.error.message}</p>}
      {cancel.error && <p className="error">{cancel.error.message}</p>}
      {job && (
        <div data-testid="drain-job" data-state={job.state}>
          <p>
            <strong data-testid="drain-state">{job.state}</strong> · {job.phase} {job.newMaster ? <>· new master <strong data-testid="drain-new-master">{job.newMaster}</strong></> : null}
          </p>
          <progress max={1} value={job.progress} style={{ width: 320 }} data-testid="drain-progress" />
          {running && (
            <button type="button" disabled={!cancellable || !allowed} title={cancellable ? undefined : "the node has already handed over"} onClick={() => cancel.mutate({ name })} data-testid="drain-cancel">
              Cancel drain
            </button>
          )}
          {job.note && <p data-testid="drain-note">{job.note}</p>}
          {job.error && <p className="error" data-testid="drain-job-error">{job.error}</p>}
          <ul className="muted" style={{ fontSize: 12 }}>
            {job.steps.map((s, i) => <li key={i}><Time at={s.at} ms /> {s.message}</li>)}
          </ul>
        </div>
      )}
    </div>
  );
}
