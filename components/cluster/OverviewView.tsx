"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "../trpc";
import { ClusterGate } from "./ClusterGate";
import { formatRate } from "./format";
import { MetricsCharts } from "./MetricsCharts";

function Stat({ label, value, testid }: { label: string; value: ReactNode; testid: string }): ReactNode {
  return (
    <div style={{ background: "#fff", border: "1px solid var(--line)", borderRadius: 6, padding: "10px 14px", minWidth: 130 }}>
      <div className="muted" style={{ fontSize: 12 }}>{label}</div>
      <div style={{ fontSize: 22, fontWeight: 600 }} data-testid={testid}>{value}</div>
    </div>
  );
}

/** Total depth; groups without a serving master are named, never counted as 0. */
function depthLabel(depth: number, unavailable: string[], groups: number): string {
  if (unavailable.length === 0) return depth.toLocaleString();
  if (unavailable.length === groups) return "unavailable";
  return `${depth.toLocaleString()} + ${unavailable.join(", ")} unavailable`;
}

/** Health at a glance: groups and their masters, nodes, traffic, backlog, and what needs attention. */
export function OverviewView(): ReactNode {
  const trpc = useTRPC();
  const q = useQuery(trpc.cluster.overview.queryOptions());
  return (
    <section>
      <h1>Overview</h1>
      <ClusterGate isLoading={q.isLoading} error={q.error}>
        {() => {
          const o = q.data!;
          return (
            <>
              <p className="muted">{o.name}</p>
              <div style={{ display: "flex", gap: 10, flexWrap: "wrap", marginBottom: 16 }}>
                <Stat label="Nodes up" value={`${o.nodes.up} / ${o.nodes.total}`} testid="overview-nodes-up" />
                <Stat label="In" value={formatRate(o.rates.inPerSec)} testid="overview-in" />
                <Stat label="Out" value={formatRate(o.rates.outPerSec)} testid="overview-out" />
                <Stat label="Depth" value={depthLabel(o.depth, o.depthUnavailable, o.groups.length)} testid="overview-depth" />
                <Stat label="Connections" value={o.connections} testid="overview-connections" />
                <Stat label="Problems" value={o.problems.length} testid="overview-problem-count" />
              </div>
              <h2>Over time</h2>
              <MetricsCharts />
              <h2>Groups</h2>
              <table data-testid="overview-groups">
                <thead>
                  <tr><th>Group</th><th>Master</th><th>Slaves</th><th>Members / quorum</th><th>Depth</th><th>Sync</th></tr>
                </thead>
                <tbody>
                  {o.groups.map((g) => (
                    <tr key={g.name} data-testid={`overview-group-${g.name}`}>
                      <td><Link href={`/groups/${encodeURIComponent(g.name)}`}>{g.name}</Link></td>
                      <td data-testid={`overview-master-${g.name}`}>
                        {g.master ? <Link href={`/nodes/${encodeURIComponent(g.master)}`}>{g.master}</Link> : <span className="error">none</span>}
                      </td>
                      <td>{g.slaves.join(", ") || "—"}</td>
                      <td className={g.members < g.quorum ? "error" : undefined}>{g.members} / {g.quorum} (of {g.replicas})</td>
                      <td data-testid={`overview-depth-${g.name}`} className={g.depth === null ? "error" : undefined} title={g.depth === null ? "no master serves this group: its messages cannot be read or consumed until one is elected" : undefined}>
                        {g.depth === null ? "unavailable (no master)" : g.depth.toLocaleString()}
                      </td>
                      <td>{g.sync}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <h2>Problems</h2>
              {o.problems.length === 0 ? (
                <p className="muted" data-testid="overview-no-problems">Nothing needs attention.</p>
              ) : (
                <ul data-testid="overview-problems">
                  {o.problems.map((p, i) => (
                    <li key={`${p.kind}-${p.group}-${p.node ?? ""}-${i}`} className={p.severity === "critical" ? "error" : undefined} data-testid={`problem-${p.kind}`}>
                      <span className="badge warn">{p.severity}</span> {p.message}
                    </li>
                  ))}
                </ul>
              )}
            </>
          );
        }}
      </ClusterGate>
    </section>
  );
}
