"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "../trpc";
import { ClusterGate } from "./ClusterGate";
import { formatBytes, formatDuration, formatRate } from "./format";
import { useUrlNumber, useUrlState } from "../useUrlState";

type SortKey = "name" | "group" | "role" | "connections" | "depth" | "memoryPercent" | "storePercent" | "inPerSec" | "outPerSec" | "uptimeMs";
const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: "name", label: "Node" },
  { key: "group", label: "Group" },
  { key: "role", label: "Role" },
  { key: "connections", label: "Conns" },
  { key: "depth", label: "Depth" },
  { key: "inPerSec", label: "In" },
  { key: "outPerSec", label: "Out" },
  { key: "memoryPercent", label: "Memory" },
  { key: "storePercent", label: "Store" },
  { key: "uptimeMs", label: "Uptime" },
];
const PAGE = 25;

/** Every node; filter, sort and paging run on the server (cluster.nodes). */
export function NodesView(): ReactNode {
  const trpc = useTRPC();
  // Filter, sort and page live in the URL: a link shows the same rows.
  const [sort, setSort] = useUrlState<SortKey>("sort", "name");
  const [order, setOrder] = useUrlState<"asc" | "desc">("order", "asc");
  const [filter, setFilter] = useUrlState("filter", "");
  const [role, setRole] = useUrlState<"" | "master" | "slave" | "down">("role", "");
  const [offset, setOffset] = useUrlNumber("offset", 0);
  const q = useQuery({
    ...trpc.cluster.nodes.queryOptions({ offset, limit: PAGE, sort, order, filter: filter || undefined, role: role || undefined }),
    placeholderData: keepPreviousData,
  });
  const sortBy = (k: SortKey): void => {
    if (k === sort) setOrder(order === "asc" ? "desc" : "asc");
    else {
      setSort(k);
      setOrder("asc");
    }
    setOffset(0);
  };
  return (
    <section>
      <h1>Nodes</h1>
      <div className="toolbar">
        <input placeholder="filter name, group, role" value={filter} onChange={(e) => { setFilter(e.target.value); setOffset(0); }} data-testid="nodes-filter" />
        <select value={role} onChange={(e) => { setRole(e.target.value as typeof role); setOffset(0); }} data-testid="nodes-role">
          <option value="">any role</option>
          <option value="master">master</option>
          <option value="slave">slave</option>
          <option value="down">down</option>
        </select>
      </div>
      <ClusterGate isLoading={q.isLoading} error={q.error}>
        {() => {
          const d = q.data!;
          return (
            <>
              <table data-testid="nodes-table">
                <thead>
                  <tr>
                    {COLUMNS.map((c) => (
                      <th key={c.key}>
                        <button type="button" className="link" onClick={() => sortBy(c.key)} data-testid={`nodes-sort-${c.key}`}>
                          {c.label}{sort === c.key ? (order === "asc" ? " ▲" : " ▼") : ""}
                        </button>
                      </th>
                    ))}
                    <th>Process</th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((n) => (
                    <tr key={n.name} data-testid={`nodes-row-${n.name}`} className={n.up ? undefined : "failed"}>
                      <td><Link href={`/nodes/${encodeURIComponent(n.name)}`} data-testid={`nodes-link-${n.name}`}>{n.name}</Link></td>
                      <td>{n.group}</td>
                      <td data-testid={`nodes-role-${n.name}`}>{n.role}{n.lagBytes ? <span className="badge warn">{formatBytes(n.lagBytes)} behind</span> : null}</td>
                      <td>{n.connections}</td>
                      <td>{n.depth}</td>
                      <td>{formatRate(n.inPerSec)}</td>
                      <td>{formatRate(n.outPerSec)}</td>
                      <td>{n.memoryPercent}%</td>
                      <td>{n.storePercent}%</td>
                      <td>{formatDuration(n.uptimeMs)}</td>
                      <td>{n.process ? `${n.process.state}${n.process.pid ? ` (pid ${n.process.pid})` : ""}` : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="toolbar" style={{ marginTop: 8 }}>
                <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
                <span data-testid="nodes-range">{d.total === 0 ? "0" : `${offset + 1}–${Math.min(offset + PAGE, d.total)}`} of {d.total}</span>
                <button type="button" disabled={offset + PAGE >= d.total} onClick={() => setOffset(offset + PAGE)}>Next</button>
              </div>
            </>
          );
        }}
      </ClusterGate>
    </section>
  );
}
