"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Time } from "../Time";
import { useTRPC } from "../trpc";
import { useUrlNumber, useUrlState } from "../useUrlState";
import { severityFilter } from "./severityFilter";
import { ClusterGate } from "./ClusterGate";
import { formatTime } from "./format";
import { groupFlaps } from "./groupFlaps";

const KINDS = ["election", "master-lost", "quorum-lost", "member-joined", "member-left", "node-down", "node-up", "node-process", "node-restart", "slave-lagging", "slave-caught-up", "bridge-up", "bridge-down", "bridge-error", "alert-firing", "alert-resolved", "admin-action"];
const PAGE = 50;

function Severity({ s }: { s: "critical" | "warning" | "info" }): ReactNode {
  return <span className={`badge sev-${s}`} data-testid="event-severity">{s}</span>;
}

/** The severity filter's choices; the URL keeps the value (?severity=critical,warning). */
const SEVERITY_CHOICES: Array<{ value: string; label: string }> = [
  { value: "", label: "any severity" },
  { value: "critical", label: "critical" },
  { value: "critical,warning", label: "warning or worse" },
  { value: "warning", label: "warning" },
  { value: "info", label: "info" },
];

/**
 * Live stream of cluster events (pushed: invalidate ["events"]) and the searchable history. The
 * history's filters and page live in the URL (?kind=&severity=&group=&node=&text=&offset=), so a link shows
 * the same rows; times are the browser's, to the millisecond, with UTC on hover.
 */
export function EventsView(): ReactNode {
  const trpc = useTRPC();
  const [kind, setKind] = useUrlState("kind", "");
  const [offset, setOffset] = useUrlNumber("offset", 0);
  const [group, setGroup] = useUrlState("group", "");
  const [node, setNode] = useUrlState("node", "");
  const [text, setText] = useUrlState("text", "");
  const [severity, setSeverity] = useUrlState("severity", "");
  const severities = severityFilter(severity);
  const [open, setOpen] = useState<Set<number>>(new Set());
  const stream = useQuery(trpc.events.search.queryOptions({ offset: 0, limit: 12 }));
  const history = useQuery({
    ...trpc.events.search.queryOptions({ kinds: kind ? [kind] : undefined, group: group || undefined, node: node || undefined, severities, text: text || undefined, offset, limit: PAGE }),
    placeholderData: keepPreviousData,
  });
  const filter = (set: (v: string) => void) => (v: string): void => {
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
                <li key={e.id} data-testid={`event-${e.kind}`} data-node={e.node ?? ""} data-group={e.group ?? ""} className="wrap">
                  <span className="muted"><Time at={e.time} ms /></span> <Severity s={e.severity} /> <span className="badge">{e.kind}</span> {e.message}
                  {e.cause && <span className="muted" data-testid="event-cause"> — because {e.cause}</span>}
                </li>
              ))}
            </ul>
            <h2>History</h2>
            <div className="toolbar">
              <select value={kind} onChange={(e) => filter(setKind)(e.target.value)} data-testid="events-kind">
                <option value="">any kind</option>
                {KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
              </select>
              <select value={severity} onChange={(e) => filter(setSeverity)(e.target.value)} data-testid="events-severity">
                {SEVERITY_CHOICES.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
              </select>
              <input placeholder="group" value={group} onChange={(e) => filter(setGroup)(e.target.value)} data-testid="events-group" />
              <input placeholder="node" value={node} onChange={(e) => filter(setNode)(e.target.value)} data-testid="events-node" />
              <input placeholder="text in message" value={text} onChange={(e) => filter(setText)(e.target.value)} data-testid="events-text" />
            </div>
            {history.error && <p className="error">{history.error.message}</p>}
            {history.data && (
              <>
                <table data-testid="events-table" className="wrap-table">
                  <thead><tr><th>Time</th><th>Severity</th><th>Kind</th><th>Group</th><th>Node</th><th>Message</th></tr></thead>
                  <tbody>
                    {groupFlaps(history.data.items).flatMap((r) => {
                      if (r.type === "event") {
                        const e = r.event;
                        return [(
                          <tr key={e.id} data-testid="events-row" data-severity={e.severity}>
                            <td style={{ whiteSpace: "nowrap" }}><Time at={e.time} ms /></td><td><Severity s={e.severity} /></td><td>{e.kind}</td><td>{e.group ?? ""}</td><td>{e.node ?? ""}</td>
                            <td>{e.message}{e.cause && <div className="muted" data-testid="events-cause">because {e.cause}</div>}</td>
                          </tr>
                        )];
                      }
                      const key = r.events[0]!.id;
                      const expanded = open.has(key);
                      const worst = r.events.some((e) => e.severity === "critical") ? "critical" : r.events.some((e) => e.severity === "warning") ? "warning" : "info";
                      const head = (
                        <tr key={`flap-${key}`} data-testid="events-flap" data-severity={worst}>
                          <td style={{ whiteSpace: "nowrap" }}><Time at={r.to} ms /></td><td><Severity s={worst} /></td><td>flapping</td><td>{r.group ?? ""}</td><td>{r.node}</td>
                          <td>
                            {r.node} flapped: {r.counts.map(([k, n]) => `${k} ×${n}`).join(", ")} in {Math.round((r.to - r.from) / 1000)} s (since {formatTime(r.from)}){" "}
                            <button type="button" className="link" data-testid="events-flap-toggle" onClick={() => setOpen((s) => { const n = new Set(s); if (n.has(key)) n.delete(key); else n.add(key); return n; })}>
                              {expanded ? "hide" : `show ${r.events.length}`}
                            </button>
                          </td>
                        </tr>
                      );
                      return [head, ...(expanded ? r.events.map((e) => (
                        <tr key={e.id} data-testid="events-row" data-severity={e.severity} className="muted">
                          <td style={{ whiteSpace: "nowrap", paddingLeft: 20 }}><Time at={e.time} ms /></td><td><Severity s={e.severity} /></td><td>{e.kind}</td><td>{e.group ?? ""}</td><td>{e.node ?? ""}</td>
                          <td>{e.message}{e.cause && <div data-testid="events-cause">because {e.cause}</div>}</td>
                        </tr>
                      )) : [])];
                    })}
                  </tbody>
                </table>
                <div className="toolbar" style={{ marginTop: 8 }}>
                  <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} data-testid="events-newer">Newer</button>
                  <span data-testid="events-total">{history.data.total === 0 ? "0" : `${offset + 1}–${Math.min(offset + PAGE, history.data.total)}`} of {history.data.total}</span>
                  <button type="button" disabled={offset + PAGE >= history.data.total} onClick={() => setOffset(offset + PAGE)} data-testid="events-older">Older</button>
                </div>
              </>
            )}
          </>
        )}
      </ClusterGate>
    </section>
  );
}
