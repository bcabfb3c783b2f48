"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { ClusterGate } from "./ClusterGate";
import { formatTime } from "./format";

const KINDS = ["election", "master-lost", "quorum-lost", "member-joined", "member-left", "node-down", "node-up", "node-process", "node-restart", "bridge-up", "bridge-down", "bridge-error", "alert-firing", "alert-resolved"];
const PAGE = 50;

/** Live stream of cluster events (pushed: invalidate ["events"]) and the searchable history. */
export function EventsView(): ReactNode {
  const trpc = useTRPC();
  const [kind, setKind] = useState("");
  const [group, setGroup] = useState("");
  const [node, setNode] = useState("");
  const [text, setText] = useState("");
  const [offset, setOffset] = useState(0);
  const stream = useQuery(trpc.events.search.queryOptions({ offset: 0, limit: 12 }));
  const history = useQuery({
    ...trpc.events.search.queryOptions({ kinds: kind ? [kind] : undefined, group: group || undefined, node: node || undefined, text: text || undefined, offset, limit: PAGE }),
    placeholderData: keepPreviousData,
  });
  const reset = <T,>(set: (v: T) => void) => (v: T): void => {
    set(v);
    setOffset(0);
  };
  return (
    <section>
      <h1>Events</h1>
      <ClusterGate isLoading={stream.isLoading} error={stream.error}>
        {() => (
          <>
            <h2>Live</h2>
            <ul data-testid="events-stream" style={{ background: "#fff", border: "1px solid var(--line)", padding: "6px 12px", listStyle: "none", maxHeight: 260, overflow: "auto" }}>
              {stream.data!.items.length === 0 && <li className="muted" data-testid="events-empty">No events recorded yet.</li>}
              {stream.data!.items.map((e) => (
                <li key={e.id} data-testid={`event-${e.kind}`} data-node={e.node ?? ""} data-group={e.group ?? ""}>
                  <span className="muted">{formatTime(e.time)}</span> <span className="badge">{e.kind}</span> {e.message}
                </li>
              ))}
            </ul>
            <h2>History</h2>
            <div className="toolbar">
              <select value={kind} onChange={(e) => reset(setKind)(e.target.value)} data-testid="events-kind">
                <option value="">any kind</option>
                {KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
              </select>
              <input placeholder="group" value={group} onChange={(e) => reset(setGroup)(e.target.value)} data-testid="events-group" />
              <input placeholder="node" value={node} onChange={(e) => reset(setNode)(e.target.value)} data-testid="events-node" />
              <input placeholder="text in message" value={text} onChange={(e) => reset(setText)(e.target.value)} data-testid="events-text" />
            </div>
            {history.error && <p className="error">{history.error.message}</p>}
            {history.data && (
              <>
                <table data-testid="events-table">
                  <thead><tr><th>Time</th><th>Kind</th><th>Group</th><th>Node</th><th>Message</th></tr></thead>
                  <tbody>
                    {history.data.items.map((e) => (
                      <tr key={e.id} data-testid="events-row">
                        <td>{formatTime(e.time)}</td><td>{e.kind}</td><td>{e.group ?? ""}</td><td>{e.node ?? ""}</td><td>{e.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="toolbar" style={{ marginTop: 8 }}>
                  <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Newer</button>
                  <span data-testid="events-total">{history.data.total === 0 ? "0" : `${offset + 1}–${Math.min(offset + PAGE, history.data.total)}`} of {history.data.total}</span>
                  <button type="button" disabled={offset + PAGE >= history.data.total} onClick={() => setOffset(offset + PAGE)}>Older</button>
                </div>
              </>
            )}
          </>
        )}
      </ClusterGate>
    </section>
  );
}
