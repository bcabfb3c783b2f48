"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState, type ReactNode } from "react";
import { useTRPC } from "../trpc";
import { Time } from "../Time";

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
type Level = (typeof LEVELS)[number];

/**
 * The tail of a node's stdout/stderr as the supervisor keeps it: a minimum level and a text
 * search, newest at the bottom. Every line is rendered as React text (escaped): a node's log
 * carries what clients sent (logins, destination names).
 */
export function NodeLogsTab({ name }: { name: string }): ReactNode {
  const trpc = useTRPC();
  const [level, setLevel] = useState<Level>("info");
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search);
  const q = useQuery({
    ...trpc.cluster.nodeLogs.queryOptions({ name, level, search: deferredSearch || undefined, limit: 500 }),
    placeholderData: keepPreviousData,
  });
  return (
    <div data-testid="node-logs">
      <div style={{ display: "flex", gap: 12, alignItems: "center", flexWrap: "wrap" }}>
        <label>
          Level at least{" "}
          <select data-testid="node-logs-level" value={level} onChange={(e) => setLevel(e.target.value as Level)}>
            {LEVELS.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <label>
          Search{" "}
          <input data-testid="node-logs-search" type="search" value={search} maxLength={200} onChange={(e) => setSearch(e.target.value)} placeholder="text in the line" />
        </label>
        {q.data && (
          <span className="muted" data-testid="node-logs-count">
            {q.data.lines.length} of {q.data.matched} matching ({q.data.kept} kept) · full log: <code>{q.data.file}</code>
          </span>
        )}
      </div>
      {q.error && <p className="error">{q.error.message}</p>}
      {q.data && q.data.lines.length === 0 && <p className="muted" data-testid="node-logs-empty">No line matches.</p>}
      {q.data && q.data.lines.length > 0 && (
        <table className="log-table" data-testid="node-logs-table" style={{ fontFamily: "monospace", fontSize: 12, width: "100%", tableLayout: "fixed" }}>
          <colgroup><col style={{ width: 170 }} /><col style={{ width: 50 }} /><col /></colgroup>
          <tbody>
            {q.data.lines.map((l) => (
              <tr key={l.seq} data-testid="node-log-line" data-level={l.level} className={`log-${l.level}`}>
                <td><Time at={l.time} ms /></td>
                <td>{l.level}</td>
                <td style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} title={l.text.length > l.msg.length ? l.text.slice(0, 2000) : undefined}>
                  {l.msg || l.text}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
